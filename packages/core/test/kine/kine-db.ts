// A kine table in an in-memory SQLite database, written with the same kine-shaped SQL the real-dqlite
// tests send through the dqlite shell (packages/test-support/src/kine.ts), so unit tests see realistic rows.

import { checkStatement } from '@dqlite-analyzer/test-support/dqlite-shell';
import {
  KineHistory,
  type KineSchemaVariant,
  kineSchema,
  kineValue,
} from '@dqlite-analyzer/test-support/kine';
import Database from 'better-sqlite3';

export { bytesValue, jsonValue } from '@dqlite-analyzer/test-support/incident';
export { KineHistory, kineValue };

/** Run `write` against a fresh KineHistory and apply its statements (then `extra`) to a new in-memory database. */
export function kineDb(
  write: (h: KineHistory) => void,
  variant: KineSchemaVariant = 'v1',
  extra: readonly string[] = [],
): Database.Database {
  const db = new Database(':memory:');
  const h = new KineHistory();
  write(h);
  for (const statement of [...kineSchema(variant), ...h.takeStatements(), ...extra]) {
    // The same statements go through the dqlite shell in test/: keep them within its line limit.
    checkStatement(statement);
    db.exec(statement);
  }
  return db;
}
