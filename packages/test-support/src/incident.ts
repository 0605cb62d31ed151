// The incident the findings are built for, as a kine history: calico-kube-controllers without list/watch
// on pods, so Calico IPAM handles of deleted pods pile up; an admission webhook left behind by an
// uninstalled add-on next to a healthy one; leader-election leases churning; one lease written in a
// storm; Secrets whose plaintext survived the switch to encryption; leftover kine bookkeeping rows.
// Used by the unit tests (in-memory SQLite) and by test/incident.test.ts (a real dqlite node), so both
// assert the same numbers.

import {
  clusterInformation,
  clusterRole,
  clusterRoleBinding,
  deployment,
  encrypted,
  ipamBlock,
  ipamHandle,
  lease,
  namespaceObject,
  pod,
  podHandleId,
  type Rule,
  secret,
  service,
  serviceAccount,
  sqlBlob,
  webhookConfiguration,
} from './k8s-values.js';
import { type KineHistory, type KineValue, kineValue } from './kine.js';

/** A KineValue holding exactly these bytes (hex literal, cast so SQLite stores a BLOB). */
export function bytesValue(value: Uint8Array): KineValue {
  return kineValue.sql(`CAST(${sqlBlob(value)} AS BLOB)`, value.length);
}

/** A JSON value as the apiserver stores CRDs; the same bytes as `value`, written as SQL text. */
export function jsonValue(value: Uint8Array): KineValue {
  return kineValue.json(JSON.parse(Buffer.from(value).toString('utf8')));
}

const CALICO = 'crd.projectcalico.org';
const ALL_IPAM = ['get', 'list', 'create', 'update', 'delete', 'watch'];

/** The calico-kube-controllers ClusterRole of Calico 3.29 (the cluster runs v3.29.3), but with only `get` on pods. */
export const BROKEN_CALICO_RULES: Rule[] = [
  { apiGroups: [''], resources: ['nodes'], verbs: ['watch', 'list', 'get'] },
  { apiGroups: [''], resources: ['pods'], verbs: ['get'] },
  { apiGroups: [CALICO], resources: ['ipreservations'], verbs: ['list'] },
  {
    apiGroups: [CALICO],
    resources: ['blockaffinities', 'ipamblocks', 'ipamhandles', 'tiers'],
    verbs: ALL_IPAM,
  },
  { apiGroups: [CALICO], resources: ['ippools'], verbs: ['list', 'watch'] },
  { apiGroups: [CALICO], resources: ['hostendpoints'], verbs: ['get', 'list', 'create', 'update', 'delete'] },
  {
    apiGroups: [CALICO],
    resources: ['clusterinformations'],
    verbs: ['get', 'list', 'create', 'update', 'watch'],
  },
  {
    apiGroups: [CALICO],
    resources: ['kubecontrollersconfigurations'],
    verbs: ['get', 'list', 'create', 'update', 'watch'],
  },
];

/** What the scenario wrote, for the assertions. */
export const INCIDENT = {
  schedulerTransitions: 4499,
  controllerManagerTransitions: 150,
  /** Updates of the storm key after the compaction (after its create). */
  stormWrites: 10_500,
  stormKey: '/registry/leases/kube-system/kube-controller-manager',
  livePods: [
    ['default', 'web-1'],
    ['default', 'web-2'],
    ['kube-system', 'coredns-1'],
  ] as const,
  /** Pods deleted long ago whose addresses and handles Calico never released. */
  goneWithHandles: 30,
  /** Handles no block allocation refers to any more. */
  handlesWithoutAllocation: 5,
  gapRows: 1200,
  orphanedWebhook: { configuration: 'old-injector', namespace: 'istio-system', service: 'istiod' },
  healthyWebhook: { configuration: 'policy', namespace: 'webhooks', service: 'policy-webhook' },
} as const;

const BLOCK_SIZE = 16;

/**
 * Calico IPAM for `owners`, in order from 10.1.0.0: one /28 IPAMBlock per 16 addresses and one
 * IPAMHandle per owner. Returns the address of each owner.
 */
export function writeIpam(
  h: KineHistory,
  node: string,
  owners: { handleId: string; namespace?: string; pod?: string }[],
): string[] {
  const addresses: string[] = [];
  for (let first = 0; first < owners.length; first += BLOCK_SIZE) {
    const cidr = `10.1.0.${first}/28`;
    const inBlock = owners.slice(first, first + BLOCK_SIZE).map((o, ordinal) => ({ ...o, ordinal }));
    h.create(`/registry/${CALICO}/ipamblocks/10-1-0-${first}-28`, jsonValue(ipamBlock(cidr, node, inBlock)));
    for (const o of inBlock) {
      h.create(
        `/registry/${CALICO}/ipamhandles/${o.handleId.toLowerCase()}`,
        jsonValue(ipamHandle(o.handleId, cidr)),
      );
      addresses.push(`10.1.0.${first + o.ordinal}`);
    }
  }
  return addresses;
}

/** Write the scenario into `h`; then run INCIDENT_TRAILER after its statements. */
export function writeIncident(h: KineHistory): void {
  const t0 = 1_767_225_600; // 2026-01-01T00:00:00Z
  for (const ns of ['default', 'kube-system', 'kube-node-lease', 'webhooks']) {
    h.create(`/registry/namespaces/${ns}`, bytesValue(namespaceObject(ns)));
  }
  for (const [ns, name] of INCIDENT.livePods)
    h.create(`/registry/pods/${ns}/${name}`, bytesValue(pod(ns, name)));
  const { healthyWebhook: ok, orphanedWebhook: gone } = INCIDENT;
  h.create(
    `/registry/services/specs/${ok.namespace}/${ok.service}`,
    bytesValue(service(ok.namespace, ok.service)),
  );
  h.create(
    '/registry/mutatingwebhookconfigurations/policy',
    bytesValue(
      webhookConfiguration('MutatingWebhookConfiguration', ok.configuration, [
        {
          name: 'mutate.policy.example.com',
          service: { namespace: ok.namespace, name: ok.service, port: 443 },
        },
      ]),
    ),
  );
  h.create(
    `/registry/mutatingwebhookconfigurations/${gone.configuration}`,
    bytesValue(
      webhookConfiguration('MutatingWebhookConfiguration', gone.configuration, [
        {
          name: 'sidecar-injector.istio.io',
          service: { namespace: gone.namespace, name: gone.service, port: 443 },
          failurePolicy: 'Fail',
        },
      ]),
    ),
  );
  h.create(
    '/registry/validatingwebhookconfigurations/external',
    bytesValue(
      webhookConfiguration('ValidatingWebhookConfiguration', 'external', [
        { name: 'check.example.com', url: 'https://hooks.example.com/check', failurePolicy: 'Ignore' },
      ]),
    ),
  );

  h.create(
    '/registry/serviceaccounts/kube-system/calico-kube-controllers',
    bytesValue(serviceAccount('kube-system', 'calico-kube-controllers')),
  );
  h.create(
    '/registry/clusterroles/calico-kube-controllers',
    bytesValue(clusterRole('calico-kube-controllers', BROKEN_CALICO_RULES)),
  );
  h.create(
    '/registry/clusterrolebindings/calico-kube-controllers',
    bytesValue(
      clusterRoleBinding('calico-kube-controllers', 'calico-kube-controllers', [
        { kind: 'ServiceAccount', name: 'calico-kube-controllers', namespace: 'kube-system' },
      ]),
    ),
  );

  h.create(
    '/registry/deployments/kube-system/calico-kube-controllers',
    bytesValue(
      deployment({
        namespace: 'kube-system',
        name: 'calico-kube-controllers',
        serviceAccountName: 'calico-kube-controllers',
        container: {
          name: 'calico-kube-controllers',
          image: 'docker.io/calico/kube-controllers:v3.29.3',
          env: { ENABLED_CONTROLLERS: 'node', DATASTORE_TYPE: 'kubernetes' },
        },
      }),
    ),
  );
  h.create(
    '/registry/crd.projectcalico.org/clusterinformations/default',
    jsonValue(clusterInformation('v3.29.3')),
  );

  h.create(
    '/registry/leases/kube-system/kube-scheduler',
    bytesValue(
      lease({
        namespace: 'kube-system',
        name: 'kube-scheduler',
        holder: 'node-1_4f1c2b9e-8a4d-4c3b-9f0e-2d7a1b5c8e90',
        durationSeconds: 15,
        acquireSeconds: t0 + 3000,
        renewSeconds: t0 + 3600,
        transitions: INCIDENT.schedulerTransitions,
        createdSeconds: t0 - 30 * 86_400,
      }),
    ),
  );
  h.create(
    '/registry/leases/kube-node-lease/node-1',
    bytesValue(
      lease({
        namespace: 'kube-node-lease',
        name: 'node-1',
        holder: 'node-1',
        durationSeconds: 40,
        renewSeconds: t0,
      }),
    ),
  );

  // IPAM on node-1: the tunnel address, three live pods and the leaked ones, in /28 blocks (Calico's
  // blockSize may be 26–32; small blocks keep each value under the dqlite shell's line limit).
  const owners: { handleId: string; namespace?: string; pod?: string }[] = [
    { handleId: 'vxlan-tunnel-addr-node-1' },
  ];
  INCIDENT.livePods.forEach(([ns, name], i) => {
    owners.push({ handleId: podHandleId(1 + i), namespace: ns, pod: name });
  });
  for (let i = 0; i < INCIDENT.goneWithHandles; i++) {
    owners.push({ handleId: podHandleId(100 + i), namespace: 'default', pod: `old-${i}` });
  }
  writeIpam(h, 'node-1', owners);
  for (let i = 0; i < INCIDENT.handlesWithoutAllocation; i++) {
    const id = podHandleId(200 + i);
    h.create(`/registry/${CALICO}/ipamhandles/${id}`, jsonValue(ipamHandle(id, '10.1.0.0/28')));
  }

  // A Secret written before encryption at rest was turned on, then rewritten encrypted; and one never rewritten.
  h.create(
    '/registry/secrets/default/db-password',
    bytesValue(secret('default', 'db-password', { password: 'hunter2' })),
  );
  h.create(
    '/registry/secrets/kube-system/legacy-token',
    bytesValue(secret('kube-system', 'legacy-token', { token: 'abc' })),
  );
  h.update('/registry/secrets/default/db-password', bytesValue(encrypted(60)));

  // A few ordinary updates and a deleted pod, then k8s-dqlite's compaction of everything so far: it
  // removes the superseded rows (the plaintext Secret row among them; its copy in old_value stays).
  h.update('/registry/pods/default/web-1', bytesValue(pod('default', 'web-1')));
  h.create('/registry/pods/default/job-1', bytesValue(pod('default', 'job-1')));
  h.delete('/registry/pods/default/job-1');
  h.compact(h.figures().currentRevision);
  // Gap rows the compaction did not reach, then the storm: a crash-looping controller manager
  // rewriting its lease.
  h.gap(INCIDENT.gapRows);
  const stormLease = bytesValue(
    lease({
      namespace: 'kube-system',
      name: 'kube-controller-manager',
      holder: 'node-1_9d3c1b2a-0000-4000-8000-00000000c0de',
      durationSeconds: 15,
      renewSeconds: t0 + 3600,
      transitions: INCIDENT.controllerManagerTransitions,
      createdSeconds: t0 - 30 * 86_400,
    }),
  );
  h.create(INCIDENT.stormKey, stormLease);
  h.bulkUpdate(INCIDENT.stormKey, INCIDENT.stormWrites, stormLease, { chunk: 1500 });
}

/** Rows the model cannot add without its ids drifting: run after every statement of writeIncident. */
export const INCIDENT_TRAILER = [
  // k8s-dqlite's old bug: a second compact_rev_key row.
  "INSERT INTO kine(name, created, deleted, create_revision, prev_revision, lease, value, old_value) VALUES ('compact_rev_key', 1, 0, 0, 1, 0, NULL, NULL)",
];
