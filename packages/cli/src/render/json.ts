import type { Analysis, Comparison } from '@dqlite-analyzer/core';
import type { Summary } from '../report/summary.js';

// JSON.stringify escapes U+0000-U+001F but leaves the C1 controls (U+0080-U+009F) raw, and a
// terminal acts on them (U+009B is CSI): a database name from the snapshot must not reach the
// operator's terminal as an escape sequence. They only occur inside strings, so \u-escaping them
// keeps the document valid JSON with the same values.
const C1_CONTROLS = /[\u0080-\u009f]/g;
const escapeC1 = (c: string) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;

function stringify(value: unknown): string {
  return `${JSON.stringify(value, null, 2).replace(C1_CONTROLS, escapeC1)}\n`;
}

/**
 * The first screen's figures as `summary`, then the Analysis object's fields unchanged, as stable,
 * indented JSON (the `--format json` contract: schemaVersion 1); --summary: the summary alone.
 */
export function renderJson(summary: Summary, analysis?: Analysis): string {
  return stringify(analysis ? { summary, ...analysis } : summary);
}

/** The Comparison object as JSON. */
export function renderCompareJson(comparison: Comparison): string {
  return stringify(comparison);
}
