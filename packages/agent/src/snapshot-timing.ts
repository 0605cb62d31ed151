import { parseSnapshotName } from '@dqlite-analyzer/core';

/** A temporary snapshot file raft is writing, seen through the directory's raw events. */
export interface PendingWrite {
  tmpName: string;
  /** Epoch ms of the first event for the temporary file: its creation. */
  startedAt: number;
}

/** Kernel times of the renamed snapshot file (fs.Stats fields). */
export interface FileTimes {
  birthtimeMs: number;
  ctimeMs: number;
}

/** One finished write: the temporary file's creation to its rename to `snapshot-T-I-TS`. */
export interface SnapshotWrite {
  name: string;
  startedAt: number;
  finishedAt: number;
}

// Log timestamps have millisecond (or coarser) precision and writers are blocked for a moment
// after the rename, so a window this close to a write still counts as during it.
const OVERLAP_SLACK_MS = 1000;
// A write raft abandoned (crash, full disk) must not pair with a later snapshot.
const ABANDONED_MS = 30 * 60 * 1000;

/**
 * Times snapshot writes from file events. raft writes `tmp-snapshot-T-I-TS` (canonical/raft) or
 * `tmp-XXXXXX` (dqlite's bundled raft), fsyncs it and renames it to `snapshot-T-I-TS`; the `.meta`
 * goes first through its own `tmp-…meta`, which is not part of the data write and is ignored.
 */
export class SnapshotTiming {
  private readonly pending = new Map<string, PendingWrite>();
  private readonly writes: SnapshotWrite[] = [];

  /** @param since epoch ms when watching began: files changed before it were not seen being written. */
  constructor(private readonly since = Date.now()) {}

  /**
   * A raw event named `name` happened at `at` (creation, change or rename); `exists` says whether
   * the file was there just after, so a temporary file's rename-away does not start a new write.
   */
  event(name: string, at: number, exists = true, file?: FileTimes): SnapshotWrite | undefined {
    if (name.startsWith('tmp-')) {
      if (exists && !name.endsWith('.meta') && !this.pending.has(name)) {
        this.pending.set(name, { tmpName: name, startedAt: at });
      }
      return undefined;
    }
    const snapshot = parseSnapshotName(name);
    if (!snapshot) return undefined;
    if (this.writes.some((write) => write.name === name)) return undefined;
    const pending = this.pending.get(`tmp-${name}`) ?? this.oldestAnonymous();
    this.expire(at);
    // The file keeps the tmp file's inode: its birth time is the tmp file's creation and its ctime
    // the rename, both from the kernel and free of event-delivery delay; a small snapshot can be
    // written and renamed before the first event is even handled. A ctime before the watch began
    // means a snapshot that was already there, not a write we saw. Filesystems without birth
    // times report 0; then only a temporary file seen by its events can time the write.
    const exact =
      file && file.birthtimeMs > 0 && file.ctimeMs >= file.birthtimeMs && file.ctimeMs >= this.since;
    if (!exact && !pending) return undefined;
    if (pending) this.pending.delete(pending.tmpName);
    const write = exact
      ? { name, startedAt: file.birthtimeMs, finishedAt: file.ctimeMs }
      : { name, startedAt: pending!.startedAt, finishedAt: at };
    this.writes.push(write);
    if (this.writes.length > 20) this.writes.shift();
    return write;
  }

  /** The write in progress, if raft is writing a snapshot now. */
  inProgress(): PendingWrite | undefined {
    return [...this.pending.values()].sort((a, b) => a.startedAt - b.startedAt)[0];
  }

  /** The snapshot whose write overlapped [start, end] (or is in progress since before end). */
  snapshotDuring(start: number, end: number): string | undefined {
    const done = this.writes.find(
      (write) => write.startedAt - OVERLAP_SLACK_MS <= end && write.finishedAt + OVERLAP_SLACK_MS >= start,
    );
    if (done) return done.name;
    const current = this.inProgress();
    if (current && current.startedAt <= end) return current.tmpName.replace(/^tmp-/, '');
    return undefined;
  }

  writeOf(name: string): SnapshotWrite | undefined {
    return this.writes.find((write) => write.name === name);
  }

  private oldestAnonymous(): PendingWrite | undefined {
    const anonymous = [...this.pending.values()].filter((p) => !parseSnapshotName(p.tmpName.slice(4)));
    return anonymous.sort((a, b) => a.startedAt - b.startedAt)[0];
  }

  private expire(now: number): void {
    for (const [name, pending] of this.pending) {
      if (now - pending.startedAt > ABANDONED_MS) this.pending.delete(name);
    }
  }
}
