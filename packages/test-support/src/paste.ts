// What an operator does with a report: paste each remediation block and each `verify:` command into a
// shell. Here the shell is bash with PATH holding only stub scripts for the tools our commands call
// (each logs its argv and does nothing else), in an empty working directory: anything else that
// runs — another program, a redirection to a file the command does not name, a builtin writing a
// file — shows up as "command not found" on stderr or as a file that should not be there.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Analysis } from '@dqlite-analyzer/core';

/** Every program our remediation and verify commands name (after `sudo` too). */
export const STUBBED = [
  'microk8s',
  'kubectl',
  'k8s',
  'sudo',
  'calicoctl',
  'sqlite3',
  'journalctl',
  'grep',
  'date',
  'tar',
  'cat',
  'snap',
] as const;

export interface Pasted {
  /** Where it came from: `<finding id> remediation` or `<finding id> verify`. */
  label: string;
  script: string;
}

/** The remediation block and each verify command of every finding, exactly as printed. */
export function pastedCommands(analysis: Analysis): Pasted[] {
  return analysis.findings.flatMap((f) => [
    { label: `${f.id} remediation`, script: f.remediation },
    ...verifyCommands(f.evidence).map((command) => ({ label: `${f.id} verify`, script: command })),
  ]);
}

/** The commands after `verify: ` in evidence lines (`verify: none, …` names none). */
export function verifyCommands(evidence: readonly string[]): string[] {
  return evidence.flatMap((line) => {
    const at = line.indexOf('verify: ');
    if (at < 0) return [];
    const command = line.slice(at + 'verify: '.length);
    return command.startsWith('none') ? [] : [command];
  });
}

export interface PasteRun {
  /** bash -n's verdict: exit status and stderr. */
  syntax: { status: number | null; stderr: string };
  status: number | null;
  stderr: string;
  /** argv of every stub call, program name first. */
  calls: string[][];
  /** Files left in the working directory. */
  files: string[];
}

// The stubs' log: per call, the argument count, the program and its arguments, each NUL-terminated.
function parseCalls(log: string): string[][] {
  const fields = log.split('\0');
  const calls: string[][] = [];
  for (let at = 0; at + 1 < fields.length; ) {
    const count = Number(fields[at]);
    calls.push(fields.slice(at + 1, at + 2 + count));
    at += 2 + count;
  }
  return calls;
}

/** Check and run `script` as pasted, with only the stubs on PATH. */
export function runPasted(script: string): PasteRun {
  const dir = mkdtempSync(join(tmpdir(), 'dqa-paste-'));
  try {
    const bin = join(dir, 'bin');
    const cwd = join(dir, 'cwd');
    const log = join(dir, 'calls.log');
    spawnSync('mkdir', [bin, cwd]);
    for (const name of STUBBED) {
      const stub = join(bin, name);
      // printf is a builtin, so the stub itself runs nothing. One record per call, written by ONE
      // printf (one write to an O_APPEND file), so the stubs of a pipeline, running at once, cannot
      // interleave their records: the argument count, the program, its arguments, NUL-separated.
      writeFileSync(stub, `#!/bin/sh\nprintf '%s\\0' "$#" "\${0##*/}" "$@" >> "$STUB_LOG"\n`);
      chmodSync(stub, 0o755);
    }
    const env = { PATH: bin, STUB_LOG: log, HOME: cwd };
    const syntax = spawnSync('/bin/bash', ['-n', '-c', script], { env, cwd, encoding: 'utf8' });
    const run = spawnSync('/bin/bash', ['-c', script], { env, cwd, encoding: 'utf8', timeout: 10_000 });
    let calls: string[][] = [];
    try {
      calls = parseCalls(readFileSync(log, 'utf8'));
    } catch {
      // No stub was called.
    }
    return {
      syntax: { status: syntax.status, stderr: syntax.stderr },
      status: run.status,
      stderr: run.stderr,
      calls,
      files: readdirSync(cwd),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * What is wrong with pasting `script`, empty when nothing: a syntax error, a program that is not a
 * stub, a file other than the `*.bak.yaml` copies the remediations make.
 */
export function pasteProblems(script: string): string[] {
  const run = runPasted(script);
  const problems: string[] = [];
  if (run.syntax.status !== 0) problems.push(`bash -n: ${run.syntax.stderr.trim()}`);
  if (/not found|No such file/.test(run.stderr)) problems.push(`ran something else: ${run.stderr.trim()}`);
  const stray = run.files.filter((f) => !f.endsWith('.bak.yaml'));
  if (stray.length > 0) problems.push(`created ${stray.map((f) => JSON.stringify(f)).join(', ')}`);
  const unknown = run.calls.filter((argv) => !(STUBBED as readonly string[]).includes(argv[0] ?? ''));
  if (unknown.length > 0) problems.push(`unexpected calls ${JSON.stringify(unknown)}`);
  return problems;
}
