// The core's figures on snapshots a real dqlite node wrote, checked against independent tools on the
// same bytes: the lz4 CLI, the sqlite3 CLI and sqlite3_analyzer (through packages/test-support/src/independent.ts),
// and the KineHistory model of what was written.
import { execFile } from 'node:child_process';
import { copyFile, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type Analysis, analyze } from '@dqlite-analyzer/core';
import {
  type DqliteNode,
  type SnapshotFiles,
  startDqliteNode,
  stopAllNodes,
} from '@dqlite-analyzer/test-support/dqlite-node';
import { type Extraction, extractWithCli, sqlite } from '@dqlite-analyzer/test-support/independent';
import { KineHistory, kineSchema, kineValue } from '@dqlite-analyzer/test-support/kine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSpaceUsed } from './space-used.js';

const run = promisify(execFile);

/** A history with every kind of row, and a compaction big enough to leave free pages behind. */
function writeHistory(history: KineHistory): void {
  history.bulkCreate('/registry/configmaps/kube-system/cm-', 300, kineValue.k8s(1500), { chunk: 100 });
  history.create('/registry/leases/kube-system/kube-scheduler', kineValue.k8s(300));
  history.bulkUpdate('/registry/leases/kube-system/kube-scheduler', 600, kineValue.k8s(300), { chunk: 150 });
  history.create('/registry/pods/default/web-1', kineValue.k8s(900));
  history.update('/registry/pods/default/web-1', kineValue.k8s(950));
  history.delete('/registry/pods/default/web-1');
  history.create('/registry/pods/default/web-1', kineValue.k8s(990)); // recreated after delete
  for (let i = 1; i <= 40; i++) history.delete(`/registry/configmaps/kube-system/cm-${i}`);
  history.gap(7);
  history.compact(history.figures().currentRevision - 200);
  history.bulkUpdate('/registry/leases/kube-system/kube-scheduler', 120, kineValue.k8s(300), { chunk: 120 });
  history.delete('/registry/configmaps/kube-system/cm-50');
}

let node: DqliteNode;
let scratch: string;
let snapshot: SnapshotFiles;
let extraction: Extraction;
let analysis: Analysis;
const history = new KineHistory();

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'dqa-core-e2e-'));
  node = await startDqliteNode();
  await node.exec('k8s', kineSchema('v1'));
  // A second kine database in the older layout, to see detection beyond the first match.
  await node.exec('legacy', kineSchema('legacy'));
  writeHistory(history);
  await node.exec('k8s', history.takeStatements());
  snapshot = await node.copySnapshot(await node.padUntilSnapshot(), scratch);
  extraction = await extractWithCli(snapshot.dataPath);
  analysis = await analyze(snapshot.dataPath, { vacuum: true, tempDir: scratch });
});

afterAll(async () => {
  await stopAllNodes();
  await extraction?.cleanup();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

const k8sFile = () => extraction.databases.find((db) => db.name === 'k8s')!;

describe('analyze() on a snapshot written by a real dqlite node', () => {
  it('reads term, index and timestamp from the name and the members from the .meta', async () => {
    expect(analysis.raft).toMatchObject({
      term: snapshot.term,
      index: snapshot.index,
      timestamp: snapshot.timestamp,
    });
    const info = await readFile(join(node.dataDir, 'info.yaml'), 'utf8');
    expect(analysis.raft?.servers).toEqual([
      { id: /ID: (\d+)/.exec(info)![1], address: /Address: (\S+)/.exec(info)![1], role: 'voter' },
    ]);
  });

  it('reports the sizes lz4 -d and the payload header give', async () => {
    expect(analysis.source.compression).toBe('lz4');
    expect(analysis.source.bytesOnDisk).toBe((await stat(snapshot.dataPath)).size);
    expect(analysis.source.payloadBytes).toBe((await stat(extraction.payloadPath)).size);
    expect(analysis.databases.map((db) => [db.name, db.mainFileBytes, db.walBytes])).toEqual(
      extraction.databases.map((db) => [db.name, db.mainSize, db.walSize]),
    );
  });

  it('agrees with the sqlite3 CLI on page size, page count and freelist for every database', async () => {
    for (const file of extraction.databases) {
      const [row] = await sqlite<{
        pageSize: number;
        pageCount: number;
        freelist: number;
        userVersion: number;
      }>(
        file.mainPath,
        'SELECT (SELECT page_size FROM pragma_page_size) AS pageSize, (SELECT page_count FROM pragma_page_count) AS pageCount, ' +
          '(SELECT freelist_count FROM pragma_freelist_count) AS freelist, (SELECT user_version FROM pragma_user_version) AS userVersion',
      );
      const db = analysis.databases.find((d) => d.name === file.name)!;
      expect([db.pageSize, db.pageCount, db.freelistCount, db.userVersion]).toEqual([
        row!.pageSize,
        row!.pageCount,
        row!.freelist,
        row!.userVersion,
      ]);
      expect(db.fileBytes).toBe(row!.pageCount * row!.pageSize);
    }
    // The compaction must have left free pages, or this snapshot tests nothing about fragmentation.
    expect(analysis.databases.find((d) => d.name === 'k8s')!.freelistCount).toBeGreaterThan(0);
  });

  it('agrees with sqlite3_analyzer on every table and index', async () => {
    const used = await readSpaceUsed(k8sFile().mainPath, scratch);
    const ours = analysis.databases.find((d) => d.name === 'k8s')!.objects;
    expect(ours.map((o) => o.name).sort()).toEqual(used.map((u) => u.name).sort());
    for (const object of ours) {
      const theirs = used.find((u) => u.name === object.name)!;
      expect({
        name: object.name,
        pages: object.pages,
        payload: object.payloadBytes,
        unused: object.unusedBytes,
        entries: object.entries,
        leafEntries: object.leafEntries,
      }).toEqual({
        name: theirs.name,
        pages: theirs.pages,
        payload: theirs.payload,
        unused: theirs.unused,
        entries: theirs.entries,
        leafEntries: theirs.leafEntries,
      });
    }
  });

  it('agrees with the model and the sqlite3 CLI on every kine figure', async () => {
    const model = history.figures();
    const kine = analysis.kine!;
    expect(kine.database).toBe('k8s');
    expect(kine.schema).toMatchObject({ userVersion: 1, variant: 'k8s-dqlite-v1' });
    expect({
      rows: kine.rows,
      rowsNotDeleted: kine.rowsNotDeleted,
      gapRows: kine.gapRows,
      liveKeys: kine.liveKeys,
      currentRevision: kine.currentRevision,
      compactRevision: kine.compactRevision,
      sequence: kine.sequence,
    }).toEqual({
      rows: model.rows,
      rowsNotDeleted: model.undeletedRows,
      gapRows: model.gapRows,
      liveKeys: model.liveKeys,
      currentRevision: model.currentRevision,
      compactRevision: model.compactRevision,
      sequence: model.sequence,
    });
    const [cli] = await sqlite<Record<string, number>>(k8sFile().mainPath, KINE_SQL);
    expect({
      tombstones: kine.tombstones,
      liveBytes: kine.liveBytes,
      liveValueBytes: kine.liveValueBytes,
      historyRows: kine.historyRows,
      historyBytes: kine.historyBytes,
      deletedKeys: kine.deletedKeys,
      compactRevKeyRows: kine.compactRevKeyRows,
      gapRowsCompacted: kine.gapRowsCompacted,
    }).toEqual(cli);
    // Five disjoint kinds of row make up the table.
    expect(kine.liveKeys + kine.deletedKeys + kine.historyRows + kine.gapRows + kine.compactRevKeyRows).toBe(
      kine.rows,
    );
    expect(kine.revisionsSinceCompaction).toBe(model.currentRevision - model.compactRevision);
    expect(kine.fileToLiveRatio).toBeCloseTo(
      analysis.databases.find((d) => d.name === 'k8s')!.fileBytes / cli!.liveBytes!,
      10,
    );
  });

  it('measures the vacuumed size as VACUUM INTO with the sqlite3 CLI does, and estimates it closely', async () => {
    const copy = join(scratch, 'vacuum-source.db');
    await copyFile(k8sFile().mainPath, copy);
    await copyFile(k8sFile().walPath, `${copy}-wal`);
    const target = join(scratch, 'vacuumed-by-cli.db');
    await run('sqlite3', [copy, `VACUUM INTO '${target}'`]);
    const k8s = analysis.databases.find((d) => d.name === 'k8s')!;
    expect(k8s.vacuumedBytes).toBe((await stat(target)).size);
    expect(k8s.estimatedVacuumedBytes / k8s.vacuumedBytes!).toBeGreaterThan(0.9);
    expect(k8s.estimatedVacuumedBytes / k8s.vacuumedBytes!).toBeLessThan(1.1);
  });

  it('finds the second kine database and the non-kine ones', () => {
    const byName = Object.fromEntries(analysis.databases.map((db) => [db.name, db]));
    expect(byName.legacy).toMatchObject({ isKine: true, userVersion: 0 });
    expect(byName.demo).toMatchObject({ isKine: false, tables: ['model'] });
    expect(byName.pad?.isKine).toBe(false);
  });

  it('checks integrity with SQLite and says the analysis is whole', () => {
    for (const db of analysis.databases.filter((d) => d.pageCount > 0)) {
      expect(db.integrity).toEqual({ check: 'quick', ok: true, problems: [] });
    }
    expect(analysis.partial).toBe(false);
    expect(analysis.warnings).toEqual([]);
  });

  it('keeps the copies on request, WAL applied, for checking by hand', async () => {
    const keep = await mkdtemp(join(scratch, 'keep-'));
    const kept = await analyze(snapshot.dataPath, {
      tempDir: scratch,
      keepCopiesIn: keep,
      integrity: 'none',
    });
    const k8s = kept.databases.find((db) => db.name === 'k8s')!;
    expect(k8s.copyPath).toBe(join(keep, 'k8s.db'));
    expect(k8s.integrity).toBeNull();
    const [row] = await sqlite<{ rows: number }>(k8s.copyPath!, 'SELECT count(*) AS rows FROM kine');
    expect(row!.rows).toBe(history.figures().rows);
    // A kept copy is never overwritten: the user's output, so DQA_OUTPUT_FAILED (not the private copy).
    await expect(analyze(snapshot.dataPath, { tempDir: scratch, keepCopiesIn: keep })).rejects.toMatchObject({
      code: 'DQA_OUTPUT_FAILED',
    });
  });

  it('leaves the source untouched and nothing in the temp dir', async () => {
    const before = await stat(snapshot.dataPath);
    const bytes = await readFile(snapshot.dataPath);
    await analyze(snapshot.dataPath, { tempDir: scratch });
    const after = await stat(snapshot.dataPath);
    expect(after.mtimeMs).toBe(before.mtimeMs);
    expect((await readFile(snapshot.dataPath)).equals(bytes)).toBe(true);
    const { readdir } = await import('node:fs/promises');
    expect((await readdir(scratch)).filter((name) => name.startsWith('dqlite-analyzer-'))).toEqual([]);
  });
});

// Independent SQL for the figures the model does not track (byte counts, tombstones by kind).
const ROW_BYTES =
  'length(CAST(k.name AS BLOB)) + coalesce(length(CAST(k.value AS BLOB)), 0) + coalesce(length(CAST(k.old_value AS BLOB)), 0)';
const KINE_SQL = `
  WITH latest AS (SELECT name, max(id) AS id FROM kine GROUP BY name),
       rows AS (SELECT k.*, l.id AS latest, ${ROW_BYTES} AS bytes FROM kine k JOIN latest l USING (name)
                WHERE k.name <> 'compact_rev_key' AND k.name NOT LIKE 'gap-%')
  SELECT (SELECT count(*) FROM rows WHERE deleted = 1) AS tombstones,
         (SELECT coalesce(sum(bytes), 0) FROM rows WHERE id = latest AND deleted = 0) AS liveBytes,
         (SELECT coalesce(sum(length(CAST(value AS BLOB))), 0) FROM rows WHERE id = latest AND deleted = 0) AS liveValueBytes,
         (SELECT count(*) FROM rows WHERE id < latest) AS historyRows,
         (SELECT coalesce(sum(bytes), 0) FROM rows WHERE id < latest) AS historyBytes,
         (SELECT count(*) FROM rows WHERE id = latest AND deleted = 1) AS deletedKeys,
         (SELECT count(*) FROM kine WHERE name = 'compact_rev_key') AS compactRevKeyRows,
         (SELECT count(*) FROM kine WHERE name LIKE 'gap-%'
            AND id <= (SELECT max(prev_revision) FROM kine WHERE name = 'compact_rev_key')) AS gapRowsCompacted`;
