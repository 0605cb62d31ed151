import { ANALYSIS_LIST_LIMIT } from '../bounded-lists.js';
import {
  decodeMutatingWebhookConfiguration,
  decodeValidatingWebhookConfiguration,
  type WebhookConfiguration,
  type WebhookConfigurationKind,
} from '../k8s/webhooks.js';
import type { SqliteDatabase } from '../sqlite/open.js';
import { createDecodeCounter, type DecodeStats } from './decode-stats.js';
import { createKeyLookup, iterateLatest } from './latest.js';

/** One webhook of an admission configuration and whether what it calls exists in the snapshot. */
export interface WebhookRecord {
  kind: WebhookConfigurationKind;
  /** The configuration's name (what `kubectl delete` takes). */
  configuration: string;
  key: string;
  /** The webhook's own name inside the configuration. */
  webhook: string;
  /** Its position in the configuration's `webhooks` list (for a JSON patch that removes it). */
  index: number;
  /** How many webhooks the configuration has. */
  webhooksInConfiguration: number;
  /** `Fail` (the default) blocks matching requests while the webhook is unreachable. */
  failurePolicy: string | null;
  timeoutSeconds: number | null;
  url: string | null;
  service: { namespace: string; name: string; port: number | null; path: string | null } | null;
  /** The key the Service would have: `/registry/services/specs/<ns>/<name>`. */
  serviceKey: string | null;
  /** Whether that key is live in this snapshot; null for URL webhooks. */
  serviceExists: boolean | null;
  namespaceExists: boolean | null;
}

const SOURCES: {
  kind: WebhookConfigurationKind;
  prefix: string;
  decode: (v: Uint8Array) => WebhookConfiguration;
}[] = [
  {
    kind: 'MutatingWebhookConfiguration',
    prefix: 'mutatingwebhookconfigurations',
    decode: decodeMutatingWebhookConfiguration,
  },
  {
    kind: 'ValidatingWebhookConfiguration',
    prefix: 'validatingwebhookconfigurations',
    decode: decodeValidatingWebhookConfiguration,
  },
];

/** A configuration with at least one orphaned webhook (its Service key is not live). */
export interface OrphanedConfiguration {
  kind: WebhookConfigurationKind;
  configuration: string;
  /** How many webhooks the configuration has (as its first orphaned webhook's value says). */
  webhooks: number;
  /** How many of them are orphaned: all of them, and the configuration can go. */
  orphaned: number;
  /**
   * The orphaned webhooks' positions in its `webhooks` list, in order, when some others still work
   * (for a JSON patch that removes only these); empty when every one is orphaned.
   */
  orphanedIndexes: number[];
}

/**
 * What the `abandoned-webhook` finding needs, counted over every webhook while the scan keeps a
 * record of the first ones only: 200,000 webhooks (5,000 configurations of 40) took 270 MiB as
 * records (issue #12 §3).
 */
export interface WebhookSummary {
  /** Every webhook of every configuration (`objects.webhooks` lists the first 1,000). */
  total: number;
  /** Webhooks whose Service key is not live (`serviceExists` false). */
  orphaned: number;
  /** Of those, failurePolicy `Fail`, given or defaulted: each rejects matching API requests. */
  orphanedFailClosed: number;
  /**
   * Per `kind/configuration` with an orphaned webhook, in key order (two keys whose objects carry
   * the same name are one entry, as `kubectl` names them).
   */
  orphanedConfigurations: OrphanedConfiguration[];
  /** The first ORPHANED_EXAMPLES orphaned webhooks, whole: what the finding's evidence lines show. */
  orphanedExamples: WebhookRecord[];
}

/** As many as a finding's evidence shows (LIST_LIMIT, checks/finding-limits.ts): no line needs more. */
export const ORPHANED_EXAMPLES = 50;

// The apiserver defaults failurePolicy to Fail (kubernetes/kubernetes:pkg/apis/admissionregistration/v1/defaults.go).
export const isFailClosed = (w: Pick<WebhookRecord, 'failurePolicy'>) =>
  (w.failurePolicy ?? 'Fail') === 'Fail';

/** The webhooks of a scan: the first `limit` records, and the summary over all of them. */
export interface WebhookCollection {
  webhooks: WebhookRecord[];
  summary: WebhookSummary;
}

/** Collects webhook records one at a time, keeping only what WebhookCollection holds. */
export function webhookCollector(limit = ANALYSIS_LIST_LIMIT): {
  add(record: WebhookRecord): void;
  finish(): WebhookCollection;
} {
  const webhooks: WebhookRecord[] = [];
  const summary: WebhookSummary = {
    total: 0,
    orphaned: 0,
    orphanedFailClosed: 0,
    orphanedConfigurations: [],
    orphanedExamples: [],
  };
  const byConfiguration = new Map<string, OrphanedConfiguration>();
  return {
    add(record) {
      summary.total++;
      if (webhooks.length < limit) webhooks.push(record);
      if (record.serviceExists !== false) return;
      summary.orphaned++;
      if (isFailClosed(record)) summary.orphanedFailClosed++;
      if (summary.orphanedExamples.length < ORPHANED_EXAMPLES) summary.orphanedExamples.push(record);
      const id = `${record.kind}/${record.configuration}`;
      const seen = byConfiguration.get(id);
      if (seen) {
        seen.orphaned++;
        seen.orphanedIndexes.push(record.index);
      } else {
        const entry: OrphanedConfiguration = {
          kind: record.kind,
          configuration: record.configuration,
          webhooks: record.webhooksInConfiguration,
          orphaned: 1,
          orphanedIndexes: [record.index],
        };
        byConfiguration.set(id, entry);
        summary.orphanedConfigurations.push(entry);
      }
    },
    finish() {
      // Only a configuration that keeps working webhooks needs its indexes (a patch, not a delete).
      for (const c of summary.orphanedConfigurations) if (c.orphaned === c.webhooks) c.orphanedIndexes = [];
      return { webhooks, summary };
    },
  };
}

/**
 * Decode every admission webhook configuration and look up the Service each webhook calls; keeps
 * the first ANALYSIS_LIST_LIMIT records and counts the rest (webhookCollector).
 */
export function scanWebhooks(db: SqliteDatabase): WebhookCollection & { stats: DecodeStats[] } {
  const exists = createKeyLookup(db);
  const collector = webhookCollector();
  const stats: DecodeStats[] = [];
  for (const source of SOURCES) {
    const counter = createDecodeCounter(source.prefix);
    for (const { key, value } of iterateLatest(db, `/registry/${source.prefix}/`)) {
      const configuration = counter.decode(key, value, source.decode);
      if (!configuration) continue;
      for (const [index, webhook] of configuration.webhooks.entries()) {
        const service = webhook.clientConfig.service;
        const serviceKey = service ? `/registry/services/specs/${service.namespace}/${service.name}` : null;
        collector.add({
          kind: source.kind,
          configuration: configuration.metadata.name || key.slice(`/registry/${source.prefix}/`.length),
          key,
          webhook: webhook.name,
          index,
          webhooksInConfiguration: configuration.webhooks.length,
          failurePolicy: webhook.failurePolicy ?? null,
          timeoutSeconds: webhook.timeoutSeconds ?? null,
          url: webhook.clientConfig.url ?? null,
          service: service
            ? {
                namespace: service.namespace,
                name: service.name,
                port: service.port ?? null,
                path: service.path ?? null,
              }
            : null,
          serviceKey,
          serviceExists: serviceKey ? exists(serviceKey) : null,
          namespaceExists: service ? exists(`/registry/namespaces/${service.namespace}`) : null,
        });
      }
    }
    stats.push(counter.stats);
  }
  return { ...collector.finish(), stats };
}
