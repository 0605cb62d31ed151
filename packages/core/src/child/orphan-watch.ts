import { spawn } from 'node:child_process';
import { Worker } from 'node:worker_threads';

/** How often the child looks for its parent (ms): the copy outlives a SIGKILLed parent by about this. */
export const ORPHAN_CHECK_MS = 200;

// The watch runs beside the child's main thread, which may be inside a SQLite call that does not
// return (a JS timer there would wait for it). A small shell process does it: a worker thread
// would work too, but each one is a V8 isolate, ~9 MiB of the child's peak (bench/RESULTS.md,
// issue 17 third pass). Its parent is the analysis child, so a change of its own parent means the
// child has ended (Linux re-parents an orphan to init or the nearest subreaper) and it exits; a
// change of the child's parent means the program that started it is gone (SIGKILL, a crash: it
// could not remove the copies), and it kills the child and removes the child's private
// directories. The last fields of /proc/PID/stat follow the command name's last ')' (proc(5)):
// the state, then the parent's pid. Its stdio is closed at once: a chroot may have no /dev/null,
// and nothing it runs has anything to say.
const WATCH_SCRIPT = `exec 0<&- 1>&- 2>&-
parent=$1 child=$2 dir=$3 prefix=$4 interval=$5
while sleep "$interval"; do
  read -r self < /proc/$$/stat || exit 0
  set -- \${self##*) }
  [ "$2" = "$child" ] || exit 0
  read -r stat < /proc/$child/stat || exit 0
  set -- \${stat##*) }
  [ "$2" = "$parent" ] && continue
  kill -9 "$child"
  for path in "$dir/$prefix"*; do rm -rf -- "$path"; done
  exit 0
done`;

// The same watch as a thread, where no shell can be started. Dynamic imports: eval code may be
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

/**
 * In the analysis child: when the parent that started it is gone, remove this process's private
 * directories (`prefix` in `tempDir`) and end it. Node has no prctl(PR_SET_PDEATHSIG). Neither
 * the watching process nor the fallback thread keeps the child alive. `shell` is for tests.
 */
export function watchForOrphaning(
  parentPid: number,
  tempDir: string,
  prefix: string,
  shell = '/bin/sh',
): void {
  const interval = String(ORPHAN_CHECK_MS / 1000);
  const watcher = spawn(
    shell,
    [
      '-c',
      WATCH_SCRIPT,
      'dqlite-analyzer-orphan-watch',
      String(parentPid),
      String(process.pid),
      tempDir,
      prefix,
      interval,
    ],
    { stdio: 'pipe' },
  );
  for (const stream of [watcher.stdin, watcher.stdout, watcher.stderr]) stream?.destroy();
  watcher.unref();
  // No shell (ENOENT, EACCES): the 'error' event comes before the child's first SQLite call, which
  // only begins after the copy has been written.
  watcher.once('error', () => watchOnThread(parentPid, tempDir, prefix));
}

function watchOnThread(parentPid: number, tempDir: string, prefix: string): void {
  const worker = new Worker(WATCH_CODE, {
    eval: true,
    workerData: { parentPid, tempDir, prefix, intervalMs: ORPHAN_CHECK_MS },
  });
  // A thread that cannot start (EMFILE under ulimit -n: Node's ERR_WORKER_INIT_FAILED) is an
  // 'error' event: unheard, it ended the child as an internal error. The analysis meets the same
  // limit on its own path and fails with DQA_OPEN_FILE_LIMIT; the watch only guards a SIGKILL.
  worker.once('error', () => {});
  worker.unref();
}
