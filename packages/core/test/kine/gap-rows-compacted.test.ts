import { writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { analyze } from '../../src/analyze.js';
import { kineDb, kineValue } from './kine-db.js';

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

// Gap rows a k8s-dqlite before 1.3.5 left below the compact revision (its compaction kept them), and
// newer ones above it: only the first are what the kine-bookkeeping finding's DELETE removes.
it('counts the gap rows at or below the compact revision as sqlite3 does', async () => {
  const db = kineDb(
    (h) => {
      h.create('/registry/leases/kube-system/kube-scheduler', kineValue.k8s(100));
      h.bulkUpdate('/registry/leases/kube-system/kube-scheduler', 40, kineValue.k8s(100));
      h.compact(h.figures().currentRevision - 5);
      h.gap(4);
    },
    'v1',
    // Ids the compaction freed, below its revision.
    [2, 3, 5].map(
      (id) =>
        'INSERT INTO kine (id, name, created, deleted, create_revision, prev_revision, lease, value, old_value) ' +
        `VALUES (${id}, 'gap-${id}', 0, 1, 0, 0, 0, NULL, NULL)`,
    ),
  );
  const reference = db
    .prepare(
      "SELECT count(*) AS n FROM kine WHERE substr(name, 1, 4) = 'gap-' AND id <= (SELECT max(prev_revision) FROM kine WHERE name = 'compact_rev_key')",
    )
    .get() as { n: number };
  const dir = await mkdtemp(join(tmpdir(), 'dqa-gaps-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'k8s.db'), db.serialize());
  db.close();
  const a = await analyze(join(dir, 'k8s.db'));
  expect(reference.n).toBe(3);
  expect({ gapRows: a.kine!.gapRows, gapRowsCompacted: a.kine!.gapRowsCompacted }).toEqual({
    gapRows: 7,
    gapRowsCompacted: reference.n,
  });
});
