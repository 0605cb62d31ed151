// One row of CALICO_RELEASES (calico-releases.ts, which says where the rows were read): a Calico
// release line and the ClusterRole its manifest gives calico-kube-controllers.

/** One rule of a release's ClusterRole. */
export interface CalicoRule {
  apiGroups: readonly string[];
  resources: readonly string[];
  verbs: readonly string[];
}

/** One release line's calico-kube-controllers ClusterRole. */
export interface CalicoRelease {
  /** `v3.13`: the minor version the row covers. */
  line: string;
  /** The patch releases read. */
  releases: string;
  /** Where the rules were read (`owner/repo:path@tag` of the newest patch release). */
  source: string;
  /** ENABLED_CONTROLLERS of the release's Kubernetes-datastore manifest (calico-kube-controllers.yaml). */
  manifestControllers: readonly string[];
  /** The rules of the newest patch release: the ClusterRole a remediation applies. */
  clusterRole: readonly CalicoRule[];
  /** `group/resource:verb` the newest patch release grants but an older one of the line does not: not required. */
  notInEveryPatch?: readonly string[];
}

/** One rule, as the manifests list it. */
export const rule = (apiGroups: string[], resources: string[], verbs: string[]): CalicoRule => ({
  apiGroups,
  resources,
  verbs,
});
/** ENABLED_CONTROLLERS up to v3.29, and from v3.30 (the load-balancer IPAM controller). */
export const NODE = ['node'];
export const NODE_LB = ['node', 'loadbalancer'];
