import { decodeKind } from './decode-kind.js';
import {
  type LabelSelector,
  type ObjectMeta,
  type RawLabelSelector,
  type RawObjectMeta,
  toLabelSelector,
  toObjectMeta,
} from './object-meta.js';
import type { MessageName } from './schema.js';
import { decodeEnvelope } from './value.js';

const ADMISSION_GROUP = 'admissionregistration.k8s.io';

/** Which kind of webhook configuration a value holds. */
export type WebhookConfigurationKind = 'MutatingWebhookConfiguration' | 'ValidatingWebhookConfiguration';

/** An in-cluster Service a webhook is called through. */
export interface WebhookService {
  namespace: string;
  name: string;
  path?: string;
  /** Absent means the upstream default, 443. */
  port?: number;
}

/** How the apiserver reaches a webhook: exactly one of `url` and `service` is set upstream. */
export interface WebhookClientConfig {
  url?: string;
  service?: WebhookService;
  /** Size of the CA bundle in bytes (its contents are not kept); 0 when absent. */
  caBundleBytes: number;
}

/** Operations on resources a webhook is called for. */
export interface WebhookRule {
  operations: string[];
  apiGroups: string[];
  apiVersions: string[];
  resources: string[];
  scope?: string;
}

/** One webhook of a configuration. */
export interface Webhook {
  name: string;
  clientConfig: WebhookClientConfig;
  rules: WebhookRule[];
  /** `Fail` or `Ignore`; the apiserver defaults it to `Fail` before storing, so it is normally present. */
  failurePolicy?: string;
  matchPolicy?: string;
  sideEffects?: string;
  timeoutSeconds?: number;
  admissionReviewVersions: string[];
  /** Mutating webhooks only. */
  reinvocationPolicy?: string;
  namespaceSelector?: LabelSelector;
  objectSelector?: LabelSelector;
}

/** A MutatingWebhookConfiguration or ValidatingWebhookConfiguration. */
export interface WebhookConfiguration {
  apiVersion: string;
  kind: WebhookConfigurationKind;
  metadata: ObjectMeta;
  webhooks: Webhook[];
}

interface RawWebhook {
  name?: string;
  clientConfig?: {
    url?: string;
    service?: { namespace?: string; name?: string; path?: string; port?: number };
    caBundle?: Uint8Array;
  };
  rules?: {
    operations?: string[];
    rule?: { apiGroups?: string[]; apiVersions?: string[]; resources?: string[]; scope?: string };
  }[];
  failurePolicy?: string;
  matchPolicy?: string;
  sideEffects?: string;
  timeoutSeconds?: number;
  admissionReviewVersions?: string[];
  reinvocationPolicy?: string;
  namespaceSelector?: RawLabelSelector;
  objectSelector?: RawLabelSelector;
}

interface RawConfiguration {
  metadata?: RawObjectMeta;
  webhooks?: RawWebhook[];
}

// The message decides where objectSelector sits (11 for mutating, 10 for validating).
const MESSAGES: Record<WebhookConfigurationKind, MessageName> = {
  MutatingWebhookConfiguration: 'MutatingWebhookConfiguration',
  ValidatingWebhookConfiguration: 'ValidatingWebhookConfiguration',
};

function toWebhook(raw: RawWebhook): Webhook {
  const config = raw.clientConfig;
  const clientConfig: WebhookClientConfig = { caBundleBytes: config?.caBundle?.length ?? 0 };
  if (config?.url) clientConfig.url = config.url;
  if (config?.service) {
    const service: WebhookService = {
      namespace: config.service.namespace ?? '',
      name: config.service.name ?? '',
    };
    if (config.service.path) service.path = config.service.path;
    if (config.service.port !== undefined) service.port = config.service.port;
    clientConfig.service = service;
  }
  const webhook: Webhook = {
    name: raw.name ?? '',
    clientConfig,
    rules: (raw.rules ?? []).map((r) => {
      const rule: WebhookRule = {
        operations: [...(r.operations ?? [])],
        apiGroups: [...(r.rule?.apiGroups ?? [])],
        apiVersions: [...(r.rule?.apiVersions ?? [])],
        resources: [...(r.rule?.resources ?? [])],
      };
      if (r.rule?.scope) rule.scope = r.rule.scope;
      return rule;
    }),
    admissionReviewVersions: [...(raw.admissionReviewVersions ?? [])],
  };
  if (raw.failurePolicy) webhook.failurePolicy = raw.failurePolicy;
  if (raw.matchPolicy) webhook.matchPolicy = raw.matchPolicy;
  if (raw.sideEffects) webhook.sideEffects = raw.sideEffects;
  if (raw.timeoutSeconds !== undefined) webhook.timeoutSeconds = raw.timeoutSeconds;
  if (raw.reinvocationPolicy) webhook.reinvocationPolicy = raw.reinvocationPolicy;
  const namespaceSelector = toLabelSelector(raw.namespaceSelector);
  if (namespaceSelector) webhook.namespaceSelector = namespaceSelector;
  const objectSelector = toLabelSelector(raw.objectSelector);
  if (objectSelector) webhook.objectSelector = objectSelector;
  return webhook;
}

function decodeConfiguration(value: Uint8Array, kind: WebhookConfigurationKind): WebhookConfiguration {
  const decoded = decodeKind<RawConfiguration>(value, ADMISSION_GROUP, [kind], MESSAGES[kind]);
  return {
    apiVersion: decoded.apiVersion,
    kind,
    metadata: toObjectMeta(decoded.object.metadata),
    webhooks: (decoded.object.webhooks ?? []).map(toWebhook),
  };
}

/** Decode a stored MutatingWebhookConfiguration value; throws ValueDecodeError. */
export function decodeMutatingWebhookConfiguration(value: Uint8Array): WebhookConfiguration {
  return decodeConfiguration(value, 'MutatingWebhookConfiguration');
}

/** Decode a stored ValidatingWebhookConfiguration value; throws ValueDecodeError. */
export function decodeValidatingWebhookConfiguration(value: Uint8Array): WebhookConfiguration {
  return decodeConfiguration(value, 'ValidatingWebhookConfiguration');
}

/** Decode either kind of webhook configuration, whichever the value holds; throws ValueDecodeError. */
export function decodeWebhookConfiguration(value: Uint8Array): WebhookConfiguration {
  const { kind } = decodeEnvelope(value);
  return decodeConfiguration(
    value,
    kind === 'ValidatingWebhookConfiguration' ? kind : 'MutatingWebhookConfiguration',
  );
}
