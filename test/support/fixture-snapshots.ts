// Every fixture cluster (packages/core/test/checks/clusters.ts) as a snapshot written by a real dqlite
// node: one node per cluster, so each snapshot holds exactly one kine database. For tests that run over
// all fixtures (the RBAC acceptance tests; a headline/evidence/verify harness).
import { join } from 'node:path';
import { FIXTURE_CLUSTERS, type FixtureCluster } from '../../packages/core/test/checks/clusters.js';
import { type SnapshotFiles, startDqliteNode } from './dqlite-node.js';
import { KineHistory, kineSchema } from './kine.js';

export { FIXTURE_CLUSTERS, type FixtureCluster };

/** Write `cluster` into database `k8s` of a fresh node, let it snapshot, copy the snapshot to `<dir>/<name>`. */
export async function writeFixtureSnapshot(cluster: FixtureCluster, dir: string): Promise<SnapshotFiles> {
  const node = await startDqliteNode();
  try {
    const history = new KineHistory();
    cluster.write(history);
    await node.exec('k8s', [...kineSchema(cluster.schema), ...history.takeStatements(), ...cluster.trailer]);
    return await node.copySnapshot(await node.padUntilSnapshot(), join(dir, cluster.name));
  } finally {
    await node.stop();
  }
}
