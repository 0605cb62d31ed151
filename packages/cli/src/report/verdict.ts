import type { Finding, Severity } from '@dqlite-analyzer/core';
import { formatCount, plural } from './format.js';
import type { Verdict, VerdictLevel } from './model.js';

const LABELS: Record<VerdictLevel, string> = {
  ready: 'READY',
  'ready-with-warnings': 'READY WITH WARNINGS',
  'not-ready': 'NOT READY',
  'storage-only': 'STORAGE ONLY',
};

/** Findings per severity. */
export function countBySeverity(findings: readonly Finding[]): Record<Severity, number> {
  const counts: Record<Severity, number> = { critical: 0, warning: 0, info: 0 };
  for (const finding of findings) counts[finding.severity] += 1;
  return counts;
}

/**
 * The one-word answer to "can this cluster be upgraded now": any critical finding means not ready,
 * any warning means ready with warnings; info findings never change it. Without a kine table
 * (--storage-only) there is no cluster to upgrade, so there is no upgrade verdict either.
 */
export function buildVerdict(findings: readonly Finding[], partial: boolean, isKine = true): Verdict {
  const counts = countBySeverity(findings);
  const level: VerdictLevel = !isKine
    ? 'storage-only'
    : counts.critical > 0
      ? 'not-ready'
      : counts.warning > 0
        ? 'ready-with-warnings'
        : 'ready';
  const found = [
    counts.critical > 0 ? `${formatCount(counts.critical)} critical` : '',
    counts.warning > 0 ? plural(counts.warning, 'warning') : '',
    counts.info > 0 ? `${formatCount(counts.info)} info` : '',
  ].filter(Boolean);
  const what =
    level === 'storage-only'
      ? 'no database holds a kine table, so there is no cluster to upgrade and no upgrade verdict; ' +
        'the report covers storage only'
      : level === 'not-ready'
        ? 'fix the critical findings before upgrading; the upgrade plan says in which order'
        : level === 'ready-with-warnings'
          ? 'an upgrade can go ahead, but the warnings make it slower or riskier'
          : 'nothing in this snapshot stands in the way of an upgrade';
  const counted = found.length > 0 ? `${found.join(', ')}: ` : 'No findings: ';
  const caveat = partial ? ' (part of the input could not be read: see the warnings)' : '';
  return { level, label: LABELS[level], summary: `${counted}${what}${caveat}.`, counts };
}
