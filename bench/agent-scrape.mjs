// Scrape latency of dqlite-agent's /metrics while it analyses a new snapshot (issue 6's goal: the
// analysis never delays /metrics by more than a few milliseconds).
//
//   node bench/agent-scrape.mjs [shape:size]      (default live-heavy:300000)
//
// Starts the built agent on an empty data directory, scrapes /metrics every 10 ms while idle,
// drops the cached snapshot in (data first, then .meta, as raft does), keeps scraping until the
// analysis has finished, and prints the latency percentiles of both phases as JSON.
import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { ensureSnapshot, selectCases } from './generate.mjs';
import { freePort } from './lib/net.mjs';
import { get, metric, percentiles } from './lib/scrape.mjs';

const ROOT = new URL('../', import.meta.url).pathname;
const AGENT = join(ROOT, 'packages/agent/dist/main.js');
const INTERVAL_MS = 10;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const scrape = (port) => get(port, '/metrics', 10_000);

async function main() {
  const [c] = selectCases([process.argv[2] ?? 'live-heavy:300000']);
  const snapshot = await ensureSnapshot(c);
  const dataDir = mkdtempSync(join(tmpdir(), 'dqa-bench-agent-'));
  const port = await freePort();
  const agent = spawn(
    'node',
    [AGENT, '--data-dir', dataDir, '--listen', `127.0.0.1:${port}`, '--log-level', 'warn'],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  agent.stderr.on('data', (chunk) => {
    log += chunk;
  });
  try {
    for (let i = 0; ; i++) {
      try {
        if ((await scrape(port)).status === 200) break;
      } catch {}
      if (i > 200) throw new Error(`agent not serving /metrics:\n${log}`);
      await sleep(50);
    }
    const idle = [];
    for (let i = 0; i < 300; i++) {
      idle.push((await scrape(port)).ms);
      await sleep(INTERVAL_MS);
    }
    // Raft writes the data file and then the .meta: copy the same way (renamed into place).
    const name = basename(snapshot.dataPath);
    copyFileSync(snapshot.dataPath, join(dataDir, `.${name}.tmp`));
    renameSync(join(dataDir, `.${name}.tmp`), join(dataDir, name));
    copyFileSync(`${snapshot.dataPath}.meta`, join(dataDir, `${name}.meta`));
    const dropped = performance.now();
    const during = [];
    let started;
    let finished;
    const slow = []; // scrapes over 20 ms, and when in the analysis they came
    for (;;) {
      const s = await scrape(port);
      const running = metric(s.body, 'dqlite_agent_analysis_running');
      const done = metric(s.body, 'dqlite_agent_analyses_total{result="success"}');
      if (running === 1) {
        started ??= performance.now();
        during.push(s.ms);
        if (s.ms > 20)
          slow.push({ ms: Math.round(s.ms), atSecond: Math.round(performance.now() - started) / 1000 });
      } else if (done >= 1) {
        finished = performance.now();
        break;
      } else if (performance.now() - dropped > 120_000) throw new Error(`no analysis within 120 s:\n${log}`);
      await sleep(INTERVAL_MS);
    }
    const result = {
      snapshot: c.id,
      analysisSeconds: started ? (finished - started) / 1000 : null,
      idle: percentiles(idle),
      duringAnalysis: during.length ? percentiles(during) : null,
      slowScrapes: slow,
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    agent.kill('SIGTERM');
    await new Promise((resolve) => agent.once('exit', resolve));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
