// The runner's timeout recovers from an analysis stuck inside one SQLite call (before, the agent
// ran it in a worker thread, and Worker.terminate() never resolved while the query ran): the child
// is killed, its private directory removed, the run counted as TIMEOUT, and the next snapshot
// analysed.
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { sourceLoaderArgs } from '../src/analysis-child.js';
import { type AnalysisOutcome, AnalysisRunner } from '../src/analysis-runner.js';
import { SAMPLE_DIR } from './helpers.js';

const ENDLESS_CHILD = fileURLToPath(new URL('./fixtures/endless-query-child.mjs', import.meta.url));
// Run from the sources, as the runner's own child is under vitest.
const ENDLESS_COMMAND = { command: process.execPath, args: [...sourceLoaderArgs(), ENDLESS_CHILD] };
const scratch = mkdtempSync(join(tmpdir(), 'agent-runner-'));
const temp = mkdtempSync(join(scratch, 'temp-'));
// A file that exists (a vanished one is counted as VANISHED); the fixture child never reads it.
const ENDLESS_INPUT = join(scratch, 'snapshot-1-1024-7887316.endless');
writeFileSync(ENDLESS_INPUT, '');
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function done(runner: AnalysisRunner): Promise<AnalysisOutcome> {
  return new Promise((resolve) => runner.once('done', resolve));
}

describe('the analysis runner', () => {
  it('kills a run stuck in a SQLite query at its timeout, then analyses the next snapshot', async () => {
    const runner = new AnalysisRunner({
      tempDir: temp,
      nice: 0,
      timeoutMs: 10_000, // the sample takes 0.5 s, and up to 6 s on a 2-core machine under heavy load
      childCommand: ENDLESS_COMMAND,
    });
    const started = performance.now();
    const stuck = done(runner);
    runner.request(ENDLESS_INPUT);
    const outcome = await stuck;
    expect(outcome.code).toBe('TIMEOUT');
    expect(performance.now() - started).toBeLessThan(10_000 + 1000);
    expect(readdirSync(temp)).toEqual([]);

    const next = done(runner);
    runner.request(join(SAMPLE_DIR, 'snapshot-1-1024-7887316'));
    const good = await next;
    expect(good, JSON.stringify(good)).toMatchObject({ ok: true, code: undefined });
    expect(runner.latest?.kine?.rows).toBeGreaterThan(0);
    expect(readdirSync(temp)).toEqual([]);
    await runner.stop();
  }, 60_000);

  it('stop() ends a run stuck in a SQLite query at once', async () => {
    const runner = new AnalysisRunner({
      tempDir: temp,
      nice: 0,
      childCommand: ENDLESS_COMMAND,
    });
    runner.request(ENDLESS_INPUT);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const started = performance.now();
    await runner.stop();
    expect(performance.now() - started).toBeLessThan(1000);
    expect(runner.running).toBeUndefined();
    expect(readdirSync(temp)).toEqual([]);
  });
});
