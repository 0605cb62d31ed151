import type { PageWalk } from './page-walk.js';

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

/**
 * `PRAGMA quick_check` / `integrity_check` on the copy (the check dqlite itself runs after
 * restoring a snapshot), and its result from the rows; null for mode 'none'.
 */
export function integrityWalk(mode: IntegrityMode): PageWalk<IntegrityResult> | null {
  if (mode === 'none') return null;
  return {
    queries: [`PRAGMA ${mode === 'quick' ? 'quick_check' : 'integrity_check'}(${MAX_PROBLEMS})`],
    parse: ([rows]) => {
      const messages = (rows ?? []).map((row) => String(Object.values(row as Record<string, unknown>)[0]));
      const ok = messages.length === 1 && messages[0] === 'ok';
      return { check: mode, ok, problems: ok ? [] : messages };
    },
  };
}
