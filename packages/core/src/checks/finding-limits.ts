import type { Finding } from '../analysis-types.js';
import { formatCount } from '../format.js';

/**
 * Evidence lines kept per finding, and entries per list in its data: a finding is read by a person
 * and scraped by the agent, so a crafted snapshot (a webhook configuration with thousands of
 * webhooks, thousands of configurations) must not make it grow without bound. The figures in the
 * title and data always count everything; the lists show the first ones (docs/security.md).
 */
export const LIST_LIMIT = 50;

// Evidence lists boundedEvidence made: already cut, boundFinding leaves them as they are.
const bounded = new WeakSet<string[]>();

/**
 * The evidence of `count` lines as a finding shows it: the first LIST_LIMIT, built by `line(i)`,
 * then how many more there were. A check with one line per object builds only the lines shown
 * (400,000 lines for 200,000 orphaned webhooks were built to keep 50).
 */
export function boundedEvidence(count: number, line: (index: number) => string): string[] {
  const lines = Array.from({ length: Math.min(count, LIST_LIMIT) }, (_, i) => line(i));
  if (count > LIST_LIMIT)
    lines.push(
      `… and ${formatCount(count - LIST_LIMIT)} more evidence lines (the first ${LIST_LIMIT} are shown)`,
    );
  bounded.add(lines);
  return lines;
}

/** A finding with its evidence and the lists in its data cut to LIST_LIMIT (`<key>Total` the full count). */
export function boundFinding(finding: Finding): Finding {
  const evidence = bounded.has(finding.evidence)
    ? finding.evidence
    : boundedEvidence(finding.evidence.length, (i) => finding.evidence[i]!);
  const data: Finding['data'] = {};
  for (const [key, value] of Object.entries(finding.data)) {
    data[key] = Array.isArray(value) && value.length > LIST_LIMIT ? value.slice(0, LIST_LIMIT) : value;
    if (Array.isArray(value) && value.length > LIST_LIMIT) data[`${key}Total`] = value.length;
  }
  return { ...finding, evidence, data };
}
