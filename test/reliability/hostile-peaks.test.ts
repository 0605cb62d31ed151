// What a hostile input costs over an ordinary one, per process (issue #12 §3): the CLI and its
// analysis child each peak at most PEAK_OVER (24 MiB) above their own peak on examples/sample-snapshot,
// in every format: the goal is ~20 MiB, and the CLI rendering 200,000 webhooks' 1.7 MiB Analysis as
// text measured +18 to +21 MiB (bench/HOSTILE-RESULTS.md), so 4 MiB of margin against noise. 200,000
// orphaned webhooks took their child to +271 MiB (a record per webhook, an evidence line per webhook,
// SQLite sorting every value of the prefix, a 16 MB page cache); a 10 MB key took the CLI to +46 MiB
// (the key copied whole from the child, into the JSON, the report) and its child to +62 MiB (SQLite's
// GROUP BY over the name index holding it 4 times, a JS string of it per row). Its child now measures
// +16 to +17 MiB: the 86 MB database starts the side thread for the page walks (+12 MiB on its own),
// and SQLite loads the key whole, once at a time, wherever it reads or compares it (kine/long-names.ts).
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Analysis } from '@dqlite-analyzer/core';
import {
  buildHostileSnapshot,
  type SnapshotInput,
  sampleSnapshot,
} from '@dqlite-analyzer/test-support/hostile-snapshots';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliPeak } from './cli-peak.js';

const MiB = 1024 * 1024;
const PEAK_OVER = 24 * MiB;
const FORMATS = ['json', 'text', 'markdown', 'html'] as const;

let scratch: string;
const inputs: Record<string, SnapshotInput> = {};
const baseline = { parent: 0, child: 0 };

async function run(input: SnapshotInput, format: string) {
  const out = join(scratch, `report.${format}`);
  const args = [join(input.dir, input.name), '--format', format, '-o', out, '--fail-on', 'none'];
  const result = await cliPeak([...args, '--temp-dir', scratch]);
  return { ...result, out };
}

const mib = (bytes: number) => `${(bytes / MiB).toFixed(0)} MiB`;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'dqa-hostile-peaks-'));
  inputs.sample = sampleSnapshot();
  inputs['many-webhooks'] = await buildHostileSnapshot('many-webhooks', scratch);
  inputs['long-name'] = await buildHostileSnapshot('long-name', scratch);
  // Each process's peak on the sample, the largest over the formats: the baseline.
  for (const format of FORMATS) {
    const { parent, child } = await run(inputs.sample!, format);
    baseline.parent = Math.max(baseline.parent, parent);
    baseline.child = Math.max(baseline.child, child);
  }
  console.log(`sample: the CLI ${mib(baseline.parent)}, its analysis child ${mib(baseline.child)}`);
}, 120_000);

afterAll(async () => {
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

describe('hostile inputs cost a fixed amount over the sample, per process and format', () => {
  for (const format of FORMATS) {
    it(`200,000 orphaned webhooks (${format}): both processes within 24 MiB of the sample; every webhook counted`, async () => {
      const r = await run(inputs['many-webhooks']!, format);
      console.log(`many-webhooks ${format}: the CLI ${mib(r.parent)}, its analysis child ${mib(r.child)}`);
      expect(r.parent).toBeLessThanOrEqual(baseline.parent + PEAK_OVER);
      expect(r.child).toBeLessThanOrEqual(baseline.child + PEAK_OVER);
      const report = await readFile(r.out, 'utf8');
      if (format === 'json') {
        const analysis = JSON.parse(report) as Analysis;
        const finding = analysis.findings.find((f) => f.id === 'abandoned-webhook')!;
        expect(finding.data).toMatchObject({
          orphanedWebhooks: 200_000,
          failClosed: 200_000,
          configurationsTotal: 5000,
        });
        expect(analysis.truncatedLists['objects.webhooks']).toBe(200_000);
      } else expect(report).toContain('200,000 admission webhooks call a Service that does not exist');
    }, 60_000);

    it(`a 10 MB key (${format}): both processes within 24 MiB of the sample, the key kept cut with its length`, async () => {
      const r = await run(inputs['long-name']!, format);
      console.log(`long-name ${format}: the CLI ${mib(r.parent)}, its analysis child ${mib(r.child)}`);
      expect(r.parent).toBeLessThanOrEqual(baseline.parent + PEAK_OVER);
      expect(r.child).toBeLessThanOrEqual(baseline.child + PEAK_OVER);
      const report = await readFile(r.out, 'utf8');
      // Its true length said (HTML may break the number with <wbr>, text wrap before `characters`).
      expect(report.replaceAll('<wbr>', '')).toMatch(/10000029\s+characters/);
      expect(report.length).toBeLessThan(64 * 1024);
      if (format === 'json') {
        const analysis = JSON.parse(report) as Analysis;
        expect(analysis.hotKeys[0]).toMatchObject({ revisions: 3, prefix: 'configmaps' });
        expect(analysis.hotKeys[0]!.key).toHaveLength(1024);
      }
    }, 60_000);
  }
});
