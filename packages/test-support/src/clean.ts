// A healthy cluster as a kine history: the same kinds of objects as the incident, all consistent, so no
// check may fire. Shared by the unit tests and test/clean.test.ts (a real dqlite node).

import { bytesValue, writeIpam } from './incident.js';
import {
  clusterInformation,
  clusterRole,
  clusterRoleBinding,
  deployment,
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

/** How Calico is installed in a fixture cluster: the objects its manifest creates, as stored. */
export interface CalicoInstall {
  /** The release, as calico-node writes it into ClusterInformation `default`. */
  version: string;
  /** calico-kube-controllers' image, e.g. `docker.io/calico/kube-controllers:v3.29.3`. */
  image: string;
  /** ClusterRole calico-kube-controllers. */
  rules: Rule[];
  /** ENABLED_CONTROLLERS of the Deployment (every Kubernetes-datastore manifest sets it). */
  enabledControllers: string;
  /** Is there a ClusterRoleBinding of the role to the ServiceAccount? Default true. */
  bound?: boolean;
}

/** Calico v3.29.3 as microk8s ships it (canonical/microk8s:upgrade-scripts/000-switch-to-calico/resources/calico.yaml@bc5e1b31). */
export const CALICO_V3_29: CalicoInstall = {
  version: 'v3.29.3',
  image: 'docker.io/calico/kube-controllers:v3.29.3',
  rules: CALICO_RULES,
  enabledControllers: 'node',
};

/**
 * What Calico's manifest creates for calico-kube-controllers (ServiceAccount, ClusterRole,
 * ClusterRoleBinding, Deployment in kube-system) and the ClusterInformation calico-node writes.
 */
export function writeCalico(h: KineHistory, calico: CalicoInstall): void {
  h.create(
    '/registry/serviceaccounts/kube-system/calico-kube-controllers',
    bytesValue(serviceAccount('kube-system', 'calico-kube-controllers')),
  );
  h.create(
    '/registry/clusterroles/calico-kube-controllers',
    bytesValue(clusterRole('calico-kube-controllers', calico.rules)),
  );
  if (calico.bound ?? true) {
    h.create(
      '/registry/clusterrolebindings/calico-kube-controllers',
      bytesValue(
        clusterRoleBinding('calico-kube-controllers', 'calico-kube-controllers', [
          { kind: 'ServiceAccount', name: 'calico-kube-controllers', namespace: 'kube-system' },
        ]),
      ),
    );
  }
  h.create(
    '/registry/deployments/kube-system/calico-kube-controllers',
    bytesValue(
      deployment({
        namespace: 'kube-system',
        name: 'calico-kube-controllers',
        serviceAccountName: 'calico-kube-controllers',
        container: {
          name: 'calico-kube-controllers',
          image: calico.image,
          env: { ENABLED_CONTROLLERS: calico.enabledControllers, DATASTORE_TYPE: 'kubernetes' },
        },
      }),
    ),
  );
  h.create(
    '/registry/crd.projectcalico.org/clusterinformations/default',
    bytesValue(clusterInformation(calico.version)),
  );
}

export interface CleanClusterOptions {
  /** The Calico it runs (default CALICO_V3_29); null: no Calico at all (no objects, no IPAM). */
  calico?: CalicoInstall | null;
  /** Pods deleted long ago whose Calico IPAM handles and addresses were never released. */
  leakedPods?: number;
  /** Without Calico: a ClusterRole calico-kube-controllers with these rules and its binding, left behind. */
  leftoverRbac?: Rule[];
}

/** Write a healthy cluster into `h`. */
export function writeCleanCluster(h: KineHistory, options: CleanClusterOptions = {}): void {
  const calico = options.calico === undefined ? CALICO_V3_29 : options.calico;
  const t0 = 1_767_225_600;
  for (const ns of ['default', 'kube-system', 'kube-node-lease', 'webhooks']) {
    h.create(`/registry/namespaces/${ns}`, bytesValue(namespaceObject(ns)));
  }
  // Without Calico there is no calico-kube-controllers pod either.
  const pods = CLEAN.pods.filter(([, name]) => calico || !name.startsWith('calico-'));
  for (const [ns, name] of pods) h.create(`/registry/pods/${ns}/${name}`, bytesValue(pod(ns, name)));
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
  if (calico) {
    writeCalico(h, calico);
    writeIpam(h, 'node-1', [
      ...CLEAN.pods.map(([ns, name], i) => ({ handleId: podHandleId(1 + i), namespace: ns, pod: name })),
      ...Array.from({ length: options.leakedPods ?? 0 }, (_, i) => ({
        handleId: podHandleId(100 + i),
        namespace: 'default',
        pod: `old-${i}`,
      })),
    ]);
  } else if (options.leftoverRbac) {
    h.create(
      '/registry/clusterroles/calico-kube-controllers',
      bytesValue(clusterRole('calico-kube-controllers', options.leftoverRbac)),
    );
    h.create(
      '/registry/clusterrolebindings/calico-kube-controllers',
      bytesValue(
        clusterRoleBinding('calico-kube-controllers', 'calico-kube-controllers', [
          { kind: 'ServiceAccount', name: 'calico-kube-controllers', namespace: 'kube-system' },
        ]),
      ),
    );
  }
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
