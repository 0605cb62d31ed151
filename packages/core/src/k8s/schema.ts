import { ValueDecodeError } from './decode-error.js';
import { decodeWire, type WireField, type WireMessage } from './protobuf-wire.js';

// Only the fields we read, with the field numbers of the upstream go-to-protobuf output:
//   k8s.io/apimachinery pkg/runtime/generated.proto          (TypeMeta, Unknown)
//   k8s.io/apimachinery pkg/apis/meta/v1/generated.proto     (ObjectMeta, Time, MicroTime, OwnerReference, LabelSelector)
//   k8s.io/api coordination/v1, rbac/v1, admissionregistration/v1, core/v1, apps/v1 generated.proto
// The decoder (k8s/protobuf-wire.ts) skips every field not listed here (managedFields, containers,
// caBundle contents are never materialised beyond what we name), so adding upstream fields never
// breaks decoding.
// Secret is deliberately absent: its data must never be decoded.

type FieldJson = { id: number; type: string; rule?: 'repeated'; keyType?: string };

const str = (id: number): FieldJson => ({ id, type: 'string' });
const strs = (id: number): FieldJson => ({ id, type: 'string', rule: 'repeated' });
const msg = (id: number, type: string): FieldJson => ({ id, type });
const msgs = (id: number, type: string): FieldJson => ({ id, type, rule: 'repeated' });
const num = (id: number, type: 'int32' | 'int64' | 'bool' | 'bytes'): FieldJson => ({ id, type });
const stringMap = (id: number): FieldJson => ({ id, type: 'string', keyType: 'string' });

/** The messages and their fields (exported for the decoder's differential test). */
export const MESSAGE_TYPES = {
  // runtime.TypeMeta: apiVersion = 1, kind = 2 (the reverse of metav1.TypeMeta).
  TypeMeta: { fields: { apiVersion: str(1), kind: str(2) } },
  Unknown: {
    fields: {
      typeMeta: msg(1, 'TypeMeta'),
      raw: num(2, 'bytes'),
      contentEncoding: str(3),
      contentType: str(4),
    },
  },
  // metav1.Time and metav1.MicroTime share one layout.
  Time: { fields: { seconds: num(1, 'int64'), nanos: num(2, 'int32') } },
  OwnerReference: {
    fields: {
      kind: str(1),
      name: str(3),
      uid: str(4),
      apiVersion: str(5),
      controller: num(6, 'bool'),
      blockOwnerDeletion: num(7, 'bool'),
    },
  },
  ObjectMeta: {
    fields: {
      name: str(1),
      generateName: str(2),
      namespace: str(3),
      uid: str(5),
      resourceVersion: str(6),
      generation: num(7, 'int64'),
      creationTimestamp: msg(8, 'Time'),
      deletionTimestamp: msg(9, 'Time'),
      deletionGracePeriodSeconds: num(10, 'int64'),
      labels: stringMap(11),
      annotations: stringMap(12),
      ownerReferences: msgs(13, 'OwnerReference'),
      finalizers: strs(14),
    },
  },
  LabelSelectorRequirement: { fields: { key: str(1), operator: str(2), values: strs(3) } },
  LabelSelector: {
    fields: { matchLabels: stringMap(1), matchExpressions: msgs(2, 'LabelSelectorRequirement') },
  },
  // Any top-level API object: metadata is field 1 in every kind we store.
  MetaOnly: { fields: { metadata: msg(1, 'ObjectMeta') } },

  // coordination.k8s.io/v1
  LeaseSpec: {
    fields: {
      holderIdentity: str(1),
      leaseDurationSeconds: num(2, 'int32'),
      acquireTime: msg(3, 'Time'),
      renewTime: msg(4, 'Time'),
      leaseTransitions: num(5, 'int32'),
      strategy: str(6),
      preferredHolder: str(7),
    },
  },
  Lease: { fields: { metadata: msg(1, 'ObjectMeta'), spec: msg(2, 'LeaseSpec') } },

  // rbac.authorization.k8s.io/v1: Role is ClusterRole without aggregationRule; the bindings share a layout.
  PolicyRule: {
    fields: {
      verbs: strs(1),
      apiGroups: strs(2),
      resources: strs(3),
      resourceNames: strs(4),
      nonResourceURLs: strs(5),
    },
  },
  AggregationRule: { fields: { clusterRoleSelectors: msgs(1, 'LabelSelector') } },
  RbacRole: {
    fields: {
      metadata: msg(1, 'ObjectMeta'),
      rules: msgs(2, 'PolicyRule'),
      aggregationRule: msg(3, 'AggregationRule'),
    },
  },
  Subject: { fields: { kind: str(1), apiGroup: str(2), name: str(3), namespace: str(4) } },
  RoleRef: { fields: { apiGroup: str(1), kind: str(2), name: str(3) } },
  RbacBinding: {
    fields: { metadata: msg(1, 'ObjectMeta'), subjects: msgs(2, 'Subject'), roleRef: msg(3, 'RoleRef') },
  },

  // admissionregistration.k8s.io/v1: the two webhook kinds differ in objectSelector's number (11 vs 10)
  // and in reinvocationPolicy (mutating only, 10), so each gets its own message.
  ServiceReference: { fields: { namespace: str(1), name: str(2), path: str(3), port: num(4, 'int32') } },
  WebhookClientConfig: {
    fields: { service: msg(1, 'ServiceReference'), caBundle: num(2, 'bytes'), url: str(3) },
  },
  Rule: { fields: { apiGroups: strs(1), apiVersions: strs(2), resources: strs(3), scope: str(4) } },
  RuleWithOperations: { fields: { operations: strs(1), rule: msg(2, 'Rule') } },
  MutatingWebhook: {
    fields: {
      name: str(1),
      clientConfig: msg(2, 'WebhookClientConfig'),
      rules: msgs(3, 'RuleWithOperations'),
      failurePolicy: str(4),
      namespaceSelector: msg(5, 'LabelSelector'),
      sideEffects: str(6),
      timeoutSeconds: num(7, 'int32'),
      admissionReviewVersions: strs(8),
      matchPolicy: str(9),
      reinvocationPolicy: str(10),
      objectSelector: msg(11, 'LabelSelector'),
    },
  },
  ValidatingWebhook: {
    fields: {
      name: str(1),
      clientConfig: msg(2, 'WebhookClientConfig'),
      rules: msgs(3, 'RuleWithOperations'),
      failurePolicy: str(4),
      namespaceSelector: msg(5, 'LabelSelector'),
      sideEffects: str(6),
      timeoutSeconds: num(7, 'int32'),
      admissionReviewVersions: strs(8),
      matchPolicy: str(9),
      objectSelector: msg(10, 'LabelSelector'),
    },
  },
  // Upstream names field 2 `Webhooks` (capitalised); the name does not reach the wire.
  MutatingWebhookConfiguration: {
    fields: { metadata: msg(1, 'ObjectMeta'), webhooks: msgs(2, 'MutatingWebhook') },
  },
  ValidatingWebhookConfiguration: {
    fields: { metadata: msg(1, 'ObjectMeta'), webhooks: msgs(2, 'ValidatingWebhook') },
  },

  // core/v1, metadata plus a few cheap scalars.
  PodSpec: {
    fields: {
      serviceAccountName: str(8),
      nodeName: str(10),
      hostNetwork: num(11, 'bool'),
      schedulerName: str(19),
    },
  },
  PodStatus: {
    fields: { phase: str(1), reason: str(4), hostIP: str(5), podIP: str(6), startTime: msg(7, 'Time') },
  },
  Pod: { fields: { metadata: msg(1, 'ObjectMeta'), spec: msg(2, 'PodSpec'), status: msg(3, 'PodStatus') } },
  ServicePort: {
    fields: { name: str(1), protocol: str(2), port: num(3, 'int32'), nodePort: num(5, 'int32') },
  },
  ServiceSpec: {
    fields: { ports: msgs(1, 'ServicePort'), selector: stringMap(2), clusterIP: str(3), type: str(4) },
  },
  Service: { fields: { metadata: msg(1, 'ObjectMeta'), spec: msg(2, 'ServiceSpec') } },
  // apps/v1 Deployment {metadata = 1, spec = 2 {replicas = 1, template = 3}}; its PodTemplateSpec
  // {metadata = 1, spec = 2} holds a core/v1 PodSpec of which only containers (2) and serviceAccountName
  // (8) are read, each Container {name = 1, image = 2, env = 7 {name = 1, value = 2}}
  // (kubernetes/api apps/v1 and core/v1 generated.proto). A PodSpec of its own, so decoding a Pod never
  // materialises containers.
  EnvVar: { fields: { name: str(1), value: str(2) } },
  Container: { fields: { name: str(1), image: str(2), env: msgs(7, 'EnvVar') } },
  TemplatePodSpec: { fields: { containers: msgs(2, 'Container'), serviceAccountName: str(8) } },
  PodTemplateSpec: { fields: { metadata: msg(1, 'ObjectMeta'), spec: msg(2, 'TemplatePodSpec') } },
  DeploymentSpec: { fields: { replicas: num(1, 'int32'), template: msg(3, 'PodTemplateSpec') } },
  Deployment: { fields: { metadata: msg(1, 'ObjectMeta'), spec: msg(2, 'DeploymentSpec') } },
  NamespaceStatus: { fields: { phase: str(1) } },
  Namespace: { fields: { metadata: msg(1, 'ObjectMeta'), status: msg(3, 'NamespaceStatus') } },
} satisfies Record<string, { fields: Record<string, FieldJson> }>;

/** Names of the protobuf messages this module can decode. */
export type MessageName = keyof typeof MESSAGE_TYPES;

const messages = new Map<MessageName, WireMessage>();

// Each message's table, built on first use: most runs decode only a few of the types.
function messageOf(name: MessageName): WireMessage {
  let message = messages.get(name);
  if (message === undefined) {
    message = { byNumber: new Map(), repeated: [], maps: [] };
    // Stored before its fields are filled in; no message contains itself, so none waits on itself.
    messages.set(name, message);
    const fields: Record<string, FieldJson> = MESSAGE_TYPES[name].fields;
    for (const [fieldName, json] of Object.entries(fields)) {
      const scalar = ['string', 'bytes', 'int32', 'int64', 'bool'].includes(json.type);
      const field: WireField = {
        name: fieldName,
        type: scalar ? (json.type as WireField['type']) : 'message',
        repeated: json.rule === 'repeated',
        map: json.keyType !== undefined,
      };
      if (!scalar) field.message = messageOf(json.type as MessageName);
      message.byNumber.set(json.id, field);
      if (field.repeated) message.repeated.push(fieldName);
      if (field.map) message.maps.push(fieldName);
    }
  }
  return message;
}

/**
 * Decode `bytes` as the named message and return it as a plain object (int64 as number, repeated
 * fields as arrays, maps as objects). Throws ValueDecodeError('malformed') on truncated or invalid bytes.
 */
export function decodeMessage<T>(name: MessageName, bytes: Uint8Array): T {
  try {
    return decodeWire(messageOf(name), bytes) as T;
  } catch (error) {
    throw new ValueDecodeError('malformed', `cannot decode ${name}: ${(error as Error).message}`, {
      cause: error,
    });
  }
}
