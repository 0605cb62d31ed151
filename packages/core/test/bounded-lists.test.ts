// Issue #12 §3: every list an Analysis hands over is bounded (the first ANALYSIS_LIST_LIMIT entries
// and, in truncatedLists, how many there were), while the findings count the whole lists. 200,000
// orphaned webhooks gave a 195 MB JSON report and a 151 MB /api/v1/analysis.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { webhookConfiguration } from '@dqlite-analyzer/test-support/k8s-values';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { analyze } from '../src/analyze.js';
import { ANALYSIS_LIST_LIMIT, boundLists } from '../src/bounded-lists.js';
import { jsonText } from '../src/json-text.js';
import { bytesValue, kineDb } from './kine/kine-db.js';

const dir = mkdtempSync(join(tmpdir(), 'dqa-bounded-lists-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('boundLists', () => {
  it('cuts every array, however deep, and names each by its path', () => {
    const value = { a: [1, 2, 3], b: { c: [[1, 2, 3, 4], [1]], d: 'xyzw' }, e: [{ f: [1, 2, 3] }] };
    expect(boundLists(value, 2)).toEqual({ a: 3, 'b.c[0]': 4, 'e[0].f': 3 });
    expect(value).toEqual({ a: [1, 2], b: { c: [[1, 2], [1]], d: 'xyzw' }, e: [{ f: [1, 2] }] });
  });
});

describe('an Analysis of 200,000 orphaned webhooks (5,000 configurations of 40)', () => {
  it('lists the first 1,000 and counts them all; the finding judged all of them', async () => {
    const path = join(dir, 'webhooks.db');
    const db = kineDb((h) => {
      for (let c = 0; c < 5000; c++) {
        const name = `cfg-${c}`;
        // Short names: each statement stays within the dqlite shell's line limit (kineDb checks it).
        const hooks = Array.from({ length: 40 }, (_, i) => ({
          name: `w${i}`,
          service: { namespace: 'g', name: `s${c}` },
          failurePolicy: 'Fail',
        }));
        h.create(
          `/registry/mutatingwebhookconfigurations/${name}`,
          bytesValue(webhookConfiguration('MutatingWebhookConfiguration', name, hooks)),
        );
      }
    });
    writeFileSync(path, db.serialize());
    db.close();
    const analysis = await analyze(path, { tempDir: dir });
    expect(analysis.objects!.webhooks).toHaveLength(ANALYSIS_LIST_LIMIT);
    expect(analysis.objects!.webhooks[0]).toMatchObject({ configuration: 'cfg-0', index: 0 });
    // The scan kept the first 1,000 records only, and counted every webhook.
    expect(analysis.objects!.webhookSummary).toMatchObject({
      total: 200_000,
      orphaned: 200_000,
      orphanedFailClosed: 200_000,
    });
    expect(analysis.objects!.webhookSummary.orphanedExamples).toHaveLength(50);
    expect(analysis.objects!.webhookSummary.orphanedConfigurations[0]).toEqual({
      kind: 'MutatingWebhookConfiguration',
      configuration: 'cfg-0',
      webhooks: 40,
      orphaned: 40,
      orphanedIndexes: [],
    });
    expect(analysis.truncatedLists).toEqual({
      'objects.webhooks': 200_000,
      'objects.webhookSummary.orphanedConfigurations': 5000,
    });
    const finding = analysis.findings.find((f) => f.id === 'abandoned-webhook')!;
    expect(finding.data.orphanedWebhooks).toBe(200_000);
    expect(finding.data.configurationsTotal).toBe(5000);
    expect(finding.evidence.at(-1)).toBe('… and 399,951 more evidence lines (the first 50 are shown)');
    // ~0.5 MB where it was ~100 MB.
    expect(jsonText(analysis).length).toBeLessThan(2 * 1024 * 1024);
  }, 60_000);
});

describe('DQA_KINE_NOT_FOUND', () => {
  it('names the first 10 tables and how many more: one short line for 200 tables', async () => {
    const path = join(dir, 'tables.db');
    const db = new Database(path);
    for (let i = 0; i < 200; i++) db.exec(`CREATE TABLE t${i} (x)`);
    db.close();
    const error = await analyze(path, { tempDir: dir }).catch((e: Error) => e);
    expect(error).toMatchObject({ code: 'DQA_KINE_NOT_FOUND' });
    expect((error as Error).message).toMatch(
      /\(tables: t0, t1, t10, t100, (t\d+, ){6}and 190 more tables\)$/,
    );
    expect((error as Error).message.length).toBeLessThan(400);
  });
});
