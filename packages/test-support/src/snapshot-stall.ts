// A disk that stops answering in the middle of a snapshot write, on a real node: the node's process
// is stopped (SIGSTOP) the moment raft creates the temporary file of a snapshot's data and
// continued (SIGCONT) `ms` later, so raft's write of that file (create, write, fsync, rename:
// canonical/raft:src/uv_fs.c, UvFsMakeFile) takes as long as it would on a stalled disk. The
// `.meta` file goes first through its own `tmp-…meta` and is not the data write: it is let be.
import { existsSync, watch } from 'node:fs';
import { join } from 'node:path';
import type { DqliteNode } from './dqlite-node.js';

export interface SnapshotStall {
  /** True from the stop on. */
  readonly stopped: boolean;
  /** Resolves once the node runs again after the stall: the temporary file that was being written. */
  readonly done: Promise<string>;
  /** Stop watching; a node stopped by this is continued at once. */
  cancel(): void;
}

export function stallNextSnapshotWrite(node: DqliteNode, ms: number): SnapshotStall {
  const pid = node.pid;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let resolve!: (name: string) => void;
  const done = new Promise<string>((r) => {
    resolve = r;
  });
  const resume = (name: string) => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    process.kill(pid, 'SIGCONT');
    resolve(name);
  };
  const watcher = watch(node.dataDir, (_event, name) => {
    if (stopped || !name?.startsWith('tmp-') || name.endsWith('.meta')) return;
    // The rename away of the temporary file is an event too: only its creation counts.
    if (!existsSync(join(node.dataDir, name))) return;
    process.kill(pid, 'SIGSTOP');
    stopped = true;
    watcher.close();
    timer = setTimeout(() => resume(name), ms);
  });
  return {
    get stopped() {
      return stopped;
    },
    done,
    cancel() {
      watcher.close();
      if (timer) resume('');
    },
  };
}
