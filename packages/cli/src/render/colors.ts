import type { Severity } from '@dqlite-analyzer/core';
import type { VerdictLevel } from '../report/model.js';

// Six SGR codes are all the report needs: a dependency (picocolors, chalk) would only add its own
// TTY/NO_COLOR detection, which the CLI already decides once in terminal.ts.

export interface Palette {
  bold(text: string): string;
  dim(text: string): string;
  red(text: string): string;
  yellow(text: string): string;
  green(text: string): string;
  cyan(text: string): string;
}

const sgr =
  (enabled: boolean, open: number, close: number) =>
  (text: string): string =>
    enabled && text ? `\u001b[${open}m${text}\u001b[${close}m` : text;

/** ANSI colours when `enabled`, identity functions otherwise. */
export function createPalette(enabled: boolean): Palette {
  return {
    bold: sgr(enabled, 1, 22),
    dim: sgr(enabled, 2, 22),
    red: sgr(enabled, 31, 39),
    yellow: sgr(enabled, 33, 39),
    green: sgr(enabled, 32, 39),
    cyan: sgr(enabled, 36, 39),
  };
}

export function paintSeverity(palette: Palette, severity: Severity, text: string): string {
  if (severity === 'critical') return palette.bold(palette.red(text));
  if (severity === 'warning') return palette.yellow(text);
  return palette.cyan(text);
}

export function paintVerdict(palette: Palette, level: VerdictLevel, text: string): string {
  if (level === 'not-ready') return palette.bold(palette.red(text));
  if (level === 'ready-with-warnings') return palette.bold(palette.yellow(text));
  return palette.bold(palette.green(text));
}
