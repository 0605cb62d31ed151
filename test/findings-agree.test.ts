// The harness of issue #11 §2 and #12 §1, over every fixture cluster of the suite (SCENARIOS), each
// written to a real dqlite node and analysed from the snapshot raft wrote: every headline number is
// in the finding's data; every `sqlite3 <copy>` verify line, run by bash with the real sqlite3 CLI on
// the copy --keep-copies kept, prints what the line says it prints, and that figure is in the data;
// every remediation block and verify command pastes into bash running only what it names.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Analysis, analyze } from '@dqlite-analyzer/core';
import { stopAllNodes } from '@dqlite-analyzer/test-support/dqlite-node';
import {
  printsNotInData,
  runVerify,
  sqliteVerifies,
  unbackedHeadlineNumbers,
  unstatedVerifies,
} from '@dqlite-analyzer/test-support/findings-agree';
import { writeFixtureSnapshot } from '@dqlite-analyzer/test-support/fixture-snapshots';
import { pastedCommands, pasteProblems } from '@dqlite-analyzer/test-support/paste';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCENARIOS } from '../packages/core/test/checks/scenarios.js';

let scratch: string;
const analyses = new Map<string, Analysis>();

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'dqa-agree-'));
  for (const scenario of SCENARIOS) {
    const snapshot = await writeFixtureSnapshot(scenario, scratch);
    const copies = join(scratch, `${scenario.name}-copies`);
    await mkdir(copies);
    analyses.set(scenario.name, await analyze(snapshot.dataPath, { tempDir: scratch, keepCopiesIn: copies }));
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

  it('every sqlite3 verify line prints, on the kept copy, the figures it states, and they are the data', () => {
    const analysis = analyses.get(name)!;
    const copy = analysis.databases.find((d) => d.name === analysis.kine?.database)?.copyPath;
    for (const f of analysis.findings) {
      expect({ id: f.id, unstated: unstatedVerifies(f) }).toEqual({ id: f.id, unstated: [] });
      for (const verify of sqliteVerifies(f)) {
        expect(copy).toBeDefined();
        expect({ id: f.id, command: verify.command, printed: runVerify(verify.command, copy!) }).toEqual({
          id: f.id,
          command: verify.command,
          printed: verify.prints,
        });
        expect({ id: f.id, notInData: printsNotInData(f, verify) }).toEqual({ id: f.id, notInData: [] });
      }
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
