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
import {
  bytesValue,
  INCIDENT,
  INCIDENT_TRAILER,
  jsonValue,
  writeIncident,
} from '@dqlite-analyzer/test-support/incident';
import { type Extraction, extractWithCli, sqlite } from '@dqlite-analyzer/test-support/independent';
import { encrypted, ipamHandle, podHandleId, secret } from '@dqlite-analyzer/test-support/k8s-values';
import { KineHistory, kineSchema } from '@dqlite-analyzer/test-support/kine';
import { parseMarkdown } from '@dqlite-analyzer/test-support/markdown';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, type CliResult, runCli, SINGLE_SHELL_WORD } from './run-cli.js';

const INCIDENT_FINDINGS = 8;
let scratch: string;
let healthy: SnapshotFiles;
let incident: SnapshotFiles;
let mixed: SnapshotFiles;
let extraction: Extraction;
let k8s: string;
const runs: Record<'text' | 'json' | 'markdown' | 'html' | 'healthy' | 'mixed', CliResult> = {} as never;

// The incident has critical and warning findings, none of them info: this healthy cluster adds one
// warning (a Secret's plaintext kept in old_value by its first encrypted write) and two infos (three
// IPAM handles no allocation refers to, under IPAM_LEAK_WARNING; five gap rows, under
// GAP_ROWS_WARNING), which the checks list before the warning.
function writeMixedCluster(h: KineHistory): void {
  writeCleanCluster(h);
  h.create('/registry/secrets/default/api-key', bytesValue(secret('default', 'api-key', { key: 'k' })));
  h.update('/registry/secrets/default/api-key', bytesValue(encrypted(60)));
  for (let i = 0; i < 3; i++) {
    const id = podHandleId(300 + i);
    h.create(`/registry/crd.projectcalico.org/ipamhandles/${id}`, jsonValue(ipamHandle(id, '10.1.0.0/28')));
  }
  h.gap(5);
}

// The order findings are listed in: most severe first.
const RANK: Record<string, number> = { CRITICAL: 0, WARNING: 1, INFO: 2 };
const findingTags = (stdout: string) =>
  [...stdout.matchAll(/^ {2}\d+\. (CRITICAL|WARNING|INFO) (\S+)$/gm)].map((m) => m[1]!);
const mostSevereFirst = (tags: string[]) => [...tags].sort((a, b) => RANK[a]! - RANK[b]!);

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'dqa-cli-report-'));
  // A second node for the mixed cluster, started meanwhile: a snapshot holds every database of its node.
  const mixedNode = startDqliteNode().then(async (other) => {
    const history = new KineHistory();
    writeMixedCluster(history);
    await other.exec('k8s', [...kineSchema('v1'), ...history.takeStatements()]);
    mixed = await other.copySnapshot(await other.padUntilSnapshot(), join(scratch, 'mixed'));
    await other.stop();
  });
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
  await mixedNode;
  extraction = await extractWithCli(incident.dataPath);
  k8s = extraction.databases.find((d) => d.name === 'k8s')!.mainPath;
  const out = (name: string) => join(scratch, name);
  const [text, json, markdown, html, clean2, mixedText] = await Promise.all([
    runCli([incident.dataPath]),
    runCli([incident.dataPath, '--format', 'json', '--vacuum']),
    runCli([incident.dataPath, '-o', out('report.md')]),
    runCli([incident.dataPath, '-o', out('report.html')]),
    runCli([join(scratch, 'healthy')]),
    runCli([mixed.dataPath]),
  ]);
  Object.assign(runs, { text, json, markdown, html, healthy: clean2, mixed: mixedText });
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
    expect(stdout.split('\n').slice(0, 2)).toEqual([
      `NOT READY — ${incident.dataPath}`,
      expect.stringMatching(/^5 critical, 3 warnings: fix the critical findings/),
    ]);
    expect(stdout).toMatch(/\ndqlite snapshot report · dqlite-analyze \d+\.\d+\.\d+\S*\n$/);
    expect(stdout).not.toContain('\u001b[');
  });

  it('text: the first 25 lines hold the verdict and every finding with its id and its numbers', () => {
    const findings = (JSON.parse(runs.json.stdout) as Analysis).findings;
    expect(findings).toHaveLength(INCIDENT_FINDINGS);
    const screen = runs.text.stdout.split('\n').slice(0, 25);
    expect(screen[0]).toMatch(/^NOT READY — /);
    const flat = screen.join(' ').replace(/\s+/g, ' ');
    for (const finding of findings) {
      const severity = finding.severity.toUpperCase();
      expect(flat, finding.id).toContain(`${severity} ${finding.id}: `);
      const numbers = finding.title.match(/\d[\d,.]*/g) ?? [];
      expect(numbers.length, finding.title).toBeGreaterThan(0);
      for (const n of numbers) expect(flat, finding.id).toContain(n);
    }
    // The storage figures that matter, on the same screen.
    expect(flat).toMatch(/Storage [\d.]+ [KM]iB file, [\d.]+ [KM]iB live data, ~?[\d.]+ [KM]iB after VACUUM/);
    expect(flat).toMatch(/Lock window ~[\d.]+ s per snapshot, against kine's 1 s retry budget/);
  });

  it('--summary: only the first screen, in text, markdown and json with the same fields', async () => {
    const [text, markdown, json] = await Promise.all([
      runCli([incident.dataPath, '--summary']),
      runCli([incident.dataPath, '--summary', '-f', 'markdown']),
      runCli([incident.dataPath, '--summary', '-f', 'json']),
    ]);
    expect([text.code, markdown.code, json.code]).toEqual([4, 4, 4]);
    const full = runs.text.stdout.split('\n');
    const lines = text.stdout.trimEnd().split('\n');
    expect(lines).toEqual(full.slice(0, lines.length));
    expect(text.stdout).not.toContain('SNAPSHOT');
    const summary = JSON.parse(json.stdout);
    const analysis = JSON.parse(runs.json.stdout);
    expect(summary.verdict).toMatchObject({ level: 'not-ready', label: 'NOT READY' });
    expect(summary.findings).toEqual(
      analysis.findings.map((f: Analysis['findings'][number]) => ({
        severity: f.severity,
        id: f.id,
        headline: f.title,
      })),
    );
    const k8sDb = analysis.databases.find((d: { name: string }) => d.name === 'k8s');
    expect(summary.storage).toMatchObject({
      database: 'k8s',
      fileBytes: (await one('PRAGMA page_count')) * 4096,
      liveBytes: analysis.kine.liveBytes,
      vacuumedBytes: k8sDb.estimatedVacuumedBytes,
      retryBudgetSeconds: 1,
    });
    expect(summary.storage.lockWindowSeconds).toBeGreaterThan(0);
    // The full JSON opens with the same summary (from a --vacuum run: the exact size after VACUUM).
    expect(Object.keys(analysis)[0]).toBe('summary');
    expect(analysis.summary.storage.vacuumedExact).toBe(true);
    const md = markdown.stdout;
    expect(md).toContain('**NOT READY**');
    for (const f of summary.findings) expect(md).toContain(`\`${f.id}\``);
    expect(md).not.toContain('## ');
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
    // The hot key under its resource, namespace/name whole (wrapped after the `/` if need be).
    const [namespace, lease] = INCIDENT.stormKey.replace('/registry/leases/', '').split('/');
    expect(stdout).toMatch(
      new RegExp(
        `\n  leases +${namespace}/(?:${lease})? +${count(storm)} +\\d+\\.\\d% .*\n(?: +${lease}\n)?`,
      ),
    );
    expect(stdout).toContain('Taken at');
    expect(stdout).toContain(`${count(incident.timestamp)} ms on the node's monotonic clock, not a date`);
  });

  it('text: fits 80 columns; only a single unbreakable shell word may run over', () => {
    const long = runs.text.stdout.split('\n').filter((line) => [...line].length > 80);
    for (const line of long) expect(line).toMatch(SINGLE_SHELL_WORD);
  });

  it('text: findings most severe first, then the plan with its two cautions', () => {
    const { stdout } = runs.text;
    const tags = findingTags(stdout);
    expect(tags).toHaveLength(INCIDENT_FINDINGS);
    expect(new Set(tags)).toEqual(new Set(['CRITICAL', 'WARNING']));
    expect(tags).toEqual(mostSevereFirst(tags));
    const plan = stdout.slice(stdout.indexOf('UPGRADE PLAN'));
    expect(plan).toMatch(/1\. Back up every node/);
    expect(plan.indexOf('Find the writer of')).toBeGreaterThan(0);
    expect(plan.indexOf('Find the writer of')).toBeLessThan(plan.indexOf('Let compaction catch up'));
    expect(plan).toMatch(/Upgrade one node at a time/);
    expect(plan.replace(/\s+/g, ' ')).toContain('A rolling restart does not shrink the snapshot');
    expect(plan.replace(/\s+/g, ' ')).toContain('has no quorum');
  });

  it('json: the Analysis object, with the figures sqlite3 reads', async () => {
    expect(runs.json.code).toBe(4);
    const analysis = JSON.parse(runs.json.stdout) as Analysis;
    expect(analysis.schemaVersion).toBe(2);
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
    expect(hot.header).toEqual(['resource', 'name', 'revisions', 'share', 'bytes']);
    const storm = await one(`SELECT count(*) FROM kine WHERE name = '${INCIDENT.stormKey}'`);
    expect(hot.rows[0]!.slice(0, 3)).toEqual([
      'leases',
      INCIDENT.stormKey.replace('/registry/leases/', ''),
      count(storm),
    ]);
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

  // The page at a phone-sized 600 px and a desktop 1280 px: the top card names every finding with its
  // severity above the fold (the 900 px viewport), no element runs past the page's column, every bar
  // fills its card, and the long manifest is folded into <details>.
  for (const width of [600, 1280]) {
    it(`html at ${width} px: Chromium renders it without a console error, findings above the fold`, async () => {
      expect(chromiumAvailable(), 'install Debian chromium (apt-get install -y chromium)').toBe(true);
      expect(runs.html).toMatchObject({ code: 4, stdout: '', stderr: '' });
      const file = join(scratch, 'report.html');
      const html = await readFile(file, 'utf8');
      expect(html).not.toMatch(/<script|<link|https?:\/\//);
      const page = await openInChromium(`file://${file}`, {
        width,
        evaluate: `(() => {
          const main = document.querySelector('main').getBoundingClientRect();
          const card = document.querySelector('.verdict');
          return {
            verdict: card.querySelector('strong').textContent,
            listed: [...card.querySelectorAll('li')].map((li) => li.textContent.split(':')[0]),
            cardBottom: card.getBoundingClientRect().bottom,
            bars: [...document.querySelectorAll('figure .bar, figure .rows')].map((bar) =>
              Math.round(bar.getBoundingClientRect().width / bar.parentElement.clientWidth * 100)),
            findings: document.querySelectorAll('.finding').length,
            folded: [...document.querySelectorAll('.finding details pre')].map((pre) => pre.textContent.includes('kind: ClusterRole')),
            overflow: document.documentElement.scrollWidth > innerWidth,
            runOver: [...document.querySelectorAll('main *')]
              .filter((el) => el.getBoundingClientRect().right > main.right + 0.5 || el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX !== 'visible')
              .map((el) => el.tagName + ' ' + el.textContent.slice(0, 40)),
          };
        })()`,
      });
      expect(page.errors).toEqual([]);
      const value = page.value as Record<string, unknown>;
      const findings = (JSON.parse(runs.json.stdout) as Analysis).findings;
      expect(value).toMatchObject({
        verdict: 'NOT READY',
        listed: findings.map((f) => `${f.severity}${f.id}`),
        findings: INCIDENT_FINDINGS,
        folded: [true],
        overflow: false,
        runOver: [],
      });
      expect(value.cardBottom).toBeLessThan(900);
      // Each chart is as wide as its card, less the card's padding.
      for (const share of value.bars as number[]) expect(share).toBeGreaterThanOrEqual(90);
      expect((value.bars as number[]).length).toBe(2);
      // A real PNG of the whole page, kept for a look by hand (DQA_KEEP_SCREENSHOT=dir).
      expect(page.screenshot.subarray(1, 4).toString()).toBe('PNG');
      expect(page.screenshot.readUInt32BE(16)).toBe(width);
      const keep = process.env.DQA_KEEP_SCREENSHOT;
      if (keep) await writeFile(join(keep, `report-${width}.png`), page.screenshot);
    });
  }
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
    // A directory that does not exist yet is made (0700), as `mkdir -p` would.
    const missing = join(scratch, 'not-made-yet', 'kept');
    const made = await runCli([incident.dataPath, '--keep-copies', missing, '-f', 'json']);
    expect([made.code, made.stderr]).toEqual([4, '']);
    expect((await stat(missing)).mode & 0o777).toBe(0o700);
    expect((await stat(join(missing, 'k8s.db'))).isFile()).toBe(true);
  });

  it('text: a warning before the infos the checks list ahead of it', () => {
    const tags = findingTags(runs.mixed.stdout);
    expect(tags).toEqual(mostSevereFirst(tags));
    expect(tags).toEqual(['WARNING', 'INFO', 'INFO']);
  });

  it('a healthy snapshot is READY and exits 0', () => {
    expect(runs.healthy.code).toBe(0);
    expect(runs.healthy.stdout.split('\n')[0]).toMatch(/^READY — /);
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
    expect(output.stderr).toMatch(/^dqlite-analyze: DQA_OUTPUT_FAILED: cannot write the report to [^\n]+\n$/);
  });
});
