// The harness of issue #11 §2 and #12 §1, over every fixture cluster of the suite (SCENARIOS), each
// written to a real dqlite node and analysed from the snapshot raft wrote: every headline number is
// in the finding's data; every `sqlite3` verify line, pasted as printed into bash with the real sqlite3
// CLI, names the copy --keep-copies kept (in a directory whose name a shell would expand, redirect or
// split on), prints what the line says it prints, and that figure is in the data; without a kept copy
// it creates nothing and fails naming DIR/<file>; every remediation block and verify command pastes
// into bash running only what it names.
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Analysis, analyze } from '@dqlite-analyzer/core';
import { stopAllNodes } from '@dqlite-analyzer/test-support/dqlite-node';
import {
  planNumbersNotInFindings,
  printsNotInData,
  runVerify,
  sqliteVerifies,
  unbackedHeadlineNumbers,
  ungroupedNumbers,
  unstatedVerifies,
} from '@dqlite-analyzer/test-support/findings-agree';
import { writeFixtureSnapshot } from '@dqlite-analyzer/test-support/fixture-snapshots';
import { pastedCommands, pasteProblems } from '@dqlite-analyzer/test-support/paste';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPlan } from '../packages/cli/src/report/plan.js';
import { shellQuote } from '../packages/core/src/checks/shell.js';
import { SCENARIOS } from '../packages/core/test/checks/scenarios.js';

let scratch: string;
/** An empty directory the pasted lines run in: a redirection or a stray file shows up there. */
let cwd: string;
const analyses = new Map<string, Analysis>();
/** The incident analysed without --keep-copies. */
let noCopies: Analysis;
// Every character here means something to a shell outside quotes (all of them) or inside "" ($, `).
const COPIES = ` copies $(touch F) \`touch F\` <F >F 'q"; touch F `;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'dqa-agree-'));
  cwd = join(scratch, 'cwd');
  await mkdir(cwd);
  for (const scenario of SCENARIOS) {
    const snapshot = await writeFixtureSnapshot(scenario, scratch);
    const copies = join(scratch, `${scenario.name}${COPIES}`);
    await mkdir(copies);
    analyses.set(scenario.name, await analyze(snapshot.dataPath, { tempDir: scratch, keepCopiesIn: copies }));
    if (scenario.name === 'incident') noCopies = await analyze(snapshot.dataPath, { tempDir: scratch });
  }
}, 300_000);

afterAll(async () => {
  await stopAllNodes();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

describe('the harness', () => {
  it('checks the verify lines of every finding that has one (the incident has all of them)', () => {
    const incident = analyses.get('incident')!;
    expect(incident.findings.filter((f) => sqliteVerifies(f).length > 0).map((f) => f.id)).toEqual([
      'compaction-backlog',
      'write-hot-spot',
      'kine-bookkeeping',
      'plaintext-secrets',
    ]);
  });
});

describe('without --keep-copies', () => {
  it('a verify line names DIR/<file>, says how to get it, and pasted creates nothing', async () => {
    const verifies = noCopies.findings.flatMap(sqliteVerifies);
    expect(verifies.length).toBeGreaterThan(4);
    for (const { command } of verifies) {
      expect(command).toMatch(/^sqlite3 -readonly DIR\/k8s\.db ["']/);
      const run = spawnSync('/bin/bash', ['-c', command], { cwd, encoding: 'utf8' });
      expect({ command, status: run.status, stdout: run.stdout, stderr: run.stderr }).toEqual({
        command,
        status: 1,
        stdout: '',
        stderr: 'Error: unable to open database "DIR/k8s.db": unable to open database file\n',
      });
    }
    const lines = noCopies.findings.flatMap((f) => f.evidence).filter((l) => l.includes('verify: sqlite3'));
    for (const line of lines) expect(line).toMatch(/ {2}# prints .+ \(with --keep-copies DIR\)$/);
    expect(await readdir(cwd)).toEqual([]);
  });
});

describe.each(SCENARIOS.map((s) => s.name))('the %s fixture', (name) => {
  it('every headline number is a data value of its finding', () => {
    for (const f of analyses.get(name)!.findings) {
      expect({ id: f.id, title: f.title, unbacked: unbackedHeadlineNumbers(f) }).toEqual({
        id: f.id,
        title: f.title,
        unbacked: [],
      });
    }
  });

  it('every figure of a headline and its evidence has its thousands separators', () => {
    for (const f of analyses.get(name)!.findings) {
      expect({ id: f.id, ungrouped: ungroupedNumbers(f) }).toEqual({ id: f.id, ungrouped: [] });
    }
  });

  it('every sqlite3 verify line prints, on the kept copy, the figures it states, and they are the data', async () => {
    const analysis = analyses.get(name)!;
    const copy = analysis.databases.find((d) => d.name === analysis.kine?.database)?.copyPath;
    for (const f of analysis.findings) {
      expect({ id: f.id, unstated: unstatedVerifies(f) }).toEqual({ id: f.id, unstated: [] });
      for (const verify of sqliteVerifies(f)) {
        expect(copy).toBeDefined();
        expect(verify.command).toContain(` ${shellQuote(copy!)} `);
        expect({ id: f.id, command: verify.command, printed: runVerify(verify.command, cwd) }).toEqual({
          id: f.id,
          command: verify.command,
          printed: verify.prints,
        });
        expect({ id: f.id, notInData: printsNotInData(f, verify) }).toEqual({ id: f.id, notInData: [] });
      }
    }
    expect(await readdir(cwd)).toEqual([]);
  });

  it('every number in an upgrade-plan step is one its findings print', () => {
    const findings = analyses.get(name)!.findings;
    for (const step of buildPlan(findings).steps) {
      const own = findings.filter((f) => step.findings.includes(f.id));
      expect({ step: step.title, why: step.why, unbacked: planNumbersNotInFindings(step.why, own) }).toEqual({
        step: step.title,
        why: step.why,
        unbacked: [],
      });
    }
  });

  it('every remediation block and verify command pastes into bash running only what it names', () => {
    for (const pasted of pastedCommands(analyses.get(name)!)) {
      expect({ label: pasted.label, problems: pasteProblems(pasted.script) }).toEqual({
        label: pasted.label,
        problems: [],
      });
    }
  });
});
