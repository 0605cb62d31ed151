import type { RaftServer } from './meta.js';

/** What the files say about where a snapshot comes from: its name, its .meta, the info.yaml beside it. */
export interface SnapshotIdentity {
  dataFile: string;
  /** Resolved directory of the data file. */
  directory: string;
  term: number | null;
  index: number | null;
  /** kine's revision counter in the snapshot. */
  currentRevision: number;
  /** The .meta's configuration index and members; null when there is no .meta (a SQLite file). */
  configurationIndex: number | null;
  servers: RaftServer[] | null;
  /** The node its directory's info.yaml names (go-dqlite writes it); null when there is none. */
  nodeId: string | null;
  nodeAddress: string | null;
}

/** How two snapshots relate, older first (by kine revision), and what says so. */
export type Lineage =
  /** One node's history: one directory, or the same node id and address in both info.yaml files. */
  | { relation: 'same-node'; note: string }
  /** One cluster's history (their configurations agree) but not known to be one node's. */
  | { relation: 'same-cluster'; note: string }
  /** Nothing to judge by (a side without .meta); the revisions are compared as given. */
  | { relation: 'unknown'; note: string }
  /** The files contradict one history: another cluster's snapshot, or one not of this node. */
  | { relation: 'different'; note: string };

const member = (s: RaftServer) => `${s.id}@${s.address}`;
// A configuration may list up to 1 MiB of servers: a note (and an error line) names the first few.
const LISTED = 3;
const list = (servers: RaftServer[]) =>
  servers
    .slice(0, LISTED)
    .map((s) => `${s.id} at ${s.address} (${s.role})`)
    .join(', ') + (servers.length > LISTED ? ` and ${servers.length - LISTED} more` : '');

/**
 * Whether `older` and `newer` can be one node's (or one cluster's) history. Raft's invariants, which
 * hold along one cluster's committed log whichever node wrote the snapshot (canonical/raft:
 * src/configuration.c, src/replication.c): terms never decrease as the index grows; the index and
 * kine's revision grow together; the configuration index of a later snapshot is not smaller, and
 * an equal one is the same configuration entry; a server id keeps its address. Two clusters break
 * at least one of these, or share no member at all — but not by id alone: go-dqlite gives every
 * cluster's first node the same id (BootstrapID 0x2dc171858c3155be, canonical/go-dqlite:node.go;
 * app/app.go writes it to the first node's info.yaml), so a member is its id and address together.
 * info.yaml names the node its directory belongs to (app/app.go); a snapshot whose configuration
 * puts that id elsewhere, or that address under another id, is not this node's.
 */
export function lineageOf(older: SnapshotIdentity, newer: SnapshotIdentity): Lineage {
  const different = (why: string): Lineage => ({ relation: 'different', note: why });
  for (const s of [older, newer]) {
    const clash = nodeClash(s);
    if (clash) return different(clash);
  }
  const [a, b] = [nodeOf(older), nodeOf(newer)];
  if (a && b && older.directory !== newer.directory && a.id === b.id && a.address !== b.address) {
    return different(
      `the two info.yaml files name node ${a.id} at ${a.address} and at ${b.address}: two nodes ` +
        "(every go-dqlite cluster's first node has that id)",
    );
  }
  if (older.term !== null && newer.term !== null && older.index !== null && newer.index !== null) {
    if (older.index < newer.index && older.term > newer.term) {
      return different(
        `the older snapshot has term ${older.term} at index ${older.index}, the newer term ${newer.term} at ` +
          `index ${newer.index}: Raft terms never fall as the log grows`,
      );
    }
    if (older.index > newer.index && older.currentRevision < newer.currentRevision) {
      return different(
        `kine's revision grows (${older.currentRevision} → ${newer.currentRevision}) while the Raft index falls ` +
          `(${older.index} → ${newer.index}): the two are not one log`,
      );
    }
    if (older.index === newer.index && older.term !== newer.term) {
      return different(
        `both snapshots are at index ${older.index} but in terms ${older.term} and ${newer.term}`,
      );
    }
  }
  if (
    !older.servers ||
    !newer.servers ||
    older.configurationIndex === null ||
    newer.configurationIndex === null
  ) {
    return sameNode(older, newer)
      ? {
          relation: 'same-node',
          note: `one node (${whichNode(older, newer)}); no .meta to check the configuration by`,
        }
      : { relation: 'unknown', note: 'no .meta on one side: the configurations cannot be compared' };
  }
  const clash = configurationClash(older, newer);
  if (clash) return different(clash);
  const configuration = `configurations at index ${older.configurationIndex} and ${newer.configurationIndex} agree`;
  if (sameNode(older, newer)) {
    return { relation: 'same-node', note: `one node (${whichNode(older, newer)}); ${configuration}` };
  }
  return {
    relation: 'same-cluster',
    note: `one cluster (${configuration}; common members ${shown(commonMembers(older.servers, newer.servers))}), not known to be one node`,
  };
}

// One directory holds one node's files; two directories are one node's when both info.yaml files say so.
function sameNode(older: SnapshotIdentity, newer: SnapshotIdentity): boolean {
  if (older.directory === newer.directory) return true;
  const [a, b] = [nodeOf(older), nodeOf(newer)];
  return a !== null && b !== null && a.id === b.id && a.address === b.address;
}

function nodeOf(s: SnapshotIdentity): { id: string; address: string } | null {
  return s.nodeId !== null && s.nodeAddress !== null ? { id: s.nodeId, address: s.nodeAddress } : null;
}

function whichNode(older: SnapshotIdentity, newer: SnapshotIdentity): string {
  const node = nodeOf(newer) ?? nodeOf(older);
  const where = older.directory === newer.directory ? `directory ${newer.directory}` : 'both info.yaml files';
  return node ? `${where}, node ${node.id} at ${node.address}` : where;
}

function nodeClash(s: SnapshotIdentity): string | undefined {
  const node = nodeOf(s);
  if (!node || !s.servers) return undefined;
  const { id, address } = node;
  const byId = s.servers.find((m) => m.id === id && m.address !== address);
  const byAddress = s.servers.find((m) => m.address === address && m.id !== id);
  const other = byId ?? byAddress;
  if (!other) return undefined;
  return (
    `${s.dataFile}: its configuration has ${other.id} at ${other.address}, but the info.yaml beside it ` +
    `names this node ${id} at ${address}: the snapshot is not this node's`
  );
}

function configurationClash(older: SnapshotIdentity, newer: SnapshotIdentity): string | undefined {
  const a = older.servers!;
  const b = newer.servers!;
  const ai = older.configurationIndex!;
  const bi = newer.configurationIndex!;
  for (const s of a) {
    const moved = b.find((t) => t.id === s.id && t.address !== s.address);
    if (moved) {
      return (
        `the configurations place server ${s.id} at ${s.address} (older) and at ${moved.address} (newer): ` +
        "snapshots of two clusters (every go-dqlite cluster's first node has id 3297041220608546238)"
      );
    }
  }
  if (commonMembers(a, b).length === 0) {
    return `the configurations share no member (older: ${list(a)}; newer: ${list(b)}): snapshots of two clusters`;
  }
  if (ai > bi) {
    return `the older snapshot's configuration is from index ${ai}, the newer one's from ${bi}: a log's configuration index never falls`;
  }
  if (
    ai === bi &&
    a.map((s) => `${member(s)}/${s.role}`).join() !== b.map((s) => `${member(s)}/${s.role}`).join()
  ) {
    return `both configurations are the entry at index ${ai} but differ (older: ${list(a)}; newer: ${list(b)})`;
  }
  return undefined;
}

function shown(members: string[]): string {
  const more = members.length > LISTED ? ` and ${members.length - LISTED} more` : '';
  return members.slice(0, LISTED).join(', ') + more;
}

function commonMembers(a: RaftServer[], b: RaftServer[]): string[] {
  const inB = new Set(b.map(member));
  return a.filter((s) => inB.has(member(s))).map((s) => `${s.id} at ${s.address}`);
}
