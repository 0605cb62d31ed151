// A healthy cluster as a kine history: the same kinds of objects as the incident, all consistent, so no
// check may fire. Shared by the unit tests and test/clean.test.ts (a real dqlite node).

import { bytesValue, writeIpam } from './incident.js';
import {
  clusterRole,
  clusterRoleBinding,
  encrypted,
  lease,
  namespaceObject,
  pod,
  podHandleId,
  type Rule,
  service,
  serviceAccount,
  webhookConfiguration,
} from './k8s-values.js';
import type { KineHistory } from './kine.js';

const CALICO = 'crd.projectcalico.org';
const ALL_IPAM = ['get', 'list', 'create', 'update', 'delete', 'watch'];

/** calico-kube-controllers' ClusterRole as Calico v3.29.3 ships it (microk8s calico.yaml). */
export const CALICO_RULES: Rule[] = [
  { apiGroups: [''], resources: ['nodes'], verbs: ['watch', 'list', 'get'] },
  { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] },
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

export const CLEAN = {
  pods: [
    ['default', 'web-1'],
    ['default', 'web-2'],
    ['kube-system', 'coredns-1'],
    ['kube-system', 'calico-kube-controllers-1'],
  ] as const,
  /** Lease renewals kept since the last compaction: a few minutes' worth. */
  leaseRenewals: 150,
} as const;

/** Write a healthy cluster into `h`. */
export function writeCleanCluster(h: KineHistory): void {
  const t0 = 1_767_225_600;
  for (const ns of ['default', 'kube-system', 'kube-node-lease', 'webhooks']) {
    h.create(`/registry/namespaces/${ns}`, bytesValue(namespaceObject(ns)));
  }
  for (const [ns, name] of CLEAN.pods) h.create(`/registry/pods/${ns}/${name}`, bytesValue(pod(ns, name)));
  h.create(
    '/registry/services/specs/webhooks/policy-webhook',
    bytesValue(service('webhooks', 'policy-webhook')),
  );
  h.create(
    '/registry/validatingwebhookconfigurations/policy',
    bytesValue(
      webhookConfiguration('ValidatingWebhookConfiguration', 'policy', [
        {
          name: 'validate.policy.example.com',
          service: { namespace: 'webhooks', name: 'policy-webhook' },
          failurePolicy: 'Fail',
        },
      ]),
    ),
  );
  h.create(
    '/registry/serviceaccounts/kube-system/calico-kube-controllers',
    bytesValue(serviceAccount('kube-system', 'calico-kube-controllers')),
  );
  h.create(
    '/registry/clusterroles/calico-kube-controllers',
    bytesValue(clusterRole('calico-kube-controllers', CALICO_RULES)),
  );
  h.create(
    '/registry/clusterrolebindings/calico-kube-controllers',
    bytesValue(
      clusterRoleBinding('calico-kube-controllers', 'calico-kube-controllers', [
        { kind: 'ServiceAccount', name: 'calico-kube-controllers', namespace: 'kube-system' },
      ]),
    ),
  );
  writeIpam(
    h,
    'node-1',
    CLEAN.pods.map(([ns, name], i) => ({ handleId: podHandleId(1 + i), namespace: ns, pod: name })),
  );
  // Encryption at rest from the start: every Secret revision is encrypted.
  h.create('/registry/secrets/default/db-password', bytesValue(encrypted(60)));
  h.update('/registry/secrets/default/db-password', bytesValue(encrypted(64)));
  const scheduler = (transitions: number) =>
    bytesValue(
      lease({
        namespace: 'kube-system',
        name: 'kube-scheduler',
        holder: 'node-1_0d1f',
        durationSeconds: 15,
        renewSeconds: t0,
        transitions,
        createdSeconds: t0 - 200 * 86_400,
      }),
    );
  h.create('/registry/leases/kube-system/kube-scheduler', scheduler(7));
  h.update('/registry/pods/default/web-1', bytesValue(pod('default', 'web-1')));
  h.compact(h.figures().currentRevision);
  h.bulkUpdate('/registry/leases/kube-system/kube-scheduler', CLEAN.leaseRenewals, scheduler(7), {
    chunk: 75,
  });
}
