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

/** Decode every admission webhook configuration and look up the Service each webhook calls. */
export function scanWebhooks(db: SqliteDatabase): { webhooks: WebhookRecord[]; stats: DecodeStats[] } {
  const exists = createKeyLookup(db);
  const webhooks: WebhookRecord[] = [];
  const stats: DecodeStats[] = [];
  for (const source of SOURCES) {
    const counter = createDecodeCounter(source.prefix);
    for (const { key, value } of iterateLatest(db, `/registry/${source.prefix}/`)) {
      const configuration = counter.decode(key, value, source.decode);
      if (!configuration) continue;
      for (const [index, webhook] of configuration.webhooks.entries()) {
        const service = webhook.clientConfig.service;
        const serviceKey = service ? `/registry/services/specs/${service.namespace}/${service.name}` : null;
        webhooks.push({
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
  return { webhooks, stats };
}
