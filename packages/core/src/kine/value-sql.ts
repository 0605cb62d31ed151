// SQL spellings of k8s/value.ts classifyValue, so values can be counted by class without leaving
// SQLite. substr() on a BLOB counts bytes; CAST makes a value stored as TEXT compare as bytes too.
//
// substr() and CAST load the whole value (every overflow page) into SQLite's memory, even for four
// bytes; octet_length() reads only the size stored in the record. So every expression that looks at
// a value's bytes is guarded by its size: a value longer than VALUE_READ_LIMIT is measured, never
// read (CASE evaluates only the branch it takes).

import type { ValueClassCounts } from './prefixes.js';

/**
 * The longest value the analyzer reads: 1.5 MiB, etcd's default request limit (etcd-io/etcd:
 * server/embed/config.go, DefaultMaxRequestBytes = 1.5 * 1024 * 1024). The API server is built for
 * it (kubernetes/apiserver: pkg/server/config.go sizes MaxRequestBodyBytes, 3 MiB, as twice that
 * because JSON shrinks when stored as protobuf), and the objects we decode stay far below it: a Lease
 * is a few hundred bytes, a full Calico IPAMBlock (4096 addresses, the most its blockSize allows)
 * about 700 KB. Decoding costs up to ~15 times a value's size in JS, so this bound also caps one
 * decode at ~25 MB. A longer value is damage or a crafted row: counted, its bytes summed, never read.
 */
export const VALUE_READ_LIMIT = 1.5 * 1024 * 1024;

/** The column's bytes, or NULL when it is longer than VALUE_READ_LIMIT (then it is never loaded). */
export const boundedValueSql = (col: string): string =>
  `CASE WHEN octet_length(${col}) <= ${VALUE_READ_LIMIT} THEN ${col} END`;

/** `k8s\0`: the Kubernetes protobuf magic (PROTOBUF_MAGIC in k8s/value.ts). */
const PROTOBUF_MAGIC_SQL = "X'6B387300'";
/** `k8s:enc:`: prefix of every value encrypted at rest (ENCRYPTED_PREFIX in k8s/value.ts). */
const ENCRYPTED_PREFIX_SQL = "X'6B38733A656E633A'";

/** True when the column holds a value encrypted at rest; NULL (unknown) when it is too long to read. */
export const isEncryptedSql = (col: string): string =>
  `(CASE WHEN octet_length(${col}) <= ${VALUE_READ_LIMIT} THEN substr(CAST(${col} AS BLOB), 1, 8) = ${ENCRYPTED_PREFIX_SQL} END)`;

/** True when the column holds bytes that are not encrypted (NULL, empty and too long are neither). */
export const isPlaintextSql = (col: string): string =>
  `(${col} IS NOT NULL AND octet_length(${col}) > 0 AND NOT ${isEncryptedSql(col)})`;

/** The classes valueClassSql tells apart, in the order of the numbers it gives them. */
export const VALUE_CLASSES = [
  'protobuf',
  'json',
  'encrypted',
  'empty',
  'other',
  'oversized',
] as const satisfies ReadonlyArray<keyof ValueClassCounts>;

const classNumber = (name: (typeof VALUE_CLASSES)[number]) => VALUE_CLASSES.indexOf(name);

/**
 * The column's class as classifyValue would say (`unknown` is called `other` here), or 'oversized'
 * for a value longer than VALUE_READ_LIMIT, as its index in VALUE_CLASSES. JSON is a `{` after
 * optional whitespace in the first 64 bytes. The size is tested first, from the record header, and
 * protobuf, what almost every live value is, before the rest; a number, not a name, comes back: at
 * 300,000 live rows both cut the CPU of the table pass (ROWS_SQL) by 8% (bench/RESULTS.md, fifth pass).
 */
export const valueClassSql = (col: string): string => `CASE
    WHEN octet_length(${col}) BETWEEN 1 AND ${VALUE_READ_LIMIT} THEN CASE
      WHEN substr(CAST(${col} AS BLOB), 1, 4) = ${PROTOBUF_MAGIC_SQL} THEN ${classNumber('protobuf')}
      WHEN substr(CAST(${col} AS BLOB), 1, 8) = ${ENCRYPTED_PREFIX_SQL} THEN ${classNumber('encrypted')}
      WHEN substr(ltrim(CAST(substr(CAST(${col} AS BLOB), 1, 64) AS TEXT), char(32, 9, 10, 13)), 1, 1) = '{'
        THEN ${classNumber('json')}
      ELSE ${classNumber('other')} END
    WHEN ${col} IS NULL OR octet_length(${col}) = 0 THEN ${classNumber('empty')}
    ELSE ${classNumber('oversized')} END`;
