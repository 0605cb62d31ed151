// The clusters of issue #11's acceptance, (a)–(e): RBAC judged against the Calico release each runs.
// Clusters run different releases: v3.13.2 as a four-year-old microk8s installed it, v3.29.3 as a new
// one does. Listed in packages/core/test/checks/scenarios.ts, so every harness over the fixtures runs
// them; test/calico-rbac.test.ts writes each through a real dqlite node.
import { CALICO_V3_29, type CalicoInstall, type CleanClusterOptions, writeCleanCluster } from './clean.js';
import type { Rule } from './k8s-values.js';
import type { KineHistory, KineSchemaVariant } from './kine.js';

const CALICO = 'crd.projectcalico.org';

/**
 * calico-kube-controllers' ClusterRole in Calico v3.13 (projectcalico/calico:
 * _includes/charts/calico/templates/rbac.yaml@v3.13.4, rendered for v3.13.2 in
 * canonical/microk8s:upgrade-scripts/000-switch-to-calico/resources/calico.yaml@ad29db55).
 */
export const CALICO_V3_13_RULES: Rule[] = [
  { apiGroups: [''], resources: ['nodes'], verbs: ['watch', 'list', 'get'] },
  { apiGroups: [''], resources: ['pods'], verbs: ['get'] },
  { apiGroups: [CALICO], resources: ['ippools'], verbs: ['list'] },
  {
    apiGroups: [CALICO],
    resources: ['blockaffinities', 'ipamblocks', 'ipamhandles'],
    verbs: ['get', 'list', 'create', 'update', 'delete'],
  },
  { apiGroups: [CALICO], resources: ['clusterinformations'], verbs: ['get', 'create', 'update'] },
];

/** The incident's own fix, applied to v3.13's role: list and watch on pods added. */
export const INCIDENT_FIX_V3_13_RULES: Rule[] = CALICO_V3_13_RULES.map((r) =>
  r.resources.includes('pods') ? { ...r, verbs: ['get', 'list', 'watch'] } : r,
);

/** Calico v3.13.2 as microk8s installed it (image without registry, ENABLED_CONTROLLERS=node; @ad29db55). */
export const CALICO_V3_13: CalicoInstall = {
  version: 'v3.13.2',
  image: 'calico/kube-controllers:v3.13.2',
  rules: CALICO_V3_13_RULES,
  enabledControllers: 'node',
};

/** Leaked pods in the v3.13 incident: addresses Calico v3.13 never frees while their node lives. */
export const V3_13_LEAKED_PODS = 30;

/** One fixture cluster: how to write it and what the analyzer must find in it. */
export interface CalicoCluster {
  name: string;
  /** What the cluster is. */
  description: string;
  /** kine layout the fixture is written with. */
  schema: KineSchemaVariant;
  write(h: KineHistory): void;
  /** `severity id` of every finding, most severe first. */
  findings: readonly string[];
  /** The CLI's verdict. */
  verdict: 'READY' | 'READY WITH WARNINGS' | 'NOT READY';
}

const clean = (options: CleanClusterOptions) => (h: KineHistory) => writeCleanCluster(h, options);

/** The acceptance fixtures (a)–(e). */
export const CALICO_CLUSTERS: readonly CalicoCluster[] = [
  {
    name: 'calico-v3.29-healthy',
    description: '(a) healthy, Calico v3.29.3 with its own ClusterRole',
    schema: 'v65536',
    write: clean({ calico: CALICO_V3_29 }),
    findings: [],
    verdict: 'READY',
  },
  {
    name: 'calico-v3.13-incident-fix',
    description: "(b) healthy, Calico v3.13.2 with the incident's ClusterRole fix (list/watch on pods added)",
    schema: 'v1',
    write: clean({ calico: { ...CALICO_V3_13, rules: INCIDENT_FIX_V3_13_RULES } }),
    findings: [],
    verdict: 'READY',
  },
  {
    name: 'calico-v3.13-incident',
    description:
      "(c) the incident on Calico v3.13.2: v3.13's own ClusterRole (get on pods), IPAM of 30 deleted pods never released",
    schema: 'v1',
    write: clean({ calico: CALICO_V3_13, leakedPods: V3_13_LEAKED_PODS }),
    findings: ['warning leaked-ipam'],
    verdict: 'READY WITH WARNINGS',
  },
  {
    name: 'calico-v3.29-no-binding',
    description: '(d) Calico v3.29.3 whose ServiceAccount no ClusterRoleBinding grants anything',
    schema: 'v1',
    write: clean({ calico: { ...CALICO_V3_29, bound: false } }),
    findings: ['critical rbac-gap'],
    verdict: 'NOT READY',
  },
  {
    name: 'no-calico',
    description:
      '(e) no Calico deployed (no ServiceAccount, Deployment, ClusterInformation or IPAM; a leftover ClusterRole and binding)',
    schema: 'v1',
    // What an uninstall that forgot the RBAC leaves: a ClusterRole (short of v3.13's) and its binding.
    write: clean({ calico: null, leftoverRbac: [{ apiGroups: [''], resources: ['nodes'], verbs: ['get'] }] }),
    findings: [],
    verdict: 'READY',
  },
];
