import {
  appendFileSync,
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { JournalFailure } from '../src/lock/journal-source.js';
import type { LockWindow } from '../src/lock/windows.js';
import { copySample, scrape, startTestAgent, type TestAgent, waitFor } from './helpers.js';

// The incident's lines (issue 5) inside kubelite's klog lines, and the RBAC denial behind the
// write storm; the times are those of a real burst: five errors in 1.5 s, then three 18 s later.
const lock = (time: string, tries: number, name = 'kube-controller-manager') =>
  `E0402 ${time}   4321 leaderelection.go:367] Failed to update lock: rpc error: code = Unknown desc = update transaction failed for key /registry/leases/kube-system/${name}: exec (try: ${tries}): database is locked`;
const DENIED =
  'E0402 10:11:12.900000   2222 reflector.go:147] k8s.io/client-go/informers/factory.go:159: Failed to watch *v1.Pod: failed to list *v1.Pod: pods is forbidden: User "system:serviceaccount:kube-system:calico-kube-controllers" cannot list resource "pods" in API group "" at the cluster scope';
const NOISE =
  'I0402 10:11:12.000000   4321 leaderelection.go:250] attempting to acquire leader lease kube-system/kube-controller-manager...';
const FIRST_BURST = [
  lock('10:11:12.100000', 500),
  NOISE,
  lock('10:11:12.600000', 500),
  DENIED,
  lock('10:11:13.000000', 497, 'kube-scheduler'),
  lock('10:11:13.250000', 500),
  lock('10:11:13.600000', 500),
];
const SECOND_BURST = [
  lock('10:11:31.000000', 500),
  DENIED,
  lock('10:11:31.400000', 12),
  lock('10:11:32.000000', 500),
];

let running: TestAgent | undefined;
afterEach(async () => {
  await running?.stop();
  running = undefined;
});

async function closedWindows(test: TestAgent, count: number): Promise<LockWindow[]> {
  return waitFor(
    () => {
      const closed = test.agent.sources.windows.recent().filter((w) => !w.open);
      return closed.length >= count && closed;
    },
    10_000,
    `${count} closed windows`,
  );
}

describe('log file source', { timeout: 60_000 }, () => {
  it('counts lock errors and denials appended to a real log file and windows them by their own times', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'agent-logs-'));
    const log = join(dir, 'kubelite.log');
    // Already in the file at start: a restart must not count it again.
    writeFileSync(log, `${lock('09:00:00.000000', 500)}\n`);
    running = await startTestAgent({ dataDir: copySample(), logs: { files: [log], windowGap: '2s' } });
    await waitFor(() => running!.agent.sources.logs.lines === 0 && true, 2000);
    await new Promise((resolve) => setTimeout(resolve, 150)); // let the source take its starting offset
    // Written in pieces that split lines, as a logger flushing its buffer would.
    const text = `${[...FIRST_BURST, ...SECOND_BURST].join('\n')}\n`;
    appendFileSync(log, text.slice(0, 333));
    await new Promise((resolve) => setTimeout(resolve, 120));
    appendFileSync(log, text.slice(333));
    const windows = await closedWindows(running, 2);
    expect(
      windows.map((w) => ({ start: w.start, end: w.end, count: w.count, maxTries: w.maxTries })),
    ).toEqual([
      {
        start: Date.UTC(2026, 3, 2, 10, 11, 31),
        end: Date.UTC(2026, 3, 2, 10, 11, 32),
        count: 3,
        maxTries: 500,
      },
      {
        start: Date.UTC(2026, 3, 2, 10, 11, 12, 100),
        end: Date.UTC(2026, 3, 2, 10, 11, 13, 600),
        count: 5,
        maxTries: 500,
      },
    ]);
    expect(windows[1]?.keys).toEqual([
      '/registry/leases/kube-system/kube-controller-manager',
      '/registry/leases/kube-system/kube-scheduler',
    ]);
    const metrics = await scrape(running.app);
    expect(
      metrics.value('dqlite_lock_errors_total', { source: 'logs', database: 'k8s', prefix: 'leases' }),
    ).toBe(8);
    expect(metrics.value('dqlite_lock_windows_total', { source: 'logs' })).toBe(2);
    expect(metrics.histogram('dqlite_lock_window_duration_seconds', { source: 'logs' })).toBe(2);
    expect(metrics.histogram('dqlite_lock_window_duration_seconds', { source: 'logs' }, 'sum')).toBeCloseTo(
      2.5,
      6,
    );
    expect(metrics.histogram('dqlite_lock_error_tries', { source: 'logs' })).toBe(8);
    expect(metrics.histogram('dqlite_lock_error_tries', { source: 'logs' }, 'sum')).toBe(6 * 500 + 497 + 12);
    expect(
      metrics.value('dqlite_rbac_forbidden_total', {
        service_account: 'kube-system/calico-kube-controllers',
      }),
    ).toBe(2);
    expect(metrics.value('dqlite_agent_log_lines_total')).toBe(FIRST_BURST.length + SECOND_BURST.length);
    const api = (await running.app.inject({ url: '/api/v1/windows' })).json();
    expect(api.windows[1]).toMatchObject({
      source: 'logs',
      count: 5,
      durationSeconds: 1.5,
      start: '2026-04-02T10:11:12.100Z',
    });
  });

  it('starts over when the file is truncated or rotated, and waits while it is missing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'agent-logs-'));
    const log = join(dir, 'k8s-dqlite.log');
    running = await startTestAgent({ dataDir: copySample(), logs: { files: [log], windowGap: '1s' } });
    const sources = running.agent.sources;
    await new Promise((resolve) => setTimeout(resolve, 150));
    writeFileSync(log, `${lock('10:00:00.000000', 500)}\n`); // created after start: read from its start
    await waitFor(() => sources.logs.lines === 1, 5000, 'the first line');
    truncateSync(log, 0); // copytruncate
    await new Promise((resolve) => setTimeout(resolve, 150));
    appendFileSync(log, `${lock('10:05:00.000000', 500)}\n`);
    await waitFor(() => sources.logs.lines === 2, 5000, 'the line after truncation');
    renameSync(log, `${log}.1`); // logrotate: a new file under the old name
    await new Promise((resolve) => setTimeout(resolve, 150));
    writeFileSync(log, `${lock('10:10:00.000000', 500)}\n${lock('10:10:00.500000', 500)}\n`);
    await waitFor(() => sources.logs.lines === 4, 5000, 'the lines of the new file');
    const windows = await closedWindows(running, 3);
    expect(windows.map((w) => w.count)).toEqual([2, 1, 1]);
  });
});

describe('journal source', { timeout: 60_000 }, () => {
  it('follows journalctl -o json for the configured units and uses the journal timestamps', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'agent-journal-'));
    const argsFile = join(dir, 'args.json');
    // Stands in for journalctl: records its arguments and prints entries in `journalctl -o json`
    // form (MESSAGE as a string, or as a byte array when not valid UTF-8), then keeps running.
    const fake = join(dir, 'journalctl');
    const at = (seconds: number) => String(Date.UTC(2026, 3, 2, 10, 11, 0) * 1000 + seconds * 1_000_000);
    const entries = [
      {
        __REALTIME_TIMESTAMP: at(0),
        _SYSTEMD_UNIT: 'snap.microk8s.daemon-kubelite.service',
        MESSAGE: lock('10:11:00.000000', 500),
      },
      {
        __REALTIME_TIMESTAMP: at(0.25),
        _SYSTEMD_UNIT: 'snap.microk8s.daemon-kubelite.service',
        MESSAGE: [...Buffer.from(lock('10:11:00.250000', 500))],
      },
      {
        __REALTIME_TIMESTAMP: at(0.5),
        _SYSTEMD_UNIT: 'snap.microk8s.daemon-kubelite.service',
        MESSAGE: DENIED,
      },
      { __REALTIME_TIMESTAMP: at(0.75), MESSAGE: null },
    ];
    writeFileSync(
      fake,
      `#!/usr/bin/env node\nrequire('node:fs').writeFileSync(${JSON.stringify(argsFile)}, JSON.stringify(process.argv.slice(2)));\n` +
        `for (const e of ${JSON.stringify(entries)}) console.log(JSON.stringify(e));\nsetInterval(() => {}, 1000);\n`,
    );
    chmodSync(fake, 0o755);
    const units = ['snap.microk8s.daemon-k8s-dqlite', 'snap.microk8s.daemon-kubelite'];
    running = await startTestAgent({
      dataDir: copySample(),
      logs: { journalUnits: units, journalctl: fake, windowGap: '1s' },
    });
    const [window] = await closedWindows(running, 1);
    expect(window).toMatchObject({
      count: 2,
      start: Date.UTC(2026, 3, 2, 10, 11, 0),
      end: Date.UTC(2026, 3, 2, 10, 11, 0, 250),
    });
    expect(JSON.parse(readFileSync(argsFile, 'utf8'))).toEqual([
      '--follow',
      '--output=json',
      '--lines=0',
      '--unit',
      units[0],
      '--unit',
      units[1],
    ]);
    const metrics = await scrape(running.app);
    expect(
      metrics.value('dqlite_rbac_forbidden_total', {
        service_account: 'kube-system/calico-kube-controllers',
      }),
    ).toBe(1);
  });
});

/** A stand-in journalctl: a node script that runs `body` (CommonJS) after counting its runs in `runs`. */
function fakeJournalctl(path: string, runs: string, body: string): void {
  writeFileSync(
    path,
    `#!/usr/bin/env node\nconst fs = require('node:fs');\n` +
      `const run = (fs.existsSync(${JSON.stringify(runs)}) ? Number(fs.readFileSync(${JSON.stringify(runs)}, 'utf8')) : 0) + 1;\n` +
      `fs.writeFileSync(${JSON.stringify(runs)}, String(run));\n${body}\n`,
  );
  chmodSync(path, 0o755);
}

describe('journal source ending or unavailable', { timeout: 60_000 }, () => {
  const entry = (run: string) =>
    `console.log(JSON.stringify({ __REALTIME_TIMESTAMP: String(Date.UTC(2026, 3, 2, 10, 0, 0) * 1000 + ${run} * 60e6), MESSAGE: 'line of run ' + ${run} }));`;

  it('restarts journalctl each time it exits, counts it, and keeps serving /metrics', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'agent-journal-'));
    const fake = join(dir, 'journalctl');
    const runs = join(dir, 'runs');
    // Runs 1-3 print one entry and exit as journalctl does when its journal goes away; run 4 stays.
    fakeJournalctl(
      fake,
      runs,
      `${entry('run')}\nif (run <= 3) { console.error('Failed to open journal: rotated away'); process.exit(1); }\nsetInterval(() => {}, 1000);`,
    );
    const warnings: string[] = [];
    const log = { info() {}, warn: (object: { err?: Error }) => warnings.push(object.err?.message ?? '') };
    running = await startTestAgent(
      { dataDir: copySample(), logs: { journalUnits: ['snap.microk8s.daemon-kubelite'], journalctl: fake } },
      {},
      { log, journalRestartMs: 20, journalMaxRestartMs: 80 },
    );
    const journal = running.agent.sources.journal!;
    const restarts: { reason: JournalFailure; delayMs: number }[] = [];
    journal.on('restart', (restart) => restarts.push(restart));
    await waitFor(() => journal.following && running!.agent.sources.logs.lines === 4, 20_000, 'run 4');
    expect(readFileSync(runs, 'utf8')).toBe('4');
    expect(journal.starts).toBe(4);
    expect(journal.failures).toEqual({ exited: 3, start_failed: 0 });
    // Each run printed an entry before it ended, which proves journalctl worked: no growing backoff.
    expect(restarts).toEqual([
      { reason: 'exited', delayMs: 20 },
      { reason: 'exited', delayMs: 20 },
      { reason: 'exited', delayMs: 20 },
    ]);
    expect(
      warnings.filter((w) => w.startsWith('journalctl exited with 1: Failed to open journal')),
    ).toHaveLength(3);
    await waitFor(() => running!.agent.sources.watcher.latest, 10_000, 'the snapshot');
    const metrics = await scrape(running.app);
    expect(metrics.value('dqlite_agent_journal_up')).toBe(1);
    expect(metrics.value('dqlite_agent_journal_failures_total', { reason: 'exited' })).toBe(3);
    expect(metrics.value('dqlite_agent_journal_failures_total', { reason: 'start_failed' })).toBe(0);
    expect(metrics.value('dqlite_agent_log_lines_total')).toBe(4);
    expect(metrics.value('dqlite_snapshot_index')).toBe(1024); // the rest of the agent carries on
  });

  it('keeps retrying a journalctl that does not exist, with a bounded backoff, and follows it once it appears', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'agent-journal-'));
    const missing = join(dir, 'bin', 'journalctl'); // neither the file nor its directory exists yet
    const warnings: string[] = [];
    const log = { info() {}, warn: (object: { err?: Error }) => warnings.push(object.err?.message ?? '') };
    running = await startTestAgent(
      {
        dataDir: copySample(),
        logs: { journalUnits: ['snap.microk8s.daemon-k8s-dqlite'], journalctl: missing },
      },
      {},
      { log, journalRestartMs: 10, journalMaxRestartMs: 40 },
    );
    const journal = running.agent.sources.journal!;
    const restarts: { reason: JournalFailure; delayMs: number }[] = [];
    journal.on('restart', (restart) => restarts.push(restart));
    await waitFor(() => restarts.length >= 6, 20_000, 'six restarts');
    // The delay doubles and stops at the bound.
    expect(restarts.slice(0, 6)).toEqual(
      [10, 20, 40, 40, 40, 40].map((delayMs) => ({ reason: 'start_failed', delayMs })),
    );
    expect(warnings[0]).toMatch(/^journalctl \(.*\/bin\/journalctl\) could not be started: spawn .* ENOENT/);
    await waitFor(() => running!.agent.sources.watcher.latest, 10_000, 'the snapshot');
    let metrics = await scrape(running.app);
    expect(metrics.value('dqlite_agent_journal_up')).toBe(0);
    expect(
      metrics.value('dqlite_agent_journal_failures_total', { reason: 'start_failed' }),
    ).toBeGreaterThanOrEqual(6);
    expect(metrics.value('dqlite_agent_journal_failures_total', { reason: 'exited' })).toBe(0);
    expect(metrics.value('dqlite_snapshot_index')).toBe(1024);
    // journalctl installed (or the journal mounted) later: the next restart follows it.
    mkdirSync(join(dir, 'bin'));
    const runs = join(dir, 'runs');
    fakeJournalctl(`${missing}.tmp`, runs, `${entry('run')}\nsetInterval(() => {}, 1000);`);
    renameSync(`${missing}.tmp`, missing);
    await waitFor(
      () => journal.following && running!.agent.sources.logs.lines === 1,
      20_000,
      'the new journalctl',
    );
    expect(existsSync(runs) && readFileSync(runs, 'utf8')).toBe('1');
    metrics = await scrape(running.app);
    expect(metrics.value('dqlite_agent_journal_up')).toBe(1);
    expect(metrics.value('dqlite_agent_log_lines_total')).toBe(1);
    expect(metrics.value('dqlite_agent_journal_failures_total', { reason: 'start_failed' })).toBe(
      journal.failures.start_failed,
    );
  });
});
