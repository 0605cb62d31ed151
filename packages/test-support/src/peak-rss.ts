// Peak resident memory of a program that runs its analysis in a child process (the CLI and the
// agent do: core/src/child/spawn.ts). Both processes are alive at once, so what a memory limit sees
// is their sum; /usr/bin/time and process.resourceUsage() give only one process's peak (the larger,
// or the caller's own). A preloaded module (record-peak.mjs), passed with NODE_OPTIONS so that the
// analysis child inherits it, writes each process's own peak (getrusage ru_maxrss) to a file named by its pid.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface PeakRecorder {
  /** The environment that makes a Node process (and its Node children) record its peak at exit. */
  env: NodeJS.ProcessEnv;
  /** Each process's peak RSS in bytes, by pid, as recorded so far (processes that have exited). */
  peaks(): Map<number, number>;
  /** The sum over every process recorded: both processes of one run. */
  total(): number;
  remove(): void;
}

// The preloaded hook, a plain ES module so that bench/run.mjs uses the same file.
const HOOK = fileURLToPath(new URL('./record-peak.mjs', import.meta.url));

export function peakRecorder(): PeakRecorder {
  const dir = mkdtempSync(join(tmpdir(), 'dqa-peak-rss-'));
  const peaks = () => {
    const found = new Map<number, number>();
    for (const name of readdirSync(dir)) {
      const pid = /^(\d+)\.rss$/.exec(name)?.[1];
      if (pid) found.set(Number(pid), Number(readFileSync(join(dir, name), 'utf8')));
    }
    return found;
  };
  return {
    env: {
      NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import=${HOOK}`.trim(),
      DQA_TEST_PEAK_DIR: dir,
    },
    peaks,
    total: () => [...peaks().values()].reduce((sum, bytes) => sum + bytes, 0),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** VmHWM (peak resident set) of a live process, in bytes: every thread, worker threads included. */
export function liveProcessPeak(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = /^VmHWM:\s+(\d+) kB$/m.exec(status);
  if (!kib) throw new Error(`no VmHWM in /proc/${pid}/status`);
  return Number(kib[1]) * 1024;
}
