// Fragmentation on a real snapshot: 112 MB of kine rows written and then deleted leave a file that is
// mostly free pages, the situation etcd's fragmentation alert describes. The finding's numbers must be
// what the sqlite3 CLI reads from the same snapshot.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Analysis, analyze, FRAGMENTATION_MIN_FILE_BYTES } from '@dqlite-analyzer/core';
import { startDqliteNode, stopAllNodes } from '@dqlite-analyzer/test-support/dqlite-node';
import { writeFreePages } from '@dqlite-analyzer/test-support/free-pages';
import { type Extraction, extractWithCli, sqlite } from '@dqlite-analyzer/test-support/independent';
import { KineHistory, kineSchema, kineValue } from '@dqlite-analyzer/test-support/kine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const CHUNKS = 14;
const ROWS_PER_CHUNK = 8;
const ROW_BYTES = 1_000_000;

let scratch: string;
let extraction: Extraction;
let analysis: Analysis;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'dqa-fragmentation-'));
  const node = await startDqliteNode();
  const history = new KineHistory();
  history.bulkCreate('/registry/pods/default/web-', 50, kineValue.k8s(800), { chunk: 50 });
  await node.exec('k8s', [...kineSchema('v1'), ...history.takeStatements()]);
  writeFreePages(history, { chunks: CHUNKS, rowsPerChunk: ROWS_PER_CHUNK, rowBytes: ROW_BYTES });
  await node.exec('k8s', history.takeStatements());
  const snapshot = await node.copySnapshot(await node.padUntilSnapshot({ timeoutMs: 60_000 }), scratch);
  await node.stop();
  extraction = await extractWithCli(snapshot.dataPath);
  analysis = await analyze(snapshot.dataPath, { tempDir: scratch });
});

afterAll(async () => {
  await stopAllNodes();
  await extraction?.cleanup();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

describe('fragmentation on a real snapshot', () => {
  it('fires with the page figures sqlite3 reads', async () => {
    const k8s = extraction.databases.find((d) => d.name === 'k8s')!.mainPath;
    const [pages] = await sqlite<{ pageCount: number; freelist: number; pageSize: number }>(
      k8s,
      'SELECT (SELECT page_count FROM pragma_page_count) AS pageCount, ' +
        '(SELECT freelist_count FROM pragma_freelist_count) AS freelist, (SELECT page_size FROM pragma_page_size) AS pageSize',
    );
    const fileBytes = pages!.pageCount * pages!.pageSize;
    const inUseBytes = (pages!.pageCount - pages!.freelist) * pages!.pageSize;
    expect(fileBytes).toBeGreaterThan(FRAGMENTATION_MIN_FILE_BYTES);
    expect(analysis.findings.map((f) => f.id)).toEqual(['fragmentation']);
    expect(analysis.findings[0]).toMatchObject({
      severity: 'warning',
      data: {
        database: 'k8s',
        fileBytes,
        inUseBytes,
        inUseRatio: inUseBytes / fileBytes,
        freelistPages: pages!.freelist,
      },
    });
    // The deleted rows' pages are free, not history: nothing else is wrong with this table.
    expect(analysis.kine).toMatchObject({ liveKeys: 50, historyRows: 0 });
  });
});
