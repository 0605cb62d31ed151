// `dqlite-analyze compare` on two snapshots one real dqlite node wrote before and after a burst of
// writes to one key: every format must name that key as the top writer with the count sqlite3 finds.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Comparison } from '@dqlite-analyzer/core';
import { type SnapshotFiles, startDqliteNode, stopAllNodes } from '@dqlite-analyzer/test-support/dqlite-node';
import { type Extraction, extractWithCli, sqlite } from '@dqlite-analyzer/test-support/independent';
import { KineHistory, kineSchema, kineValue } from '@dqlite-analyzer/test-support/kine';
import { parseMarkdown } from '@dqlite-analyzer/test-support/markdown';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliResult, runCli } from './run-cli.js';

const BURST_KEY = '/registry/crd.projectcalico.org/clusterinformations/default';
const BURST = 600;
const POD = '/registry/pods/default/web-1';
const OTHER_WRITES = 4;

let scratch: string;
let older: SnapshotFiles;
let newer: SnapshotFiles;
let extraction: Extraction;
let written: { name: string; n: number }[];
let text: CliResult;
let json: CliResult;
let markdown: CliResult;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'dqa-cli-compare-'));
  const node = await startDqliteNode();
  const history = new KineHistory();
  history.create(BURST_KEY, kineValue.json({ kind: 'ClusterInformation', spec: { datastoreReady: true } }));
  history.create(POD, kineValue.k8s(400));
  history.bulkCreate('/registry/configmaps/default/cm-', 40, kineValue.k8s(200), { chunk: 40 });
  await node.exec('k8s', [...kineSchema('v1'), ...history.takeStatements()]);
  // Both copies in one directory: one node, one boot, so the file names time the interval.
  const backend = join(scratch, 'backend');
  older = await node.copySnapshot(await node.padUntilSnapshot(), backend);
  const storm = kineValue.json({ kind: 'ClusterInformation', spec: { datastoreReady: false } });
  history.bulkUpdate(BURST_KEY, BURST, storm, { chunk: 300 });
  for (let i = 0; i < OTHER_WRITES; i++) history.update(POD, kineValue.k8s(400));
  await node.exec('k8s', history.takeStatements());
  newer = await node.copySnapshot(await node.padUntilSnapshot({ afterIndex: older.index }), backend);
  await node.stop();
  extraction = await extractWithCli(newer.dataPath);
  const k8s = extraction.databases.find((d) => d.name === 'k8s')!.mainPath;
  const olderExtraction = await extractWithCli(older.dataPath);
  const [before] = await sqlite<{ n: number }>(
    olderExtraction.databases.find((d) => d.name === 'k8s')!.mainPath,
    'SELECT max(id) AS n FROM kine',
  ).finally(() => olderExtraction.cleanup());
  written = await sqlite<{ name: string; n: number }>(
    k8s,
    `SELECT name, count(*) AS n FROM kine WHERE id > ${before!.n} GROUP BY name ORDER BY n DESC`,
  );
  [text, json, markdown] = await Promise.all([
    runCli(['compare', older.dataPath, newer.dataPath, '--interval-seconds', '120']),
    runCli(['compare', older.dataPath, newer.dataPath, '--format', 'json']),
    runCli(['compare', older.dataPath, newer.dataPath, '-o', join(scratch, 'compare.md')]),
  ]);
});

afterAll(async () => {
  await stopAllNodes();
  await extraction?.cleanup();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

describe('dqlite-analyze compare', () => {
  it('sqlite3 sees the burst key as the top writer (the scenario holds)', () => {
    expect(written).toEqual([
      { name: BURST_KEY, n: BURST },
      { name: POD, n: OTHER_WRITES },
    ]);
  });

  it('text: names the burst key as top writer with the exact count and the given interval', () => {
    expect(text).toMatchObject({ code: 0, stderr: '' });
    const total = BURST + OTHER_WRITES;
    expect(text.stdout.replace(/\s+/g, ' ')).toContain(
      `${total} revisions written between the two snapshots in 2 min (${total / 2}/min); ` +
        `the top writer is ${BURST_KEY} with ${BURST} (`,
    );
    // Under their resource, without the /registry/<resource>/ the column already says.
    const rows = text.stdout.split('\n').filter((l) => /^ {2}(clusterinformations|pods) +\S/.test(l));
    expect(rows[0]).toMatch(
      new RegExp(`^  clusterinformations +default +${BURST} +\\d+\\.\\d% +${BURST / 2}/min`),
    );
    expect(rows[1]).toMatch(new RegExp(`^  pods +default/web-1 +${OTHER_WRITES} +`));
    for (const line of text.stdout.split('\n')) expect([...line].length).toBeLessThanOrEqual(80);
  });

  it('json: the core Comparison, timed by the file names of one node', () => {
    expect(json.code).toBe(0);
    const comparison = JSON.parse(json.stdout) as Comparison;
    expect(comparison.writes.map((w) => [w.key, w.revisions])).toEqual(written.map((w) => [w.name, w.n]));
    expect(comparison).toMatchObject({
      intervalSource: 'snapshot-timestamps',
      intervalSeconds: (newer.timestamp - older.timestamp) / 1000,
    });
  });

  it('markdown: the top writers table holds the key and the count', async () => {
    expect(markdown).toMatchObject({ code: 0, stdout: '', stderr: '' });
    const md = parseMarkdown(await readFile(join(scratch, 'compare.md'), 'utf8'));
    const writers = md.tables.find((t) => t.title === 'Top writers (keys)')!;
    expect(writers.header).toEqual(['resource', 'name', 'revisions', 'share', 'rate', 'bytes']);
    expect(
      writers.rows.map((r) => [
        `/registry/${r[0] === 'pods' ? '' : 'crd.projectcalico.org/'}${r[0]}/${r[1]}`,
        r[2],
      ]),
    ).toEqual(written.map((w) => [w.name, String(w.n)]));
    const resources = md.tables.find((t) => t.title === 'By resource')!;
    expect(resources.rows[0]!.slice(0, 3)).toEqual([
      'crd.projectcalico.org/clusterinformations',
      '1',
      `${BURST}`,
    ]);
  });

  it('refuses the snapshots in the wrong order with the core error code', async () => {
    const swapped = await runCli(['compare', newer.dataPath, older.dataPath]);
    expect(swapped.code).toBe(65);
    expect(swapped.stderr).toMatch(/^dqlite-analyze: DQA_COMPARE_ORDER: /);
  });
});
