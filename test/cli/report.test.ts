// The built `dqlite-analyze` on real snapshots from one real dqlite node: a healthy cluster, then the
// incident. Every format is produced the way a user would, and its verdict, exit code and figures are
// checked against the sqlite3 CLI on the same snapshot; the markdown goes through a GFM parser and
// the HTML through a real headless Chromium.
import { spawn } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Analysis } from '@dqlite-analyzer/core';
import { chromiumAvailable, openInChromium } from '@dqlite-analyzer/test-support/chromium';
import { writeCleanCluster } from '@dqlite-analyzer/test-support/clean';
import { type SnapshotFiles, startDqliteNode, stopAllNodes } from '@dqlite-analyzer/test-support/dqlite-node';
import { INCIDENT, INCIDENT_TRAILER, writeIncident } from '@dqlite-analyzer/test-support/incident';
import { type Extraction, extractWithCli, sqlite } from '@dqlite-analyzer/test-support/independent';
import { KineHistory, kineSchema } from '@dqlite-analyzer/test-support/kine';
import { parseMarkdown } from '@dqlite-analyzer/test-support/markdown';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, type CliResult, runCli, SINGLE_SHELL_WORD } from './run-cli.js';

const INCIDENT_FINDINGS = 8;
let scratch: string;
let healthy: SnapshotFiles;
let incident: SnapshotFiles;
let extraction: Extraction;
let k8s: string;
const runs: Record<'text' | 'json' | 'markdown' | 'html' | 'healthy', CliResult> = {} as never;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'dqa-cli-report-'));
  const node = await startDqliteNode();
  // The healthy cluster in its own database, snapshotted before the incident database exists, so
  // the analyzer finds exactly one kine table in each snapshot.
  const clean = new KineHistory();
  writeCleanCluster(clean);
  await node.exec('healthy', [...kineSchema('v1'), ...clean.takeStatements()]);
  healthy = await node.copySnapshot(await node.padUntilSnapshot(), join(scratch, 'healthy'));
  const broken = new KineHistory();
  writeIncident(broken);
  await node.exec('k8s', [...kineSchema('v1'), ...broken.takeStatements(), ...INCIDENT_TRAILER]);
  incident = await node.copySnapshot(
    await node.padUntilSnapshot({ afterIndex: healthy.index }),
    join(scratch, 'incident'),
  );
  await node.stop();
  extraction = await extractWithCli(incident.dataPath);
  k8s = extraction.databases.find((d) => d.name === 'k8s')!.mainPath;
  const out = (name: string) => join(scratch, name);
  const [text, json, markdown, html, clean2] = await Promise.all([
    runCli([incident.dataPath]),
    runCli([incident.dataPath, '--format', 'json', '--vacuum']),
    runCli([incident.dataPath, '-o', out('report.md')]),
    runCli([incident.dataPath, '-o', out('report.html')]),
    runCli([join(scratch, 'healthy')]),
  ]);
  Object.assign(runs, { text, json, markdown, html, healthy: clean2 });
});

afterAll(async () => {
  await stopAllNodes();
  await extraction?.cleanup();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

const one = async (sql: string): Promise<number> => Object.values((await sqlite(k8s, sql))[0]!)[0] as number;
const count = (n: number) => n.toLocaleString('en-US');

describe('dqlite-analyze on the incident snapshot', () => {
  it('text: NOT READY, exit 4, nothing on stderr and no colour when piped', () => {
    const { code, stdout, stderr } = runs.text;
    expect(code).toBe(4);
    expect(stderr).toBe('');
    expect(stdout.split('\n').slice(0, 6)).toEqual([
      'dqlite snapshot report',
      incident.dataPath,
      expect.stringMatching(/^dqlite-analyze \d+\.\d+\.\d+/),
      '',
      'NOT READY',
      expect.stringMatching(/^5 critical, 3 warnings: fix the critical findings/),
    ]);
    expect(stdout).not.toContain('\u001b[');
  });

  it('text: the figures are the ones sqlite3 reads from the same snapshot', async () => {
    const { stdout } = runs.text;
    const rows = await one('SELECT count(*) FROM kine');
    const pages = await one('PRAGMA page_count');
    const free = await one('PRAGMA freelist_count');
    const storm = await one(`SELECT count(*) FROM kine WHERE name = '${INCIDENT.stormKey}'`);
    const gaps = await one("SELECT count(*) FROM kine WHERE name LIKE 'gap-%'");
    expect(stdout).toContain(`Rows       ${count(rows)}: `);
    expect(stdout).toContain(`, ${count(gaps)} gap`);
    expect(stdout).toMatch(new RegExp(`File +[\\d.]+ [KM]iB \\(${count(pages)} pages of 4\\.0 KiB\\)`));
    expect(stdout).toMatch(new RegExp(`Free pages +${count(free)} = `));
    // The hot key, possibly middle-truncated to fit: its name's end and the exact count.
    expect(stdout).toMatch(new RegExp(`kube-controller-manager +${count(storm)} +\\d+\\.\\d%`));
    expect(stdout).toContain('Taken at');
    expect(stdout).toContain(`${count(incident.timestamp)} ms on the node's monotonic clock, not a date`);
  });

  it('text: fits 80 columns; only a single unbreakable shell word may run over', () => {
    const long = runs.text.stdout.split('\n').filter((line) => [...line].length > 80);
    for (const line of long) expect(line).toMatch(SINGLE_SHELL_WORD);
  });

  it('text: findings most severe first, then the plan with its two cautions', () => {
    const { stdout } = runs.text;
    const tags = [...stdout.matchAll(/^ {2}\d+\. (CRITICAL|WARNING|INFO) (\S+)$/gm)].map((m) => m[1]);
    expect(tags).toHaveLength(INCIDENT_FINDINGS);
    expect(tags).toEqual([...tags].sort((a, b) => (a === b ? 0 : a === 'CRITICAL' ? -1 : 1)));
    const plan = stdout.slice(stdout.indexOf('UPGRADE PLAN'));
    expect(plan).toMatch(/1\. Back up every node/);
    expect(plan.indexOf('Stop the write storm')).toBeLessThan(plan.indexOf('Let compaction catch up'));
    expect(plan).toMatch(/Upgrade one node at a time/);
    expect(plan.replace(/\s+/g, ' ')).toContain('A rolling restart does not shrink the snapshot');
    expect(plan.replace(/\s+/g, ' ')).toContain('has no quorum');
  });

  it('json: the Analysis object, with the figures sqlite3 reads', async () => {
    expect(runs.json.code).toBe(4);
    const analysis = JSON.parse(runs.json.stdout) as Analysis;
    expect(analysis.schemaVersion).toBe(1);
    expect(analysis.kine?.rows).toBe(await one('SELECT count(*) FROM kine'));
    expect(analysis.findings).toHaveLength(INCIDENT_FINDINGS);
    // --vacuum: the exact size, as sqlite3's own VACUUM INTO of the same database writes it.
    const vacuumed = join(scratch, 'vacuumed.db');
    await sqlite(k8s, `VACUUM INTO '${vacuumed}'`);
    const db = analysis.databases.find((d) => d.name === 'k8s')!;
    expect(db.vacuumedBytes).toBe((await stat(vacuumed)).size);
    expect(analysis.hotKeys[0]).toMatchObject({
      key: INCIDENT.stormKey,
      revisions: await one(`SELECT count(*) FROM kine WHERE name = '${INCIDENT.stormKey}'`),
    });
  });

  it('markdown: renders as GFM, tables hold the figures, one sh block per finding', async () => {
    expect(runs.markdown).toMatchObject({ code: 4, stdout: '', stderr: '' });
    const md = parseMarkdown(await readFile(join(scratch, 'report.md'), 'utf8'));
    const hot = md.tables.find((t) => t.title.startsWith('Hot keys'))!;
    expect(hot.header).toEqual(['key', 'revisions', 'share', 'bytes']);
    const storm = await one(`SELECT count(*) FROM kine WHERE name = '${INCIDENT.stormKey}'`);
    expect(hot.rows[0]!.slice(0, 2)).toEqual([INCIDENT.stormKey, count(storm)]);
    const objects = md.tables.find((t) => t.title.startsWith('Tables and indexes'))!;
    const kineRow = objects.rows.find((r) => r[0] === 'kine')!;
    expect(kineRow[2]).toBe(count(await one('SELECT count(*) FROM kine')));
    // Every table row has as many cells as its header: nothing in a key split a cell.
    for (const table of md.tables)
      for (const row of table.rows) expect(row).toHaveLength(table.header.length);
    expect(md.code.filter((c) => c.lang === 'sh')).toHaveLength(INCIDENT_FINDINGS);
    expect(md.headings.filter((h) => h.depth === 3)).toHaveLength(INCIDENT_FINDINGS);
    expect(md.html).toContain('<strong>NOT READY</strong>');
    expect(md.html.match(/<table>/g)?.length).toBe(md.tables.length);
  });

  it('html: one self-contained file that Chromium renders without a console error', async () => {
    expect(chromiumAvailable(), 'install Debian chromium (apt-get install -y chromium)').toBe(true);
    expect(runs.html).toMatchObject({ code: 4, stdout: '', stderr: '' });
    const file = join(scratch, 'report.html');
    const html = await readFile(file, 'utf8');
    expect(html).not.toMatch(/<script|<link|https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
    const page = await openInChromium(`file://${file}`, {
      evaluate: `({
        verdict: document.querySelector('.verdict strong').textContent,
        charts: [...document.querySelectorAll('figure svg')].map((s) => s.getBoundingClientRect().height > 40),
        findings: document.querySelectorAll('.finding').length,
        overflow: document.documentElement.scrollWidth > innerWidth,
      })`,
    });
    expect(page.errors).toEqual([]);
    expect(page.value).toEqual({
      verdict: 'NOT READY',
      charts: [true, true, true],
      findings: 8,
      overflow: false,
    });
    // A real PNG of the whole page, kept beside the report for a look by hand (DQA_KEEP_SCREENSHOT).
    expect(page.screenshot.subarray(1, 4).toString()).toBe('PNG');
    expect(page.screenshot.readUInt32BE(16)).toBe(1100);
    expect(page.screenshot.readUInt32BE(20)).toBeGreaterThan(2000);
    const keep = process.env.DQA_KEEP_SCREENSHOT;
    if (keep) await writeFile(keep, page.screenshot);
  });
});

describe('dqlite-analyze on a terminal', () => {
  it('draws progress on stderr, erases it, and says where the report went', async () => {
    // script(1) (util-linux, always on Debian) runs the binary on a pseudo-terminal.
    const command = `${process.execPath} ${BIN} ${incident.dataPath} -o ${join(scratch, 'tty.txt')}`;
    const { code, stdout } = await runScript(command);
    expect(code).toBe(4);
    expect(stdout).toContain('\r\u001b[Kreading the snapshot: ');
    expect(stdout).toContain('\r\u001b[Kk8s: reading the kine history');
    const summary = stdout.slice(stdout.lastIndexOf('\r\u001b[K') + 4).trim();
    expect(summary).toBe(`dqlite-analyze: NOT READY; report written to ${join(scratch, 'tty.txt')}`);
    // The file has the report without colour or progress.
    expect(await readFile(join(scratch, 'tty.txt'), 'utf8')).toBe(runs.text.stdout);
  });
});

function runScript(command: string): Promise<{ code: number | null; stdout: string }> {
  return new Promise((resolve) => {
    const child = spawn('script', ['-qfec', command, '/dev/null'], { stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.on('close', (code) => resolve({ code, stdout }));
  });
}

describe('dqlite-analyze exit codes', () => {
  it('--keep-copies leaves each database for checking by hand; sqlite3 reads the same rows from it', async () => {
    const keep = join(scratch, 'kept');
    await mkdir(keep);
    const result = await runCli([
      incident.dataPath,
      '--format',
      'json',
      '--keep-copies',
      keep,
      '--integrity',
      'full',
    ]);
    expect(result.code).toBe(4);
    const analysis = JSON.parse(result.stdout) as Analysis;
    const copy = analysis.databases.find((db) => db.name === 'k8s')!;
    expect(copy.copyPath).toBe(join(keep, 'k8s.db'));
    expect(copy.integrity).toEqual({ check: 'full', ok: true, problems: [] });
    const [kept] = await sqlite<{ rows: number }>(join(keep, 'k8s.db'), 'SELECT count(*) AS rows FROM kine');
    expect(kept!.rows).toBe(await one('SELECT count(*) FROM kine'));
    // A directory that does not exist: the copy cannot be made, exit 73 with the error code.
    const missing = await runCli([incident.dataPath, '--keep-copies', join(scratch, 'no-such-dir')]);
    expect([missing.code, missing.stderr.split('\n')[0]]).toEqual([
      73,
      expect.stringMatching(/^dqlite-analyze: DQA_TEMP_FAILED: /),
    ]);
  });

  it('a healthy snapshot is READY and exits 0', () => {
    expect(runs.healthy.code).toBe(0);
    expect(runs.healthy.stdout.split('\n')[4]).toBe('READY');
    expect(runs.healthy.stdout).toContain('No findings: nothing in this snapshot stands in the way');
  });

  it('--fail-on none reports and exits 0; --fail-on warning still exits 4 on critical findings', async () => {
    const [none, warning] = await Promise.all([
      runCli([incident.dataPath, '--fail-on', 'none', '-f', 'json']),
      runCli([incident.dataPath, '--fail-on', 'warning', '-f', 'json']),
    ]);
    expect(none.code).toBe(0);
    expect(warning.code).toBe(4);
  });

  it('damaged input: 65 and one stderr line with the error code; missing: 66; usage: 2; bad -o: 73', async () => {
    const damaged = join(scratch, 'damaged', incident.name);
    await mkdir(join(scratch, 'damaged'));
    await copyFile(incident.dataPath, damaged);
    await truncate(damaged, Math.floor((await stat(damaged)).size / 2));
    const [bad, missing, usage, output] = await Promise.all([
      runCli([damaged]),
      runCli([join(scratch, 'nothing-here')]),
      runCli([incident.dataPath, '--top', 'many']),
      runCli([incident.dataPath, '-o', join(scratch, 'no-such-dir', 'r.html')]),
    ]);
    expect(bad.code).toBe(65);
    expect(bad.stderr).toMatch(/^dqlite-analyze: DQA_[A-Z0-9_]+: .+\n$/);
    expect(bad.stdout).toBe('');
    expect(missing.code).toBe(66);
    expect(missing.stderr).toMatch(/^dqlite-analyze: DQA_INPUT_NOT_FOUND: /);
    expect(usage.code).toBe(2);
    expect(output.code).toBe(73);
    expect(output.stderr).toMatch(/^dqlite-analyze: cannot write the report to /);
  });
});
