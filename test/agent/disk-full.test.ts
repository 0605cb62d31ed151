// The agent with a full disk for its temp copy, on a real tmpfs mounted as its temp dir: the core's
// free-space check refuses a database that cannot fit before writing anything; a tmpfs sized so that
// the check passes but the pages do not fit gives a real ENOSPC in the middle of the copy. Either way
// the agent reports DQA_TEMP_NO_SPACE, keeps serving /metrics, and analyses again once space returns.
// Needs root (mount); when mounting is refused the tests skip and say why.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, renameSync, rmSync, statfsSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseSnapshotName } from '@dqlite-analyzer/core';
import { extractWithCli } from '@dqlite-analyzer/test-support/independent';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  copySample,
  type Scrape,
  scrape,
  startTestAgent,
  type TestAgent,
  waitFor,
} from '../../packages/agent/test/helpers.js';

const MiB = 1024 * 1024;

function mount(dir: string, options: string): string | undefined {
  const result = spawnSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir], { encoding: 'utf8' });
  if (result.error) return result.error.message;
  return result.status === 0 ? undefined : result.stderr.trim() || `mount exited with ${result.status}`;
}

function resize(dir: string, bytes: number): void {
  const problem = mount(dir, `remount,size=${bytes}`);
  if (problem) throw new Error(`remounting ${dir} with size=${bytes}: ${problem}`);
}

function unmount(dir: string): void {
  spawnSync('umount', [dir]);
  if (spawnSync('mountpoint', ['-q', dir]).status === 0) spawnSync('umount', ['-l', dir]);
}

// A real attempt, not a uid check: containers can run as root without the right to mount.
const probeDir = mkdtempSync(join(tmpdir(), 'dqa-mount-probe-'));
const mountRefused = mount(probeDir, 'size=1m');
if (!mountRefused) unmount(probeDir);
rmSync(probeDir, { recursive: true, force: true });

/** Write a snapshot into `dir` as raft does: the .meta, then the data through a tmp file renamed. */
function dropSnapshot(dir: string, from: { data: string; meta: string }, index: number): string {
  const name = `snapshot-1-${index}-${1_000_000 + index}`;
  copyFileSync(from.meta, join(dir, `${name}.meta`));
  copyFileSync(from.data, join(dir, `tmp-${name}`));
  renameSync(join(dir, `tmp-${name}`), join(dir, name));
  return join(dir, name);
}

const used = (dir: string) => {
  const stats = statfsSync(dir);
  return (stats.blocks - stats.bfree) * stats.bsize;
};

describe.skipIf(mountRefused !== undefined)(
  'disk full for the temp copy (tmpfs)',
  { timeout: 60_000 },
  () => {
    let temp: string;
    let dataDir: string;
    let sample: { data: string; meta: string };
    let payloadBytes: number;
    /** tmpfs pages the extracted files take: each main file and WAL rounded up to whole pages. */
    let pagesNeeded: number;
    let pageSize: number;
    let agent: TestAgent | undefined;

    beforeAll(async () => {
      temp = mkdtempSync(join(tmpdir(), 'dqa-tmpfs-'));
      const problem = mount(temp, 'size=1m');
      if (problem) throw new Error(`mount worked for the probe but not now: ${problem}`);
      dataDir = copySample();
      const data = readdirSync(dataDir).find((name) => parseSnapshotName(name))!;
      sample = { data: join(dataDir, data), meta: join(dataDir, `${data}.meta`) };
      // The sizes of what the core will write, read with lz4 and a Buffer walk (@dqlite-analyzer/test-support).
      const extraction = await extractWithCli(sample.data);
      try {
        payloadBytes = statSync(extraction.payloadPath).size;
        pageSize = statfsSync(temp).bsize;
        const pages = (bytes: number) => Math.ceil(bytes / pageSize);
        pagesNeeded = extraction.databases.reduce(
          (sum, db) => sum + pages(db.mainSize) + pages(db.walSize),
          0,
        );
      } finally {
        await extraction.cleanup();
      }
    }, 60_000);

    afterAll(async () => {
      await agent?.stop();
      if (temp) {
        unmount(temp);
        rmSync(temp, { recursive: true, force: true });
      }
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    });

    const metrics = (): Promise<Scrape> => scrape(agent!.app);
    const outcomeFor = (path: string, after = 0) =>
      waitFor(
        () => {
          const outcome = agent!.agent.sources.runner.lastOutcome;
          return outcome?.path === path && outcome.finishedAt > after && outcome;
        },
        30_000,
        `the analysis of ${path}`,
      );

    it('refuses a snapshot larger than the temp filesystem before writing, reports DQA_TEMP_NO_SPACE, and keeps serving', async () => {
      expect(payloadBytes).toBeGreaterThan(MiB); // the sample does not fit in 1 MiB
      agent = await startTestAgent(
        { dataDir, analysis: { tempDir: temp } },
        {},
        { analysisRetryMs: 10 * 60_000 }, // no retry during these tests: each analysis is one we caused
      );
      const outcome = await outcomeFor(sample.data);
      expect(outcome).toMatchObject({ ok: false, code: 'DQA_TEMP_NO_SPACE' });
      // The free-space check's message (the write path's ENOSPC says "is full"): it asked for the whole
      // uncompressed payload, and the 1 MiB filesystem had at most 1 MiB. The payload's first database
      // (demo, 16 KiB) would fit, so had anything been written before the check, the copy would have
      // failed later, with ENOSPC, on k8s.
      const check = /has (\d+) bytes free, the private copy needs (\d+)/.exec(outcome.message ?? '');
      expect(check, outcome.message).not.toBeNull();
      expect(Number(check![2])).toBe(payloadBytes);
      expect(Number(check![1])).toBeLessThanOrEqual(MiB);
      expect(used(temp)).toBe(0); // nothing left behind
      await agent.agent.sources.poller.poll();
      const scraped = await metrics();
      expect(scraped.value('dqlite_agent_analyses_total', { result: 'error' })).toBe(1);
      expect(scraped.value('dqlite_agent_analyses_total', { result: 'success' })).toBe(0);
      expect(scraped.value('dqlite_agent_analysis_errors_total', { code: 'DQA_TEMP_NO_SPACE' })).toBe(1);
      expect(scraped.value('dqlite_agent_analysis_last_error', { code: 'DQA_TEMP_NO_SPACE' })).toBe(1);
      expect(scraped.value('dqlite_agent_temp_free_bytes')).toBe(MiB);
      // What does not need the copy is still there.
      expect(scraped.value('dqlite_snapshot_index')).toBe(1024);
      expect(scraped.value('dqlite_kine_rows')).toBeUndefined();
      expect((await agent.app.inject({ url: '/healthz' })).statusCode).toBe(200);
    });

    it('reports an ENOSPC in the middle of the copy, when the check passes but the pages do not fit', async () => {
      // The core checks the payload's byte count; tmpfs stores each file in whole pages, so the main
      // files and WALs need more pages than the payload's bytes fill. A filesystem of exactly the
      // payload's pages passes the check and runs out during the copy.
      const sizedForCheck = Math.ceil(payloadBytes / pageSize) * pageSize;
      expect(sizedForCheck / pageSize).toBeLessThan(pagesNeeded);
      resize(temp, sizedForCheck);
      expect(statfsSync(temp).bavail * pageSize).toBeGreaterThanOrEqual(payloadBytes);
      const before = Date.now();
      const path = dropSnapshot(dataDir, sample, 2048);
      const outcome = await outcomeFor(path, before - 1);
      expect(outcome).toMatchObject({
        ok: false,
        code: 'DQA_TEMP_NO_SPACE',
        message: 'the disk holding the private copy is full',
      });
      expect(used(temp)).toBe(0);
      const scraped = await metrics();
      expect(scraped.value('dqlite_agent_analysis_errors_total', { code: 'DQA_TEMP_NO_SPACE' })).toBe(2);
      expect(scraped.value('dqlite_agent_analysis_last_error', { code: 'DQA_TEMP_NO_SPACE' })).toBe(1);
      expect(scraped.value('dqlite_snapshot_index')).toBe(2048);
    });

    it('analyses the next snapshot once there is room, and clears the error', async () => {
      resize(temp, 64 * MiB);
      const before = Date.now();
      const path = dropSnapshot(dataDir, sample, 3072);
      const outcome = await outcomeFor(path, before - 1);
      expect(outcome).toMatchObject({ ok: true, code: undefined });
      expect(used(temp)).toBe(0);
      await agent!.agent.sources.poller.poll();
      const scraped = await metrics();
      expect(scraped.value('dqlite_agent_analyses_total', { result: 'success' })).toBe(1);
      expect(scraped.value('dqlite_agent_analyses_total', { result: 'error' })).toBe(2);
      expect(scraped.families.get('dqlite_agent_analysis_last_error')?.metrics ?? []).toEqual([]);
      expect(scraped.value('dqlite_agent_temp_free_bytes')).toBe(64 * MiB);
      expect(scraped.value('dqlite_kine_rows')).toBe(agent!.agent.sources.runner.latest?.kine?.rows);
      await agent!.stop();
      agent = undefined;
    });

    it('retries the same snapshot while the temp dir is full and succeeds when space returns', async () => {
      resize(temp, MiB);
      const dir = copySample();
      const data = readdirSync(dir).find((name) => parseSnapshotName(name))!;
      try {
        agent = await startTestAgent(
          { dataDir: dir, analysis: { tempDir: temp } },
          {},
          { analysisRetryMs: 50 },
        );
        const runner = agent.agent.sources.runner;
        await waitFor(() => runner.retries >= 2, 30_000, 'two retries');
        expect(runner.lastSuccessAt).toBeUndefined();
        resize(temp, 64 * MiB);
        await waitFor(() => runner.lastSuccessPath, 30_000, 'a successful retry');
        expect(runner.lastSuccessPath).toBe(join(dir, data)); // the same snapshot: no new one was written
        expect(runner.results.get('error')).toBeGreaterThanOrEqual(2);
        expect(runner.errors.get('DQA_TEMP_NO_SPACE')).toBe(runner.results.get('error'));
        const scraped = await metrics();
        expect(scraped.value('dqlite_agent_analyses_total', { result: 'success' })).toBe(1);
        expect(scraped.families.get('dqlite_agent_analysis_last_error')?.metrics ?? []).toEqual([]);
      } finally {
        await agent?.stop();
        agent = undefined;
        rmSync(dir, { recursive: true, force: true });
      }
    });
  },
);

describe('disk full for the temp copy: mounting', () => {
  it('says why the tmpfs tests did not run', (context) => {
    if (mountRefused)
      context.skip(`cannot mount a tmpfs here (${mountRefused}): the disk-full tests need root`);
  });
});
