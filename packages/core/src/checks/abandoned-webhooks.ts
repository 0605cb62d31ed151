import type { Analysis, Finding } from '../analysis-types.js';
import type { WebhookRecord } from '../scan/index.js';
import type { Check } from './check.js';
import { distributionOf } from './commands.js';
import { shellQuote } from './format.js';

// The apiserver defaults failurePolicy to Fail (admissionregistration/v1 SetDefaults).
const isFail = (w: WebhookRecord) => (w.failurePolicy ?? 'Fail') === 'Fail';

const KUBECTL_KIND: Record<WebhookRecord['kind'], string> = {
  MutatingWebhookConfiguration: 'mutatingwebhookconfiguration',
  ValidatingWebhookConfiguration: 'validatingwebhookconfiguration',
};

/** 6. Admission webhooks that call a Service the snapshot does not have. */
export const abandonedWebhooksCheck: Check = {
  id: 'abandoned-webhook',
  run(analysis: Analysis): Finding[] {
    const all = analysis.objects?.webhooks ?? [];
    const orphaned = all.filter((w) => w.serviceExists === false);
    if (orphaned.length === 0) return [];
    const d = distributionOf(analysis);
    const configurations = [...new Set(orphaned.map((w) => `${w.kind}/${w.configuration}`))];
    const commands = configurations.flatMap((id) => {
      const hooks = orphaned.filter((w) => `${w.kind}/${w.configuration}` === id);
      const first = hooks[0]!;
      const kind = KUBECTL_KIND[first.kind];
      if (hooks.length === first.webhooksInConfiguration) {
        return [`${d.kubectl} delete ${kind} ${first.configuration}`];
      }
      // Some webhooks of the configuration still work: remove only the orphaned ones, last index first.
      const patch = hooks
        .map((w) => w.index)
        .sort((a, b) => b - a)
        .map((i) => ({ op: 'remove', path: `/webhooks/${i}` }));
      return [
        `${d.kubectl} patch ${kind} ${first.configuration} --type=json -p ${shellQuote(JSON.stringify(patch))}`,
      ];
    });
    return [
      {
        id: 'abandoned-webhook',
        severity: orphaned.some(isFail) ? 'critical' : 'warning',
        title: `${orphaned.length} admission webhook${orphaned.length === 1 ? '' : 's'} call${
          orphaned.length === 1 ? 's' : ''
        } a Service that does not exist (${configurations.map((c) => c.split('/')[1]).join(', ')})`,
        evidence: [
          ...orphaned.map(
            (w) =>
              `${KUBECTL_KIND[w.kind]} ${w.configuration} (${w.key}), webhook ${w.webhook}: service ` +
              `${w.service?.namespace}/${w.service?.name}${w.service?.port ? `:${w.service.port}` : ''} — no live key ${w.serviceKey}` +
              `${w.namespaceExists === false ? `, and namespace ${w.service?.namespace} is gone too` : ''}; ` +
              `failurePolicy ${w.failurePolicy ?? 'Fail (default)'}` +
              (isFail(w)
                ? ': every matching API request is rejected while it cannot be reached'
                : ': every matching request waits for the timeout first'),
          ),
          `${all.length - orphaned.length} other webhook${all.length - orphaned.length === 1 ? '' : 's'} call a Service that exists or a URL`,
          ...orphaned.map(
            (w) => `verify: ${d.kubectl} -n ${w.service?.namespace} get service ${w.service?.name}`,
          ),
        ],
        remediation: [
          '# Keep a copy, then remove the webhooks whose Service is gone:',
          ...configurations.map((id) => {
            const [kind, name] = id.split('/') as [WebhookRecord['kind'], string];
            return `${d.kubectl} get ${KUBECTL_KIND[kind]} ${name} -o yaml > ${name}.bak.yaml`;
          }),
          ...commands,
        ].join('\n'),
        data: {
          orphanedWebhooks: orphaned.length,
          configurations: configurations.map((c) => c.split('/')[1]!),
          failClosed: orphaned.filter(isFail).length,
        },
      },
    ];
  },
};
