// The ClusterRole each Calico release line gives calico-kube-controllers, as its own manifest has it: the
// Kubernetes-datastore branch of the chart template (the `{{- else }}` after `if eq .Values.datastore
// "etcd"`), read at every patch release of the line. microk8s ships rendered copies of the same rules
// (canonical/microk8s:upgrade-scripts/000-switch-to-calico/resources/calico.yaml: v3.13.2 @ad29db55,
// v3.17.3 @2e23af37, v3.21.4 @857a2004, v3.23.3 @1766bee5, v3.23.5 @5085639b, v3.25.0 @6c066f12,
// v3.25.1 @58edfc03, v3.28.1 @1698704a, v3.29.3 @bc5e1b31), identical to the rows below for their line
// (v3.28.1 is one of the patch releases without `list` on kubecontrollersconfigurations).
// The controllers themselves agree: v3.13.2 only gets pods (projectcalico/kube-controllers:
// pkg/controllers/node/ipam.go@v3.13.2 podExists), v3.20.0 starts a pod informer
// (cmd/kube-controllers/main.go@v3.20.0), which is why list/watch on pods appear in v3.20.

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

const rule = (apiGroups: string[], resources: string[], verbs: string[]): CalicoRule => ({
  apiGroups,
  resources,
  verbs,
});
const NODE = ['node'];
const NODE_LB = ['node', 'loadbalancer'];

/** From the oldest line microk8s installed (v3.13) to the current release. */
export const CALICO_RELEASES: readonly CalicoRelease[] = [
  {
    line: 'v3.13',
    releases: 'v3.13.0–v3.13.4',
    manifestControllers: NODE,
    source: 'projectcalico/calico:_includes/charts/calico/templates/rbac.yaml@v3.13.4',
    clusterRole: [
      rule([''], ['nodes'], ['watch', 'list', 'get']),
      rule([''], ['pods'], ['get']),
      rule(['crd.projectcalico.org'], ['ippools'], ['list']),
      rule(
        ['crd.projectcalico.org'],
        ['blockaffinities', 'ipamblocks', 'ipamhandles'],
        ['get', 'list', 'create', 'update', 'delete'],
      ),
      rule(['crd.projectcalico.org'], ['clusterinformations'], ['get', 'create', 'update']),
    ],
  },
  {
    line: 'v3.14',
    releases: 'v3.14.0–v3.14.1',
    manifestControllers: NODE,
    source: 'projectcalico/calico:_includes/charts/calico/templates/rbac.yaml@v3.14.1',
    clusterRole: [
      rule([''], ['nodes'], ['watch', 'list', 'get']),
      rule([''], ['pods'], ['get']),
      rule(['crd.projectcalico.org'], ['ippools'], ['list']),
      rule(
        ['crd.projectcalico.org'],
        ['blockaffinities', 'ipamblocks', 'ipamhandles'],
        ['get', 'list', 'create', 'update', 'delete'],
      ),
      rule(['crd.projectcalico.org'], ['hostendpoints'], ['get', 'list', 'create', 'update', 'delete']),
      rule(['crd.projectcalico.org'], ['clusterinformations'], ['get', 'create', 'update']),
      rule(
        ['crd.projectcalico.org'],
        ['kubecontrollersconfigurations'],
        ['get', 'create', 'update', 'watch'],
      ),
    ],
  },
  {
    line: 'v3.15',
    releases: 'v3.15.0–v3.15.5',
    manifestControllers: NODE,
    source:
      'projectcalico/calico:_includes/charts/calico/templates/calico-kube-controllers-rbac.yaml@v3.15.5',
    clusterRole: [
      rule([''], ['nodes'], ['watch', 'list', 'get']),
      rule([''], ['pods'], ['get']),
      rule(['crd.projectcalico.org'], ['ippools'], ['list']),
      rule(
        ['crd.projectcalico.org'],
        ['blockaffinities', 'ipamblocks', 'ipamhandles'],
        ['get', 'list', 'create', 'update', 'delete'],
      ),
      rule(['crd.projectcalico.org'], ['hostendpoints'], ['get', 'list', 'create', 'update', 'delete']),
      rule(['crd.projectcalico.org'], ['clusterinformations'], ['get', 'create', 'update']),
      rule(
        ['crd.projectcalico.org'],
        ['kubecontrollersconfigurations'],
        ['get', 'create', 'update', 'watch'],
      ),
    ],
  },
  {
    line: 'v3.16',
    releases: 'v3.16.0–v3.16.10',
    manifestControllers: NODE,
    source:
      'projectcalico/calico:_includes/charts/calico/templates/calico-kube-controllers-rbac.yaml@v3.16.10',
    clusterRole: [
      rule([''], ['nodes'], ['watch', 'list', 'get']),
      rule([''], ['pods'], ['get']),
      rule(['crd.projectcalico.org'], ['ippools'], ['list']),
      rule(
        ['crd.projectcalico.org'],
        ['blockaffinities', 'ipamblocks', 'ipamhandles'],
        ['get', 'list', 'create', 'update', 'delete'],
      ),
      rule(['crd.projectcalico.org'], ['hostendpoints'], ['get', 'list', 'create', 'update', 'delete']),
      rule(['crd.projectcalico.org'], ['clusterinformations'], ['get', 'create', 'update']),
      rule(
        ['crd.projectcalico.org'],
        ['kubecontrollersconfigurations'],
        ['get', 'create', 'update', 'watch'],
      ),
    ],
  },
  {
    line: 'v3.17',
    releases: 'v3.17.0–v3.17.6',
    manifestControllers: NODE,
    source:
      'projectcalico/calico:_includes/charts/calico/templates/calico-kube-controllers-rbac.yaml@v3.17.6',
    clusterRole: [
      rule([''], ['nodes'], ['watch', 'list', 'get']),
      rule([''], ['pods'], ['get']),
      rule(['crd.projectcalico.org'], ['ippools'], ['list']),
      rule(
        ['crd.projectcalico.org'],
        ['blockaffinities', 'ipamblocks', 'ipamhandles'],
        ['get', 'list', 'create', 'update', 'delete'],
      ),
      rule(['crd.projectcalico.org'], ['hostendpoints'], ['get', 'list', 'create', 'update', 'delete']),
      rule(['crd.projectcalico.org'], ['clusterinformations'], ['get', 'create', 'update']),
      rule(
        ['crd.projectcalico.org'],
        ['kubecontrollersconfigurations'],
        ['get', 'create', 'update', 'watch'],
      ),
    ],
  },
  {
    line: 'v3.18',
    releases: 'v3.18.0–v3.18.6',
    manifestControllers: NODE,
    source:
      'projectcalico/calico:_includes/charts/calico/templates/calico-kube-controllers-rbac.yaml@v3.18.6',
    clusterRole: [
      rule([''], ['nodes'], ['watch', 'list', 'get']),
      rule([''], ['pods'], ['get']),
      rule(['crd.projectcalico.org'], ['ippools'], ['list']),
      rule(
        ['crd.projectcalico.org'],
        ['blockaffinities', 'ipamblocks', 'ipamhandles'],
        ['get', 'list', 'create', 'update', 'delete', 'watch'],
      ),
      rule(['crd.projectcalico.org'], ['hostendpoints'], ['get', 'list', 'create', 'update', 'delete']),
      rule(['crd.projectcalico.org'], ['clusterinformations'], ['get', 'create', 'update']),
      rule(
        ['crd.projectcalico.org'],
        ['kubecontrollersconfigurations'],
        ['get', 'create', 'update', 'watch'],
      ),
    ],
  },
  {
    line: 'v3.19',
    releases: 'v3.19.0–v3.19.4',
    manifestControllers: NODE,
    source:
      'projectcalico/calico:_includes/charts/calico/templates/calico-kube-controllers-rbac.yaml@v3.19.4',
    clusterRole: [
      rule([''], ['nodes'], ['watch', 'list', 'get']),
      rule([''], ['pods'], ['get']),
      rule(['crd.projectcalico.org'], ['ippools'], ['list']),
      rule(
        ['crd.projectcalico.org'],
        ['blockaffinities', 'ipamblocks', 'ipamhandles'],
        ['get', 'list', 'create', 'update', 'delete', 'watch'],
      ),
      rule(['crd.projectcalico.org'], ['hostendpoints'], ['get', 'list', 'create', 'update', 'delete']),
      rule(['crd.projectcalico.org'], ['clusterinformations'], ['get', 'create', 'update']),
      rule(
        ['crd.projectcalico.org'],
        ['kubecontrollersconfigurations'],
        ['get', 'create', 'update', 'watch'],
      ),
    ],
  },
  {
    line: 'v3.20',
    releases: 'v3.20.0–v3.20.6',
    manifestControllers: NODE,
    source:
      'projectcalico/calico:_includes/charts/calico/templates/calico-kube-controllers-rbac.yaml@v3.20.6',
    clusterRole: [
      rule([''], ['nodes'], ['watch', 'list', 'get']),
      rule([''], ['pods'], ['get', 'list', 'watch']),
      rule(['crd.projectcalico.org'], ['ippools'], ['list']),
      rule(
        ['crd.projectcalico.org'],
        ['blockaffinities', 'ipamblocks', 'ipamhandles'],
        ['get', 'list', 'create', 'update', 'delete', 'watch'],
      ),
      rule(['crd.projectcalico.org'], ['hostendpoints'], ['get', 'list', 'create', 'update', 'delete']),
      rule(['crd.projectcalico.org'], ['clusterinformations'], ['get', 'create', 'update']),
      rule(
        ['crd.projectcalico.org'],
        ['kubecontrollersconfigurations'],
        ['get', 'create', 'update', 'watch'],
      ),
    ],
  },
  {
    line: 'v3.21',
    releases: 'v3.21.0–v3.21.6',
    manifestControllers: NODE,
    source:
      'projectcalico/calico:_includes/charts/calico/templates/calico-kube-controllers-rbac.yaml, projectcalico/calico:calico/_includes/charts/calico/templates/calico-kube-controllers-rbac.yaml@v3.21.6',
    clusterRole: [
      rule([''], ['nodes'], ['watch', 'list', 'get']),
      rule([''], ['pods'], ['get', 'list', 'watch']),
      rule(['crd.projectcalico.org'], ['ippools', 'ipreservations'], ['list']),
      rule(
        ['crd.projectcalico.org'],
        ['blockaffinities', 'ipamblocks', 'ipamhandles'],
        ['get', 'list', 'create', 'update', 'delete', 'watch'],
      ),
      rule(['crd.projectcalico.org'], ['hostendpoints'], ['get', 'list', 'create', 'update', 'delete']),
      rule(['crd.projectcalico.org'], ['clusterinformations'], ['get', 'create', 'update']),
      rule(
        ['crd.projectcalico.org'],
        ['kubecontrollersconfigurations'],
        ['get', 'create', 'update', 'watch'],
      ),
    ],
  },
  {
    line: 'v3.22',
    releases: 'v3.22.0–v3.22.5',
    manifestControllers: NODE,
    source:
      'projectcalico/calico:calico/_includes/charts/calico/templates/calico-kube-controllers-rbac.yaml@v3.22.5',
    clusterRole: [
      rule([''], ['nodes'], ['watch', 'list', 'get']),
      rule([''], ['pods'], ['get', 'list', 'watch']),
      rule(['crd.projectcalico.org'], ['ippools', 'ipreservations'], ['list']),
      rule(
        ['crd.projectcalico.org'],
        ['blockaffinities', 'ipamblocks', 'ipamhandles'],
        ['get', 'list', 'create', 'update', 'delete', 'watch'],
      ),
      rule(['crd.projectcalico.org'], ['hostendpoints'], ['get', 'list', 'create', 'update', 'delete']),
      rule(['crd.projectcalico.org'], ['clusterinformations'], ['get', 'create', 'update']),
      rule(
        ['crd.projectcalico.org'],
        ['kubecontrollersconfigurations'],
        ['get', 'create', 'update', 'watch'],
      ),
    ],
  },
  {
    line: 'v3.23',
    releases: 'v3.23.0–v3.23.5',
    manifestControllers: NODE,
    source:
      'projectcalico/calico:calico/_includes/charts/calico/templates/calico-kube-controllers-rbac.yaml@v3.23.5',
    clusterRole: [
      rule([''], ['nodes'], ['watch', 'list', 'get']),
      rule([''], ['pods'], ['get', 'list', 'watch']),
      rule(['crd.projectcalico.org'], ['ipreservations'], ['list']),
      rule(
        ['crd.projectcalico.org'],
        ['blockaffinities', 'ipamblocks', 'ipamhandles'],
        ['get', 'list', 'create', 'update', 'delete', 'watch'],
      ),
      rule(['crd.projectcalico.org'], ['ippools'], ['list', 'watch']),
      rule(['crd.projectcalico.org'], ['hostendpoints'], ['get', 'list', 'create', 'update', 'delete']),
      rule(['crd.projectcalico.org'], ['clusterinformations'], ['get', 'list', 'create', 'update', 'watch']),
      rule(
        ['crd.projectcalico.org'],
        ['kubecontrollersconfigurations'],
        ['get', 'create', 'update', 'watch'],
      ),
    ],
  },
  {
    line: 'v3.24',
    releases: 'v3.24.0–v3.24.6',
    manifestControllers: NODE,
    source: 'projectcalico/calico:charts/calico/templates/calico-kube-controllers-rbac.yaml@v3.24.6',
    clusterRole: [
      rule([''], ['nodes'], ['watch', 'list', 'get']),
      rule([''], ['pods'], ['get', 'list', 'watch']),
      rule(['crd.projectcalico.org'], ['ipreservations'], ['list']),
      rule(
        ['crd.projectcalico.org'],
        ['blockaffinities', 'ipamblocks', 'ipamhandles'],
        ['get', 'list', 'create', 'update', 'delete', 'watch'],
      ),
      rule(['crd.projectcalico.org'], ['ippools'], ['list', 'watch']),
      rule(['crd.projectcalico.org'], ['hostendpoints'], ['get', 'list', 'create', 'update', 'delete']),
      rule(['crd.projectcalico.org'], ['clusterinformations'], ['get', 'list', 'create', 'update', 'watch']),
      rule(
        ['crd.projectcalico.org'],
        ['kubecontrollersconfigurations'],
        ['get', 'create', 'update', 'watch'],
      ),
    ],
  },
  {
    line: 'v3.25',
    releases: 'v3.25.0–v3.25.2',
    manifestControllers: NODE,
    source: 'projectcalico/calico:charts/calico/templates/calico-kube-controllers-rbac.yaml@v3.25.2',
    clusterRole: [
      rule([''], ['nodes'], ['watch', 'list', 'get']),
      rule([''], ['pods'], ['get', 'list', 'watch']),
      rule(['crd.projectcalico.org'], ['ipreservations'], ['list']),
      rule(
        ['crd.projectcalico.org'],
        ['blockaffinities', 'ipamblocks', 'ipamhandles'],
        ['get', 'list', 'create', 'update', 'delete', 'watch'],
      ),
      rule(['crd.projectcalico.org'], ['ippools'], ['list', 'watch']),
      rule(['crd.projectcalico.org'], ['hostendpoints'], ['get', 'list', 'create', 'update', 'delete']),
      rule(['crd.projectcalico.org'], ['clusterinformations'], ['get', 'list', 'create', 'update', 'watch']),
      rule(
        ['crd.projectcalico.org'],
        ['kubecontrollersconfigurations'],
        ['get', 'create', 'update', 'watch'],
      ),
    ],
  },
  {
    line: 'v3.26',
    releases: 'v3.26.0–v3.26.5',
    manifestControllers: NODE,
    source: 'projectcalico/calico:charts/calico/templates/calico-kube-controllers-rbac.yaml@v3.26.5',
    clusterRole: [
      rule([''], ['nodes'], ['watch', 'list', 'get']),
      rule([''], ['pods'], ['get', 'list', 'watch']),
      rule(['crd.projectcalico.org'], ['ipreservations'], ['list']),
      rule(
        ['crd.projectcalico.org'],
        ['blockaffinities', 'ipamblocks', 'ipamhandles'],
        ['get', 'list', 'create', 'update', 'delete', 'watch'],
      ),
      rule(['crd.projectcalico.org'], ['ippools'], ['list', 'watch']),
      rule(['crd.projectcalico.org'], ['hostendpoints'], ['get', 'list', 'create', 'update', 'delete']),
      rule(['crd.projectcalico.org'], ['clusterinformations'], ['get', 'list', 'create', 'update', 'watch']),
      rule(
        ['crd.projectcalico.org'],
        ['kubecontrollersconfigurations'],
        ['get', 'create', 'update', 'watch'],
      ),
    ],
  },
  {
    line: 'v3.27',
    releases: 'v3.27.0–v3.27.5',
    manifestControllers: NODE,
    source: 'projectcalico/calico:charts/calico/templates/calico-kube-controllers-rbac.yaml@v3.27.5',
    clusterRole: [
      rule([''], ['nodes'], ['watch', 'list', 'get']),
      rule([''], ['pods'], ['get', 'list', 'watch']),
      rule(['crd.projectcalico.org'], ['ipreservations'], ['list']),
      rule(
        ['crd.projectcalico.org'],
        ['blockaffinities', 'ipamblocks', 'ipamhandles'],
        ['get', 'list', 'create', 'update', 'delete', 'watch'],
      ),
      rule(['crd.projectcalico.org'], ['ippools'], ['list', 'watch']),
      rule(['crd.projectcalico.org'], ['hostendpoints'], ['get', 'list', 'create', 'update', 'delete']),
      rule(['crd.projectcalico.org'], ['clusterinformations'], ['get', 'list', 'create', 'update', 'watch']),
      rule(
        ['crd.projectcalico.org'],
        ['kubecontrollersconfigurations'],
        ['get', 'create', 'update', 'watch'],
      ),
    ],
  },
  {
    line: 'v3.28',
    releases: 'v3.28.0–v3.28.5',
    manifestControllers: NODE,
    source: 'projectcalico/calico:charts/calico/templates/calico-kube-controllers-rbac.yaml@v3.28.5',
    clusterRole: [
      rule([''], ['nodes'], ['watch', 'list', 'get']),
      rule([''], ['pods'], ['get', 'list', 'watch']),
      rule(['crd.projectcalico.org'], ['ipreservations'], ['list']),
      rule(
        ['crd.projectcalico.org'],
        ['blockaffinities', 'ipamblocks', 'ipamhandles'],
        ['get', 'list', 'create', 'update', 'delete', 'watch'],
      ),
      rule(['crd.projectcalico.org'], ['ippools'], ['list', 'watch']),
      rule(['crd.projectcalico.org'], ['hostendpoints'], ['get', 'list', 'create', 'update', 'delete']),
      rule(['crd.projectcalico.org'], ['clusterinformations'], ['get', 'list', 'create', 'update', 'watch']),
      rule(
        ['crd.projectcalico.org'],
        ['kubecontrollersconfigurations'],
        ['get', 'list', 'create', 'update', 'watch'],
      ),
    ],
    notInEveryPatch: ['crd.projectcalico.org/kubecontrollersconfigurations:list'],
  },
  {
    line: 'v3.29',
    releases: 'v3.29.0–v3.29.7',
    manifestControllers: NODE,
    source: 'projectcalico/calico:charts/calico/templates/calico-kube-controllers-rbac.yaml@v3.29.7',
    clusterRole: [
      rule([''], ['nodes'], ['watch', 'list', 'get']),
      rule([''], ['pods'], ['get', 'list', 'watch']),
      rule(['crd.projectcalico.org'], ['ipreservations'], ['list']),
      rule(
        ['crd.projectcalico.org'],
        ['blockaffinities', 'ipamblocks', 'ipamhandles', 'tiers'],
        ['get', 'list', 'create', 'update', 'delete', 'watch'],
      ),
      rule(['crd.projectcalico.org'], ['ippools'], ['list', 'watch']),
      rule(['crd.projectcalico.org'], ['hostendpoints'], ['get', 'list', 'create', 'update', 'delete']),
      rule(['crd.projectcalico.org'], ['clusterinformations'], ['get', 'list', 'create', 'update', 'watch']),
      rule(
        ['crd.projectcalico.org'],
        ['kubecontrollersconfigurations'],
        ['get', 'list', 'create', 'update', 'watch'],
      ),
    ],
    notInEveryPatch: ['crd.projectcalico.org/kubecontrollersconfigurations:list'],
  },
  {
    line: 'v3.30',
    releases: 'v3.30.0–v3.30.7',
    manifestControllers: NODE_LB,
    source: 'projectcalico/calico:charts/calico/templates/calico-kube-controllers-rbac.yaml@v3.30.7',
    clusterRole: [
      rule([''], ['nodes'], ['watch', 'list', 'get']),
      rule([''], ['pods'], ['get', 'list', 'watch']),
      rule([''], ['services', 'services/status'], ['get', 'list', 'update', 'watch']),
      rule(['crd.projectcalico.org'], ['ipreservations'], ['list']),
      rule(
        ['crd.projectcalico.org'],
        ['blockaffinities', 'ipamblocks', 'ipamhandles', 'ipamconfigs', 'tiers'],
        ['get', 'list', 'create', 'update', 'delete', 'watch'],
      ),
      rule(['crd.projectcalico.org'], ['ippools'], ['list', 'watch']),
      rule(
        ['crd.projectcalico.org'],
        ['hostendpoints'],
        ['get', 'list', 'create', 'update', 'delete', 'watch'],
      ),
      rule(['crd.projectcalico.org'], ['clusterinformations'], ['get', 'list', 'create', 'update', 'watch']),
      rule(
        ['crd.projectcalico.org'],
        ['kubecontrollersconfigurations'],
        ['get', 'list', 'create', 'update', 'watch'],
      ),
    ],
  },
  {
    line: 'v3.31',
    releases: 'v3.31.0–v3.31.7',
    manifestControllers: NODE_LB,
    source: 'projectcalico/calico:charts/calico/templates/calico-kube-controllers-rbac.yaml@v3.31.7',
    clusterRole: [
      rule([''], ['nodes'], ['watch', 'list', 'get']),
      rule([''], ['pods'], ['get', 'list', 'watch']),
      rule([''], ['namespaces'], ['get', 'list', 'watch']),
      rule([''], ['services', 'services/status'], ['get', 'list', 'update', 'watch']),
      rule(['crd.projectcalico.org'], ['ipreservations'], ['list']),
      rule(
        ['crd.projectcalico.org'],
        ['blockaffinities', 'ipamblocks', 'ipamhandles', 'ipamconfigs', 'tiers'],
        ['get', 'list', 'create', 'update', 'delete', 'watch'],
      ),
      rule(['crd.projectcalico.org'], ['ippools'], ['list', 'watch']),
      rule(
        ['crd.projectcalico.org'],
        ['hostendpoints'],
        ['get', 'list', 'create', 'update', 'delete', 'watch'],
      ),
      rule(['crd.projectcalico.org'], ['clusterinformations'], ['get', 'list', 'create', 'update', 'watch']),
      rule(
        ['crd.projectcalico.org'],
        ['kubecontrollersconfigurations'],
        ['get', 'list', 'create', 'update', 'watch'],
      ),
    ],
  },
  {
    line: 'v3.32',
    releases: 'v3.32.0–v3.32.1',
    manifestControllers: NODE_LB,
    source: 'projectcalico/calico:charts/calico/templates/calico-kube-controllers-rbac.yaml@v3.32.1',
    clusterRole: [
      rule([''], ['nodes'], ['watch', 'list', 'get']),
      rule([''], ['pods'], ['get', 'list', 'watch']),
      rule([''], ['namespaces'], ['get', 'list', 'watch']),
      rule([''], ['services', 'services/status'], ['get', 'list', 'update', 'watch']),
      rule(['projectcalico.org', 'crd.projectcalico.org'], ['ipreservations'], ['list']),
      rule(
        ['projectcalico.org', 'crd.projectcalico.org'],
        ['blockaffinities', 'ipamblocks', 'ipamhandles', 'ipamconfigurations', 'ipamconfigs', 'tiers'],
        ['get', 'list', 'create', 'update', 'delete', 'watch'],
      ),
      rule(['projectcalico.org', 'crd.projectcalico.org'], ['ippools'], ['list', 'watch']),
      rule(
        ['projectcalico.org', 'crd.projectcalico.org'],
        ['hostendpoints'],
        ['get', 'list', 'create', 'update', 'delete', 'watch'],
      ),
      rule(
        ['projectcalico.org', 'crd.projectcalico.org'],
        ['clusterinformations'],
        ['get', 'list', 'create', 'update', 'watch'],
      ),
      rule(
        ['projectcalico.org', 'crd.projectcalico.org'],
        ['kubecontrollersconfigurations'],
        ['get', 'list', 'create', 'update', 'watch'],
      ),
      rule(
        ['projectcalico.org', 'crd.projectcalico.org'],
        ['kubecontrollersconfigurations/status'],
        ['get', 'update'],
      ),
      rule(
        ['projectcalico.org', 'crd.projectcalico.org'],
        ['networkpolicies', 'stagednetworkpolicies', 'globalnetworkpolicies', 'stagedglobalnetworkpolicies'],
        ['watch', 'list', 'get', 'create', 'update', 'delete'],
      ),
      rule(['apps'], ['daemonsets', 'deployments'], ['get', 'list', 'watch']),
      rule(
        ['migration.projectcalico.org'],
        ['datastoremigrations', 'datastoremigrations/status'],
        ['get', 'list', 'watch', 'create', 'update', 'patch'],
      ),
      rule(['apiextensions.k8s.io'], ['customresourcedefinitions'], ['get', 'list', 'watch', 'delete']),
      rule(['apiregistration.k8s.io'], ['apiservices'], ['get', 'list', 'watch', 'create', 'delete']),
      rule(['projectcalico.org'], ['*'], ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete']),
      rule(['crd.projectcalico.org'], ['*'], ['get', 'list', 'watch']),
      rule(['kubevirt.io'], ['virtualmachines', 'virtualmachineinstances'], ['get', 'list', 'watch']),
    ],
    notInEveryPatch: [
      'kubevirt.io/virtualmachines:get',
      'kubevirt.io/virtualmachines:list',
      'kubevirt.io/virtualmachines:watch',
      'kubevirt.io/virtualmachineinstances:get',
      'kubevirt.io/virtualmachineinstances:list',
      'kubevirt.io/virtualmachineinstances:watch',
    ],
  },
];
