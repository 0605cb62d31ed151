// lineageOf on the identities a real node's files give (go-dqlite's first node: id
// 3297041220608546238, the ids of joined nodes are hashes); test/writes/identity.test.ts does the same
// on real dqlite-demo nodes.
import { describe, expect, it } from 'vitest';
import type { RaftServer } from '../../src/raft/meta.js';
import { lineageOf, type SnapshotIdentity } from '../../src/raft/snapshot-lineage.js';

const FIRST = '3297041220608546238';
const voter = (id: string, address: string): RaftServer => ({ id, address, role: 'voter' });
const three = [
  voter(FIRST, '10.0.0.1:19001'),
  voter('1148213', '10.0.0.2:19001'),
  voter('98765', '10.0.0.3:19001'),
];

const identity = (over: Partial<SnapshotIdentity> = {}): SnapshotIdentity => ({
  dataFile: '/backend/snapshot-2-1000-5000',
  directory: '/backend',
  term: 2,
  index: 1000,
  currentRevision: 500,
  configurationIndex: 3,
  servers: three,
  nodeId: FIRST,
  nodeAddress: '10.0.0.1:19001',
  ...over,
});
const later = (over: Partial<SnapshotIdentity> = {}) =>
  identity({ dataFile: '/backend/snapshot-2-2000-9000', index: 2000, currentRevision: 900, ...over });

describe('lineageOf', () => {
  it('one directory whose files agree: one node', () => {
    expect(lineageOf(identity(), later())).toEqual({
      relation: 'same-node',
      note: `one node (directory /backend, node ${FIRST} at 10.0.0.1:19001); configurations at index 3 and 3 agree`,
    });
  });

  it('two directories: one node only when both info.yaml files name the same id at the same address', () => {
    const copy = later({ directory: '/copies/b', dataFile: '/copies/b/snapshot-2-2000-9000' });
    expect(lineageOf(identity(), copy).relation).toBe('same-node');
    // Another member's directory: the same cluster, another node.
    const peer = later({ directory: '/n2', nodeId: '1148213', nodeAddress: '10.0.0.2:19001' });
    expect(lineageOf(identity(), peer)).toMatchObject({ relation: 'same-cluster' });
    expect(lineageOf(identity(), peer).note).toContain(
      'common members 3297041220608546238 at 10.0.0.1:19001',
    );
    // No info.yaml beside a copied file: one cluster, not known to be one node.
    expect(lineageOf(identity({ directory: '/a', nodeId: null, nodeAddress: null }), copy).relation).toBe(
      'same-cluster',
    );
  });

  it('two clusters: the first node id at two addresses', () => {
    const other = later({
      directory: '/other',
      servers: [voter(FIRST, '10.9.0.1:19001')],
      nodeAddress: '10.9.0.1:19001',
      configurationIndex: 1,
    });
    const lineage = lineageOf(
      identity({ servers: [voter(FIRST, '10.0.0.1:19001')], configurationIndex: 1 }),
      other,
    );
    expect(lineage.relation).toBe('different');
    expect(lineage.note).toContain('two nodes');
    // Without the info.yaml files, the configurations alone say it.
    const bare = { nodeId: null, nodeAddress: null };
    expect(
      lineageOf(identity({ ...bare, servers: [voter(FIRST, '10.0.0.1:19001')] }), { ...other, ...bare }).note,
    ).toBe(
      'the configurations place server 3297041220608546238 at 10.0.0.1:19001 (older) and at 10.9.0.1:19001 ' +
        "(newer): snapshots of two clusters (every go-dqlite cluster's first node has id 3297041220608546238)",
    );
  });

  it('names at most three servers of a large configuration', () => {
    const many = Array.from({ length: 5000 }, (_, i) =>
      voter(String(i + 1), `10.8.${i >> 8}.${i & 255}:19001`),
    );
    const bare = { nodeId: null, nodeAddress: null };
    const note = lineageOf(
      identity({ ...bare, directory: '/a' }),
      later({ ...bare, directory: '/b', servers: many }),
    ).note;
    expect(note).toContain(
      'newer: 1 at 10.8.0.0:19001 (voter), 2 at 10.8.0.1:19001 (voter), 3 at 10.8.0.2:19001 (voter) and 4997 more',
    );
    expect(note.length).toBeLessThan(400);
  });

  it('two clusters: no common member', () => {
    const bare = { nodeId: null, nodeAddress: null };
    const lineage = lineageOf(
      identity({ ...bare, directory: '/a' }),
      later({ ...bare, directory: '/b', servers: [voter('77', '10.5.0.1:19001')] }),
    );
    expect(lineage).toMatchObject({ relation: 'different' });
    expect(lineage.note).toMatch(/^the configurations share no member/);
  });

  it("a snapshot whose configuration puts this directory's node elsewhere is not this node's", () => {
    const foreign = identity({ servers: [voter(FIRST, '127.0.0.1:9002')], configurationIndex: 1 });
    const lineage = lineageOf(
      foreign,
      later({ servers: [voter(FIRST, '10.0.0.1:19001')], configurationIndex: 1 }),
    );
    expect(lineage.note).toBe(
      `/backend/snapshot-2-1000-5000: its configuration has ${FIRST} at 127.0.0.1:9002, but the info.yaml ` +
        `beside it names this node ${FIRST} at 10.0.0.1:19001: the snapshot is not this node's`,
    );
    // This node's address under another id: also not its snapshot.
    const taken = identity({ servers: [voter('55', '10.0.0.1:19001')] });
    expect(lineageOf(taken, later()).relation).toBe('different');
  });

  it('Raft order: terms never fall, index and revision grow together, configuration indexes never fall', () => {
    expect(lineageOf(identity({ term: 3 }), later()).note).toContain('Raft terms never fall');
    expect(lineageOf(identity({ index: 3000 }), later()).note).toContain('the Raft index falls');
    expect(lineageOf(identity({ term: 1, index: 2000 }), later()).note).toContain(
      'at index 2000 but in terms 1 and 2',
    );
    expect(lineageOf(identity({ configurationIndex: 9 }), later()).note).toContain(
      'configuration index never falls',
    );
    const removed = later({ servers: three.slice(0, 2) });
    expect(lineageOf(identity(), removed).note).toMatch(
      /^both configurations are the entry at index 3 but differ/,
    );
    // A member removed by a later configuration entry: still one node.
    expect(
      lineageOf(identity(), later({ servers: three.slice(0, 2), configurationIndex: 1500 })).relation,
    ).toBe('same-node');
    // The same snapshot twice is not a contradiction.
    expect(lineageOf(identity(), identity()).relation).toBe('same-node');
  });

  it('no .meta on one side (a SQLite file): unknown, unless one directory says one node', () => {
    const sqlite = { configurationIndex: null, servers: null, term: null, index: null };
    const copied = { ...sqlite, directory: '/x', nodeId: null, nodeAddress: null };
    expect(lineageOf(identity(copied), later()).relation).toBe('unknown');
    expect(lineageOf(identity(sqlite), later()).relation).toBe('same-node');
  });
});
