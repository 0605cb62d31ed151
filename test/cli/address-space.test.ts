// A limit of virtual memory too low for the LZ4 decoder's WebAssembly memory (V8 reserves ~10 GiB of
// address space for it, packages/core/src/wasm.ts) is this machine's limit, not a bug: the built CLI
// says DQA_ADDRESS_SPACE_LIMIT (environment, exit 73) with its next step, in one line. It was an
// "internal error" (exit 70) when xxhash-wasm's instance failed the same way.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXIT_FOR_KIND } from '../../packages/cli/src/exit-codes.js';
import { errorKind } from '../../packages/core/src/errors.js';
import { BIN } from './run-cli.js';

const SAMPLE = join(new URL('../../examples/sample-snapshot', import.meta.url).pathname);
const GIB = 1024 ** 3;

/** The CLI on the sample under `prlimit --as` (the limit ulimit -v sets), both of its processes. */
function analyseUnder(bytes: number): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(
      'prlimit',
      [`--as=${bytes}`, '--', process.execPath, BIN, SAMPLE, '--fail-on', 'none', '--format', 'json'],
      { maxBuffer: 64 * 1024 * 1024 },
      (error, _stdout, stderr) => {
        const code = error ? (error as { code?: unknown }).code : 0;
        if (typeof code !== 'number') reject(error);
        else resolve({ code, stderr });
      },
    );
  });
}

describe('a limit of virtual memory below what the decoder reserves', () => {
  it('is DQA_ADDRESS_SPACE_LIMIT, an environment error (exit 73), one line with the next step', async () => {
    const result = await analyseUnder(4 * GIB);
    expect(result.stderr).toBe(
      'dqlite-analyze: DQA_ADDRESS_SPACE_LIMIT: cannot reserve the memory of the LZ4 decoder: the limit ' +
        'of virtual memory (ulimit -v) is too low; raise or remove the limit of virtual memory (ulimit -v) and run again\n',
    );
    expect(errorKind('DQA_ADDRESS_SPACE_LIMIT')).toBe('environment');
    expect(result.code).toBe(EXIT_FOR_KIND.environment);
  });

  it('the same run under a limit with room analyses the sample (the limit alone made the difference)', async () => {
    const result = await analyseUnder(64 * GIB);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
  });
});
