// "An older complete snapshot of the same node", decided by what the files say, on real dqlite-demo
// nodes: node 1 writes snapshots A and B (raft keeps both); node 2 is a cluster of its own, whose
// first node has the same id as node 1 (go-dqlite's BootstrapID) at another address. The .meta of
// each snapshot holds its cluster's configuration, and info.yaml the node's own id and address.
import { copyFile, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { type Analysis, type Comparison, compare, isAnalyzerError, readMeta } from '@dqlite-analyzer/core';
import {
  type DqliteNode,
  type SnapshotFiles,
  startDqliteNode,
  stopAllNodes,
} from '@dqlite-analyzer/test-support/dqlite-node';
import { KineHistory, kineSchema, kineValue } from '@dqlite-analyzer/test-support/kine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli/run-cli.js';

const BOOTSTRAP_ID = '3297041220608546238';
let scratch: string;
let one: DqliteNode;
let two: DqliteNode;
let a1: SnapshotFiles;
let b1: SnapshotFiles;
let a2: SnapshotFiles;
/** node 1's directory as copied after A (info.yaml, cluster.yaml, snapshot A). */
let copyAtA: string;

/** Copy a node's identity files and the given snapshots into `dir`, as an operator copies a backend. */
async function copyBackend(node: DqliteNode, dir: string, snapshots: SnapshotFiles[]): Promise<string> {
  await mkdir(dir, { recursive: true });
  for (const name of ['info.yaml', 'cluster.yaml']) await copyFile(join(node.dataDir, name), join(dir, name));
  for (const s of snapshots) await node.copySnapshot(s, dir);
  return dir;
}

async function analyseJson(path: string): Promise<Analysis> {
  const run = await runCli([path, '--format', 'json']);
  expect(run.stderr).not.toMatch(/DQA_/);
  expect(run.stdout, `exit ${run.code}, stderr: ${run.stderr}`).not.toBe('');
  return JSON.parse(run.stdout) as Analysis;
}

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'dqa-identity-'));
  [one, two] = await Promise.all([startDqliteNode({ keep: true }), startDqliteNode({ keep: true })]);
  const h1 = new KineHistory();
  h1.bulkCreate('/registry/configmaps/default/cm-', 40, kineValue.k8s(200), { chunk: 40 });
  h1.create('/registry/leases/kube-system/kube-scheduler', kineValue.k8s(300));
  await one.exec('k8s', [...kineSchema('v1'), ...h1.takeStatements()]);
  a1 = await one.padUntilSnapshot();
  copyAtA = await copyBackend(one, join(scratch, 'node1-at-a'), [a1]);
  h1.bulkUpdate('/registry/leases/kube-system/kube-scheduler', 200, kineValue.k8s(300), { chunk: 200 });
  await one.exec('k8s', h1.takeStatements());
  b1 = await one.padUntilSnapshot({ afterIndex: a1.index });

  // Node 2's cluster: fewer rows, so its revision is below node 1's newest.
  const h2 = new KineHistory();
  h2.bulkCreate('/registry/configmaps/other/cm-', 5, kineValue.k8s(200), { chunk: 5 });
  await two.exec('k8s', [...kineSchema('v1'), ...h2.takeStatements()]);
  a2 = await two.padUntilSnapshot();
}, 240_000);

afterAll(async () => {
  await stopAllNodes();
  for (const node of [one, two]) if (node) await rm(dirname(node.dataDir), { recursive: true, force: true });
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

describe('the files of two real nodes', () => {
  it('say two clusters whose first nodes share an id (go-dqlite BootstrapID) at two addresses', async () => {
    const [m1, m2] = await Promise.all([readMeta(b1.metaPath), readMeta(a2.metaPath)]);
    expect(m1.servers).toEqual([{ id: BOOTSTRAP_ID, address: one.address, role: 'voter' }]);
    expect(m2.servers).toEqual([{ id: BOOTSTRAP_ID, address: two.address, role: 'voter' }]);
    expect(await readFile(join(one.dataDir, 'info.yaml'), 'utf8')).toContain(`Address: ${one.address}`);
    expect(a2.index).toBeLessThan(b1.index); // so that node 2's snapshot sorts as the older one below
  });
});

describe('dqlite-analyze <data dir>', () => {
  it("one node's two snapshots: the write rate, and the files that say they are one node's", async () => {
    const analysis = await analyseJson(one.dataDir);
    expect(analysis.writes).toMatchObject({
      older: { dataFile: a1.dataPath, nodeId: BOOTSTRAP_ID, nodeAddress: one.address, configurationIndex: 1 },
      newer: { dataFile: b1.dataPath, nodeId: BOOTSTRAP_ID, nodeAddress: one.address },
      lineage: {
        relation: 'same-node',
        note: `one node (directory ${one.dataDir}, node ${BOOTSTRAP_ID} at ${one.address}); configurations at index 1 and 1 agree`,
      },
      intervalSource: 'snapshot-timestamps',
      revisionsWritten: 200,
    });
    const text = await runCli([one.dataDir]);
    expect(text.stdout.replace(/\s+/g, ' ')).toContain(`History one node (directory ${one.dataDir}`);
  });

  it("another cluster's snapshot beside this node's newest: no write rate, and why", async () => {
    const mixed = join(scratch, 'mixed');
    await copyBackend(one, mixed, [b1]);
    await two.copySnapshot(a2, mixed);
    const analysis = await analyseJson(mixed);
    expect(analysis.writes).toBeNull();
    expect(analysis.writesUnavailable).toBe(
      `no write rate: the older snapshot ${join(mixed, a2.name)} is not this node's history: ` +
        `${join(mixed, a2.name)}: its configuration has ${BOOTSTRAP_ID} at ${two.address}, but the info.yaml ` +
        `beside it names this node ${BOOTSTRAP_ID} at ${one.address}: the snapshot is not this node's`,
    );
    expect(analysis.findings.map((f) => f.id)).not.toContain('write-storm');
    // Without info.yaml the two configurations still say it.
    const bare = join(scratch, 'bare');
    await mkdir(bare);
    for (const s of [b1, a2]) {
      for (const p of [s.dataPath, s.metaPath])
        await copyFile(join(mixed, basename(p)), join(bare, basename(p)));
    }
    const withoutInfo = await analyseJson(bare);
    expect(withoutInfo.writesUnavailable).toBe(
      `no write rate: the older snapshot ${join(bare, a2.name)} is not this node's history: the configurations ` +
        `place server ${BOOTSTRAP_ID} at ${two.address} (older) and at ${one.address} (newer): snapshots of two ` +
        `clusters (every go-dqlite cluster's first node has id ${BOOTSTRAP_ID})`,
    );
  });
});

describe('dqlite-analyze compare <dir> <dir>', () => {
  let comparison: Comparison;
  beforeAll(async () => {
    comparison = await compare(copyAtA, one.dataDir, { tempDir: scratch });
  });

  it("uses both info.yaml files: one node's history in two directories, timed by the file names", () => {
    expect(comparison.lineage).toEqual({
      relation: 'same-node',
      note: `one node (both info.yaml files, node ${BOOTSTRAP_ID} at ${one.address}); configurations at index 1 and 1 agree`,
    });
    expect(comparison).toMatchObject({
      intervalSource: 'snapshot-timestamps',
      intervalSeconds: (b1.timestamp - a1.timestamp) / 1000,
      revisionsWritten: 200,
    });
  });

  it('refuses two clusters with DQA_COMPARE_CLUSTERS, saying how the files differ', async () => {
    const node2 = await copyBackend(two, join(scratch, 'node2'), [a2]);
    const error = await compare(node2, one.dataDir, { tempDir: scratch }).catch((e: unknown) => e);
    expect(isAnalyzerError(error, 'DQA_COMPARE_CLUSTERS')).toBe(true);
    const run = await runCli(['compare', node2, one.dataDir]);
    expect(run.code).toBe(65);
    expect(run.stdout).toBe('');
    expect(run.stderr.split('\n')[0]).toBe(
      `dqlite-analyze: DQA_COMPARE_CLUSTERS: ${join(node2, a2.name)} and ${b1.dataPath} are not one cluster's ` +
        `history: the two info.yaml files name node ${BOOTSTRAP_ID} at ${two.address} and at ${one.address}: two ` +
        `nodes (every go-dqlite cluster's first node has that id); compare two snapshots of the same cluster`,
    );
  });
});
