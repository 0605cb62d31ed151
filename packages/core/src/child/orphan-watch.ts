import { Worker } from 'node:worker_threads';

// Runs on its own thread, so it runs also while the child's main thread is inside a SQLite call
// that may not return (a JS timer there would wait for it). Dynamic imports: eval code may be
// treated as CommonJS or as ESM.
const WATCH_CODE = `
(async () => {
  const { workerData } = await import('node:worker_threads');
  const { readdirSync, rmSync } = await import('node:fs');
  const { join } = await import('node:path');
  setInterval(() => {
    if (process.ppid === workerData.parentPid) return;
    try {
      // As removePrivateDirs() (io/temp-dir.ts) does; eval code cannot import our modules.
      for (const name of readdirSync(workerData.tempDir)) {
        if (name.startsWith(workerData.prefix)) rmSync(join(workerData.tempDir, name), { recursive: true, force: true });
      }
    } finally {
      process.kill(process.pid, 'SIGKILL');
    }
  }, workerData.intervalMs);
})();
`;

/** How often the child looks for its parent (ms): the copy outlives a SIGKILLed parent by about this. */
export const ORPHAN_CHECK_MS = 200;

/**
 * In the analysis child: when the parent that started it is gone (SIGKILL, a crash: it could not
 * remove the copies), remove this process's private directories (`prefix` in `tempDir`) and end it. Linux re-parents an orphan
 * to init or to the nearest subreaper, so a changed ppid means the parent has died; Node has no
 * prctl(PR_SET_PDEATHSIG). The thread does not keep the child alive.
 */
export function watchForOrphaning(parentPid: number, tempDir: string, prefix: string): void {
  const worker = new Worker(WATCH_CODE, {
    eval: true,
    workerData: { parentPid, tempDir, prefix, intervalMs: ORPHAN_CHECK_MS },
  });
  worker.unref();
}
