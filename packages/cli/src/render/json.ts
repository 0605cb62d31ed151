import type { Analysis, Comparison } from '@dqlite-analyzer/core';

/** The Analysis object as stable, indented JSON (the `--format json` contract: schemaVersion 2). */
export function renderJson(analysis: Analysis): string {
  return `${JSON.stringify(analysis, null, 2)}\n`;
}

/** The Comparison object as JSON. */
export function renderCompareJson(comparison: Comparison): string {
  return `${JSON.stringify(comparison, null, 2)}\n`;
}
