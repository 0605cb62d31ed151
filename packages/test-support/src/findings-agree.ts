// The rules that hold a finding's words to its figures (issue #11 §2): every number in a headline is
// one of the finding's `data` values as the report writes it, and every `sqlite3` verify line ends with
// `# prints …`, the lines sqlite3 prints when the figure is right; each of those is in `data`.
import { execFileSync } from 'node:child_process';
import type { Finding, FindingValue } from '@dqlite-analyzer/core';
import { formatBytes, formatCount, formatPercent } from '@dqlite-analyzer/core';

const numbersOf = (value: FindingValue): number[] =>
  typeof value === 'number'
    ? [value]
    : Array.isArray(value)
      ? value.filter((v) => typeof v === 'number')
      : [];

/** Every way the report writes one of the finding's data values. */
function renderings(finding: Finding): Set<string> {
  const out = new Set<string>();
  for (const v of Object.values(finding.data).flatMap(numbersOf)) {
    if (Number.isInteger(v)) out.add(formatCount(v));
    out.add(formatBytes(v));
    out.add(formatPercent(v));
    out.add(`${v.toFixed(2)} s`);
  }
  return out;
}

// A number standing on its own (not part of a name such as node-1, v3.29, k8s, 10-1-0-0-28), with
// the unit the report writes after it.
const NUMBER = /(?<![\w./:-])\d{1,3}(?:,\d{3})*(?:\.\d+)?(?:%| (?:B|KiB|MiB|GiB|TiB|s)\b)?(?![\w/-]|\.\d)/g;

/** Numbers in the headline that are not a data value as the report writes it. */
export function unbackedHeadlineNumbers(finding: Finding): string[] {
  const known = renderings(finding);
  return [...finding.title.matchAll(NUMBER)].map((m) => m[0]).filter((token) => !known.has(token));
}

export interface SqliteVerify {
  command: string;
  prints: string[];
}

/**
 * The `verify: sqlite3 -readonly … # prints …` commands of a finding's evidence; the words
 * after the figures, `(with --keep-copies DIR)`, are not figures.
 */
export function sqliteVerifies(finding: Finding): SqliteVerify[] {
  return finding.evidence.flatMap((line) => {
    const m = /verify: (sqlite3 .*) {2}# prints (.*?)(?: \(with --keep-copies DIR\))?$/.exec(line);
    return m ? [{ command: m[1]!, prints: m[2]!.split(', ') }] : [];
  });
}

/** `verify:` lines (sqlite3 or kubectl) that do not say what they print; `verify: none, …` runs nothing. */
export function unstatedVerifies(finding: Finding): string[] {
  return finding.evidence.filter(
    (line) => line.includes('verify: ') && !line.includes('verify: none') && !/ {2}# prints .+$/.test(line),
  );
}

/** What a verify command prints, pasted as printed into bash with the real sqlite3, run in `cwd`. */
export function runVerify(command: string, cwd: string): string[] {
  return execFileSync('/bin/bash', ['-c', command], { cwd, encoding: 'utf8' }).trimEnd().split('\n');
}

/** The stated figures of a verify line that are not in the finding's data. */
export function printsNotInData(finding: Finding, verify: SqliteVerify): string[] {
  const values = new Set(Object.values(finding.data).flatMap(numbersOf).map(String));
  return verify.prints.filter((p) => p !== 'none' && !values.has(p));
}

/**
 * Numbers in an upgrade-plan step's words that none of its findings prints (headline or evidence):
 * the plan retells the findings, so a count of its own is one they do not back.
 */
export function planNumbersNotInFindings(why: string, findings: readonly Finding[]): string[] {
  const printed = new Set(
    findings
      .flatMap((f) => [f.title, ...f.evidence])
      .flatMap((text) => [...text.matchAll(NUMBER)].map((m) => m[0])),
  );
  // The plan's own policy words, not figures of this cluster.
  const policy = why.replace(/every 5 minutes/g, '');
  return [...policy.matchAll(NUMBER)].map((m) => m[0]).filter((token) => !printed.has(token));
}

// Four or more digits standing alone, ungrouped: a count or revision written without its separators.
const UNGROUPED = /(?<![\w./:#,-])\d{4,}(?![\w-]|\/(?!min\b)|\.\d|,\d)/g;

/**
 * Figures in a finding's headline and evidence written without thousands separators (11769 where
 * the rest of the report writes 11,769). What a verify line prints is sqlite3's, so it is left out.
 */
export function ungroupedNumbers(finding: Pick<Finding, 'title' | 'evidence'>): string[] {
  return [finding.title, ...finding.evidence.map((line) => line.replace(/verify: .*$/, ''))].flatMap((text) =>
    [...text.matchAll(UNGROUPED)].map((m) => m[0]),
  );
}
