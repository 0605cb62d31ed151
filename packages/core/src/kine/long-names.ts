// Kine names longer than any Kubernetes key (long-strings.ts) are damage or a crafted row, and one
// can be as long as SQLite allows. Handled whole, a 10 MB name cost the analysis child 6 times its
// size (issue #12 §3): SQLite's GROUP BY over the name index held it 4 times while it compared
// (+40 MiB), and handing it to JS once per row made a JS string of it each time (+22 MiB). So the
// table scan never groups, compares nor hands over a long name: octet_length() reads its size from
// the record header without loading it, and the three loads per row that are left (its start in
// kine/table-scan.ts ROWS_SQL, its length and its end here, one statement each so that SQLite holds
// one copy at a time) hand JS those only: a long name costs its size, once at a time. Measured, a JS
// hash of its bytes cost more (+35 MiB: the chunks are garbage V8 frees late), SQL comparing two
// rows' names holds both (+20 MiB), and one statement reading the name twice holds it twice.
import { createHash } from 'node:crypto';
import { cutEnds, STRING_LIMIT } from '../long-strings.js';
import type { SqliteDatabase } from '../sqlite/open.js';

/**
 * A name of more bytes is long. It is then longer than STRING_LIMIT characters too (UTF-8 spends at
 * most 3 bytes on one UTF-16 unit), so the Analysis shows every long name cut, never whole.
 */
export const LONG_NAME_BYTES = 3 * STRING_LIMIT;

/** SQL: whether the name in `column` is long, read from the record header alone. */
export const isLongNameSql = (column = 'name'): string => `octet_length(${column}) > ${LONG_NAME_BYTES}`;

/**
 * The characters kept of each end of a long name. Its start stands for it where only its directory,
 * storage prefix and namespace matter (kine/key-groups.ts): real ones end far earlier, and one that
 * does not end within it is taken as far as it goes.
 */
export const LONG_NAME_END = 4 * STRING_LIMIT;

/** SQL, for a long name in `column`: its first LONG_NAME_END characters. */
export const longNameStartSql = (column = 'name'): string => `substr(${column}, 1, ${LONG_NAME_END})`;

/** One long name, as one of its rows gave it. */
export interface LongName {
  /**
   * Its lengths and ends, hashed: rows with the same are taken for rows of the same name. Two long
   * names alike in both lengths and LONG_NAME_END characters at each end can only be made so on
   * purpose; their rows are then counted as one key's (nothing else is: no Kubernetes key is long).
   */
  identity: string;
  /**
   * What cutMiddle (long-strings.ts) makes of it, its length in characters as SQLite's length()
   * counts them: code points (a JS string counts two for one beyond U+FFFF), up to a NUL.
   */
  cut: string;
}

const CHARACTERS_SQL = 'SELECT length(name) FROM kine WHERE id = ?';
const END_SQL = `SELECT substr(name, -${LONG_NAME_END}) FROM kine WHERE id = ?`;

/** Reads the long name of a row, of `bytes` bytes, from its start (longNameStartSql()). */
export function longNameReader(db: SqliteDatabase): (id: number, start: string, bytes: number) => LongName {
  const characters = db.prepare(CHARACTERS_SQL).pluck();
  const end = db.prepare(END_SQL).pluck();
  return (id, start, bytes) => {
    const count = Number(characters.get(id));
    const last = String(end.get(id));
    const identity = createHash('sha256').update(`${bytes} ${count}\0${start}\0${last}`).digest('base64');
    return { identity, cut: cutEnds(start.slice(0, STRING_LIMIT), last.slice(-STRING_LIMIT), count) };
  };
}

// The order of two rows' names, as `ORDER BY name` has them (the column's collation). Loads both
// names: asked only for hot keys tied on revisions, one of them long.
const BEFORE_SQL = 'SELECT (SELECT name FROM kine WHERE id = ?) < (SELECT name FROM kine WHERE id = ?)';

/** Whether the name of row `a` sorts before that of row `b`. */
export function nameBefore(db: SqliteDatabase): (a: number, b: number) => boolean {
  const before = db.prepare(BEFORE_SQL).pluck();
  return (a, b) => before.get(a, b) === 1;
}
