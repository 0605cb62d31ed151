/** Which SQLite check to run on the copy: quick_check (b-tree structure, O(N)) or integrity_check (adds index contents). */
export type IntegrityMode = 'quick' | 'full' | 'none';

/** The result of SQLite's own consistency check on the private copy. */
export interface IntegrityResult {
  check: 'quick' | 'full';
  ok: boolean;
  /** SQLite's messages when not ok (at most MAX_PROBLEMS). */
  problems: string[];
}

const MAX_PROBLEMS = 20;

/** `PRAGMA quick_check` / `integrity_check` on the copy: the check dqlite itself runs after restoring a snapshot. */
export function integritySql(mode: 'quick' | 'full'): string {
  return `PRAGMA ${mode === 'quick' ? 'quick_check' : 'integrity_check'}(${MAX_PROBLEMS})`;
}

/** The check's result from the rows integritySql(mode) returned. */
export function integrityFromRows(mode: 'quick' | 'full', rows: readonly unknown[]): IntegrityResult {
  const messages = (rows as Array<Record<string, unknown>>).map((row) => String(Object.values(row)[0]));
  const ok = messages.length === 1 && messages[0] === 'ok';
  return { check: mode, ok, problems: ok ? [] : messages };
}
