// A fixture cluster (packages/core/test/checks/scenarios.ts lists them all) as a snapshot written by a
// real dqlite node: one node per cluster, so each snapshot holds exactly one kine database.
import { join } from 'node:path';
import { type SnapshotFiles, startDqliteNode } from './dqlite-node.js';
import { KineHistory, type KineSchemaVariant, kineSchema } from './kine.js';

/** What writeFixtureSnapshot needs of a fixture cluster. */
export interface FixtureSource {
  name: string;
  schema: KineSchemaVariant;
  write(h: KineHistory): void;
  /** Statements run after the history's (rows the model does not know about). */
  trailer?: readonly string[];
}

/** Write `cluster` into database `k8s` of a fresh node, let it snapshot, copy the snapshot to `<dir>/<name>`. */
export async function writeFixtureSnapshot(cluster: FixtureSource, dir: string): Promise<SnapshotFiles> {
  const node = await startDqliteNode();
  try {
    const history = new KineHistory();
    cluster.write(history);
    await node.exec('k8s', [
      ...kineSchema(cluster.schema),
      ...history.takeStatements(),
      ...(cluster.trailer ?? []),
    ]);
    return await node.copySnapshot(await node.padUntilSnapshot(), join(dir, cluster.name));
  } finally {
    await node.stop();
  }
}
