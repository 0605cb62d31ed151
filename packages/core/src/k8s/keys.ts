/** Where a kine key points: an API object (or a prefix) under `/registry/`. */
export interface RegistryKey {
  /** API group: `` for core, undefined when the storage prefix is not one we know. */
  group?: string;
  /** API resource (plural), e.g. `nodes` for `/registry/minions/…`. */
  resource: string;
  namespace?: string;
  name?: string;
  /** The storage prefix as written in the key, e.g. `services/specs`, `minions`, `crd.projectcalico.org/ipamhandles`. */
  prefix: string;
}

/** What a kine `name` is: an apiserver object, kine's bookkeeping, or something else. */
export type KeyKind = 'registry' | 'compact' | 'gap' | 'other';

/** kine's row holding the compact revision in `prev_revision` (k3s-io/kine, canonical/k8s-dqlite). */
export const COMPACT_REV_KEY = 'compact_rev_key';

// kube-apiserver's default etcd prefix (--etcd-prefix, k8s.io/apiserver/pkg/server/options/etcd.go).
const REGISTRY_PREFIX = '/registry/';
// kine's watcher filled revision gaps with `gap-<revision>` rows (k3s-io/kine pkg/logstructured/sqllog).
const GAP_KEY = /^gap-\d+$/;

// Prefixes that are not the resource name: SpecialDefaultResourcePrefixes
// (kubernetes/kubernetes:pkg/kubeapiserver/default_storage_factory_builder.go).
const SPECIAL_PREFIXES: Record<string, { group: string; resource: string }> = {
  'services/specs': { group: '', resource: 'services' },
  'services/endpoints': { group: '', resource: 'endpoints' },
  minions: { group: '', resource: 'nodes' },
  controllers: { group: '', resource: 'replicationcontrollers' },
  ingress: { group: 'networking.k8s.io', resource: 'ingresses' },
  // extensions/podsecuritypolicies, removed in 1.25.
  podsecuritypolicy: { group: 'policy', resource: 'podsecuritypolicies' },
};

// Built-in resources are stored under their bare plural (storage_factory.go ResourcePrefix), which
// drops the group; this table puts it back for the common ones. Cohabiting resources (events,
// deployments in extensions) are stored once, under the group listed here.
const GROUPS: Record<string, readonly string[]> = {
  '': [
    'pods',
    'namespaces',
    'secrets',
    'configmaps',
    'serviceaccounts',
    'persistentvolumes',
    'persistentvolumeclaims',
    'events',
    'limitranges',
    'resourcequotas',
    'podtemplates',
    // Not API resources: the ClusterIP/NodePort allocators' RangeAllocation objects, the apiserver
    // endpoint reconciler's leases and (mixed-version proxy) peer apiserver leases.
    'ranges',
    'masterleases',
    'peerserverleases',
  ],
  apps: ['deployments', 'replicasets', 'daemonsets', 'statefulsets', 'controllerrevisions'],
  batch: ['jobs', 'cronjobs'],
  autoscaling: ['horizontalpodautoscalers'],
  policy: ['poddisruptionbudgets'],
  'coordination.k8s.io': ['leases', 'leasecandidates'],
  'rbac.authorization.k8s.io': ['roles', 'rolebindings', 'clusterroles', 'clusterrolebindings'],
  'admissionregistration.k8s.io': [
    'mutatingwebhookconfigurations',
    'validatingwebhookconfigurations',
    'validatingadmissionpolicies',
    'validatingadmissionpolicybindings',
    'mutatingadmissionpolicies',
    'mutatingadmissionpolicybindings',
  ],
  'networking.k8s.io': ['networkpolicies', 'ingressclasses', 'ipaddresses', 'servicecidrs'],
  'discovery.k8s.io': ['endpointslices'],
  'storage.k8s.io': ['storageclasses', 'volumeattachments', 'csidrivers', 'csinodes', 'csistoragecapacities'],
  'scheduling.k8s.io': ['priorityclasses'],
  'certificates.k8s.io': ['certificatesigningrequests'],
  'node.k8s.io': ['runtimeclasses'],
  'flowcontrol.apiserver.k8s.io': ['flowschemas', 'prioritylevelconfigurations'],
};

const GROUP_OF = new Map<string, string>(
  Object.entries(GROUPS).flatMap(([group, resources]) => resources.map((r) => [r, group] as const)),
);

/** Tell registry keys from kine's own rows (`compact_rev_key`, `gap-<n>`) and anything else. */
export function classifyKey(key: string): KeyKind {
  if (key.startsWith(REGISTRY_PREFIX)) return 'registry';
  if (key === COMPACT_REV_KEY) return 'compact';
  if (GAP_KEY.test(key)) return 'gap';
  return 'other';
}

/**
 * Parse `/registry/<prefix>/[<namespace>/]<name>` into group, resource, namespace and name; null for
 * keys outside `/registry/`. Prefixes follow the apiserver's storage layout: the bare plural for
 * built-ins (with the SpecialDefaultResourcePrefixes exceptions: `services/specs`, `services/endpoints`,
 * `minions`, `controllers`, `ingress`), and `<group>/<plural>` for CRDs and the apiextensions.k8s.io /
 * apiregistration.k8s.io objects, whose apiservers use the group-qualified prefix.
 * One segment after the prefix is a cluster-scoped name, two are namespace and name.
 */
export function parseRegistryKey(key: string): RegistryKey | null {
  if (!key.startsWith(REGISTRY_PREFIX)) return null;
  const parts = key.slice(REGISTRY_PREFIX.length).split('/');
  // Trailing slashes (range prefixes such as `/registry/pods/`) leave empty segments.
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  const first = parts[0];
  if (first === undefined || first === '') return null;

  let parsed: RegistryKey;
  let rest: string[];
  const special = parts.length > 1 ? SPECIAL_PREFIXES[`${first}/${parts[1]}`] : undefined;
  if (special) {
    parsed = { ...special, prefix: `${first}/${parts[1]}` };
    rest = parts.slice(2);
  } else if (first.includes('.')) {
    // Built-in plurals never contain a dot, API groups of CRDs always do.
    parsed = { group: first, resource: parts[1] ?? '', prefix: parts[1] ? `${first}/${parts[1]}` : first };
    rest = parts.slice(2);
  } else {
    const mapped = SPECIAL_PREFIXES[first];
    const group = mapped?.group ?? GROUP_OF.get(first);
    parsed = { resource: mapped?.resource ?? first, prefix: first };
    if (group !== undefined) parsed.group = group;
    rest = parts.slice(1);
  }

  if (rest.length === 1) {
    parsed.name = rest[0]!;
  } else if (rest.length >= 2) {
    // Object names cannot contain '/', so more than two segments is not an apiserver key; keep the
    // remainder as the name rather than dropping it.
    parsed.namespace = rest[0]!;
    parsed.name = rest.slice(1).join('/');
  }
  return parsed;
}
