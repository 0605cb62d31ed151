import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { parseMetaName, parseSnapshotName } from '@dqlite-analyzer/core';

// The core reads snapshots, not the Raft log, so segment names are parsed here.
// canonical/raft src/uv_segment.c: closed segments are "%016llu-%016llu" (first-last index),
// open ones "open-%llu" (a counter, not an index).
const CLOSED = /^(\d{16})-(\d{16})$/;
const OPEN = /^open-(\d+)$/;

export type SegmentName = { kind: 'closed'; first: number; last: number } | { kind: 'open'; counter: number };

/** Parse a Raft segment file name; undefined when it is not one. */
export function parseSegmentName(name: string): SegmentName | undefined {
  const closed = CLOSED.exec(name);
  if (closed) return { kind: 'closed', first: Number(closed[1]), last: Number(closed[2]) };
  const open = OPEN.exec(name);
  if (open) return { kind: 'open', counter: Number(open[1]) };
  return undefined;
}

export interface ClosedSegment {
  first: number;
  last: number;
  bytes: number;
  /** mtime (epoch ms): when raft finished writing it, i.e. when its last entry was appended. */
  closedAt: number;
}

/** What the data directory holds, from names and sizes alone (nothing is opened). */
export interface RaftLogListing {
  closed: ClosedSegment[];
  openSegments: number;
  openBytes: number;
  snapshotFiles: number;
  snapshotBytes: number;
  metaFiles: number;
  /** Files still being written (`tmp-*`). */
  temporaryFiles: number;
}

/**
 * Segments and snapshots among `names`, the directory's entries (the watcher lists it once for this
 * and the core's readDataDir); files removed between readdir and stat are skipped (raft prunes).
 */
export async function readRaftLog(dir: string, names: readonly string[]): Promise<RaftLogListing> {
  const listing: RaftLogListing = {
    closed: [],
    openSegments: 0,
    openBytes: 0,
    snapshotFiles: 0,
    snapshotBytes: 0,
    metaFiles: 0,
    temporaryFiles: 0,
  };
  for (const name of names) {
    if (name.startsWith('tmp-')) {
      listing.temporaryFiles += 1;
      continue;
    }
    const segment = parseSegmentName(name);
    const isSnapshot = parseSnapshotName(name) !== undefined;
    const isMeta = parseMetaName(name) !== undefined;
    if (!segment && !isSnapshot && !isMeta) continue;
    const info = await stat(join(dir, name)).catch(() => undefined);
    if (!info?.isFile()) continue;
    if (segment?.kind === 'closed') {
      listing.closed.push({
        first: segment.first,
        last: segment.last,
        bytes: info.size,
        closedAt: info.mtimeMs,
      });
    } else if (segment?.kind === 'open') {
      listing.openSegments += 1;
      listing.openBytes += info.size;
    } else if (isSnapshot) {
      listing.snapshotFiles += 1;
      listing.snapshotBytes += info.size;
    } else {
      listing.metaFiles += 1;
      listing.snapshotBytes += info.size;
    }
  }
  listing.closed.sort((a, b) => a.last - b.last);
  return listing;
}

/**
 * Entries per second from the closed segments finished within `windowMs` before `now`: the
 * index span between the oldest and newest of them over the time between their closing.
 * Segments close every few MiB, so this is coarse; undefined when fewer than two closed in the window.
 */
export function entriesPerSecond(closed: ClosedSegment[], now: number, windowMs: number): number | undefined {
  const recent = closed.filter((segment) => now - segment.closedAt <= windowMs);
  if (recent.length < 2) return undefined;
  const byTime = [...recent].sort((a, b) => a.closedAt - b.closedAt);
  const oldest = byTime[0]!;
  const newest = byTime[byTime.length - 1]!;
  const seconds = (newest.closedAt - oldest.closedAt) / 1000;
  if (seconds <= 0) return undefined;
  return Math.max(0, newest.last - oldest.last) / seconds;
}
