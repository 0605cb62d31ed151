// The webhook scan keeps the first records and counts the rest (issue #12 §3: 200,000 webhook records
// took 270 MiB); what the abandoned-webhook finding needs is counted over every one.
import { describe, expect, it } from 'vitest';
import { ANALYSIS_LIST_LIMIT } from '../../src/bounded-lists.js';
import { LIST_LIMIT } from '../../src/checks/finding-limits.js';
import { ORPHANED_EXAMPLES, type WebhookRecord, webhookCollector } from '../../src/scan/webhooks.js';

const record = (
  configuration: string,
  index: number,
  webhooks: number,
  orphaned: boolean,
): WebhookRecord => ({
  kind: 'ValidatingWebhookConfiguration',
  configuration,
  key: `/registry/validatingwebhookconfigurations/${configuration}`,
  webhook: `w${index}.${configuration}`,
  index,
  webhooksInConfiguration: webhooks,
  failurePolicy: index % 2 ? 'Ignore' : null,
  timeoutSeconds: null,
  url: null,
  service: { namespace: 'ns', name: `svc-${configuration}-${index}`, port: null, path: null },
  serviceKey: `/registry/services/specs/ns/svc-${configuration}-${index}`,
  serviceExists: !orphaned,
  namespaceExists: true,
});

describe('webhookCollector', () => {
  it('keeps the first records, counts all, and groups the orphaned ones per configuration', () => {
    const collector = webhookCollector();
    const added: WebhookRecord[] = [];
    // 600 configurations of 3: in every third one only webhook 1 is orphaned, else all three.
    for (let c = 0; c < 600; c++)
      for (let i = 0; i < 3; i++) {
        const r = record(`c${c}`, i, 3, c % 3 !== 0 || i === 1);
        added.push(r);
        collector.add(r);
      }
    // A second key whose object has the same name as c1: kubectl names them alike, so one entry.
    collector.add(record('c1', 0, 1, true));
    const { webhooks, summary } = collector.finish();
    expect(webhooks).toEqual(added.slice(0, ANALYSIS_LIST_LIMIT));
    const orphaned = added.filter((r) => r.serviceExists === false);
    expect(summary.total).toBe(1801);
    expect(summary.orphaned).toBe(orphaned.length + 1);
    // failurePolicy unset is the apiserver's Fail; index 1 is Ignore.
    expect(summary.orphanedFailClosed).toBe(orphaned.filter((r) => r.index !== 1).length + 1);
    expect(summary.orphanedExamples).toEqual(orphaned.slice(0, ORPHANED_EXAMPLES));
    expect(summary.orphanedConfigurations).toHaveLength(600);
    expect(summary.orphanedConfigurations.slice(0, 3)).toEqual([
      {
        kind: 'ValidatingWebhookConfiguration',
        configuration: 'c0',
        webhooks: 3,
        orphaned: 1,
        orphanedIndexes: [1],
      },
      // 4 orphaned of a configuration of 3: not all of "its" webhooks, so a patch with every index.
      {
        kind: 'ValidatingWebhookConfiguration',
        configuration: 'c1',
        webhooks: 3,
        orphaned: 4,
        orphanedIndexes: [0, 1, 2, 0],
      },
      {
        kind: 'ValidatingWebhookConfiguration',
        configuration: 'c2',
        webhooks: 3,
        orphaned: 3,
        orphanedIndexes: [],
      },
    ]);
  });

  it('keeps as many orphaned webhooks whole as a finding shows evidence lines', () => {
    expect(ORPHANED_EXAMPLES).toBeGreaterThanOrEqual(LIST_LIMIT);
  });
});
