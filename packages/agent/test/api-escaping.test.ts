// Issue #12 §3: the agent's /api JSON escapes what the CLI's --format json escapes (the core's
// jsonText): a name from the snapshot holding U+009B (CSI, a C1 control) must not reach an operator's
// terminal raw through `curl /api/v1/analysis`. The snapshot is the sample's payload, unpacked by the
// lz4 CLI, with one more database named with C1 controls appended, stored raw as raft may.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Analysis, parseSnapshotName } from '@dqlite-analyzer/core';
import { extractWithCli } from '@dqlite-analyzer/test-support/independent';
import { afterAll, describe, expect, it } from 'vitest';
import { copySample, startTestAgent, type TestAgent, waitFor } from './helpers.js';

const HOSTILE = 'evil\u009b31mred\u009b0m\u0085';
let dir: string | undefined;
let agent: TestAgent | undefined;

afterAll(async () => {
  await agent?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** `payload` with one more database, named `name`, holding `main` (the dqlite payload format). */
function withDatabase(payload: Buffer, name: string, main: Buffer): Buffer {
  const out = Buffer.from(payload);
  out.writeBigUInt64LE(out.readBigUInt64LE(8) + 1n, 8);
  const nameBytes = Buffer.from(`${name}\0`, 'utf8');
  const padded = Buffer.alloc(Math.ceil(nameBytes.length / 8) * 8);
  nameBytes.copy(padded);
  const sizes = Buffer.alloc(16);
  sizes.writeBigUInt64LE(BigInt(main.length), 0);
  return Buffer.concat([out, padded, sizes, main]);
}

describe('GET /api/v1/analysis with a hostile database name', { timeout: 90_000 }, () => {
  it('escapes C1 controls (U+009B, U+0085) as the CLI does; the value comes back intact', async () => {
    dir = copySample();
    const data = join(dir, readdirSync(dir).find((name) => parseSnapshotName(name))!);
    const extraction = await extractWithCli(data);
    const tiny = join(dir, 'tiny.db');
    try {
      execFileSync('sqlite3', [tiny, 'PRAGMA page_size = 512; CREATE TABLE t (x)']);
      writeFileSync(data, withDatabase(readFileSync(extraction.payloadPath), HOSTILE, readFileSync(tiny)));
    } finally {
      rmSync(tiny, { force: true });
      await extraction.cleanup();
    }
    agent = await startTestAgent({ dataDir: dir });
    await waitFor(() => agent!.agent.sources.runner.lastSuccessAt, 60_000, 'the analysis');
    const response = await agent.app.inject({ url: '/api/v1/analysis' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(response.body).not.toMatch(/[\u0080-\u009f]/);
    expect(response.body).toContain('evil\\u009b31mred\\u009b0m\\u0085');
    const served = JSON.parse(response.body) as Analysis;
    expect(served.databases.map((d) => d.name)).toContain(HOSTILE);
  });
});
