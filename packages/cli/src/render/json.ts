import type { Analysis, Comparison } from '@dqlite-analyzer/core';
import { jsonText } from '@dqlite-analyzer/core/report-values';
import type { Summary } from '../report/summary.js';

// Control characters escaped, C1 too (jsonText), as in the agent's /api.
const stringify = (value: unknown): string => `${jsonText(value, 2)}\n`;

/**
 * The first screen's figures as `summary`, then the Analysis object's fields unchanged, as stable,
 * indented JSON (the `--format json` contract: schemaVersion 2); --summary: the summary alone.
 */
export function renderJson(summary: Summary, analysis?: Analysis): string {
  return stringify(analysis ? { summary, ...analysis } : summary);
}

/** The Comparison object as JSON. */
export function renderCompareJson(comparison: Comparison): string {
  return stringify(comparison);
}
