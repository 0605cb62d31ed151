// A key longer than any Kubernetes key (a name is at most 253 characters) is kept cut in the middle
// with its length, everywhere in the Analysis, so it costs its size once and not once per copy
// (issue #12 §3: a 10 MB key made the CLI's process 161 MiB); the figures about it stay exact.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lease } from '@dqlite-analyzer/test-support/k8s-values';
import { kineSchema } from '@dqlite-analyzer/test-support/kine-schema';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { analyze } from '../src/analyze.js';
import { cutLongStrings, cutMiddle, isCut, STRING_LIMIT } from '../src/long-strings.js';

const dir = mkdtempSync(join(tmpdir(), 'dqa-long-strings-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('cutMiddle', () => {
  it('keeps the start and the end, says the length, and changes nothing the second time', () => {
    const key = `/registry/configmaps/default/${'x'.repeat(100_000)}-end`;
    const cut = cutMiddle(key);
    expect(cut).toHaveLength(STRING_LIMIT);
    expect(cut.startsWith('/registry/configmaps/default/x')).toBe(true);
    expect(cut.endsWith('x-end')).toBe(true);
    expect(cut).toContain(` …[${key.length} characters]… `);
    expect(isCut(cut)).toBe(true);
    expect(cutMiddle(cut)).toBe(cut);
    expect(cutMiddle('/registry/pods/default/web-0')).toBe('/registry/pods/default/web-0');
    expect(isCut('/registry/pods/default/web-0')).toBe(false);
  });
});

describe('cutLongStrings', () => {
  it('cuts every long string however deep, and remediation only where one line is too long', () => {
    const long = 'k'.repeat(5000);
    const commands = Array.from({ length: 5000 }, (_, i) => `kubectl delete cm c-${i}`).join('\n');
    const value = {
      a: long,
      b: [{ c: [long, 'short'] }],
      findings: [{ remediation: commands }, { remediation: `# ${'q'.repeat(70_000)}\nkubectl get x` }],
    };
    expect(cutLongStrings(value)).toBe(3);
    expect(value.a).toBe(cutMiddle(long));
    expect(value.b[0]!.c).toEqual([cutMiddle(long), 'short']);
    // 5,000 short lines (100 KB) stay whole: they are commands.
    expect(value.findings[0]!.remediation).toBe(commands);
    const [first, second] = value.findings[1]!.remediation.split('\n');
    expect(first).toHaveLength(64 * 1024);
    expect(second).toBe('kubectl get x');
  });
});

describe('an analysis of keys of 20,000 and 100,000 characters', () => {
  it('keeps them cut, counts their rows and bytes exactly, and gives no verify query for a cut key', async () => {
    const path = join(dir, 'long-keys.db');
    const db = new Database(path);
    for (const statement of kineSchema('v1')) db.exec(statement);
    const insert = db.prepare(
      'INSERT INTO kine(name, created, deleted, create_revision, prev_revision, lease, value, old_value) VALUES (?, ?, 0, ?, ?, 0, ?, NULL)',
    );
    const hot = `/registry/configmaps/default/${'h'.repeat(20_000)}`;
    const leaseName = 'l'.repeat(100_000);
    const leaseKey = `/registry/leases/kube-system/${leaseName}`;
    db.transaction(() => {
      for (let i = 0; i < 10; i++)
        insert.run(`/registry/configmaps/default/cm-${i}`, 1, 0, 0, Buffer.from(`k8s\0cm ${i}`));
      // 1,200 revisions: a write hot spot (HOT_KEY_MIN_REVISIONS is 1,000), so a finding names it.
      let prev = 0;
      for (let i = 0; i < 1200; i++)
        prev = Number(
          insert.run(hot, prev === 0 ? 1 : 0, prev, prev, Buffer.from(`k8s\0v${i}`)).lastInsertRowid,
        );
      prev = 0;
      for (let i = 0; i < 3; i++)
        prev = Number(
          insert.run(
            leaseKey,
            prev === 0 ? 1 : 0,
            prev,
            prev,
            lease({ namespace: 'kube-system', name: leaseName }),
          ).lastInsertRowid,
        );
    })();
    // The figures as sqlite3 would give them, by the key's length: no code of ours.
    const expected = db
      .prepare(
        `SELECT count(*) AS revisions, sum(length(CAST(name AS BLOB)) + coalesce(length(value), 0)) AS bytes
         FROM kine WHERE length(name) = ?`,
      )
      .get(hot.length) as { revisions: number; bytes: number };
    db.close();

    const analysis = await analyze(path, { tempDir: dir });
    const top = analysis.hotKeys[0]!;
    expect(top.key).toBe(cutMiddle(hot));
    expect(top).toMatchObject({ revisions: expected.revisions, bytes: expected.bytes, prefix: 'configmaps' });
    const l = analysis.leases.find((x) => x.key.startsWith('/registry/leases/kube-system/lll'))!;
    expect(l.key).toBe(cutMiddle(leaseKey));
    expect(l.name).toBe(cutMiddle(leaseName));
    expect(l.retainedRevisions).toBe(3);
    const finding = analysis.findings.find((f) => f.id === 'write-hot-spot')!;
    // The key's line whole, with the figures (the key cut inside it), and no query for the cut text.
    const [line] = finding.evidence;
    expect(line!.startsWith(`${cutMiddle(hot)}: 1,200 revisions (`)).toBe(true);
    expect(
      line!.endsWith(
        ' MiB, kine ids 11..1,210; verify: none, the key is longer than any Kubernetes key could be and is kept cut in the middle',
      ),
    ).toBe(true);
    expect(finding.data.keys).toEqual([cutMiddle(hot)]);
    // Nothing in the Analysis is longer than the limit but findings' text (4 times it; remediation
    // line by line), which holds a cut key and figures around it.
    const long: string[] = [];
    const walk = (node: unknown, path: string): void => {
      if (typeof node === 'string') {
        const lines = path.endsWith('.remediation') ? node.split('\n') : [node];
        const limit = /\.(title|evidence\.\d+|remediation)$/.test(path) ? 4 * STRING_LIMIT : STRING_LIMIT;
        if (lines.some((line) => line.length > limit)) long.push(path);
      } else if (node !== null && typeof node === 'object')
        for (const [k, v] of Object.entries(node)) walk(v, `${path}.${k}`);
    };
    walk(analysis, '');
    expect(long).toEqual([]);
    expect(JSON.stringify(analysis).length).toBeLessThan(200_000);
  }, 30_000);
});
