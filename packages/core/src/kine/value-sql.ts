// SQL spellings of k8s/value.ts classifyValue, so values can be counted by class without leaving
// SQLite. substr() on a BLOB counts bytes; CAST makes a value stored as TEXT compare as bytes too.

/** `k8s\0`: the Kubernetes protobuf magic (PROTOBUF_MAGIC in k8s/value.ts). */
const PROTOBUF_MAGIC_SQL = "X'6B387300'";
/** `k8s:enc:`: prefix of every value encrypted at rest (ENCRYPTED_PREFIX in k8s/value.ts). */
const ENCRYPTED_PREFIX_SQL = "X'6B38733A656E633A'";

/** True when the column holds a value encrypted at rest. */
export const isEncryptedSql = (col: string): string =>
  `(substr(CAST(${col} AS BLOB), 1, 8) = ${ENCRYPTED_PREFIX_SQL})`;

/** True when the column holds bytes that are not encrypted (NULL and empty are neither). */
export const isPlaintextSql = (col: string): string =>
  `(${col} IS NOT NULL AND length(${col}) > 0 AND NOT ${isEncryptedSql(col)})`;

/**
 * 'protobuf' | 'json' | 'encrypted' | 'empty' | 'other' for the column, as classifyValue would say
 * (`unknown` is called `other` here). JSON is a `{` after optional whitespace in the first 64 bytes.
 */
export const valueClassSql = (col: string): string => `CASE
    WHEN ${col} IS NULL OR length(${col}) = 0 THEN 'empty'
    WHEN substr(CAST(${col} AS BLOB), 1, 4) = ${PROTOBUF_MAGIC_SQL} THEN 'protobuf'
    WHEN ${isEncryptedSql(col)} THEN 'encrypted'
    WHEN substr(ltrim(CAST(substr(CAST(${col} AS BLOB), 1, 64) AS TEXT), char(32, 9, 10, 13)), 1, 1) = '{'
      THEN 'json'
    ELSE 'other' END`;
