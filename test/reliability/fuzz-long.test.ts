// The long fuzz run (skipped unless FUZZ_LONG=1): every fuzz target of packages/core/test/fuzz with
// fresh seeds and many more cases, plus analyze() end to end on mutated real snapshots (the LZ4
// frame, the raw payload, the kine SQLite file), in a child process watched for hangs.
//
//   FUZZ_LONG=1 pnpm exec vitest run test/reliability/fuzz-long.test.ts
//   FUZZ_RUNS=20000 FUZZ_SEED=1234 … (cases per target, seed; default 2000 and the time of day)
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stopAllNodes } from '@dqlite-analyzer/test-support/dqlite-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { corpusContext } from '../corpus/generate.js';
import { makeSourceSnapshot } from '../corpus/source.js';
import type { RunnerConfig } from './fuzz-runner.js';

const RUNNER = new URL('./fuzz-runner.ts', import.meta.url).pathname;
/** No heartbeat for this long means a case hangs. */
const HANG_MS = 60_000;
const RUNS = Number(process.env.FUZZ_RUNS ?? 2000);
const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);

let scratch: string;
let config: RunnerConfig;

describe.skipIf(process.env.FUZZ_LONG !== '1')('long fuzz run', () => {
  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'dqa-fuzz-long-'));
    const source = await makeSourceSnapshot(scratch);
    await stopAllNodes();
    const context = await corpusContext(source, join(scratch, 'context'));
    const payloadPath = join(scratch, 'payload.bin');
    const mergedK8sPath = join(scratch, 'k8s.db');
    await writeFile(payloadPath, source.payload);
    await writeFile(mergedK8sPath, context.mergedK8s);
    config = {
      seed: SEED,
      runs: RUNS,
      workDir: join(scratch, 'work'),
      snapshot: { dataPath: source.dataPath, metaPath: source.metaPath, payloadPath, mergedK8sPath },
    };
  });

  afterAll(async () => {
    await stopAllNodes();
    // Failing inputs are kept for reproduction; otherwise nothing is left behind.
    if (scratch && !process.env.FUZZ_KEEP) await rm(scratch, { recursive: true, force: true });
  });

  it(
    `every target, ${RUNS} cases each: typed errors only, no hang, nothing left behind`,
    async () => {
      const result = await runWatched(config);
      const outcomes = Object.entries(result.summary ?? {}).map(
        ([target, stats]) => `${target}: ${JSON.stringify(stats.outcomes)}`,
      );
      process.stdout.write(`fuzz seed ${SEED}, ${RUNS} cases per target:\n${outcomes.join('\n')}\n`);
      expect(result.hung, `hung at ${JSON.stringify(result.last)}`).toBe(false);
      expect(result.exitCode, result.stderr).toBe(0);
      const failures = Object.entries(result.summary ?? {}).flatMap(([target, stats]) =>
        stats.failures.map((failure) => `${target} (${stats.outcomes.FAILED} failed): ${failure}`),
      );
      expect(failures).toEqual([]);
    },
    24 * 3600_000,
  );
});

interface Summary {
  [target: string]: { cases: number; outcomes: Record<string, number>; failures: string[] };
}

function runWatched(runnerConfig: RunnerConfig): Promise<{
  hung: boolean;
  last: unknown;
  exitCode: number | null;
  stderr: string;
  summary: Summary | undefined;
}> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', RUNNER, JSON.stringify(runnerConfig)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let hung = false;
    let last: unknown;
    let summary: Summary | undefined;
    let stderr = '';
    let pending = '';
    let timer = setTimeout(onHang, HANG_MS);
    function onHang() {
      hung = true;
      child.kill('SIGKILL');
    }
    child.stdout.on('data', (chunk: Buffer) => {
      pending += chunk.toString('utf8');
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        const message = JSON.parse(line) as { heartbeat?: unknown; summary?: Summary };
        if (message.heartbeat) {
          last = message.heartbeat;
          clearTimeout(timer);
          timer = setTimeout(onHang, HANG_MS);
        }
        if (message.summary) summary = message.summary;
      }
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString('utf8')).slice(-20_000);
    });
    child.on('close', (exitCode) => {
      clearTimeout(timer);
      resolve({ hung, last, exitCode, stderr, summary });
    });
  });
}
