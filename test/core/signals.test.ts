// The private copy is removed when the process is told to stop mid-analysis, and the process
// still ends by that signal (the core never calls process.exit itself).
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const SAMPLE = new URL('../../examples/sample-snapshot', import.meta.url).pathname;
const CORE = new URL('../../packages/core/dist/index.js', import.meta.url).href;
const dirs: string[] = [];
afterAll(async () => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));

/** Run analyze() in a child that signals itself as soon as extraction has started. */
function analyzeAndSignal(signal: 'SIGINT' | 'SIGTERM', temp: string) {
  const script = `
    import { analyze } from ${JSON.stringify(CORE)};
    import { readdirSync, statSync } from 'node:fs';
    import { join } from 'node:path';
    let sent = false;
    await analyze(${JSON.stringify(SAMPLE)}, {
      tempDir: ${JSON.stringify(temp)},
      onProgress: () => {
        if (sent) return;
        sent = true;
        // Prove the copy exists at this point, then ask to stop.
        const dirs = readdirSync(${JSON.stringify(temp)});
        process.stdout.write('copies:' + dirs.length + '\\n');
        const dir = join(${JSON.stringify(temp)}, dirs[0]);
        const modes = [dir, ...readdirSync(dir).map((f) => join(dir, f))].map((p) => (statSync(p).mode & 0o777).toString(8));
        process.stdout.write('modes:' + modes.join(',') + '\\n');
        process.kill(process.pid, '${signal}');
      },
    });
    process.stdout.write('finished\\n');`;
  return new Promise<{ stdout: string; signal: NodeJS.Signals | null; code: number | null }>((resolve) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script]);
    let stdout = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.on('close', (code, killedBy) => resolve({ stdout, signal: killedBy, code }));
  });
}

describe('signals during analysis', () => {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    it(`${signal}: the private copy is removed and the process ends by the signal`, async () => {
      const temp = await mkdtemp(join(tmpdir(), 'dqa-signal-'));
      dirs.push(temp);
      const result = await analyzeAndSignal(signal, temp);
      expect(result.stdout).toContain('copies:1');
      // The private directory is 0700 and every file the copy has written so far 0600.
      expect(result.stdout).toMatch(/modes:700(,600)+\n/);
      expect(result.stdout).not.toContain('finished');
      expect(result.signal).toBe(signal);
      expect(await readdir(temp)).toEqual([]);
    });
  }
});
