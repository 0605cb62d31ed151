// Regenerate examples/sample-snapshot/: a snapshot written by a real dqlite node (Debian go-dqlite's
// dqlite-demo) holding the incident this tool exists for — the same scenario the end-to-end test
// test/incident.test.ts asserts: a crash-looping controller's RBAC gap, an abandoned webhook, a
// lease with thousands of transitions, leaked Calico IPAM handles, a write-heavy key, a kine
// compaction that left free pages and a backlog behind. Values are hand-encoded protobuf/JSON.
//
//   pnpm exec tsx scripts/make-sample-snapshot.ts [OUT_DIR]
import { copyFile, mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { startDqliteNode, stopAllNodes } from '@dqlite-analyzer/test-support/dqlite-node';
import { INCIDENT_TRAILER, writeIncident } from '@dqlite-analyzer/test-support/incident';
import { KineHistory, kineSchema } from '@dqlite-analyzer/test-support/kine';

const out = process.argv[2] ?? new URL('../examples/sample-snapshot', import.meta.url).pathname;

try {
  const node = await startDqliteNode();
  const history = new KineHistory();
  writeIncident(history);
  await node.exec('k8s', [...kineSchema('v1'), ...history.takeStatements(), ...INCIDENT_TRAILER]);
  const snapshot = await node.padUntilSnapshot();
  await rm(out, { recursive: true, force: true });
  await mkdir(out, { recursive: true });
  await node.copySnapshot(snapshot, out);
  for (const file of ['info.yaml', 'cluster.yaml']) await copyFile(join(node.dataDir, file), join(out, file));
  process.stdout.write(`wrote ${join(out, snapshot.name)}\n`);
} finally {
  await stopAllNodes();
}
