import { type CalicoRelease, NODE, rule } from '../calico-release.js';

/** calico-kube-controllers' ClusterRole in Calico v3.14.0–v3.14.1. */
export const CALICO_V3_14: CalicoRelease = {
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
    rule(['crd.projectcalico.org'], ['kubecontrollersconfigurations'], ['get', 'create', 'update', 'watch']),
  ],
};
