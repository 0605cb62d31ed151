// Cost of hostile inputs (issue #12, acceptance): peak RSS and wall time of the CLI in every output
// format, and the agent's /metrics latency while it analyses them, on the three inputs that cost
// gigabytes and minutes before their bounds (#12 §3):
//   large-value, many-webhooks, long-name: packages/test-support/src/hostile-snapshots.ts says how
//   each is built; `sample` is examples/sample-snapshot, the baseline.
//
//   pnpm -s build && node --import tsx bench/hostile.mjs [--cases a,b] [--formats text,json] [--no-agent] [--write]
//
// The webhook values are the test fixtures' protobuf encoding (packages/test-support, hence tsx).
// The CLI's two processes (it and its analysis child) each record their peak RSS at exit
// (packages/test-support/src/peak-rss.ts); the agent is the built one, scraped every 10 ms before and
// while it analyses, its VmHWM read from /proc, its analysis child's recorded at exit. `sample`
// (examples/sample-snapshot as it is) is the baseline the others are compared with.
// --write puts the table into bench/HOSTILE-RESULTS.md. Run it under the suite lock
// (flock /work/wt/.suite.lock …) on a shared machine; the load is printed with the figures.
import { execFileSync, spawn } from 'node:child_process';
import {
  copyFileSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  buildHostileSnapshot,
  HOSTILE_CASES,
  sampleSnapshot,
} from '@dqlite-analyzer/test-support/hostile-snapshots';
import { peakRecorder } from '@dqlite-analyzer/test-support/peak-rss';
import { freePort } from './lib/net.mjs';
import { childrenOf } from './lib/proc.mjs';
import { get, metric, percentiles } from './lib/scrape.mjs';

const ROOT = new URL('../', import.meta.url).pathname;
const CLI = join(ROOT, 'packages/cli/dist/main.js');
const AGENT = join(ROOT, 'packages/agent/dist/main.js');
const RESULTS = join(ROOT, 'bench/HOSTILE-RESULTS.md');
const FORMATS = ['text', 'json', 'markdown', 'html'];
const MiB = 1024 * 1024;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// `sample` is examples/sample-snapshot as it is: the baseline each case's peaks are compared with.
const CASES = ['sample', ...HOSTILE_CASES];

function parseArgs(argv) {
  const options = { cases: CASES, formats: FORMATS, agent: true, write: false };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--cases') options.cases = argv[++i].split(',');
    else if (argv[i] === '--formats') options.formats = argv[++i].split(',');
    else if (argv[i] === '--no-agent') options.agent = false;
    else if (argv[i] === '--write') options.write = true;
    else throw new Error(`unknown argument ${argv[i]}`);
  }
  for (const c of options.cases) if (!CASES.includes(c)) throw new Error(`unknown case ${c}`);
  return options;
}

/** The case's data directory (examples/sample-snapshot itself for `sample`, kept). */
const buildInput = async (id, work) =>
  id === 'sample' ? { ...sampleSnapshot(), kept: true } : buildHostileSnapshot(id, work);

/**
 * The CLI on `dir` in `format`: wall time and each process's peak RSS (the CLI and its analysis child,
 * both alive at once: a memory limit sees their sum), recorded at exit by test-support's peak-rss hook.
 */
function runCli(dir, format, temp, out) {
  const recorder = peakRecorder();
  return new Promise((resolve, reject) => {
    const args = [CLI, dir, '--format', format, '-o', out, '--fail-on', 'none', '--temp-dir', temp];
    const started = performance.now();
    const child = spawn(process.execPath, args, {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, ...recorder.env },
    });
    let stderr = '';
    child.stderr.on('data', (c) => {
      stderr += c;
    });
    child.on('error', reject);
    child.on('close', (status) => {
      const seconds = (performance.now() - started) / 1000;
      const peaks = recorder.peaks();
      recorder.remove();
      if (status !== 0) return reject(new Error(`CLI ${format} exited ${status}: ${stderr.split('\n')[0]}`));
      const parent = peaks.get(child.pid) ?? NaN;
      const others = [...peaks].filter(([pid]) => pid !== child.pid).map(([, bytes]) => bytes);
      if (others.length !== 1)
        return reject(new Error(`CLI ${format}: ${others.length} analysis children recorded`));
      resolve({
        format,
        seconds,
        parentBytes: parent,
        childBytes: others[0],
        outputBytes: statSync(out).size,
      });
    });
  });
}

const vmHwm = (pid) =>
  Number(/^VmHWM:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) * 1024;

/** The largest VmHWM among `pid`'s child processes (the analysis child), 0 when there is none. */
function childrenPeak(pid) {
  let peak = 0;
  for (const child of childrenOf(pid)) {
    try {
      peak = Math.max(peak, vmHwm(child));
    } catch {
      // A child that ended between the listing and the read.
    }
  }
  return peak;
}

/** The built agent on an empty data directory: /metrics latency idle and while it analyses `input`. */
async function runAgent(input, work) {
  const dataDir = mkdtempSync(join(work, 'agent-data-'));
  const temp = mkdtempSync(join(work, 'agent-temp-'));
  for (const f of ['info.yaml', 'cluster.yaml']) copyFileSync(join(input.dir, f), join(dataDir, f));
  const port = await freePort();
  // The analysis child's peak is recorded when it exits (it inherits NODE_OPTIONS).
  const recorder = peakRecorder();
  const agent = spawn(
    process.execPath,
    [AGENT, '--data-dir', dataDir, '--listen', `127.0.0.1:${port}`, '--log-level', 'warn'],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, DQLITE_AGENT_TEMP_DIR: temp, ...recorder.env },
    },
  );
  let log = '';
  agent.stderr.on('data', (c) => {
    log += c;
  });
  try {
    for (let i = 0; ; i++) {
      try {
        if ((await get(port, '/metrics')).status === 200) break;
      } catch {}
      if (i > 200) throw new Error(`agent not serving /metrics:\n${log}`);
      await sleep(50);
    }
    const idle = [];
    for (let i = 0; i < 200; i++) {
      idle.push((await get(port, '/metrics')).ms);
      await sleep(10);
    }
    const idleRss = vmHwm(agent.pid);
    // As raft does: the data file renamed into place, then the .meta.
    copyFileSync(join(input.dir, input.name), join(dataDir, `tmp-${input.name}`));
    renameSync(join(dataDir, `tmp-${input.name}`), join(dataDir, input.name));
    copyFileSync(join(input.dir, `${input.name}.meta`), join(dataDir, `${input.name}.meta`));
    const dropped = performance.now();
    const during = [];
    let started;
    // The analysis runs in a child process of the agent: its peak is sampled as it runs.
    let childPeak = 0;
    for (;;) {
      childPeak = Math.max(childPeak, childrenPeak(agent.pid));
      const s = await get(port, '/metrics');
      if (metric(s.body, 'dqlite_agent_analysis_running') === 1) {
        started ??= performance.now();
        during.push(s.ms);
      } else if ((metric(s.body, 'dqlite_agent_analyses_total{result="success"}') ?? 0) >= 1) break;
      else if ((metric(s.body, 'dqlite_agent_analyses_total{result="error"}') ?? 0) >= 1)
        throw new Error(`the agent's analysis failed:\n${log}`);
      else if (performance.now() - dropped > 600_000) throw new Error(`no analysis within 600 s:\n${log}`);
      await sleep(10);
    }
    const finished = performance.now();
    const api = await get(port, '/api/v1/analysis');
    for (let i = 0; i < 100 && ![...recorder.peaks().keys()].some((pid) => pid !== agent.pid); i++)
      await sleep(50);
    const recorded = [...recorder.peaks()].filter(([pid]) => pid !== agent.pid).map(([, bytes]) => bytes);
    if (recorded.length === 0) throw new Error('no analysis child recorded its peak');
    return {
      analysisSeconds: started ? (finished - started) / 1000 : null,
      idle: percentiles(idle),
      during: during.length ? percentiles(during) : null,
      idleRssBytes: idleRss,
      peakRssBytes: vmHwm(agent.pid),
      childPeakRssBytes: Math.max(childPeak, ...recorded),
      apiBytes: Buffer.byteLength(api.body),
      apiMs: Math.round(api.ms),
    };
  } finally {
    agent.kill('SIGTERM');
    await new Promise((resolve) => agent.once('exit', resolve));
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(temp, { recursive: true, force: true });
    recorder.remove();
  }
}

const mib = (bytes) => `${(bytes / MiB).toFixed(0)} MiB`;
const size = (bytes) =>
  bytes >= MiB ? `${(bytes / MiB).toFixed(1)} MiB` : `${(bytes / 1024).toFixed(0)} KiB`;

// What each case costs over the sample, per process: the bound of issue #12 §3 is a small fixed
// amount (20 MiB) over the sample's peak, or the hostile value's own size where that is larger.
function overSample(results) {
  const sample = results.find((r) => r.id === 'sample');
  if (!sample) return [];
  const max = (r, f) => Math.max(...r.cli.map(f));
  const base = {
    cli: max(sample, (c) => c.parentBytes),
    child: max(sample, (c) => c.childBytes),
    agent: sample.agent?.peakRssBytes,
    agentChild: sample.agent?.childPeakRssBytes,
  };
  const d = (x, y) =>
    x === undefined || y === undefined ? 'n/a' : `${x - y >= 0 ? '+' : ''}${((x - y) / MiB).toFixed(0)} MiB`;
  const lines = [
    '',
    'Over the sample (the largest peak over the four formats for the CLI; each process against its own',
    'peak on `examples/sample-snapshot`: ' +
      `CLI ${mib(base.cli)}, analysis child ${mib(base.child)}` +
      (base.agent ? `, agent ${mib(base.agent)}, agent's analysis child ${mib(base.agentChild)}` : '') +
      '):',
    '',
    '| case | CLI | CLI analysis child | agent | agent analysis child |',
    '|---|---|---|---|---|',
  ];
  for (const r of results) {
    if (r === sample) continue;
    lines.push(
      `| ${r.id} | ${d(
        max(r, (c) => c.parentBytes),
        base.cli,
      )} | ${d(
        max(r, (c) => c.childBytes),
        base.child,
      )} | ${d(r.agent?.peakRssBytes, base.agent)} | ${d(r.agent?.childPeakRssBytes, base.agentChild)} |`,
    );
  }
  return lines;
}

function render(results, machine) {
  const lines = [
    '# Hostile inputs: cost (issue #12)',
    '',
    'Written by `bench/hostile.mjs --write` (how each input is built is said at its top). CLI: one run per',
    'case and format, wall time and the peak RSS (getrusage maxrss at exit, recorded by',
    '`packages/test-support/src/peak-rss.ts`) of each of its two processes: the CLI and its analysis child,',
    'alive at once. Agent: the built `dqlite-agent` scraped every 10 ms; "during" is the scrapes while',
    "`dqlite_agent_analysis_running` was 1; the agent's peak is its VmHWM, its analysis child's recorded",
    'at exit as for the CLI. `sample` is `examples/sample-snapshot`, the baseline.',
    '',
    `Run ${machine.date} on commit ${machine.commit}; \`uptime\` before: ${machine.uptimeBefore}; after: ${machine.uptimeAfter}.`,
    '',
    '| case | snapshot file → payload | format | wall time | CLI peak RSS | analysis child peak RSS | output |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const r of results)
    for (const c of r.cli)
      lines.push(
        `| ${r.id} | ${size(r.input.fileBytes)} → ${size(r.input.payloadBytes)} | ${c.format} | ${c.seconds.toFixed(2)} s | ${mib(c.parentBytes)} | ${mib(c.childBytes)} | ${size(c.outputBytes)} |`,
      );
  lines.push(
    '',
    '| case | agent analysis | /metrics idle p50 / p99 / max | /metrics during p50 / p99 / max (scrapes) | agent RSS idle → peak | analysis child peak RSS | /api/v1/analysis |',
    '|---|---|---|---|---|---|---|',
  );
  for (const r of results) {
    const a = r.agent;
    if (!a) continue;
    const p = (x) => (x ? `${x.p50} / ${x.p99} / ${x.max} ms` : 'n/a');
    lines.push(
      `| ${r.id} | ${a.analysisSeconds?.toFixed(1) ?? 'n/a'} s | ${p(a.idle)} | ${p(a.during)} (${a.during?.scrapes ?? 0}) | ${mib(a.idleRssBytes)} → ${mib(a.peakRssBytes)} | ${mib(a.childPeakRssBytes)} | ${size(a.apiBytes)} in ${a.apiMs} ms |`,
    );
  }
  lines.push(...overSample(results));
  return `${lines.join('\n')}\n`;
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const machine = {
    date: new Date().toISOString().slice(0, 16).replace('T', ' '),
    commit: execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim(),
    uptimeBefore: execFileSync('uptime', { encoding: 'utf8' }).trim(),
    loadBefore: loadavg(),
  };
  const work = mkdtempSync(join(tmpdir(), 'dqa-bench-hostile-'));
  const results = [];
  try {
    for (const id of options.cases) {
      process.stderr.write(`${id}: building the input…\n`);
      const input = await buildInput(id, work);
      const temp = mkdtempSync(join(work, 'temp-'));
      const cli = [];
      for (const format of options.formats) {
        const result = await runCli(input.dir, format, temp, join(work, `${id}.${format}`));
        rmSync(join(work, `${id}.${format}`));
        process.stderr.write(
          `  ${format}: ${result.seconds.toFixed(2)} s, CLI ${mib(result.parentBytes)}, child ${mib(result.childBytes)}, ${size(result.outputBytes)}\n`,
        );
        cli.push(result);
      }
      const agent = options.agent ? await runAgent(input, work) : undefined;
      if (agent) process.stderr.write(`  agent: ${JSON.stringify(agent)}\n`);
      results.push({ id, input, cli, agent });
      if (!input.kept) rmSync(input.dir, { recursive: true, force: true });
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  machine.uptimeAfter = execFileSync('uptime', { encoding: 'utf8' }).trim();
  const table = render(results, machine);
  process.stdout.write(table);
  if (options.write) writeFileSync(RESULTS, table);
}

await main();
