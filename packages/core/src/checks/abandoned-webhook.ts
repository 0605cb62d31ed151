import type { Analysis, Finding } from '../analysis-types.js';
import { isDns1035Label, isDns1123Label, isDns1123Subdomain } from '../k8s/names.js';
import type { WebhookRecord } from '../scan/index.js';
import type { Check } from './check.js';
import { distributionOf } from './commands.js';
import { notAValidName, shellQuote } from './shell.js';

// The apiserver defaults failurePolicy to Fail (admissionregistration/v1 SetDefaults).
const isFail = (w: WebhookRecord) => (w.failurePolicy ?? 'Fail') === 'Fail';

const KUBECTL_KIND: Record<WebhookRecord['kind'], string> = {
  MutatingWebhookConfiguration: 'mutatingwebhookconfiguration',
  ValidatingWebhookConfiguration: 'validatingwebhookconfiguration',
};

// `<kind>/<name>`: the name may hold a slash itself.
const nameOf = (id: string) => id.slice(id.indexOf('/') + 1);

/** The kubectl line that shows the Service is gone, or why there is none. */
function serviceVerify(kubectl: string, w: WebhookRecord): string {
  const namespace = w.service?.namespace ?? '';
  const name = w.service?.name ?? '';
  if (!isDns1123Label(namespace)) return `verify: none, ${notAValidName('namespace', namespace).slice(2)}`;
  if (!isDns1035Label(name)) return `verify: none, ${notAValidName('Service name', name).slice(2)}`;
  return `verify: ${kubectl} -n ${shellQuote(namespace)} get service ${shellQuote(name)}`;
}

/** 6. Admission webhooks that call a Service the snapshot does not have. */
export const abandonedWebhookCheck: Check = {
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
      if (!isDns1123Subdomain(first.configuration)) return [];
      const name = shellQuote(first.configuration);
      if (hooks.length === first.webhooksInConfiguration) {
        return [`${d.kubectl} delete ${kind} ${name}`];
      }
      // Some webhooks of the configuration still work: remove only the orphaned ones, last index first.
      const patch = hooks
        .map((w) => w.index)
        .sort((a, b) => b - a)
        .map((i) => ({ op: 'remove', path: `/webhooks/${i}` }));
      return [`${d.kubectl} patch ${kind} ${name} --type=json -p ${shellQuote(JSON.stringify(patch))}`];
    });
    return [
      {
        id: 'abandoned-webhook',
        severity: orphaned.some(isFail) ? 'critical' : 'warning',
        title: `${orphaned.length} admission webhook${orphaned.length === 1 ? '' : 's'} call${
          orphaned.length === 1 ? 's' : ''
        } a Service that does not exist (${configurations.map(nameOf).join(', ')})`,
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
          ...orphaned.map((w) => serviceVerify(d.kubectl, w)),
        ],
        remediation: [
          '# Keep a copy, then remove the webhooks whose Service is gone:',
          ...configurations.map((id) => {
            const kind = id.slice(0, id.indexOf('/')) as WebhookRecord['kind'];
            const name = nameOf(id);
            if (!isDns1123Subdomain(name)) return notAValidName(`${kind} name`, name);
            return `${d.kubectl} get ${KUBECTL_KIND[kind]} ${shellQuote(name)} -o yaml > ${shellQuote(`${name}.bak.yaml`)}`;
          }),
          ...commands,
        ].join('\n'),
        data: {
          orphanedWebhooks: orphaned.length,
          configurations: configurations.map(nameOf),
          failClosed: orphaned.filter(isFail).length,
        },
      },
    ];
  },
};
