// The benchmark's snapshot shapes, as kine SQL a real dqlite node runs. Every statement is one line
// for the `dqlite` shell, one transaction and one raft entry. Recipe facts measured on this machine
// with Debian go-dqlite 1.11.5 / libdqlite 1.11.1 (see bench/RESULTS.md):
// - 200 rows of ~1 KB per statement (~250 KB of WAL per entry) is reliable up to 360 MB databases;
//   500 rows per statement hung the node after ~30 entries and 2,000 crashed it.
// - Values are `CAST(X'6b387300' || randomblob(R) || zeroblob(Z) AS BLOB)`: the protobuf magic,
//   R random bytes and Z zeros, so the LZ4 snapshot compresses about 2x, between random data (1x)
//   and real Kubernetes objects. CAST keeps it a BLOB (`||` alone yields TEXT).

/** Bump when the common recipe changes (a shape's own `version` when only it changes): cached
 * snapshots made by another version are regenerated. */
export const RECIPE_VERSION = 3;
export const recipeVersion = (shape) => `${RECIPE_VERSION}.${SHAPES[shape].version}`;

export const ROWS_PER_STATEMENT = 200;
const COLUMNS = 'kine(name, created, deleted, create_revision, prev_revision, lease, value, old_value)';
const COMPACT_KEY = 'compact_rev_key';

/** k8s-dqlite v1.1–1.6 schema (applySchemaV0_1): the (name, id) index the kine queries use. */
export const KINE_SCHEMA = [
  'CREATE TABLE kine (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL, created INTEGER, ' +
    'deleted INTEGER, create_revision INTEGER NOT NULL, prev_revision INTEGER, lease INTEGER, value BLOB, ' +
    'old_value BLOB)',
  'CREATE INDEX IF NOT EXISTS kine_name_index ON kine (name, id)',
  'CREATE UNIQUE INDEX IF NOT EXISTS kine_name_prev_revision_uindex ON kine (prev_revision, name)',
  'PRAGMA user_version = 1',
];

// Value of about `mean` bytes whose size varies with the row number `i` (SQL expression).
const value = (mean, i = 'i') => {
  const random = Math.floor(mean / 2);
  const spread = Math.floor(random / 2);
  return `CAST(X'6b387300' || randomblob(${random - spread} + (${i}) % ${2 * spread + 1}) || zeroblob(${mean - random - 4}) AS BLOB)`;
};

// A large cluster's mix, one entry a twentieth of the keys (no Leases: a cluster has one per node
// and controller, and the history-heavy shape has those).
const RESOURCES = [
  ...Array(5).fill('pods'),
  ...Array(5).fill('events'),
  ...Array(2).fill('replicasets'),
  ...Array(2).fill('endpointslices'),
  ...Array(2).fill('configmaps'),
  ...Array(2).fill('secrets'),
  'services/specs',
  'deployments',
];
// Key i: 20 resource slots x 311 namespaces, each statement's rows in one (resource, namespace):
// keys scattered row by row dirty a page of each index per row, and dqlite 1.11 fails such
// commits (`disk I/O error`, then a corrupt table) once the database passes ~30 MB.
const group = (i) => `((${i}) - 1) / ${ROWS_PER_STATEMENT}`;
const keySql = (i) =>
  `'/registry/' || CASE ${group(i)} % ${RESOURCES.length} ${RESOURCES.map((r, n) => `WHEN ${n} THEN '${r}'`).join(' ')} END || ` +
  `'/ns-' || (${group(i)} % 311) || '/obj-' || (${i})`;

/** Create keys from..to, ROWS_PER_STATEMENT per statement; a key that exists is skipped (retry-safe). */
function creates(from, to, mean, key = keySql) {
  const out = [];
  for (let a = from; a <= to; a += ROWS_PER_STATEMENT) {
    const b = Math.min(a + ROWS_PER_STATEMENT - 1, to);
    out.push(
      `WITH RECURSIVE s(i) AS (SELECT ${a} UNION ALL SELECT i + 1 FROM s WHERE i < ${b}) ` +
        `INSERT INTO ${COLUMNS} SELECT ${key('i')}, 1, 0, 0, 0, 0, ${value(mean)}, NULL FROM s ` +
        `WHERE NOT EXISTS (SELECT 1 FROM kine WHERE name = ${key('i')}) ORDER BY i`,
    );
  }
  return out;
}

/**
 * One new revision of every row `where` selects (k8s-dqlite's update SQL, set based):
 * prev_revision = the old id, old_value = the old value. `where` must make a re-run a no-op.
 */
const updateRows = (where, mean) =>
  `INSERT INTO ${COLUMNS} SELECT name, 0, 0, CASE WHEN created THEN id ELSE create_revision END, id, lease, ` +
  `${value(mean, 'id')}, value FROM kine AS k WHERE ${where} AND deleted = 0 ORDER BY id`;

/** k8s-dqlite's compaction, batch by batch (pkg/kine/drivers/generic compactSQL). */
function compaction(upTo, batch) {
  const out = [
    `INSERT INTO ${COLUMNS} SELECT '${COMPACT_KEY}', 1, 0, 0, 0, 0, X'', NULL ` +
      `WHERE NOT EXISTS (SELECT 1 FROM kine WHERE name = '${COMPACT_KEY}')`,
  ];
  for (let start = 0; start < upTo; start += batch) {
    const end = Math.min(start + batch, upTo);
    out.push(
      `DELETE FROM kine WHERE id IN (SELECT prev_revision FROM kine WHERE name != '${COMPACT_KEY}' AND created = 0 ` +
        `AND prev_revision != 0 AND ${start} < id AND id <= ${end})`,
      `DELETE FROM kine WHERE deleted = 1 AND ${start} < id AND id <= ${end}`,
      `UPDATE kine SET prev_revision = max(prev_revision, ${end}) WHERE name = '${COMPACT_KEY}'`,
    );
  }
  return out;
}

/**
 * live-heavy: `keys` live keys of ~845 bytes over 8 resources (RESOURCES) and 311 namespaces; one key in 20
 * updated once (a little history). 300,000 keys is about 360 MB.
 */
function liveHeavy(keys) {
  const statements = [...creates(1, keys, 845)];
  for (let a = 1; a <= keys; a += ROWS_PER_STATEMENT * 20) {
    const b = Math.min(a + ROWS_PER_STATEMENT * 20 - 1, keys);
    // Creates are ids 1..keys unless a retried statement moved some: then a few more or fewer updates.
    const once = 'NOT EXISTS (SELECT 1 FROM kine AS n WHERE n.prev_revision = k.id)';
    statements.push(updateRows(`id BETWEEN ${a} AND ${b} AND id % 20 = 0 AND created = 1 AND ${once}`, 845));
  }
  const updates = Math.floor(keys / 20);
  return { statements, expect: { liveKeys: keys, historyRows: [0.9 * updates, updates] } };
}

/**
 * fragmented: 1,000 live keys of ~1 KB rewritten round after round until the table is about
 * `megabytes` MB, then kine's compaction up to 500 revisions behind the head: the superseded
 * rows' pages go to the freelist and stay there (kine never VACUUMs).
 */
function fragmented(megabytes) {
  const keys = 1000;
  const batches = keys / ROWS_PER_STATEMENT;
  // value + old_value + key: ~2 KB, so one row a 4 KiB page (two do not fit) plus the indexes
  const rowBytes = 3100;
  const rounds = Math.max(1, Math.round((megabytes * 1e6) / (keys * rowBytes)) - 1);
  // Batch b's keys share a prefix, so "latest row of each key in batch b" is one index range.
  const prefix = (b) => `/registry/configmaps/batch-${b}/`;
  const statements = [];
  for (let b = 0; b < batches; b++) {
    const first = b * ROWS_PER_STATEMENT + 1;
    statements.push(
      ...creates(first, first + ROWS_PER_STATEMENT - 1, 1000, (i) => `'${prefix(b)}cm-' || (${i})`),
    );
  }
  for (let round = 1; round <= rounds; round++) {
    for (let b = 0; b < batches; b++) {
      const range = `name >= '${prefix(b)}' AND name < '${prefix(b).slice(0, -1)}0'`;
      // Each key has `round` rows before this round: a re-run of an applied statement inserts nothing.
      statements.push(
        updateRows(
          `id IN (SELECT max(id) FROM kine WHERE ${range} GROUP BY name) ` +
            `AND (SELECT count(*) FROM kine AS c WHERE c.name = k.name) = ${round}`,
          1000,
        ),
      );
    }
  }
  const current = (rounds + 1) * keys;
  statements.push(...compaction(current - 500, 1000));
  return { statements, expect: { liveKeys: keys, currentRevision: current + 1, minFreePageShare: 0.9 } };
}

/**
 * history-heavy: 10 keys (leases and a configmap a controller rewrites) with `revisions` revisions
 * in all, ~400-byte values, chained updates 200 per statement (the CTE carries each new value into
 * the next row's old_value, as single updates would).
 */
function historyHeavy(revisions) {
  const keys = 10;
  const names = Array.from({ length: keys }, (_, k) =>
    k < keys - 1
      ? `/registry/leases/kube-system/controller-${k}`
      : '/registry/configmaps/kube-system/hot-config',
  );
  const statements = names.map(
    (name) => `INSERT INTO ${COLUMNS} VALUES ('${name}', 1, 0, 0, 0, 0, ${value(400, 1)}, NULL)`,
  );
  const perKey = Math.ceil((revisions - keys) / keys);
  for (let done = 0; done < perKey; done += ROWS_PER_STATEMENT) {
    const n = Math.min(ROWS_PER_STATEMENT, perKey - done);
    for (const name of names) {
      const latest = `(SELECT MAX(id) FROM kine WHERE name = '${name}')`;
      statements.push(
        `WITH RECURSIVE s(i, v, pv) AS (SELECT 1, ${value(400, 1)}, (SELECT value FROM kine WHERE id = ${latest}) ` +
          `UNION ALL SELECT i + 1, ${value(400)}, v FROM s WHERE i < ${n}) INSERT INTO ${COLUMNS} ` +
          `SELECT '${name}', 0, 0, (SELECT CASE WHEN created THEN id ELSE create_revision END FROM kine ` +
          `WHERE id = ${latest}), CASE WHEN i = 1 THEN ${latest} ELSE (SELECT seq FROM sqlite_sequence ` +
          `WHERE name = 'kine') + i - 1 END, 0, v, pv FROM s ` +
          // The key has 1 + done rows before this statement: a re-run of an applied one inserts nothing.
          `WHERE (SELECT count(*) FROM kine WHERE name = '${name}') = ${1 + done} ORDER BY i`,
      );
    }
  }
  const rows = keys + perKey * keys;
  return { statements, expect: { rows, liveKeys: keys, historyRows: rows - keys } };
}

/** shape -> the three sizes and the recipe for one size. */
export const SHAPES = {
  'live-heavy': { unit: 'keys', sizes: [75_000, 150_000, 300_000], recipe: liveHeavy, version: 3 },
  fragmented: { unit: 'MB written', sizes: [65, 130, 260], recipe: fragmented, version: 1 },
  'history-heavy': { unit: 'revisions', sizes: [25_000, 50_000, 100_000], recipe: historyHeavy, version: 1 },
};
