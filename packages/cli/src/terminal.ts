import { extname } from 'node:path';

/** Where the CLI runs: passed in, so the choices below are testable without a terminal. */
export interface Terminal {
  stdoutIsTTY: boolean;
  stderrIsTTY: boolean;
  /** stdout's columns when it is a terminal. */
  columns?: number;
  env: Readonly<Record<string, string | undefined>>;
}

export const FORMATS = ['text', 'json', 'markdown', 'html'] as const;
export type Format = (typeof FORMATS)[number];

const BY_EXTENSION: Record<string, Format> = {
  '.json': 'json',
  '.md': 'markdown',
  '.markdown': 'markdown',
  '.html': 'html',
  '.htm': 'html',
};

/**
 * The format when --format is not given: the one the --output file's extension names
 * (`-o report.html`), else text — on a terminal and when piped alike, because `| less`, `| tee`
 * and `> report.txt` are read by people; scripts ask for `--format json` explicitly.
 */
export function resolveFormat(explicit: Format | undefined, output: string | undefined): Format {
  if (explicit) return explicit;
  return (output && BY_EXTENSION[extname(output).toLowerCase()]) || 'text';
}

/**
 * Colour only for text on a terminal: never in a file or a pipe, never with --no-color or NO_COLOR
 * (no-color.org: set and not empty); FORCE_COLOR (set, not `0`) turns it on for pipes, as in Node.
 */
export function useColor(
  format: Format,
  output: string | undefined,
  flag: boolean,
  terminal: Terminal,
): boolean {
  if (format !== 'text' || output !== undefined || !flag) return false;
  if (terminal.env.NO_COLOR) return false;
  const force = terminal.env.FORCE_COLOR;
  if (force !== undefined && force !== '' && force !== '0') return true;
  return terminal.stdoutIsTTY && terminal.env.TERM !== 'dumb';
}

/** Progress goes to stderr only when a person watches it: a terminal, and not --quiet. */
export function showProgress(quiet: boolean, terminal: Terminal): boolean {
  return !quiet && terminal.stderrIsTTY;
}

/** The text report's width: 80 columns; --wide: the terminal's (at least 80), or 160 into a file or pipe. */
export function textWidth(wide: boolean, output: string | undefined, terminal: Terminal): number {
  if (!wide) return 80;
  if (output === undefined && terminal.stdoutIsTTY && terminal.columns) return Math.max(80, terminal.columns);
  return 160;
}
