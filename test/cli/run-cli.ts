// Run the built `dqlite-analyze` as a user would: a child process, no terminal, its own environment.
import { execFile } from 'node:child_process';

export const BIN = new URL('../../packages/cli/dist/main.js', import.meta.url).pathname;

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run the binary; never throws on a non-zero exit (the exit code is what the tests check). */
export function runCli(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  // Colour decisions must come from the flags under test, not from the developer's shell.
  const { NO_COLOR: _n, FORCE_COLOR: _f, ...inherited } = process.env;
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { env: { ...inherited, ...env }, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (error as { code?: unknown }).code : 0;
        if (typeof code !== 'number') reject(error);
        else resolve({ code, stdout, stderr });
      },
    );
  });
}

/**
 * A line a shell reads as one word (single- or double-quoted pieces and escapes, no unquoted space),
 * plus ` \`. shellQuote double-quotes SQL that holds single quotes and nothing double quotes expand.
 */
export const SINGLE_SHELL_WORD = /^\s*(?:'[^']*'|"(?:[^"\\$`]|\\.)*"|\\.|[^\s'"\\])+(?: \\)?$/;
