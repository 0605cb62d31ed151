import type { Analysis, Finding } from '../analysis-types.js';
import { plural } from '../format.js';
import { isDns1035Label, isDns1123Label, isDns1123Subdomain } from '../k8s/names.js';
import { isFailClosed, type WebhookRecord } from '../scan/index.js';
import type { Check } from './check.js';
import { distributionOf } from './commands.js';
import { boundedEvidence } from './finding-limits.js';
import { notAValidName, shellQuote } from './shell.js';

const KUBECTL_KIND: Record<WebhookRecord['kind'], string> = {
  MutatingWebhookConfiguration: 'mutatingwebhookconfiguration',
  ValidatingWebhookConfiguration: 'validatingwebhookconfiguration',
};

/** The kubectl line that shows the Service is gone, or why there is none. */
function serviceVerify(kubectl: string, w: WebhookRecord): string {
  const namespace = w.service?.namespace ?? '';
  const name = w.service?.name ?? '';
  if (!isDns1123Label(namespace)) return `verify: none, ${notAValidName('namespace', namespace).slice(2)}`;
  if (!isDns1035Label(name)) return `verify: none, ${notAValidName('Service name', name).slice(2)}`;
  // kubectl's answer for a missing object (its namespace may be gone too), on stderr with exit 1:
  // "Error from server (%s): %s" with the reason (kubernetes/kubectl:pkg/cmd/util/helpers.go), the
  // message NewNotFound's `%s %q not found` (kubernetes/apimachinery:pkg/api/errors/errors.go).
  // Both name parts are valid names here, so the comment holds them as they are.
  return `verify: ${kubectl} -n ${shellQuote(namespace)} get service ${shellQuote(name)}  # prints Error from server (NotFound): services "${name}" not found`;
}

/** One orphaned webhook in words. */
function orphanLine(w: WebhookRecord): string {
  return (
    `${KUBECTL_KIND[w.kind]} ${w.configuration} (${w.key}), webhook ${w.webhook}: service ` +
    `${w.service?.namespace}/${w.service?.name}${w.service?.port ? `:${w.service.port}` : ''} — no live key ${w.serviceKey}` +
    `${w.namespaceExists === false ? `, and namespace ${w.service?.namespace} is gone too` : ''}; ` +
    `failurePolicy ${w.failurePolicy ?? 'Fail (default)'}` +
    (isFailClosed(w)
      ? ': every matching API request is rejected while it cannot be reached'
      : ': every matching request waits for the timeout first')
  );
}

/** 6. Admission webhooks that call a Service the snapshot does not have. */
export const abandonedWebhookCheck: Check = {
  id: 'abandoned-webhook',
  run(analysis: Analysis): Finding[] {
    // Counted over every webhook by the scan, which keeps the first orphaned ones whole: the
    // evidence lines are built for those only (scan/webhooks.ts).
    const summary = analysis.objects?.webhookSummary;
    if (!summary || summary.orphaned === 0) return [];
    const { orphaned, orphanedExamples: examples, orphanedConfigurations: configurations } = summary;
    const d = distributionOf(analysis);
    const commands = configurations.flatMap((c) => {
      const kind = KUBECTL_KIND[c.kind];
      if (!isDns1123Subdomain(c.configuration)) return [];
      const name = shellQuote(c.configuration);
      if (c.orphaned === c.webhooks) {
        return [`${d.kubectl} delete ${kind} ${name}`];
      }
      // Some webhooks of the configuration still work: remove only the orphaned ones, last index first.
      const patch = [...c.orphanedIndexes]
        .sort((a, b) => b - a)
        .map((i) => ({ op: 'remove', path: `/webhooks/${i}` }));
      return [`${d.kubectl} patch ${kind} ${name} --type=json -p ${shellQuote(JSON.stringify(patch))}`];
    });
    const others = summary.total - orphaned;
    // One line per orphaned webhook, one on the others, one verify line per orphaned webhook.
    const line = (i: number) =>
      i < orphaned
        ? orphanLine(examples[i]!)
        : i === orphaned
          ? `${plural(others, 'other webhook')} call${others === 1 ? 's' : ''} a Service that exists or a URL`
          : serviceVerify(d.kubectl, examples[i - orphaned - 1]!);
    return [
      {
        id: 'abandoned-webhook',
        severity: summary.orphanedFailClosed > 0 ? 'critical' : 'warning',
        title: `${plural(orphaned, 'admission webhook')} call${
          orphaned === 1 ? 's' : ''
        } a Service that does not exist (${configurations.map((c) => c.configuration).join(', ')})`,
        evidence: boundedEvidence(2 * orphaned + 1, line),
        remediation: [
          '# Keep a copy, then remove the webhooks whose Service is gone:',
          ...configurations.map(({ kind, configuration: name }) => {
            if (!isDns1123Subdomain(name)) return notAValidName(`${kind} name`, name);
            return `${d.kubectl} get ${KUBECTL_KIND[kind]} ${shellQuote(name)} -o yaml > ${shellQuote(`${name}.bak.yaml`)}`;
          }),
          ...commands,
        ].join('\n'),
        data: {
          orphanedWebhooks: orphaned,
          configurations: configurations.map((c) => c.configuration),
          failClosed: summary.orphanedFailClosed,
          // Which configurations the fail-closed ones are in, from the examples; null when the scan
          // kept only the first orphans (the plan then names none rather than the wrong ones).
          failClosedConfigurations:
            examples.length >= orphaned
              ? [...new Set(examples.filter(isFailClosed).map((w) => w.configuration))]
              : null,
        },
      },
    ];
  },
};
