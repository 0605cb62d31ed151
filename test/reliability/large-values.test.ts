// Values far larger than any Kubernetes object (issue #12 §3): a snapshot a real dqlite node wrote,
// with its kine database grown by sqlite3 (three 400 MB zero values — one of them a Lease — a
// 400 MB value that looks like a JSON IPAM block, and an IPAM block just under the 1.5 MiB read limit).
// Zeros compress to nothing, so the snapshot file stays small while its database is 1.6 GB. The
// CLI (JSON and text) analyses it in under 150 MiB of peak RSS (its analysis child; the CLI itself
// under 100 MiB), the agent in what it takes for any
// large database; both count the oversized values and decode the IPAM block under the limit.
import { spawn } from 'node:child_process';
import { createReadStream, readFileSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, open, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Analysis } from '@dqlite-analyzer/core';
import { stopAllNodes } from '@dqlite-analyzer/test-support/dqlite-node';
import { ipamBlock, podHandleId } from '@dqlite-analyzer/test-support/k8s-values';
import { liveProcessPeak, peakRecorder } from '@dqlite-analyzer/test-support/peak-rss';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AgentProcess, startAgentProcess } from '../agent/agent-process.js';
import { corpusContext } from '../corpus/generate.js';
import { makeSourceSnapshot } from '../corpus/source.js';
import { cliPeak } from './cli-peak.js';

const MiB = 1024 * 1024;
const HUGE = 400_000_000;
// The analysis runs in a child process (core/src/child/spawn.ts): the bench goal applies to it, the
// CLI's own process (spawn, render) stays under PARENT_PEAK, and the two are reported summed.
const RSS_GOAL = 150 * MiB;
const PARENT_PEAK = 100 * MiB;
// The agent and its analysis child together, as for any large database (deploy/kubernetes/daemonset.yaml).
const AGENT_PEAK = 256 * MiB;
// The core's VALUE_READ_LIMIT, written out: this test must not take it from the code it checks.
const READ_LIMIT = 1.5 * MiB;

let scratch: string;
let temp: string;
let snapshotDir: string;
let snapshotName: string;
let atLimitBytes: number;

function run(command: string, args: string[], stdin?: NodeJS.ReadableStream): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: [stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout!.on('data', (c) => {
      out += c;
    });
    child.stderr!.on('data', (c) => {
      err += c;
    });
    if (stdin) stdin.pipe(child.stdin!);
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`${command}: ${code} ${err}`)),
    );
  });
}

const u64 = (n: number) => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(BigInt(n));
  return b;
};

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'dqa-large-values-'));
  temp = join(scratch, 'temp');
  await mkdir(temp);
  const source = await makeSourceSnapshot(scratch);
  await stopAllNodes();
  const context = await corpusContext(source, join(scratch, 'work'));
  const k8s = join(scratch, 'k8s.db');
  await writeFile(k8s, context.mergedK8s);
  // A real IPAMBlock shape (test/checks/k8s-values.ts): a /18 with 7,000 pods, just under the limit.
  const owners = Array.from({ length: 7_000 }, (_, i) => ({
    ordinal: i * 2,
    handleId: podHandleId(i + 1),
    namespace: 'default',
    pod: `web-${i}`,
  }));
  const block = ipamBlock('10.0.0.0/18', 'node-1', owners);
  atLimitBytes = block.length;
  await writeFile(join(scratch, 'block.json'), block);
  const insert = (name: string, value: string) =>
    'INSERT INTO kine(name, created, deleted, create_revision, prev_revision, lease, value, old_value) ' +
    `VALUES ('${name}', 1, 0, 0, 0, 0, ${value}, NULL);`;
  await run('sqlite3', [
    k8s,
    [
      insert('/registry/configmaps/default/huge-zeros', `zeroblob(${HUGE})`),
      insert('/registry/secrets/default/huge-zeros', `zeroblob(${HUGE})`),
      insert('/registry/leases/kube-system/huge-lease', `zeroblob(${HUGE})`),
      // `||` makes TEXT: a 400 MB "JSON" value that starts with `{`.
      insert('/registry/crd.projectcalico.org/ipamblocks/huge-block', `X'7b' || zeroblob(${HUGE})`),
      insert('/registry/crd.projectcalico.org/ipamblocks/10-0-0-0-14', `readfile('${scratch}/block.json')`),
    ].join('\n'),
  ]);
  // The payload (dqlite's encodeDatabase layout), streamed: the k8s database replaced by the big one.
  const payload = join(scratch, 'payload');
  const file = await open(payload, 'w');
  try {
    await file.write(Buffer.concat([u64(1), u64(context.databases.length)]));
    for (const db of context.databases) {
      const name = Buffer.concat([Buffer.from(db.name), Buffer.alloc(1)]);
      const padding = Buffer.alloc((8 - (name.length % 8)) % 8);
      const big = db.name === 'k8s';
      const mainBytes = big ? await sizeOf(k8s) : db.main.length;
      await file.write(Buffer.concat([name, padding, u64(mainBytes), u64(big ? 0 : db.wal.length)]));
      if (big) {
        for await (const chunk of createReadStream(k8s, { highWaterMark: 8 * MiB }))
          await file.write(chunk as Buffer);
      } else {
        await file.write(Buffer.concat([db.main, db.wal]));
      }
    }
  } finally {
    await file.close();
  }
  await rm(k8s);
  snapshotDir = join(scratch, 'snapshot');
  await mkdir(snapshotDir);
  snapshotName = source.name;
  // raft's frame settings: 64 KiB linked blocks, content size, content checksum.
  await run('lz4', ['-q', '-f', '-B4', '-BD', '--content-size', payload, join(snapshotDir, snapshotName)]);
  await rm(payload);
  await writeFile(join(snapshotDir, `${snapshotName}.meta`), source.meta);
}, 300_000);

async function sizeOf(path: string): Promise<number> {
  const handle = await open(path, 'r');
  try {
    return (await handle.stat()).size;
  } finally {
    await handle.close();
  }
}

afterAll(async () => {
  await stopAllNodes();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

function expectOversizedCounted(analysis: Analysis, where: string): void {
  const decoding = (prefix: string) => analysis.decoding.find((d) => d.prefix === prefix);
  expect(decoding('leases')?.reasons['too-large'], `${where}: leases`).toBe(1);
  expect(decoding('crd.projectcalico.org/ipamblocks')?.reasons['too-large'], `${where}: ipamblocks`).toBe(1);
  // The block under the limit is read and decoded: its 7,000 allocations are counted.
  expect(decoding('crd.projectcalico.org/ipamblocks')?.decoded, `${where}: block decoded`).toBe(1);
  expect(analysis.objects?.ipam?.allocations, `${where}: allocations`).toBe(7_000);
  const configmaps = analysis.prefixes.find((p) => p.prefix === 'configmaps');
  expect(configmaps?.values.oversized, `${where}: configmaps`).toBe(1);
  // Bytes are still counted in full.
  expect(configmaps?.liveBytes, `${where}: configmap bytes`).toBeGreaterThanOrEqual(HUGE);
  expect(analysis.partial, `${where}: partial`).toBe(false);
}

describe('values far larger than any Kubernetes object', () => {
  it('the test input is what it says: 400 MB values, an IPAM block under the read limit', async () => {
    expect(atLimitBytes).toBeGreaterThan(READ_LIMIT / 2);
    expect(atLimitBytes).toBeLessThan(READ_LIMIT);
    expect((await readdir(snapshotDir)).length).toBe(2);
  });

  for (const format of ['json', 'text']) {
    it(`the CLI (${format}): the analysis under 150 MiB of peak RSS, the CLI's own process under 100 MiB, oversized values counted`, async () => {
      const started = Date.now();
      const json = join(scratch, `report-${format}.json`);
      const result = await cliPeak([
        join(snapshotDir, snapshotName),
        '--temp-dir',
        temp,
        '--format',
        format,
        '--fail-on',
        'none',
        ...(format === 'text' ? [] : ['-o', json]),
      ]);
      console.log(
        `CLI ${format}: peak RSS ${((result.parent + result.child) / MiB).toFixed(0)} MiB (the CLI ` +
          `${(result.parent / MiB).toFixed(0)} MiB + its analysis child ${(result.child / MiB).toFixed(0)} MiB), ` +
          `${((Date.now() - started) / 1000).toFixed(1)} s`,
      );
      expect(result.child).toBeLessThan(RSS_GOAL);
      expect(result.parent).toBeLessThan(PARENT_PEAK);
      if (format === 'json')
        expectOversizedCounted(JSON.parse(readFileSync(json, 'utf8')) as Analysis, 'CLI');
      else expect(result.stdout).toMatch(/too-large 1/);
      expect(await readdir(temp)).toEqual([]);
    }, 180_000);
  }

  let agent: AgentProcess | undefined;
  afterAll(async () => {
    await agent?.stop();
  });

  it('the agent: peak RSS as for any large database, /metrics answers while it analyses', async () => {
    const dataDir = join(scratch, 'data');
    const agentTemp = await mkdtemp(join(scratch, 'agent-temp-'));
    await mkdir(dataDir);
    // The analysis runs in a child process of the agent: its peak counts too (both are live at once).
    const recorder = peakRecorder();
    agent = await startAgentProcess(['--data-dir', dataDir], {
      DQLITE_AGENT_TEMP_DIR: agentTemp,
      ...recorder.env,
    });
    const pid = agent.child.pid!;
    const idle = liveProcessPeak(pid);
    await copyFile(join(snapshotDir, snapshotName), join(dataDir, `tmp-${snapshotName}`));
    await rename(join(dataDir, `tmp-${snapshotName}`), join(dataDir, snapshotName));
    await copyFile(join(snapshotDir, `${snapshotName}.meta`), join(dataDir, `${snapshotName}.meta`));
    let analysis: Analysis | undefined;
    let slowest = 0;
    for (const deadline = Date.now() + 150_000; !analysis; ) {
      const started = performance.now();
      const metrics = await agent.get('/metrics');
      slowest = Math.max(slowest, performance.now() - started);
      expect(metrics.status).toBe(200);
      const response = await agent.get('/api/v1/analysis');
      if (response.status === 200) analysis = JSON.parse(response.text) as Analysis;
      else if (Date.now() > deadline) throw new Error(`not analysed:\n${agent.output().slice(-3000)}`);
      else await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const agentPeak = liveProcessPeak(pid);
    const children = [...recorder.peaks()].filter(([child]) => child !== pid).map(([, bytes]) => bytes);
    recorder.remove();
    expect(children.length).toBeGreaterThan(0); // the analysis child ran and recorded its peak
    const peak = agentPeak + Math.max(...children);
    console.log(
      `agent: VmHWM ${(idle / MiB).toFixed(0)} MiB idle, ${(agentPeak / MiB).toFixed(0)} MiB after the analysis, ` +
        `its analysis child ${(Math.max(...children) / MiB).toFixed(0)} MiB; slowest /metrics ${slowest.toFixed(0)} ms`,
    );
    // What the agent takes for any large database (deploy/kubernetes/daemonset.yaml: a ~170 MiB peak
    // for 377 MB): the values add nothing to it (3.6 GB before they were bounded).
    expect(peak).toBeLessThan(AGENT_PEAK);
    expect(slowest).toBeLessThan(1000);
    expectOversizedCounted(analysis, 'agent');
  }, 240_000);
});
