import type { Analysis } from '@dqlite-analyzer/core';

/** The Analysis object as stable, indented JSON (the `--format json` contract). */
export function renderJson(analysis: Analysis): string {
  return `${JSON.stringify(analysis, null, 2)}\n`;
}
