// A kine table in an in-memory SQLite database, written with the same kine-shaped SQL the real-dqlite
// tests send through the dqlite shell (test/support/kine.ts), so unit tests see realistic rows.
import Database from 'better-sqlite3';
import { checkStatement } from '../../../../test/support/dqlite-shell.js';
import { KineHistory, type KineSchemaVariant, kineSchema, kineValue } from '../../../../test/support/kine.js';

export { bytesValue, jsonValue } from '../checks/incident.js';
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
