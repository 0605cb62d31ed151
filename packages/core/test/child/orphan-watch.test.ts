// The orphan watch of the analysis child (core/src/child/orphan-watch.ts), in real processes: a
// parent starts a child that makes a private directory, starts the watch and then blocks its main
// thread the way a SQLite call does (Atomics.wait: no timer, no handler runs). SIGKILL the parent:
// the child must end and its directory go, through the shell watcher and through the thread used
// where no shell can be started. A child that ends by itself leaves no watcher behind.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ORPHAN_CHECK_MS } from '../../src/child/orphan-watch.js';

const WATCH_MODULE = new URL('../../src/child/orphan-watch.ts', import.meta.url).href;
const TSX = import.meta.resolve('tsx');

// argv: tempDir prefix shell mode ('block' | 'exit')
const CHILD = `
const [tempDir, prefix, shell, mode] = process.argv.slice(2);
const { mkdirSync } = await import('node:fs');
const { join } = await import('node:path');
const { watchForOrphaning } = await import(${JSON.stringify(WATCH_MODULE)});
mkdirSync(join(tempDir, prefix + 'copy'), { mode: 0o700 });
watchForOrphaning(process.ppid, tempDir, prefix, shell);
process.send('ready');
if (mode === 'block') {
  // Let the watch start (the shell's spawn, or the thread after its 'error'), then hold the thread.
  await new Promise((resolve) => setTimeout(resolve, 300));
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 30_000);
} else {
  setTimeout(() => process.disconnect(), 300);
}
`;
// The parent: starts the child (child.mjs beside it) and reports its pid, then waits to be killed.
const PARENT = `
const { fork } = await import('node:child_process');
const [tempDir, prefix, shell, mode] = process.argv.slice(2);
const child = fork(new URL('./child.mjs', import.meta.url).pathname, [tempDir, prefix, shell, mode], {
  execArgv: ['--import', ${JSON.stringify(TSX)}],
  stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
});
child.once('message', () => process.stdout.write(String(child.pid) + '\\n'));
setTimeout(() => {}, 60_000);
`;

const started: ChildProcess[] = [];
const dirs: string[] = [];
afterEach(() => {
  for (const process of started.splice(0)) process.kill('SIGKILL');
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function alive(pid: number): boolean {
  try {
    // A zombie still answers kill(0): read its state.
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

// The watch shells (their argv names the temp dir), not counting a shell's own fork for `sleep`
// in the instant before it execs (same argv, parent a watch shell): CI once counted 2 that way.
function watchers(tempDir: string): number[] {
  const matching = readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((pid) => {
      try {
        const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
        return argv.includes('dqlite-analyzer-orphan-watch') && argv.includes(tempDir);
      } catch {
        return false;
      }
    })
    .map(Number);
  return matching.filter((pid) => !matching.includes(parentOf(pid)));
}

function parentOf(pid: number): number {
  try {
    // proc(5): the fields after the command name's last ')' are the state, then the parent's pid.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return 0;
  }
}

async function waitFor(condition: () => boolean, what: string, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

async function start(shell: string, mode: 'block' | 'exit') {
  const tempDir = mkdtempSync(join(tmpdir(), 'dqa-orphan-test-'));
  const scripts = mkdtempSync(join(tmpdir(), 'dqa-orphan-scripts-'));
  dirs.push(tempDir, scripts);
  writeFileSync(join(scripts, 'child.mjs'), CHILD);
  writeFileSync(join(scripts, 'parent.mjs'), PARENT);
  const prefix = 'dqlite-analyzer-test-';
  const parent = spawn(process.execPath, [join(scripts, 'parent.mjs'), tempDir, prefix, shell, mode], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  started.push(parent);
  const childPid = await new Promise<number>((resolve, reject) => {
    let out = '';
    parent.stdout.on('data', (data: Buffer) => {
      out += data.toString();
      if (out.includes('\n')) resolve(Number(out.trim()));
    });
    parent.once('exit', () => reject(new Error('the parent ended before its child was ready')));
  });
  started.push({ kill: () => alive(childPid) && process.kill(childPid, 'SIGKILL') } as ChildProcess);
  return { tempDir, parent, childPid, copy: join(tempDir, `${prefix}copy`) };
}

describe('the orphan watch', () => {
  for (const [how, shell, shells] of [
    ['a shell', '/bin/sh', 1],
    ['a thread, where no shell can be started', '/nonexistent/sh', 0],
  ] as const) {
    it(`through ${how}: a SIGKILLed parent's blocked child ends and its directory goes`, async () => {
      const { parent, childPid, copy, tempDir } = await start(shell, 'block');
      await new Promise((resolve) => setTimeout(resolve, 400));
      expect(existsSync(copy)).toBe(true);
      expect(alive(childPid)).toBe(true);
      expect(watchers(tempDir).length).toBe(shells);
      parent.kill('SIGKILL');
      await waitFor(
        () => !alive(childPid) && !existsSync(copy),
        'the orphan to end and its copy to go',
        10 * ORPHAN_CHECK_MS + 5_000,
      );
      expect(readdirSync(tempDir)).toEqual([]);
      await waitFor(() => watchers(tempDir).length === 0, 'the watcher to end', 3_000);
    });
  }

  it('a child that ends by itself leaves no watcher behind, and its parent is untouched', async () => {
    const { parent, childPid, tempDir } = await start('/bin/sh', 'exit');
    expect(watchers(tempDir).length).toBe(1);
    await waitFor(() => !alive(childPid), 'the child to end', 5_000);
    await waitFor(() => watchers(tempDir).length === 0, 'the watcher to end', 5 * ORPHAN_CHECK_MS + 2_000);
    expect(parent.exitCode).toBe(null);
  });
});
