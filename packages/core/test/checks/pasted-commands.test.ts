import { existsSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HOSTILE, HOSTILE_FILE } from '@dqlite-analyzer/test-support/hostile-names';
import { pastedCommands, pasteProblems, runPasted } from '@dqlite-analyzer/test-support/paste';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Analysis } from '../../src/analysis-types.js';
import { analyze } from '../../src/analyze.js';
import { shellQuote, sqliteVerify, sqlQuote } from '../../src/checks/shell.js';
import { kineDb } from '../kine/kine-db.js';
import { SCENARIOS } from './scenarios.js';

// Issue #12 §1: every remediation block and verify command of every fixture, pasted into bash with
// only stub programs on PATH, runs nothing but the stubs and creates nothing but its *.bak.yaml copies.
let dir: string;
const analyses = new Map<string, Analysis>();

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dqa-paste-checks-'));
  for (const s of SCENARIOS) {
    const path = join(dir, `${s.name}.db`);
    const db = kineDb(s.write, s.schema, s.trailer);
    writeFileSync(path, db.serialize());
    db.close();
    analyses.set(s.name, await analyze(path));
  }
}, 60_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('shellQuote', () => {
  const crafted = [
    'x$(touch F)',
    'kube-system;touch F;',
    '`touch F`',
    'evil;touch F;',
    `a'b"c`,
    'a<F>F',
    '!!',
    '=ls',
    '',
  ];
  it('gives one shell word that bash reads back as exactly the value', () => {
    for (const value of crafted) {
      const run = runPasted(`sqlite3 ${shellQuote(value)} ${shellQuote(`SELECT ${sqlQuote(value)}`)}`);
      expect(run.stderr).toBe('');
      expect(run.files).toEqual([]);
      expect(run.calls).toEqual([['sqlite3', value, `SELECT ${sqlQuote(value)}`]]);
    }
  });
});

describe('sqliteVerify', () => {
  const sql = "SELECT count(*) FROM kine WHERE name = 'a'";
  it('names the kept copy as one word, however its path is spelt', () => {
    const path = `/tmp/a b/$(touch F)/\`touch F\`/<F>'"/k8s.db`;
    const line = sqliteVerify({ path, fileName: 'k8s.db' }, sql, [3]);
    expect(line).toMatch(/ {2}# prints 3$/);
    const run = runPasted(line.slice('verify: '.length));
    expect(run.calls).toEqual([['sqlite3', '-readonly', path, sql]]);
    expect(run.files).toEqual([]);
  });
  it('without a kept copy, or one whose path does not print on one line, names DIR/<file>', () => {
    const expected = `verify: sqlite3 -readonly DIR/k8s.db "${sql}"  # prints 3 (with --keep-copies DIR)`;
    expect(sqliteVerify({ fileName: 'k8s.db' }, sql, [3])).toBe(expected);
    expect(sqliteVerify({ path: '/tmp/a\nb/k8s.db', fileName: 'k8s.db' }, sql, [3])).toBe(expected);
  });
});

describe.each(SCENARIOS.map((s) => s.name))('pasted commands of the %s fixture', (name) => {
  it('pass bash -n and run only the stubbed tools', () => {
    const analysis = analyses.get(name)!;
    for (const pasted of pastedCommands(analysis)) {
      expect({ label: pasted.label, problems: pasteProblems(pasted.script) }).toEqual({
        label: pasted.label,
        problems: [],
      });
    }
    expect(existsSync(HOSTILE_FILE)).toBe(false);
  });
});

describe('hostile names', () => {
  it('reach the findings, and a name that is not valid gets a note instead of a command', () => {
    const a = analyses.get('hostile-names')!;
    expect(a.findings.map((f) => f.id).sort()).toEqual([
      'abandoned-webhook',
      'leader-election-churn',
      'write-hot-spot',
    ]);
    const all = a.findings.map((f) => f.remediation).join('\n');
    expect(all).toContain('"evil;touch F;" is not a valid MutatingWebhookConfiguration name');
    expect(all).toContain('"kube-system;touch F;" is not a valid namespace');
    expect(all).toContain('"`touch F`" is not a valid Lease name');
    expect(all).toContain(
      `${JSON.stringify('/registry/leases/kube-system/x$(touch F)')} is not a valid key (its name is not valid)`,
    );
    const hot = a.findings.find((f) => f.id === 'write-hot-spot')!;
    // The sqlite3 verify line hands the key over intact, as one argument.
    const verify = pastedCommands(a).find((p) => p.label === 'write-hot-spot verify')!;
    expect(runPasted(verify.script).calls[0]).toEqual([
      'sqlite3',
      '-readonly',
      // No copy kept: the file --keep-copies DIR would write (the database is named after the file).
      'DIR/hostile-names.db.db',
      `SELECT count(*) FROM kine WHERE name = ${sqlQuote(`/registry/leases/kube-system/${HOSTILE.hotLease.name}`)}`,
    ]);
    expect(hot.data.revisions).toEqual([HOSTILE.hotLeaseWrites, HOSTILE.hotConfigMapWrites]);
  });
});
