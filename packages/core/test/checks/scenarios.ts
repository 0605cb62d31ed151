// Every fixture cluster of the suite, as one list: the harness that holds headlines, evidence, verify
// lines and pasted commands to each other (test/findings-agree.test.ts) runs over all of them. A new
// fixture is added here and is checked from then on.

import { CALICO_CLUSTERS } from '@dqlite-analyzer/test-support/calico-clusters';
import { writeCleanCluster } from '@dqlite-analyzer/test-support/clean';
import { writeHostileNames } from '@dqlite-analyzer/test-support/hostile-names';
import { INCIDENT_TRAILER, writeIncident } from '@dqlite-analyzer/test-support/incident';
import type { KineHistory, KineSchemaVariant } from '@dqlite-analyzer/test-support/kine';

export interface Scenario {
  name: string;
  schema: KineSchemaVariant;
  write(h: KineHistory): void;
  /** Statements run after the history's (rows the model does not know about). */
  trailer?: readonly string[];
}

export const SCENARIOS: readonly Scenario[] = [
  { name: 'incident', schema: 'v1', write: writeIncident, trailer: INCIDENT_TRAILER },
  { name: 'clean', schema: 'v65536', write: writeCleanCluster },
  { name: 'hostile-names', schema: 'v65536', write: writeHostileNames },
  // Issue #11's acceptance: RBAC judged against the Calico release each cluster runs, (a)–(e).
  ...CALICO_CLUSTERS.map(({ name, schema, write }) => ({ name, schema, write })),
];
