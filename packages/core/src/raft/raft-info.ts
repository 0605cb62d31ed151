import { basename } from 'node:path';
import type { RaftInfo } from '../analysis-types.js';
import { readMeta } from './meta.js';
import { parseSnapshotName } from './snapshot-name.js';

/** The Raft facts of a snapshot: term, index and timestamp from its name, members from its .meta. */
export async function readRaftInfo(dataFile: string, metaFile: string | null): Promise<RaftInfo> {
  const name = parseSnapshotName(basename(dataFile));
  const meta = metaFile ? await readMeta(metaFile) : undefined;
  return {
    term: name?.term ?? null,
    index: name?.index ?? null,
    timestamp: name?.timestampMs ?? null,
    configurationIndex: meta?.configurationIndex ?? null,
    servers: meta?.servers ?? [],
  };
}
