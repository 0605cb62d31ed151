// kine table schemas as k8s-dqlite creates them (docs formats.md §3.2), one statement per line because the
// dqlite shell takes one statement per line. Every line was checked against dqlite 1.11.1 through the shell:
// `PRAGMA user_version = N` is accepted there (the authorizer of that version does not block it), it is
// replicated, and it lands in the snapshot's page 1 (offset 60).

export type KineSchemaVariant = 'v1' | 'v65536' | 'legacy';

/** `PRAGMA user_version` each variant leaves behind. */
export const KINE_USER_VERSION: Record<KineSchemaVariant, number> = { v1: 1, v65536: 65536, legacy: 0 };

/** Index names (sqlite_master type='index', excluding sqlite_autoindex_*) each variant leaves behind. */
export const KINE_INDEXES: Record<KineSchemaVariant, string[]> = {
  v1: ['kine_name_index', 'kine_name_prev_revision_uindex'],
  v65536: ['k8s_dqlite_name_del_index'],
  legacy: ['kine_name_index', 'kine_name_prev_revision_uindex'],
};

// k8s-dqlite v1.1+ (applySchemaV0_1); whitespace differs from the Go source, columns do not.
const TABLE_V1 =
  'CREATE TABLE kine (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL, created INTEGER, ' +
  'deleted INTEGER, create_revision INTEGER NOT NULL, prev_revision INTEGER, lease INTEGER, value BLOB, ' +
  'old_value BLOB)';
const INDEXES_V1 = [
  'CREATE INDEX IF NOT EXISTS kine_name_index ON kine (name, id)',
  'CREATE UNIQUE INDEX IF NOT EXISTS kine_name_prev_revision_uindex ON kine (prev_revision, name)',
];

/** Statements creating a fresh kine database of the given variant. */
export function kineSchema(variant: KineSchemaVariant): string[] {
  switch (variant) {
    case 'v1':
      // k8s-dqlite v1.1 – v1.6 on an empty database.
      return [TABLE_V1, ...INDEXES_V1, 'PRAGMA user_version = 1'];
    case 'v65536':
      // k8s-dqlite >= v1.7 on an empty database: schema v0.1 first, then v1.0 drops both indexes again
      // (their pages go to the freelist, as on a real node) and adds the single new one.
      return [
        TABLE_V1,
        ...INDEXES_V1,
        'DROP INDEX IF EXISTS kine_name_index',
        'DROP INDEX IF EXISTS kine_name_prev_revision_uindex',
        'CREATE UNIQUE INDEX IF NOT EXISTS k8s_dqlite_name_del_index ON kine (name ASC, id DESC, deleted)',
        'PRAGMA user_version = 65536',
      ];
    case 'legacy':
      // canonical/kine v0.4 (k8s-dqlite v1.0.x). `name INTEGER` is what that code declares: keys that look
      // like numbers would be stored as integers, so keep test keys non-numeric. user_version stays 0.
      return [
        'CREATE TABLE IF NOT EXISTS kine (id INTEGER primary key autoincrement, name INTEGER, created INTEGER, ' +
          'deleted INTEGER, create_revision INTEGER, prev_revision INTEGER, lease INTEGER, value BLOB, ' +
          'old_value BLOB)',
        'CREATE INDEX IF NOT EXISTS kine_name_index ON kine (name)',
        'CREATE UNIQUE INDEX IF NOT EXISTS kine_name_prev_revision_uindex ON kine (name, prev_revision)',
      ];
  }
}

/** A value as an SQL expression, with its length in bytes when it is known in advance. */
export interface KineValue {
  sql: string;
  bytes: number | undefined;
}

const sqlText = (text: string) => `'${text.replaceAll("'", "''")}'`;

// Every value is made a BLOB, as kine binds []byte: `X'..' || ...` alone would be TEXT, and length() of
// TEXT stops at the first NUL.
export const kineValue = {
  /** n random bytes (n >= 1: randomblob(0) would still give one byte). */
  random(n: number): KineValue {
    if (!Number.isInteger(n) || n < 1) throw new Error(`randomblob size must be >= 1, got ${n}`);
    return { sql: `randomblob(${n})`, bytes: n };
  },
  /** n zero bytes: compresses to almost nothing in the LZ4 snapshot. */
  zero(n: number): KineValue {
    return { sql: `zeroblob(${n})`, bytes: n };
  },
  /** A protobuf-encoded Kubernetes object: the "k8s\0" magic followed by n random bytes. */
  k8s(n: number): KineValue {
    const tail = n > 0 ? ` || randomblob(${n})` : '';
    return { sql: `CAST(X'6b387300'${tail} AS BLOB)`, bytes: 4 + n };
  },
  /** A JSON-encoded object (CRDs and a few built-in resources are stored as JSON). */
  json(object: unknown): KineValue {
    const text = JSON.stringify(object);
    return { sql: `CAST(${sqlText(text)} AS BLOB)`, bytes: Buffer.byteLength(text) };
  },
  /** Any SQL expression; pass its length if the figures should include it. */
  sql(expression: string, bytes?: number): KineValue {
    return { sql: expression, bytes };
  },
};
