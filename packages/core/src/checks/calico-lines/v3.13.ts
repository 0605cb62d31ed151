import { type CalicoRelease, NODE, rule } from '../calico-release.js';

/** calico-kube-controllers' ClusterRole in Calico v3.13.0–v3.13.4. */
export const CALICO_V3_13: CalicoRelease = {
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
};
