// The hostile inputs of issue #12 §3 as raft leaves them in a data directory: the LZ4 snapshot
// (64 KiB linked blocks, content size, as raft writes it: `lz4 --content-size`) of a kine database
// built by the sqlite3 CLI, with the .meta, info.yaml and cluster.yaml of examples/sample-snapshot.
// Used by bench/hostile.mjs and test/reliability/hostile-peaks.test.ts.
//   large-value     three 400 MB zero values (a ConfigMap, a Secret, a Lease) and a 400 MB "IPAM block"
//                   starting with `{`: a 1.6 GB database, a ~10 MB snapshot file
//   many-webhooks   200,000 admission webhooks (5,000 MutatingWebhookConfigurations of 40), each
//                   calling a Service that does not exist
//   long-name       a kine key of 10 MB (the hottest key, so every report lists it)
import { execFileSync } from 'node:child_process';
import {
  copyFileSync,
  createReadStream,
  createWriteStream,
  mkdirSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { webhookConfiguration } from './k8s-values.js';

/** examples/sample-snapshot: the baseline the hostile cases are compared with. */
export const SAMPLE_DIR = new URL('../../../examples/sample-snapshot', import.meta.url).pathname;

// k8s-dqlite's kine table (applySchemaV0_1), as kine-schema.ts has it.
const SCHEMA = [
  'CREATE TABLE kine (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL, created INTEGER, deleted INTEGER, ' +
    'create_revision INTEGER NOT NULL, prev_revision INTEGER, lease INTEGER, value BLOB, old_value BLOB);',
  'CREATE INDEX kine_name_index ON kine (name, id);',
  'CREATE UNIQUE INDEX kine_name_prev_revision_uindex ON kine (prev_revision, name);',
];
/** A kine row; `prev` is the id of the key's previous row (0 for its first: created). */
const row = (name: string, value: string, prev = 0) =>
  'INSERT INTO kine(name, created, deleted, create_revision, prev_revision, lease, value, old_value) ' +
  `VALUES (${name}, ${prev === 0 ? 1 : 0}, 0, ${prev}, ${prev}, 0, ${value}, NULL);`;
const text = (s: string) => `'${s.replaceAll("'", "''")}'`;
const hex = (bytes: Uint8Array) => `X'${Buffer.from(bytes).toString('hex')}'`;
// A few ordinary rows, so the inputs look like a cluster and not only like their one oddity.
const ORDINARY = Array.from({ length: 50 }, (_, i) =>
  row(text(`/registry/configmaps/default/cm-${i}`), hex(Buffer.from(`k8s\0config map ${i}`))),
);

const CASES = {
  'large-value': () => [
    row(text('/registry/configmaps/default/huge-zeros'), 'zeroblob(400000000)'),
    row(text('/registry/secrets/default/huge-zeros'), 'zeroblob(400000000)'),
    row(text('/registry/leases/kube-system/huge-lease'), 'zeroblob(400000000)'),
    row(text('/registry/crd.projectcalico.org/ipamblocks/huge-block'), "X'7b' || zeroblob(400000000)"),
  ],
  'many-webhooks': () =>
    Array.from({ length: 5000 }, (_, c) => {
      const name = `injector-${c}`;
      const hooks = Array.from({ length: 40 }, (_, i) => ({
        name: `w${i}.injector-${c}.example.com`,
        service: { namespace: 'gone', name: `svc-${c}`, port: 443 },
        failurePolicy: 'Fail',
      }));
      const value = webhookConfiguration('MutatingWebhookConfiguration', name, hooks);
      return row(text(`/registry/mutatingwebhookconfigurations/${name}`), hex(value));
    }),
  // 10,000,000 'a's made by SQLite (hex of a zeroblob is all '0's): no 10 MB SQL literal. Three rows
  // (ids 51-53, after the 50 ordinary ones), so it is the hottest key.
  'long-name': () =>
    [0, 51, 52].map((prev) =>
      row(
        "'/registry/configmaps/default/' || replace(hex(zeroblob(5000000)), '0', 'a')",
        "X'6b387300'",
        prev,
      ),
    ),
} satisfies Record<string, () => string[]>;

export type HostileCase = keyof typeof CASES;
export const HOSTILE_CASES = Object.keys(CASES) as HostileCase[];

/** A data directory holding one snapshot: where, the snapshot's file name, its sizes. */
export interface SnapshotInput {
  dir: string;
  name: string;
  payloadBytes: number;
  fileBytes: number;
}

const u64 = (n: number) => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(BigInt(n));
  return b;
};

const snapshotName = (dir: string) => readdirSync(dir).find((f) => /^snapshot-\d+-\d+-\d+$/.test(f))!;

/** examples/sample-snapshot as it is (never written to). */
export function sampleSnapshot(): SnapshotInput {
  const name = snapshotName(SAMPLE_DIR);
  const payloadBytes = execFileSync('lz4', ['-d', '-c', join(SAMPLE_DIR, name)], {
    maxBuffer: 256 << 20,
  }).length;
  return { dir: SAMPLE_DIR, name, payloadBytes, fileBytes: statSync(join(SAMPLE_DIR, name)).size };
}

/** The case's data directory, `<work>/<id>`, built from nothing but the sqlite3 and lz4 CLIs. */
export async function buildHostileSnapshot(id: HostileCase, work: string): Promise<SnapshotInput> {
  const db = join(work, `${id}.db`);
  const sql = join(work, `${id}.sql`);
  writeFileSync(sql, [...SCHEMA, 'BEGIN;', ...ORDINARY, ...CASES[id](), 'COMMIT;'].join('\n'));
  execFileSync('sqlite3', [db, `.read ${sql}`]);
  rmSync(sql);
  // The dqlite payload (canonical/dqlite:src/fsm.c encodeDatabase): format 1, one database, its
  // name NUL-padded to 8 bytes, main and WAL sizes, the main file. Streamed: the file may be 1.6 GB.
  const payload = join(work, `${id}.payload`);
  const out = createWriteStream(payload);
  out.write(Buffer.concat([u64(1), u64(1), Buffer.from('k8s\0\0\0\0\0'), u64(statSync(db).size), u64(0)]));
  await new Promise<void>((resolve, reject) => {
    createReadStream(db)
      .on('error', reject)
      .pipe(out)
      .on('finish', () => resolve())
      .on('error', reject);
  });
  rmSync(db);
  const dir = join(work, id);
  mkdirSync(dir);
  const name = snapshotName(SAMPLE_DIR);
  for (const f of ['info.yaml', 'cluster.yaml', `${name}.meta`])
    copyFileSync(join(SAMPLE_DIR, f), join(dir, f));
  execFileSync('lz4', ['-q', '-f', '-B4', '-BD', '--content-size', payload, join(dir, name)]);
  const payloadBytes = statSync(payload).size;
  rmSync(payload);
  return { dir, name, payloadBytes, fileBytes: statSync(join(dir, name)).size };
}
