import { statSync } from 'node:fs';
import { join } from 'node:path';
import type { BtreeUsage } from './btrees.js';
import type { SqliteDatabase } from './open.js';

/** Exact size after VACUUM: `VACUUM INTO` a file in the private directory and measure it. */
export function vacuumedBytes(db: SqliteDatabase, dir: string, label: string): number {
  const target = join(dir, `${label}.vacuumed`);
  // VACUUM INTO reads the source only; the target must not exist yet.
  db.prepare('VACUUM INTO ?').run(target);
  return statSync(target).size;
}

/**
 * Estimate the size after VACUUM from page figures alone: VACUUM rebuilds every b-tree from
 * sorted input, so each object shrinks to about the pages its used bytes fill. Page 1 also
 * holds the 100-byte file header.
 */
export function estimateVacuumedBytes(objects: BtreeUsage[], pageSize: number): number {
  const usable = pageSize;
  let pages = 0;
  for (const object of objects) {
    const used = object.pages * pageSize - object.unusedBytes;
    pages += Math.max(1, Math.ceil(used / usable));
  }
  return Math.max(1, pages) * pageSize;
}
