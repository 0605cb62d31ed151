// Analysis.writes on the sample data directory (a real dqlite node's snapshot): why there is no
// write rate, and the figures when an older snapshot of the same node sits beside it.
import { copyFileSync, cpSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { analyze } from '../src/analyze.js';

const SAMPLE = new URL('../../../examples/sample-snapshot/', import.meta.url).pathname;
const NEWEST = readdirSync(SAMPLE).find((f) => /^snapshot-\d+-\d+-\d+$/.test(f))!;
const options = { integrity: 'none', parallel: false } as const;
let dir: string | undefined;

function copy(): string {
  dir = mkdtempSync(join(tmpdir(), 'dqa-writes-'));
  cpSync(SAMPLE, dir, { recursive: true });
  return dir;
}

afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('Analysis.writes', () => {
  it('says why there is none: one snapshot, or one file', async () => {
    const one = await analyze(SAMPLE, options);
    expect(one.writes).toBeNull();
    expect(one.writesUnavailable).toMatch(/^no write rate: the data directory holds one complete snapshot/);
    const file = await analyze(join(SAMPLE, NEWEST), options);
    expect(file.writesUnavailable).toMatch(/^no write rate: the input is one file; give the data directory/);
  });

  it('names an incomplete older snapshot', async () => {
    const d = copy();
    writeFileSync(join(d, 'snapshot-1-512-1000'), 'x');
    const analysis = await analyze(d, options);
    expect(analysis.writesUnavailable).toBe(
      'no write rate: no older complete snapshot; incomplete: snapshot-1-512-1000: data-without-meta',
    );
  });

  it('compares with an older complete snapshot of the same node (same term): interval from the names', async () => {
    const d = copy();
    copyFileSync(join(d, NEWEST), join(d, 'snapshot-1-512-1000'));
    copyFileSync(join(d, `${NEWEST}.meta`), join(d, 'snapshot-1-512-1000.meta'));
    const analysis = await analyze(d, options);
    const stamp = Number(NEWEST.split('-')[3]);
    expect(analysis.writes).toMatchObject({
      older: { index: 512, timestampMs: 1000, currentRevision: analysis.kine!.currentRevision },
      intervalSource: 'snapshot-timestamps',
      intervalSeconds: (stamp - 1000) / 1000,
      revisionsWritten: 0,
      retainedRows: 0,
      writes: [],
    });
    expect(analysis.findings.map((f) => f.id)).not.toContain('write-storm');
  });
});
