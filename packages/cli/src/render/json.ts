import type { Analysis, Comparison } from '@dqlite-analyzer/core';
import type { Summary } from '../report/summary.js';

/**
 * The first screen's figures as `summary`, then the Analysis object's fields unchanged, as stable,
 * indented JSON (the `--format json` contract: schemaVersion 1); --summary: the summary alone.
 */
export function renderJson(summary: Summary, analysis?: Analysis): string {
  return `${JSON.stringify(analysis ? { summary, ...analysis } : summary, null, 2)}\n`;
}

/** The Comparison object as JSON. */
export function renderCompareJson(comparison: Comparison): string {
  return `${JSON.stringify(comparison, null, 2)}\n`;
}
