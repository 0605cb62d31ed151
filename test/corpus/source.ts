// The one real snapshot every corpus case is derived from: a single dqlite node (go-dqlite's
// dqlite-demo, see packages/test-support/src/dqlite-node.ts) holding a small kine history, snapshotted by raft.
import { copyFile, mkdir, readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { startDqliteNode } from '@dqlite-analyzer/test-support/dqlite-node';
import { extractWithCli } from '@dqlite-analyzer/test-support/independent';
import { KineHistory, kineSchema, kineValue } from '@dqlite-analyzer/test-support/kine';

/** Stored in Secret values of the source: it must never appear in an analysis or a report. */
export const SECRET_MARKER = 'dqa-corpus-secret-value-5f3c9a';
export const SECRET_MARKER_BASE64 = Buffer.from(SECRET_MARKER).toString('base64');

export interface SourceSnapshot {
  /** Directory holding the copied snapshot pair and the node's info.yaml / cluster.yaml. */
  dataDir: string;
  /** `snapshot-TERM-INDEX-TS` */
  name: string;
  dataPath: string;
  metaPath: string;
  /** The data file as raft wrote it (one LZ4 frame). */
  frame: Buffer;
  meta: Buffer;
  /** The frame decompressed by the `lz4` CLI. */
  payload: Buffer;
}

/**
 * Start a dqlite node, write a kine history with a WAL still unmerged (dqlite ≤ 1.16 ships it in
 * the snapshot), wait for raft's snapshot and copy it to `<dir>/source`. The caller stops the node
 * (stopAllNodes) when done.
 */
export async function makeSourceSnapshot(dir: string): Promise<SourceSnapshot> {
  const node = await startDqliteNode();
  const history = new KineHistory();
  await node.exec('k8s', kineSchema('v65536'));
  history.bulkCreate('/registry/secrets/default/s-', 60, kineValue.random(600), { chunk: 60 });
  history.create('/registry/leases/kube-system/kube-scheduler', kineValue.k8s(200));
  history.bulkUpdate('/registry/leases/kube-system/kube-scheduler', 120, kineValue.k8s(200), { chunk: 120 });
  // Secrets as the API server stores them: JSON (data is base64) and protobuf ("k8s\0" + bytes).
  history.create(
    '/registry/secrets/kube-system/dqa-json',
    kineValue.json({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'dqa-json', namespace: 'kube-system' },
      data: { token: SECRET_MARKER_BASE64 },
      stringData: { plain: SECRET_MARKER },
    }),
  );
  history.create(
    '/registry/secrets/kube-system/dqa-protobuf',
    kineValue.sql(`CAST(X'6b387300' || '${SECRET_MARKER}' AS BLOB)`, 4 + SECRET_MARKER.length),
  );
  history.compact(history.figures().currentRevision - 40);
  await node.exec('k8s', history.takeStatements());
  const dataDir = join(dir, 'source');
  await mkdir(dataDir, { recursive: true });
  const snapshot = await node.copySnapshot(await node.padUntilSnapshot(), dataDir);
  for (const file of ['info.yaml', 'cluster.yaml'])
    await copyFile(join(node.dataDir, file), join(dataDir, file));
  return sourceFromFiles(snapshot.dataPath);
}

/** Read a snapshot pair and decompress its payload with the lz4 CLI. */
async function sourceFromFiles(dataPath: string): Promise<SourceSnapshot> {
  const extraction = await extractWithCli(dataPath);
  try {
    return {
      dataDir: dirname(dataPath),
      name: basename(dataPath),
      dataPath,
      metaPath: `${dataPath}.meta`,
      frame: await readFile(dataPath),
      meta: await readFile(`${dataPath}.meta`),
      payload: await readFile(extraction.payloadPath),
    };
  } finally {
    await extraction.cleanup();
  }
}
