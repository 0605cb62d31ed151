// Peak memory of dqlite-agent while it analyses the largest benchmark snapshot, inside a cgroup v1
// memory limit equal to the DaemonSet's (issue 7: "a memory limit it stays under").
//
//   node bench/agent-memory.mjs [--limit 256Mi] [--snapshot PATH]      (needs root and cgroup v1)
//
// Creates /sys/fs/cgroup/memory/dqa-agent-memory-<pid>, sets memory.limit_in_bytes to the
// DaemonSet's limits.memory (or --limit), starts the built agent inside it on an empty data
// directory, drops the snapshot in (data through a tmp file renamed, then .meta, as raft does: the
// copy is made by this process, so its page cache is not charged to the agent, as k8s-dqlite's own
// writes are not), waits for the analysis, and prints one JSON line: the agent's peak RSS (VmHWM,
// every thread, the worker included), the cgroup's peak usage (RSS plus the page cache of the private
// copy, which the kernel reclaims at the limit), how often the limit was hit, whether the kernel's
// OOM killer ran, and the analysis result. The cgroup and the copies are removed afterwards.
// The snapshot (default: .bench-cache/live-heavy-300000, `node bench/generate.mjs live-heavy:300000`)
// is only read.
import { spawn } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { request } from 'node:http';
import { createRequire } from 'node:module';
import { cpus, release, tmpdir, totalmem } from 'node:os';
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';
import { freePort } from './lib/net.mjs';

const ROOT = new URL('../', import.meta.url).pathname;
const AGENT = join(ROOT, 'packages/agent/dist/main.js');
const DAEMONSET = join(ROOT, 'deploy/kubernetes/daemonset.yaml');
const CACHED = join(ROOT, '.bench-cache/live-heavy-300000');
const CGROUP_ROOT = '/sys/fs/cgroup/memory';
const POLL_MS = 100;
const TIMEOUT_MS = 10 * 60_000;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const MiB = 1024 * 1024;

/** Kubernetes quantity (`1Gi`, `256Mi`, `512M`, `1e9`) in bytes. */
function parseQuantity(text) {
  const match = /^(\d+(?:\.\d+)?(?:e\d+)?)(Ki|Mi|Gi|Ti|k|M|G|T)?$/.exec(String(text).trim());
  if (!match) throw new Error(`not a Kubernetes quantity: ${text}`);
  const unit = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, k: 1e3, M: 1e6, G: 1e9, T: 1e12 };
  return Math.round(Number(match[1]) * (match[2] ? unit[match[2]] : 1));
}

function daemonSetMemory() {
  // yaml is the agent's dependency: resolve it from there.
  const { parse } = createRequire(join(ROOT, 'packages/agent/package.json'))('yaml');
  const container = parse(readFileSync(DAEMONSET, 'utf8')).spec.template.spec.containers[0];
  const { limits, requests } = container.resources ?? {};
  if (!limits?.memory) throw new Error(`${DAEMONSET} sets no memory limit`);
  return { limit: limits.memory, request: requests?.memory };
}

function defaultSnapshot() {
  const manifest = join(CACHED, 'manifest.json');
  if (!existsSync(manifest)) {
    throw new Error(`${manifest} missing: run node bench/generate.mjs live-heavy:300000 first`);
  }
  return join(CACHED, JSON.parse(readFileSync(manifest, 'utf8')).snapshot);
}

function get(port, path) {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => {
        body += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode, body }));
    });
    req.on('error', reject);
    req.setTimeout(10_000, () => req.destroy(new Error(`GET ${path} timed out`)));
    req.end();
  });
}

const metric = (body, name) => {
  const line = body.split('\n').find((l) => l.startsWith(`${name} `));
  return line === undefined ? undefined : Number(line.split(' ').at(-1));
};

/** VmHWM and VmRSS of a live process, in bytes (undefined once it is gone). */
function processMemory(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = (key) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1]) * 1024;
    return { hwm: kib('VmHWM'), rss: kib('VmRSS') };
  } catch {
    return undefined;
  }
}

/** A cgroup v1 memory group with a limit; remove() once its processes have exited. */
function createCgroup(limitBytes) {
  if (!existsSync(join(CGROUP_ROOT, 'memory.limit_in_bytes'))) {
    throw new Error(`${CGROUP_ROOT} is not a cgroup v1 memory hierarchy (needs root and cgroup v1)`);
  }
  const path = join(CGROUP_ROOT, `dqa-agent-memory-${process.pid}`);
  mkdirSync(path);
  const read = (file) => readFileSync(join(path, file), 'utf8').trim();
  try {
    writeFileSync(join(path, 'memory.limit_in_bytes'), String(limitBytes));
    // No swap here; if there is, do not let the agent hide its peak in it.
    if (existsSync(join(path, 'memory.swappiness'))) writeFileSync(join(path, 'memory.swappiness'), '0');
  } catch (error) {
    rmdirSync(path);
    throw error;
  }
  const stat = () =>
    Object.fromEntries(
      read('memory.stat')
        .split('\n')
        .map((line) => line.split(' '))
        .map(([key, value]) => [key, Number(value)]),
    );
  return {
    path,
    limit: () => Number(read('memory.limit_in_bytes')),
    usage: () => Number(read('memory.usage_in_bytes')),
    maxUsage: () => Number(read('memory.max_usage_in_bytes')),
    failcnt: () => Number(read('memory.failcnt')),
    oomKills: () => Number(/^oom_kill (\d+)/m.exec(read('memory.oom_control'))?.[1] ?? Number.NaN),
    stat,
    async remove() {
      for (let attempt = 0; ; attempt++) {
        try {
          rmdirSync(path);
          return;
        } catch (error) {
          if (attempt >= 50) throw error;
          await sleep(100); // the exited process is released from the group asynchronously
        }
      }
    },
  };
}

async function main() {
  const { values } = parseArgs({ options: { limit: { type: 'string' }, snapshot: { type: 'string' } } });
  const deployed = daemonSetMemory();
  const limitText = values.limit ?? deployed.limit;
  const limitBytes = parseQuantity(limitText);
  const snapshot = values.snapshot ?? defaultSnapshot();
  if (!existsSync(`${snapshot}.meta`)) throw new Error(`${snapshot}.meta missing`);
  if (!existsSync(AGENT)) throw new Error(`${AGENT} missing: run pnpm build first`);

  const dataDir = mkdtempSync(join(tmpdir(), 'dqa-agent-memory-data-'));
  const tempDir = mkdtempSync(join(tmpdir(), 'dqa-agent-memory-tmp-'));
  const cgroup = createCgroup(limitBytes);
  const port = await freePort();
  // The shell joins the cgroup, then becomes the agent: nothing the agent allocates is outside it.
  const agent = spawn(
    'sh',
    [
      '-c',
      `echo $$ > ${cgroup.path}/cgroup.procs && exec "$0" "$@"`,
      process.execPath,
      AGENT,
      '--data-dir',
      dataDir,
      '--listen',
      `127.0.0.1:${port}`,
      '--log-level',
      'warn',
    ],
    { env: { ...process.env, DQLITE_AGENT_TEMP_DIR: tempDir }, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  agent.stderr.on('data', (chunk) => {
    log = (log + chunk).slice(-8000);
  });
  let exit;
  agent.once('exit', (code, signal) => {
    exit = { code, signal };
  });
  try {
    for (let i = 0; ; i++) {
      if (exit) throw new Error(`agent exited (${JSON.stringify(exit)}) before serving:\n${log}`);
      const answer = await get(port, '/metrics').catch(() => undefined);
      if (answer?.status === 200) break;
      if (i > 400) throw new Error(`agent not serving /metrics:\n${log}`);
      await sleep(50);
    }
    const idle = processMemory(agent.pid);
    const idleCgroup = cgroup.usage();
    const name = basename(snapshot);
    copyFileSync(snapshot, join(dataDir, `tmp-${name}`));
    renameSync(join(dataDir, `tmp-${name}`), join(dataDir, name));
    copyFileSync(`${snapshot}.meta`, join(dataDir, `${name}.meta`));
    const dropped = performance.now();
    let peakHwm = idle.hwm;
    let peakAnon = 0;
    let outcome;
    for (;;) {
      peakAnon = Math.max(peakAnon, cgroup.stat().total_rss ?? 0);
      const memory = processMemory(agent.pid);
      if (memory) peakHwm = Math.max(peakHwm, memory.hwm);
      if (exit) {
        outcome = { result: 'agent died', exit };
        break;
      }
      const scrape = await get(port, '/metrics').catch(() => undefined);
      const finished = ['success', 'error', 'vanished'].find(
        (result) => metric(scrape?.body ?? '', `dqlite_agent_analyses_total{result="${result}"}`) >= 1,
      );
      if (finished) {
        outcome = {
          result: finished,
          seconds: metric(scrape.body, 'dqlite_agent_analysis_duration_seconds_sum'),
        };
        break;
      }
      if (performance.now() - dropped > TIMEOUT_MS) {
        outcome = { result: 'timeout' };
        break;
      }
      await sleep(POLL_MS);
    }
    if (outcome.result === 'success') {
      const analysis = JSON.parse((await get(port, '/api/v1/analysis')).body);
      const k8s = analysis.databases.find((db) => db.name === 'k8s');
      outcome.kineRows = analysis.kine?.rows;
      outcome.databaseBytes = k8s?.fileBytes;
      outcome.payloadBytes = analysis.source.payloadBytes;
      outcome.partial = analysis.partial;
      outcome.findings = analysis.findings.map((f) => `${f.id}:${f.severity}`);
    } else if (outcome.result === 'error') {
      outcome.log = log.slice(-2000);
    }
    const stat = cgroup.stat();
    const result = {
      date: new Date().toISOString(),
      machine: `${cpus().length} x ${cpus()[0]?.model.trim()}, ${Math.round(totalmem() / 2 ** 30)} GiB, Linux ${release()}, Node ${process.version}`,
      snapshot: { path: snapshot, bytesOnDisk: statSync(snapshot).size },
      limit: {
        bytes: cgroup.limit(),
        text: limitText,
        from: values.limit ? '--limit' : 'deploy/kubernetes/daemonset.yaml',
        daemonSetRequest: deployed.request,
      },
      idle: { rssMiB: +(idle.rss / MiB).toFixed(1), cgroupMiB: +(idleCgroup / MiB).toFixed(1) },
      peak: {
        agentVmHwmMiB: +(peakHwm / MiB).toFixed(1),
        cgroupAnonRssSampledMiB: +(peakAnon / MiB).toFixed(1),
        cgroupMaxUsageMiB: +(cgroup.maxUsage() / MiB).toFixed(1),
      },
      atEnd: {
        cgroupRssMiB: +((stat.total_rss ?? 0) / MiB).toFixed(1),
        cgroupCacheMiB: +((stat.total_cache ?? 0) / MiB).toFixed(1),
      },
      limitHits: cgroup.failcnt(),
      oomKills: cgroup.oomKills(),
      oomKilled: exit?.signal === 'SIGKILL',
      analysis: outcome,
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    if (!exit) {
      agent.kill('SIGTERM');
      await new Promise((resolve) => agent.once('exit', resolve));
    }
    await cgroup.remove();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(tempDir, { recursive: true, force: true });
  }
}

await main();
