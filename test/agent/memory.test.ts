// The agent's peak memory while it analyses a real snapshot: its VmHWM plus that of its analysis
// child process (both count against the container's limit) must stay under the DaemonSet's memory
// limit, and must not grow with the database: the snapshot is streamed into a private copy on
// disk, never held in memory.
// bench/agent-memory.mjs does the same under a real cgroup limit with the largest benchmark snapshot.
import { readdirSync, readFileSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, rename, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Analysis } from '@dqlite-analyzer/core';
import {
  type DqliteNode,
  type SnapshotFiles,
  startDqliteNode,
  stopAllNodes,
} from '@dqlite-analyzer/test-support/dqlite-node';
import { kineSchema } from '@dqlite-analyzer/test-support/kine';
import { liveProcessPeak } from '@dqlite-analyzer/test-support/peak-rss';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AgentProcess, startAgentProcess } from './agent-process.js';

// ~1.5 KB a row with its index entries: about 136 MiB of database, well above what the agent's
// memory grows by while analysing (78-84 MiB here; 86 MiB for the 377 MB benchmark database).
const ROWS = 96_000;
const ROWS_PER_STATEMENT = 200; // what dqlite 1.11 takes reliably in one raft entry (bench/lib/shapes.mjs)
const MiB = 1024 * 1024;

/** Kubernetes quantity (`1Gi`, `256Mi`, `500M`) in bytes. */
function quantity(text: string): number {
  const match = /^(\d+)(Ki|Mi|Gi|k|M|G)?$/.exec(text);
  if (!match) throw new Error(`not a quantity: ${text}`);
  const unit: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, k: 1e3, M: 1e6, G: 1e9 };
  return Number(match[1]) * (match[2] ? unit[match[2]]! : 1);
}

function daemonSetMemoryLimit(): number {
  const { parse } = createRequire(new URL('../../packages/agent/package.json', import.meta.url))('yaml') as {
    parse(text: string): {
      spec: { template: { spec: { containers: { resources: { limits: { memory: string } } }[] } } };
    };
  };
  const daemonSet = parse(
    readFileSync(new URL('../../deploy/kubernetes/daemonset.yaml', import.meta.url), 'utf8'),
  );
  return quantity(daemonSet.spec.template.spec.containers[0]!.resources.limits.memory);
}

/** VmHWM of `parent`'s analysis child while it runs (0 when there is none now). */
function analysisChildPeak(parent: number): number {
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) !== parent) continue;
      if (!readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0').includes('__analysis-child')) continue;
      return liveProcessPeak(Number(name));
    } catch {
      // It ended between the listing and the read.
    }
  }
  return 0;
}

let node: DqliteNode;
let snapshot: SnapshotFiles;
let scratch: string;
let agent: AgentProcess | undefined;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'dqa-agent-memory-'));
  node = await startDqliteNode();
  // Keys in ascending order, so each statement appends to the indexes; values half random, half
  // zeros (LZ4 halves them), as the benchmark's.
  const statements = [];
  for (let from = 1; from <= ROWS; from += ROWS_PER_STATEMENT) {
    const to = Math.min(from + ROWS_PER_STATEMENT - 1, ROWS);
    statements.push(
      `WITH RECURSIVE s(i) AS (SELECT ${from} UNION ALL SELECT i + 1 FROM s WHERE i < ${to}) ` +
        'INSERT INTO kine(name, created, deleted, create_revision, prev_revision, lease, value, old_value) ' +
        "SELECT '/registry/configmaps/memory/cm-' || printf('%08d', i), 1, 0, 0, 0, 0, " +
        "CAST(X'6b387300' || randomblob(500) || zeroblob(496) AS BLOB), NULL FROM s",
    );
  }
  await node.exec('k8s', kineSchema('v1'));
  for (let i = 0; i < statements.length; i += 40) await node.exec('k8s', statements.slice(i, i + 40));
  snapshot = await node.copySnapshot(await node.padUntilSnapshot(), join(scratch, 'snapshot'));
  await node.stop();
}, 180_000);

afterAll(async () => {
  await agent?.stop();
  await stopAllNodes();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

describe('agent memory', () => {
  it('stays under the DaemonSet memory limit, and its peak does not grow with the database', async () => {
    const limit = daemonSetMemoryLimit();
    const dataDir = join(scratch, 'data');
    const temp = await mkdtemp(join(scratch, 'temp-'));
    await mkdir(dataDir);
    agent = await startAgentProcess(['--data-dir', dataDir], { DQLITE_AGENT_TEMP_DIR: temp });
    const pid = agent.child.pid!;
    const idle = liveProcessPeak(pid);
    // Raft's order: the data through a tmp file renamed, then the .meta.
    await copyFile(snapshot.dataPath, join(dataDir, `tmp-${snapshot.name}`));
    await rename(join(dataDir, `tmp-${snapshot.name}`), join(dataDir, snapshot.name));
    await copyFile(snapshot.metaPath, join(dataDir, `${snapshot.name}.meta`));
    let analysis: Analysis | undefined;
    let childPeak = 0;
    const sampler = setInterval(() => {
      childPeak = Math.max(childPeak, analysisChildPeak(pid));
    }, 20);
    try {
      for (const deadline = Date.now() + 120_000; !analysis; ) {
        const response = await agent.get('/api/v1/analysis');
        if (response.status === 200) analysis = JSON.parse(response.text) as Analysis;
        else if (Date.now() > deadline) throw new Error(`not analysed:\n${agent.output().slice(-3000)}`);
        else await new Promise((resolve) => setTimeout(resolve, 200));
      }
    } finally {
      clearInterval(sampler);
    }
    const agentPeak = liveProcessPeak(pid);
    const peak = agentPeak + childPeak;
    const database = analysis.databases.find((db) => db.name === 'k8s')!;
    console.log(
      `agent VmHWM ${(idle / MiB).toFixed(0)} MiB idle, ${(agentPeak / MiB).toFixed(0)} MiB after analysing a ` +
        `${(database.fileBytes / MiB).toFixed(0)} MiB database, its analysis child ${(childPeak / MiB).toFixed(0)} MiB; ` +
        `limit ${(limit / MiB).toFixed(0)} MiB`,
    );
    expect(analysis.kine?.rows).toBe(ROWS); // the whole table was read
    expect(analysis.partial).toBe(false);
    expect(childPeak).toBeGreaterThan(0); // the child was seen
    expect(peak).toBeLessThan(limit);
    expect(peak - idle).toBeLessThan(database.fileBytes);
  });
});
