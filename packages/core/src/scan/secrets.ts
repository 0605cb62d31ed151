import { isEncryptedSql, isPlaintextSql } from '../kine/value-sql.js';
import type { SqliteDatabase } from '../sqlite/open.js';

/** Secrets as stored: counts and sizes only. Secret values are never decoded or returned. */
export interface SecretHistory {
  /** Secrets whose latest row is live. */
  liveKeys: number;
  /** Of those, how many are stored encrypted (`k8s:enc:`) and how many are not. */
  liveEncrypted: number;
  livePlaintext: number;
  /** Secret keys with at least one encrypted revision: encryption at rest is on for them. */
  keysWithEncryption: number;
  /**
   * Rows of those keys, at or before their newest encrypted revision, whose value or old_value is
   * plaintext: data encryption was meant to protect, still readable in the database.
   */
  plaintextHistoryRows: number;
  plaintextHistoryKeys: number;
  /** Bytes of those plaintext values and old_values. */
  plaintextHistoryBytes: number;
}

const RANGE = "name >= '/registry/secrets/' AND name < '/registry/secrets0'";

const LIVE_SQL = `
  WITH latest AS (SELECT name, max(id) AS id FROM kine WHERE ${RANGE} GROUP BY name)
  SELECT count(*) AS liveKeys,
         coalesce(sum(${isEncryptedSql('k.value')}), 0) AS liveEncrypted,
         coalesce(sum(NOT ${isEncryptedSql('k.value')}), 0) AS livePlaintext
  FROM kine AS k JOIN latest AS l ON l.id = k.id WHERE k.deleted = 0`;

// Newest encrypted revision per key, then every row up to it that still holds plaintext: a value
// written before encryption was turned on, or the old_value copy of one (canonical/microk8s#2532).
const HISTORY_SQL = `
  WITH encrypted AS (
    SELECT name, max(id) AS lastEncrypted FROM kine WHERE ${RANGE} AND ${isEncryptedSql('value')} GROUP BY name
  )
  SELECT (SELECT count(*) FROM encrypted) AS keysWithEncryption,
         count(*) AS plaintextHistoryRows,
         count(DISTINCT k.name) AS plaintextHistoryKeys,
         coalesce(sum(CASE WHEN ${isPlaintextSql('k.value')} THEN octet_length(k.value) ELSE 0 END
                    + CASE WHEN ${isPlaintextSql('k.old_value')} THEN octet_length(k.old_value) ELSE 0 END), 0)
           AS plaintextHistoryBytes
  FROM kine AS k JOIN encrypted AS e ON e.name = k.name
  WHERE k.id <= e.lastEncrypted AND (${isPlaintextSql('k.value')} OR ${isPlaintextSql('k.old_value')})`;

/** The SQL behind plaintextHistoryRows, for evidence an operator can re-run in sqlite3. */
export const PLAINTEXT_SECRETS_SQL = HISTORY_SQL;

/** Count Secret rows by encryption state with two set-based queries; no value leaves SQLite. */
export function scanSecrets(db: SqliteDatabase): SecretHistory {
  const live = db.prepare(LIVE_SQL).get() as Pick<
    SecretHistory,
    'liveKeys' | 'liveEncrypted' | 'livePlaintext'
  >;
  const history = db.prepare(HISTORY_SQL).get() as Omit<
    SecretHistory,
    'liveKeys' | 'liveEncrypted' | 'livePlaintext'
  >;
  return { ...live, ...history };
}
