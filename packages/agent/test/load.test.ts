// /metrics under load: 200 concurrent scrapers on loopback, three rounds, one of them while a new
// snapshot is being analysed. Bounded in count and time. Every scrape must be answered in full; the
// p99 is printed, not asserted (a clock bound is flaky on a loaded CI) — bench/ measures it.
import { copyFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseSnapshotName } from '@dqlite-analyzer/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copySample, startTestAgent, type TestAgent, waitFor } from './helpers.js';

const SCRAPERS = 200;
const ROUNDS = 3;

let dir: string;
let test: TestAgent;
let base: string;

beforeAll(async () => {
  dir = copySample();
  test = await startTestAgent({ dataDir: dir });
  await waitFor(() => test.agent.sources.runner.lastSuccessAt, 60_000, 'the first analysis');
  base = await test.app.listen({ host: '127.0.0.1', port: 0 });
}, 90_000);

afterAll(async () => {
  await test?.stop();
});

async function round(): Promise<number[]> {
  return Promise.all(
    Array.from({ length: SCRAPERS }, async () => {
      const started = performance.now();
      const response = await fetch(`${base}/metrics`);
      const body = await response.text();
      expect(response.status).toBe(200);
      expect(body).toContain('dqlite_snapshot_index ');
      return performance.now() - started;
    }),
  );
}

const p99 = (samples: number[]) => [...samples].sort((a, b) => a - b)[Math.ceil(samples.length * 0.99) - 1]!;

describe(`/metrics with ${SCRAPERS} concurrent scrapers`, { timeout: 120_000 }, () => {
  it('answers every scrape, also while a new snapshot is analysed', async () => {
    const latencies: number[] = [];
    for (let i = 0; i < ROUNDS - 1; i++) latencies.push(...(await round()));
    // A newer snapshot (same bytes, a higher index in its name) starts an analysis in the worker.
    const current = readdirSync(dir).find((name) => parseSnapshotName(name))!;
    const name = parseSnapshotName(current)!;
    const newer = `snapshot-${name.term}-${name.index + 1024}-${name.timestampMs + 60_000}`;
    copyFileSync(join(dir, `${current}.meta`), join(dir, `${newer}.meta`));
    copyFileSync(join(dir, current), join(dir, newer));
    const during = await round();
    latencies.push(...during);
    // The scrapes above overlapped the worker's analysis of the newer snapshot; it must finish too.
    await waitFor(
      () => test.agent.sources.runner.latest?.raft?.index === name.index + 1024,
      60_000,
      'the newer snapshot analysed',
    );
    const all = p99(latencies);
    process.stdout.write(
      `/metrics p99 ${all.toFixed(1)} ms over ${latencies.length} scrapes (${SCRAPERS} concurrent); ` +
        `during analysis ${p99(during).toFixed(1)} ms\n`,
    );
    expect(latencies).toHaveLength(SCRAPERS * ROUNDS);
  });
});
