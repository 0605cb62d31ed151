/** Term, index and timestamp encoded in a snapshot file name `snapshot-TERM-INDEX-TS`. */
export interface SnapshotName {
  term: number;
  index: number;
  /**
   * libuv's loop time when raft started writing the snapshot: monotonic milliseconds from an
   * arbitrary point (about the node's uptime), not a date (canonical/raft:src/uv_snapshot.c).
   */
  timestampMs: number;
}

// raft requires the whole name to match (uvSnapshotParseFilename); any suffix means "not a snapshot".
const DATA_NAME = /^snapshot-(\d+)-(\d+)-(\d+)$/;
const META_NAME = /^snapshot-(\d+)-(\d+)-(\d+)\.meta$/;

/** Parse a snapshot data file name; undefined when the name is not one. */
export function parseSnapshotName(fileName: string): SnapshotName | undefined {
  return toName(DATA_NAME.exec(fileName));
}

/** Parse a snapshot `.meta` file name; undefined when the name is not one. */
export function parseMetaName(fileName: string): SnapshotName | undefined {
  return toName(META_NAME.exec(fileName));
}

/** raft's order (uvSnapshotCompare): term, then index, then timestamp. */
export function compareSnapshotNames(a: SnapshotName, b: SnapshotName): number {
  return a.term - b.term || a.index - b.index || a.timestampMs - b.timestampMs;
}

function toName(match: RegExpExecArray | null): SnapshotName | undefined {
  if (!match) return undefined;
  return { term: Number(match[1]), index: Number(match[2]), timestampMs: Number(match[3]) };
}
