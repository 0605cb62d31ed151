// Stored Kubernetes values built by hand with protobufjs' Writer and the field numbers of the upstream
// generated.proto files (k8s.io/api core/v1, coordination/v1, rbac/v1, admissionregistration/v1 and
// k8s.io/apimachinery meta/v1, runtime), independent of the analyzer's own schema. Shared by the unit
// tests and the real-dqlite tests in test/, which write these bytes through the dqlite shell.
import protobuf from 'protobufjs';

type Field = (w: protobuf.Writer) => void;

const LEN = 2;
const VARINT = 0;
const tag = (field: number, wire: number) => (field << 3) | wire;

const str =
  (field: number, value: string | undefined): Field =>
  (w) => {
    if (value !== undefined) w.uint32(tag(field, LEN)).string(value);
  };
const strs =
  (field: number, values: readonly string[]): Field =>
  (w) => {
    for (const v of values) w.uint32(tag(field, LEN)).string(v);
  };
const int =
  (field: number, value: number | undefined): Field =>
  (w) => {
    if (value !== undefined) w.uint32(tag(field, VARINT)).int64(value);
  };
const msg =
  (field: number, fields: Field[]): Field =>
  (w) => {
    w.uint32(tag(field, LEN)).fork();
    for (const f of fields) f(w);
    w.ldelim();
  };
const encode = (fields: Field[]): Uint8Array => {
  const w = protobuf.Writer.create();
  for (const f of fields) f(w);
  return w.finish();
};

/** `k8s\0` + runtime.Unknown{typeMeta{apiVersion = 1, kind = 2} = 1, raw = 2}. */
export function stored(apiVersion: string, kind: string, raw: Uint8Array): Uint8Array {
  const envelope = encode([
    msg(1, [str(1, apiVersion), str(2, kind)]),
    (w) => w.uint32(tag(2, LEN)).bytes(raw),
  ]);
  return Buffer.concat([Buffer.from('k8s\0', 'latin1'), envelope]);
}

/** metav1.Time / MicroTime {seconds = 1, nanos = 2}. */
const time = (field: number, seconds: number | undefined): Field[] =>
  seconds === undefined ? [] : [msg(field, [int(1, seconds)])];

/** metav1.ObjectMeta {name = 1, namespace = 3, uid = 5, creationTimestamp = 8}. */
const meta = (name: string, namespace?: string, createdSeconds?: number): Field =>
  msg(1, [
    str(1, name),
    str(3, namespace),
    str(5, `uid-${namespace ?? ''}-${name}`),
    ...time(8, createdSeconds),
  ]);

export interface LeaseFields {
  namespace: string;
  name: string;
  holder?: string;
  durationSeconds?: number;
  acquireSeconds?: number;
  renewSeconds?: number;
  transitions?: number;
  createdSeconds?: number;
}

/** coordination.k8s.io/v1 Lease {metadata = 1, spec = 2 {holderIdentity = 1, leaseDurationSeconds = 2, acquireTime = 3, renewTime = 4, leaseTransitions = 5}}. */
export function lease(l: LeaseFields): Uint8Array {
  return stored(
    'coordination.k8s.io/v1',
    'Lease',
    encode([
      meta(l.name, l.namespace, l.createdSeconds),
      msg(2, [
        str(1, l.holder),
        int(2, l.durationSeconds),
        ...time(3, l.acquireSeconds),
        ...time(4, l.renewSeconds),
        int(5, l.transitions),
      ]),
    ]),
  );
}

export interface Rule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
}

/** rbac/v1 ClusterRole {metadata = 1, rules = 2 {verbs = 1, apiGroups = 2, resources = 3}}. */
export function clusterRole(name: string, rules: Rule[]): Uint8Array {
  return stored(
    'rbac.authorization.k8s.io/v1',
    'ClusterRole',
    encode([
      meta(name),
      ...rules.map((r) => msg(2, [strs(1, r.verbs), strs(2, r.apiGroups), strs(3, r.resources)])),
    ]),
  );
}

/** rbac/v1 ClusterRoleBinding {metadata = 1, subjects = 2 {kind = 1, apiGroup = 2, name = 3, namespace = 4}, roleRef = 3 {apiGroup = 1, kind = 2, name = 3}}. */
export function clusterRoleBinding(
  name: string,
  role: string,
  subjects: { kind: string; name: string; namespace?: string }[],
): Uint8Array {
  return stored(
    'rbac.authorization.k8s.io/v1',
    'ClusterRoleBinding',
    encode([
      meta(name),
      ...subjects.map((s) => msg(2, [str(1, s.kind), str(3, s.name), str(4, s.namespace)])),
      msg(3, [str(1, 'rbac.authorization.k8s.io'), str(2, 'ClusterRole'), str(3, role)]),
    ]),
  );
}

export interface WebhookFields {
  name: string;
  service?: { namespace: string; name: string; port?: number };
  url?: string;
  failurePolicy?: string;
}

/**
 * admissionregistration/v1 {Mutating,Validating}WebhookConfiguration {metadata = 1, webhooks = 2
 * {name = 1, clientConfig = 2 {service = 1 {namespace = 1, name = 2, port = 4}, url = 3}, failurePolicy = 4,
 * sideEffects = 6, admissionReviewVersions = 8}}.
 */
export function webhookConfiguration(
  kind: 'MutatingWebhookConfiguration' | 'ValidatingWebhookConfiguration',
  name: string,
  webhooks: WebhookFields[],
): Uint8Array {
  return stored(
    'admissionregistration.k8s.io/v1',
    kind,
    encode([
      meta(name),
      ...webhooks.map((h) =>
        msg(2, [
          str(1, h.name),
          msg(2, [
            ...(h.service
              ? [msg(1, [str(1, h.service.namespace), str(2, h.service.name), int(4, h.service.port)])]
              : []),
            str(3, h.url),
          ]),
          str(4, h.failurePolicy),
          str(6, 'None'),
          strs(8, ['v1']),
        ]),
      ),
    ]),
  );
}

/** core/v1 objects reduced to {metadata = 1}: enough for existence, which is all the analyzer asks. */
export const service = (namespace: string, name: string) =>
  stored('v1', 'Service', encode([meta(name, namespace)]));
export const pod = (namespace: string, name: string) => stored('v1', 'Pod', encode([meta(name, namespace)]));
export const namespaceObject = (name: string) => stored('v1', 'Namespace', encode([meta(name)]));
export const serviceAccount = (namespace: string, name: string) =>
  stored('v1', 'ServiceAccount', encode([meta(name, namespace)]));

/** core/v1 Secret {metadata = 1, data = 2 (map<string, bytes>)}: plaintext as stored without encryption. */
export function secret(namespace: string, name: string, data: Record<string, string>): Uint8Array {
  return stored(
    'v1',
    'Secret',
    encode([
      meta(name, namespace),
      ...Object.entries(data).map(([k, v]) =>
        msg(2, [str(1, k), (w) => w.uint32(tag(2, LEN)).bytes(Buffer.from(v))]),
      ),
    ]),
  );
}

/** A value as the aescbc provider stores it: `k8s:enc:aescbc:v1:<key>:` + ciphertext (here: filler). */
export function encrypted(size: number, key = 'key1'): Uint8Array {
  const prefix = Buffer.from(`k8s:enc:aescbc:v1:${key}:`, 'latin1');
  return Buffer.concat([prefix, Buffer.alloc(size, 0xa5)]);
}

/** A Calico IPAMHandle as the Kubernetes datastore stores it (JSON, crd.projectcalico.org/v1). */
export function ipamHandle(handleId: string, block: string): Uint8Array {
  return Buffer.from(
    JSON.stringify({
      apiVersion: 'crd.projectcalico.org/v1',
      kind: 'IPAMHandle',
      metadata: { name: handleId.toLowerCase() },
      spec: { handleID: handleId, block: { [block]: 1 }, deleted: false },
    }),
  );
}

/** A Calico IPAMBlock with `allocations[i]` → `attributes[j]` naming each address's pod. */
export function ipamBlock(
  cidr: string,
  node: string,
  owners: { ordinal: number; handleId: string; namespace?: string; pod?: string }[],
): Uint8Array {
  const size = 2 ** (32 - Number(cidr.split('/')[1]));
  const allocations: (number | null)[] = Array(size).fill(null);
  const attributes = owners.map((o, i) => {
    allocations[o.ordinal] = i;
    const secondary: Record<string, string> = { node };
    if (o.namespace) secondary.namespace = o.namespace;
    if (o.pod) secondary.pod = o.pod;
    return { handle_id: o.handleId, secondary };
  });
  return Buffer.from(
    JSON.stringify({
      apiVersion: 'crd.projectcalico.org/v1',
      kind: 'IPAMBlock',
      metadata: { name: cidr.replace(/[./]/g, '-') },
      spec: {
        cidr,
        affinity: `host:${node}`,
        allocations,
        unallocated: allocations.flatMap((a, i) => (a === null ? [i] : [])),
        attributes,
        deleted: false,
      },
    }),
  );
}

/** A CNI handle ID: `k8s-pod-network.` + a 64-hex container ID derived from `seed`. */
export function podHandleId(seed: number): string {
  return `k8s-pod-network.${seed.toString(16).padStart(8, '0').repeat(8)}`;
}

/** The value as a SQL BLOB expression (hex literal), for statements the dqlite shell runs. */
export function sqlBlob(value: Uint8Array): string {
  return `X'${Buffer.from(value).toString('hex')}'`;
}

export interface DeploymentFields {
  namespace: string;
  name: string;
  serviceAccountName: string;
  container: { name: string; image: string; env: Record<string, string> };
}

/**
 * apps/v1 Deployment {metadata = 1, spec = 2 {replicas = 1, selector = 2 {matchLabels = 1}, template = 3
 * {metadata = 1, spec = 2}}} with a core/v1 PodSpec {containers = 2 {name = 1, image = 2, env = 7 {name = 1, value = 2}},
 * serviceAccountName = 8} (kubernetes/api apps/v1 and core/v1 generated.proto @10b39a39).
 */
export function deployment(d: DeploymentFields): Uint8Array {
  // map<string, string> entries {key = 1, value = 2}: ObjectMeta.labels = 11, LabelSelector.matchLabels = 1.
  const label = [str(1, 'k8s-app'), str(2, d.name)];
  return stored(
    'apps/v1',
    'Deployment',
    encode([
      meta(d.name, d.namespace),
      msg(2, [
        int(1, 1),
        msg(2, [msg(1, label)]),
        msg(3, [
          msg(1, [str(1, d.name), str(3, d.namespace), msg(11, label)]),
          msg(2, [
            msg(2, [
              str(1, d.container.name),
              str(2, d.container.image),
              ...Object.entries(d.container.env).map(([name, value]) =>
                msg(7, [str(1, name), str(2, value)]),
              ),
            ]),
            str(8, d.serviceAccountName),
          ]),
        ]),
      ]),
    ]),
  );
}

/**
 * Calico's ClusterInformation `default` as the Kubernetes datastore stores it (JSON,
 * crd.projectcalico.org/v1; spec fields of projectcalico/calico api/pkg/apis/projectcalico/v3/clusterinfo.go).
 */
export function clusterInformation(calicoVersion: string): Uint8Array {
  return Buffer.from(
    JSON.stringify({
      apiVersion: 'crd.projectcalico.org/v1',
      kind: 'ClusterInformation',
      metadata: { name: 'default', uid: 'uid--default' },
      spec: {
        calicoVersion,
        clusterGUID: '6f1c0f3e2b8d4a7c9e5f1a2b3c4d5e6f',
        clusterType: 'k8s,bgp,kubeadm,kdd',
        datastoreReady: true,
      },
    }),
  );
}
