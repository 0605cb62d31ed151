// A throw-away three-node dqlite cluster on loopback: the first node bootstraps it, the others
// join it (dqlite-demo --join); go-dqlite's app promotes joined nodes to voters on its own
// (canonical/go-dqlite:app/app.go, maybePromoteOurselves), which this waits for, so that
// stopping any one node leaves a quorum.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DqliteNode, startDqliteNode } from './dqlite-node.js';
import { runShell } from './dqlite-shell.js';

export interface DqliteCluster {
  /** nodes[0] bootstrapped the cluster: the leader until an election. */
  nodes: DqliteNode[];
  /** The node the others follow now (the dqlite shell's `.leader`). */
  leader(): Promise<DqliteNode>;
  stop(): Promise<void>;
}

const VOTERS_TIMEOUT_MS = 30_000;
const LEADER_TIMEOUT_MS = 15_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function startDqliteCluster(size = 3): Promise<DqliteCluster> {
  const root = await mkdtemp(join(tmpdir(), 'dqa-cluster-'));
  const nodes: DqliteNode[] = [];
  const stop = async () => {
    await Promise.all(nodes.map((node) => node.stop()));
    await rm(root, { recursive: true, force: true });
  };
  try {
    nodes.push(await startDqliteNode({ root }));
    // All at once: a node joining a cluster of fewer than three stays a spare, which answers no
    // query, until a third node has joined and promotes it (maybePromoteOurselves).
    const join = [nodes[0]!.address];
    const joined = await Promise.allSettled(
      Array.from({ length: size - 1 }, () => startDqliteNode({ root, join })),
    );
    for (const result of joined) if (result.status === 'fulfilled') nodes.push(result.value);
    const failed = joined.find((result) => result.status === 'rejected');
    if (failed) throw failed.reason;
    await waitVoters(nodes);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    nodes,
    stop,
    async leader() {
      // Right after a node stops, the others may still be electing: ask again for a while.
      const deadline = Date.now() + LEADER_TIMEOUT_MS;
      for (;;) {
        const [address] = await runShell(nodes[0]!.address, 'demo', ['.leader']);
        const leader = nodes.find((node) => node.address === address);
        if (leader) return leader;
        if (Date.now() > deadline) throw new Error(`the cluster has no leader: .leader said "${address}"`);
        await sleep(200);
      }
    },
  };
}

/** Until `.cluster` (id|address|role per node) lists every node as a voter (bounded). */
async function waitVoters(nodes: DqliteNode[]): Promise<void> {
  const deadline = Date.now() + VOTERS_TIMEOUT_MS;
  let listed = '';
  while (Date.now() < deadline) {
    [listed = ''] = await runShell(nodes[0]!.address, 'demo', ['.cluster']);
    const voters = listed.split('\n').filter((line) => line.endsWith('|voter')).length;
    if (voters === nodes.length) return;
    await sleep(200);
  }
  throw new Error(`the cluster's nodes were not all voters after ${VOTERS_TIMEOUT_MS} ms:\n${listed}`);
}
