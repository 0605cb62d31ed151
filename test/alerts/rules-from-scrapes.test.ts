// Every alert in deploy/prometheus/rules.yaml, fed series built from the agent's own /metrics
// scrapes of real dqlite nodes (promtool test rules): the incident-shaped node fires each incident
// rule, a healthy cluster's node fires none, a three-node cluster fires the Raft rules (a stalled
// disk, leader elections), and the agent's own trouble (no data directory, a damaged snapshot left
// unanalysed for an hour, the agent gone, snapshots piling up on a full disk) fires the agent's rules.
//
// The values are the scrapes', unchanged; only time is laid out: scrape k of a scenario stands at
// the minute given for it and holds until the next (the agent's gauges change only when a snapshot
// or a log line arrives). The first scrape stands a day before the rest (DqliteSnapshotGrowth looks
// a day back); after the snapshots, one scrape a minute follows one minute of log lines each — the
// incident's rate: 12 RBAC denials of calico-kube-controllers a minute (issue 13: ~12 failing
// retries a minute) and 3 "database is locked" errors. `up` is what Prometheus records: 1 for a scrape that
// answered, 0 for one that did not. The one gauge that moves with time alone, the analysis lag, is
// scraped at the minute its agent's own clock reads (agent trouble, below). rules.test.yaml keeps a
// hand-written example of every rule besides.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import {
  appendFile,
  copyFile,
  mkdir,
  mkdtemp,
  readdir,
  rm,
  stat,
  statfs,
  truncate,
  writeFile,
} from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Analysis } from '@dqlite-analyzer/core';
import { writeCleanCluster } from '@dqlite-analyzer/test-support/clean';
import { type DqliteCluster, startDqliteCluster } from '@dqlite-analyzer/test-support/dqlite-cluster';
import {
  type DqliteNode,
  type SnapshotFiles,
  startDqliteNode,
  stopAllNodes,
} from '@dqlite-analyzer/test-support/dqlite-node';
import { FakeClock, LIBFAKETIME } from '@dqlite-analyzer/test-support/fake-clock';
import { writeFreePages } from '@dqlite-analyzer/test-support/free-pages';
import {
  bytesValue,
  INCIDENT,
  INCIDENT_TRAILER,
  writeIncident,
} from '@dqlite-analyzer/test-support/incident';
import { forbiddenLine, lockErrorLine } from '@dqlite-analyzer/test-support/incident-logs';
import { lease } from '@dqlite-analyzer/test-support/k8s-values';
import { KineHistory, kineSchema, kineValue } from '@dqlite-analyzer/test-support/kine';
import { stallNextSnapshotWrite } from '@dqlite-analyzer/test-support/snapshot-stall';
import { mountRefused, mountTmpfs, unmount } from '@dqlite-analyzer/test-support/tmpfs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Scrape } from '../../packages/agent/test/helpers.js';
import { type AgentProcess, analysisOf, startAgentProcess } from '../agent/agent-process.js';
import { runCli } from '../cli/run-cli.js';

const { parse } = createRequire(new URL('../../packages/agent/package.json', import.meta.url))('yaml') as {
  parse(text: string): { groups: { rules: { alert?: string }[] }[] };
};
const RULES = fileURLToPath(new URL('../../deploy/prometheus/rules.yaml', import.meta.url));
const havePromtool = !spawnSync('promtool', ['--version']).error;

type ScenarioName = 'incident' | 'healthy' | 'cluster' | 'agent-trouble' | 'piling-up';

// Agent trouble: its failed analysis at minute FAILED_AT, then one scrape a minute from STALE_FROM
// to STALE_TO, an hour and more later by the agent's clock.
const FAILED_AT = 12;
const STALE_FROM = FAILED_AT + 61;
const STALE_TO = STALE_FROM + 6;
// The stalled disk: 11 s, past DqliteSnapshotWriteSlow's 10.
const STALL_MS = 11_000;

/** Where each rule fires: the scenario and the minute of its timeline it is checked at. */
const FIRES_IN: Record<string, { scenario: Exclude<ScenarioName, 'healthy'>; at: number; needs?: string }> = {
  DqliteLockErrors: { scenario: 'incident', at: -1 },
  DqliteSustainedLockWindow: { scenario: 'incident', at: -1 },
  DqliteDatabaseHighFragmentationRatio: { scenario: 'incident', at: -1 },
  DqliteFrequentLargeSnapshots: { scenario: 'incident', at: -1 },
  DqliteSnapshotGrowth: { scenario: 'incident', at: -1 },
  DqliteWriteStorm: { scenario: 'incident', at: -1 },
  DqliteCriticalFindings: { scenario: 'incident', at: -1 },
  DqliteRbacForbidden: { scenario: 'incident', at: -1 },
  DqliteLeaderElectionChurn: { scenario: 'incident', at: -1 },
  DqliteSnapshotWriteSlow: { scenario: 'cluster', at: 0 },
  DqliteRaftLeaderChanges: { scenario: 'cluster', at: -1 },
  DqliteDataDirMissing: { scenario: 'agent-trouble', at: 11 },
  DqliteAnalysisFailing: { scenario: 'agent-trouble', at: 30 },
  DqliteAnalysisStale: { scenario: 'agent-trouble', at: STALE_TO, needs: 'faketime' },
  DqliteAgentDown: { scenario: 'agent-trouble', at: 90 },
  DqliteSnapshotFilesPilingUp: { scenario: 'piling-up', at: 31 },
  DqliteDiskAlmostFull: { scenario: 'piling-up', at: 31, needs: 'tmpfs' },
};

const INSTANCE = { instance: 'n1', job: 'dqlite-agent' };
type Point = { minute: number; scrape: Scrape | 'down' };
interface Timeline {
  points: Point[];
  end: number;
}
const timelines = new Map<ScenarioName, Timeline>();
let incidentJson: Analysis;
let healthyJson: Analysis;
let scratch: string;
const agents: AgentProcess[] = [];
const clusters: DqliteCluster[] = [];
let tmpfsDir: string | undefined;

// A day of the first scrape, then the snapshots, then LOG_MINUTES of log lines.
const DAY = 1440;
const LOG_MINUTES = 40;
const STORM_LEASE = INCIDENT.stormKey;
const CALICO_SA = 'kube-system/calico-kube-controllers';
const CALICO_POD = 'calico-kube-controllers-7c9f8d5b4-x2xqv';

async function scrapeOf(agent: AgentProcess): Promise<Scrape> {
  const response = await agent.get('/metrics');
  expect(response.status).toBe(200);
  return new Scrape(response.text);
}

async function until(agent: AgentProcess, check: (s: Scrape) => boolean, what: string): Promise<Scrape> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const scrape = await scrapeOf(agent);
    if (check(scrape)) return scrape;
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}:\n${agent.output().slice(-3000)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The scrape once the agent has published its analysis of `snapshot` (the collectors copy it at scrape time). */
async function analysed(agent: AgentProcess, snapshot: SnapshotFiles): Promise<Scrape> {
  await analysisOf(agent, snapshot.name, 120_000);
  return scrapeOf(agent);
}

/**
 * A node with `write` in its k8s database, snapshot P; the agent follows its directory and a log
 * file. `between` runs the writes before snapshot A and before snapshot B; `minute` appends one
 * minute of log lines. Returns the timeline and the CLI's JSON report on the directory (A → B).
 */
async function runScenario(
  name: string,
  write: (h: KineHistory) => string[],
  between: ((h: KineHistory) => string[])[],
  minute: (at: Date) => string[],
  keep?: (s: SnapshotFiles, node: DqliteNode) => Promise<void>,
): Promise<{ timeline: Timeline; json: Analysis }> {
  const node = await startDqliteNode({ keep: true });
  const h = new KineHistory();
  const log = join(scratch, `${name}.log`);
  await writeFile(log, '');
  await node.exec('k8s', [...kineSchema('v1'), ...write(h)]);
  const p = await node.padUntilSnapshot({ timeoutMs: 60_000 });
  await keep?.(p, node);
  const agent = await startAgentProcess(['--data-dir', node.dataDir, '--log-file', log], {
    DQLITE_AGENT_TEMP_DIR: scratch,
  });
  agents.push(agent);
  const points: Point[] = [{ minute: 0, scrape: await analysed(agent, p) }];
  let previous = p;
  for (const [i, writes] of between.entries()) {
    await node.exec('k8s', writes(h));
    const next = await node.padUntilSnapshot({ afterIndex: previous.index, timeoutMs: 90_000 });
    await keep?.(next, node);
    points.push({ minute: DAY + 1 + i, scrape: await analysed(agent, next) });
    previous = next;
  }
  const json = JSON.parse((await runCli([node.dataDir, '--format', 'json'])).stdout) as Analysis;
  let read = points.at(-1)!.scrape as Scrape;
  for (let m = 0; m < LOG_MINUTES; m++) {
    const lines = minute(new Date());
    await appendFile(log, lines.map((l) => `${l}\n`).join(''));
    const before = read.value('dqlite_agent_log_lines_total') ?? 0;
    read = await until(
      agent,
      (s) => (s.value('dqlite_agent_log_lines_total') ?? 0) >= before + lines.length,
      'log lines',
    );
    points.push({ minute: DAY + 1 + between.length + m, scrape: read });
  }
  await agent.stop();
  await node.stop();
  await rm(dirname(node.dataDir), { recursive: true, force: true });
  return { timeline: { points, end: points.at(-1)!.minute }, json };
}

// The incident, as a real node's history: the incident fixture (snapshot P, a day before); the
// kine file grown by 112 MB of rows deleted again, mostly free pages (A); the crash loop of
// calico-kube-controllers denied by RBAC: its status object and the Events about its pod rewritten
// on each retry, the controller manager's Lease changing hands (B); then its log lines.
const incidentWrites = (h: KineHistory) => {
  writeIncident(h);
  // The trailer's rows take ids the model must skip: the crash loop's updates name their rows by id.
  h.external(INCIDENT_TRAILER, INCIDENT_TRAILER.length);
  return h.takeStatements();
};
const bloat = (h: KineHistory) => {
  writeFreePages(h);
  return h.takeStatements();
};
function crashLoop(h: KineHistory): string[] {
  const status = '/registry/crd.projectcalico.org/kubecontrollersconfigurations/default';
  const config = (ready: boolean) =>
    kineValue.json({
      apiVersion: 'crd.projectcalico.org/v1',
      kind: 'KubeControllersConfiguration',
      metadata: { name: 'default' },
      status: {
        runningConfig: { controllers: { node: { syncLabels: 'Enabled' } } },
        environmentVars: { ready: String(ready) },
      },
    });
  h.create(status, config(false));
  h.bulkUpdate(status, 60, config(true), { chunk: 60 });
  for (const suffix of ['17f3a2b4c5d6e7f8', '17f3a2b4c5d6e7f9', '17f3a2b4c5d6e7fa']) {
    const event = `/registry/events/kube-system/${CALICO_POD}.${suffix}`;
    h.create(event, kineValue.k8s(500));
    h.bulkUpdate(event, 20, kineValue.k8s(500), { chunk: 20 });
  }
  for (let t = 1; t <= 5; t++) {
    h.update(
      STORM_LEASE,
      bytesValue(
        lease({
          namespace: 'kube-system',
          name: 'kube-controller-manager',
          holder: `node-${(t % 3) + 1}_9d3c1b2a-0000-4000-8000-00000000c0d${t}`,
          durationSeconds: 15,
          transitions: INCIDENT.controllerManagerTransitions + t,
        }),
      ),
    );
  }
  return h.takeStatements();
}
const incidentMinute = (at: Date) => [
  ...Array.from({ length: 3 }, () => lockErrorLine(at, STORM_LEASE)),
  ...Array.from({ length: 12 }, () => forbiddenLine(at, CALICO_SA, 'pods')),
];

// A healthy cluster: the clean fixture (P), then two ordinary stretches (A, B): Leases renewed,
// a Deployment's pods replaced, an Event; its log says nothing about locks or RBAC.
const healthyWrites = (h: KineHistory) => {
  writeCleanCluster(h);
  return h.takeStatements();
};
function ordinary(round: number) {
  return (h: KineHistory) => {
    for (let i = 0; i < 5; i++) h.update('/registry/leases/kube-system/kube-scheduler', kineValue.k8s(300));
    h.bulkCreate(`/registry/pods/default/web-${round}-`, 3, kineValue.k8s(900), { chunk: 3 });
    h.create(`/registry/events/default/web-${round}.17f3a2b4c5d6e80${round}`, kineValue.k8s(500));
    return h.takeStatements();
  };
}
const healthyMinute = (at: Date) => [
  `${at.toISOString()} I leaderelection.go:281] successfully renewed lease kube-system/kube-scheduler`,
  `${at.toISOString()} I trace.go:236] Trace[1]: "Update" url:/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/node-1 (total time: 4ms)`,
];

// A three-node cluster (dqlite-demo --join), the agent on a follower's data directory, as the
// DaemonSet puts one on every node. First that follower's disk stalls in a snapshot write: its
// process is stopped the moment raft creates the snapshot's temporary file and continued 11 s
// later (test-support/snapshot-stall.ts), so the real write takes as long as on a disk that stops
// answering; raft's threadpool, the fsync and the rename all wait as they would. The database holds
// 20 MB of random rows first: dqlite LZ4-compresses snapshots, so only incompressible pages make
// the write (30 to 170 ms here) outlast the signal's way to the node (the stop came before the
// first byte in 5 of 5 tries with both cores busy); an attempt whose stop came after the rename is
// left out and the next snapshot stalled instead (bounded). Then three times the leader is stopped
// and started again, as a node restart does: each stop is a Raft election (SIGTERM: dqlite-demo
// hands leadership over, canonical/go-dqlite:cmd/dqlite-demo/dqlite-demo.go; a new term either
// way), and enough writes follow for the watched node's next snapshot to be in the new term. One
// scrape a minute: the stalled write, then the snapshot after each election.
async function runCluster(): Promise<Timeline> {
  const cluster = await startDqliteCluster(3);
  clusters.push(cluster);
  const [bootstrap, watched] = cluster.nodes as [DqliteNode, DqliteNode, DqliteNode];
  await watched.exec('big', [
    'CREATE TABLE rows (v BLOB)',
    ...Array.from({ length: 10 }, () => 'INSERT INTO rows VALUES (randomblob(2000000))'),
  ]);
  const agent = await startAgentProcess(['--data-dir', watched.dataDir], { DQLITE_AGENT_TEMP_DIR: scratch });
  agents.push(agent);
  let snapshot: SnapshotFiles | undefined;
  let stalled: Scrape | undefined;
  for (let attempt = 0; attempt < 3 && !stalled; attempt++) {
    const stall = stallNextSnapshotWrite(watched, STALL_MS);
    try {
      // Written through the bootstrap node, the leader until the first election; no writes while
      // the watched node is stopped, so that its next snapshot does not follow at once.
      snapshot = await watched.padUntilSnapshot({
        afterIndex: snapshot?.index ?? 0,
        via: bootstrap.address,
        stopWriting: () => stall.stopped,
        spacingMs: 0,
        timeoutMs: 90_000,
      });
    } finally {
      stall.cancel();
    }
    const scrape = await analysed(agent, snapshot);
    if ((scrape.value('dqlite_snapshot_last_write_duration_seconds') ?? 0) > 10) stalled = scrape;
  }
  if (!stalled || !snapshot)
    throw new Error(`no snapshot write stalled in 3 attempts:\n${agent.output().slice(-3000)}`);
  const points: Point[] = [{ minute: 0, scrape: stalled }];
  for (let election = 1; election <= 3; election++) {
    const term = snapshot.term;
    await (await cluster.leader()).restart();
    for (let tries = 0; snapshot.term <= term && tries < 3; tries++) {
      snapshot = await watched.padUntilSnapshot({
        afterIndex: snapshot.index,
        spacingMs: 0,
        timeoutMs: 90_000,
      });
    }
    if (snapshot.term <= term)
      throw new Error(`no snapshot in a term above ${term} after election ${election}`);
    points.push({ minute: election, scrape: await analysed(agent, snapshot) });
  }
  await agent.stop();
  await cluster.stop();
  return { points, end: points.at(-1)!.minute };
}

/** The exposition text's samples as promtool series selectors (with instance and job), and their values. */
function samplesOf(scrape: Scrape): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of scrape.text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const cut = line.lastIndexOf(' ');
    const series = line.slice(0, cut);
    const value = line.slice(cut + 1).replace('+Inf', 'Inf');
    const brace = series.indexOf('{');
    const name = brace < 0 ? series : series.slice(0, brace);
    const labels = brace < 0 ? '' : series.slice(brace + 1, -1);
    const extra = Object.entries(INSTANCE).map(([k, v]) => `${k}="${v}"`);
    out.set(`${name}{${[labels, ...extra].filter(Boolean).join(',')}}`, value);
  }
  return out;
}

/** promtool input series: each series' value per minute, run-length encoded (`vxN` is N+1 samples). */
function inputSeries(timeline: Timeline): string[] {
  const perPoint = timeline.points.map((p) =>
    p.scrape === 'down' ? new Map<string, string>() : samplesOf(p.scrape),
  );
  const names = new Set(perPoint.flatMap((m) => [...m.keys()]));
  const up = `up{${Object.entries(INSTANCE)
    .map(([k, v]) => `${k}="${v}"`)
    .join(',')}}`;
  const series: [string, (i: number) => string][] = [
    ...[...names].map((n): [string, (i: number) => string] => [n, (i) => perPoint[i]!.get(n) ?? '_']),
    [up, (i) => (timeline.points[i]!.scrape === 'down' ? '0' : '1')],
  ];
  return series.map(([selector, valueAt]) => {
    const runs: [string, number][] = [];
    let point = 0;
    for (let minute = 0; minute <= timeline.end; minute++) {
      while (point + 1 < timeline.points.length && timeline.points[point + 1]!.minute <= minute) point++;
      const value = valueAt(point);
      const last = runs.at(-1);
      if (last && last[0] === value) last[1]++;
      else runs.push([value, 1]);
    }
    const values = runs.map(([v, n]) => (n === 1 ? v : `${v}x${n - 1}`)).join(' ');
    return `      - series: ${JSON.stringify(selector)}\n        values: ${JSON.stringify(values)}`;
  });
}

/** Run promtool on `checks` (expression, minute, expected samples) over a timeline; its output. */
async function promtool(
  name: string,
  timeline: Timeline,
  checks: [string, number, string[]][],
): Promise<string> {
  const dir = await mkdtemp(join(scratch, `promtool-${name}-`));
  await copyFile(RULES, join(dir, 'rules.yaml'));
  const test = [
    'rule_files: [rules.yaml]',
    'evaluation_interval: 1m',
    'tests:',
    '  - interval: 1m',
    '    input_series:',
    ...inputSeries(timeline),
    '    promql_expr_test:',
    ...checks.flatMap(([expr, at, samples]) => [
      `      - eval_time: ${at}m`,
      `        expr: ${JSON.stringify(expr)}`,
      samples.length === 0 ? '        exp_samples: []' : '        exp_samples:',
      ...samples.map((s) => `          - ${s}`),
    ]),
  ].join('\n');
  await writeFile(join(dir, 'test.yaml'), `${test}\n`);
  const run = spawnSync('promtool', ['test', 'rules', join(dir, 'test.yaml')], { encoding: 'utf8' });
  return `${run.stdout}${run.stderr}`;
}

const firing = (alert: string) => `absent(ALERTS{alertname="${alert}",alertstate="firing"})`;

/** Whether promtool passed the checks of `alert`: all passed, or the failures name other alerts. */
function passed(output: string, alert: string): boolean {
  if (output.includes('SUCCESS')) return true;
  return output.includes('FAILED') && !output.includes(`alertname=\\"${alert}\\"`);
}

const ALERTS = parse(readFileSync(RULES, 'utf8')).groups.flatMap((g) =>
  g.rules.map((r) => r.alert).filter((a): a is string => a !== undefined),
);

describe('coverage of deploy/prometheus/rules.yaml', () => {
  it('every alert is fed real-node scrapes', () => {
    expect(Object.keys(FIRES_IN).sort()).toEqual([...ALERTS].sort());
  });
});

describe.skipIf(!havePromtool)('alerts on real-node scrapes (promtool test rules)', () => {
  const outputs = new Map<ScenarioName | 'control', string>();

  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'dqa-alerts-'));
    // The piled-up directory: the healthy node's four snapshots (raft keeps two), on a tmpfs
    // that is then filled to 95% when this machine allows mounting one.
    const piled = join(scratch, 'piled');
    await mkdir(piled);
    if (!mountRefused && !mountTmpfs(piled, 'size=16m')) tmpfsDir = piled;
    const keepInPiled = async (s: SnapshotFiles, node: DqliteNode) => {
      await node.copySnapshot(s, piled);
      await copyFile(join(node.dataDir, 'info.yaml'), join(piled, 'info.yaml'));
    };

    // The cluster's run is mostly waiting (its stalled disk, elections): alongside the single nodes'.
    const cluster = runCluster();
    cluster.catch(() => undefined);
    const incident = await runScenario('incident', incidentWrites, [bloat, crashLoop], incidentMinute);
    timelines.set('incident', incident.timeline);
    incidentJson = incident.json;
    const healthy = await runScenario(
      'healthy',
      healthyWrites,
      [ordinary(1), ordinary(2), ordinary(3)],
      healthyMinute,
      keepInPiled,
    );
    timelines.set('healthy', healthy.timeline);
    healthyJson = healthy.json;

    timelines.set('cluster', await cluster);

    // Agent trouble: started on a data directory that is not there (minute 0); the directory
    // appears holding a damaged snapshot, a copy of a real one cut short (minute 12), which no
    // analysis can read; no newer snapshot comes (a quiet cluster, or a node that stopped writing
    // them), so an hour later it is still the newest and unanalysed (minutes 73 to 79); the agent
    // stops (minute 80: Prometheus's scrapes fail from then on). The hour passes on the agent's own
    // clock (libfaketime moves its wall clock on; its timers and the analysis it already gave up
    // on are untouched, as for an idle hour): the lag is the agent's wall clock less the time it
    // saw the snapshot (collectors/analysis.ts), and each of those scrapes stands at the minute
    // that clock reads. Laying out older scrapes could not do it: their lag is a few seconds.
    const missing = join(scratch, 'not-yet');
    const clock = LIBFAKETIME ? new FakeClock(join(scratch, 'faketime')) : undefined;
    const trouble = await startAgentProcess(['--data-dir', missing], {
      DQLITE_AGENT_TEMP_DIR: scratch,
      ...clock?.env(),
    });
    agents.push(trouble);
    const noDir = await until(trouble, (s) => s.value('dqlite_agent_data_dir_up') === 0, 'data dir down');
    await mkdir(missing);
    const [first] = (await listSnapshots(piled)).slice(0, 1);
    const damaged = join(missing, first!);
    await copyFile(join(piled, first!), damaged);
    await copyFile(join(piled, `${first}.meta`), `${damaged}.meta`);
    await truncate(damaged, Math.floor((await stat(damaged)).size / 2));
    const failed = await until(
      trouble,
      (s) => (s.value('dqlite_agent_analyses_total', { result: 'error' }) ?? 0) >= 1,
      'the failed analysis',
    );
    const stale: Point[] = [];
    for (let minute = STALE_FROM; clock && minute <= STALE_TO; minute++) {
      clock.set((minute - FAILED_AT) * 60);
      stale.push({ minute, scrape: await scrapeOf(trouble) });
    }
    await trouble.stop();
    timelines.set('agent-trouble', {
      points: [
        { minute: 0, scrape: noDir },
        { minute: FAILED_AT, scrape: failed },
        ...stale,
        { minute: STALE_TO + 1, scrape: 'down' },
      ],
      end: 90,
    });

    // Pruning fails: the four snapshots in one directory, its filesystem filled to 95%.
    if (tmpfsDir) {
      const fs = await statfs(piled);
      const fill = Math.floor(fs.bavail * fs.bsize - 0.05 * fs.blocks * fs.bsize);
      if (fill > 0) await writeFile(join(piled, 'filler'), Buffer.alloc(fill));
    }
    const piling = await startAgentProcess(['--data-dir', piled], { DQLITE_AGENT_TEMP_DIR: scratch });
    agents.push(piling);
    const piledScrape = await until(
      piling,
      (s) => (s.value('dqlite_agent_analyses_total', { result: 'success' }) ?? 0) >= 1,
      'the piled-up directory analysed',
    );
    await piling.stop();
    timelines.set('piling-up', { points: [{ minute: 0, scrape: piledScrape }], end: 31 });

    const checksOf = (scenario: ScenarioName, timeline: Timeline) =>
      Object.entries(FIRES_IN)
        .filter(([, f]) => f.scenario === scenario)
        .map(([alert, f]): [string, number, string[]] => [firing(alert), f.at < 0 ? timeline.end : f.at, []]);
    for (const scenario of ['cluster', 'agent-trouble', 'piling-up'] as const) {
      const timeline = timelines.get(scenario)!;
      outputs.set(scenario, await promtool(scenario, timeline, checksOf(scenario, timeline)));
    }
    // The incident's: also as many write-storm alerts as the CLI's finding names writers, and one
    // fragmentation alert for its one finding.
    const end = incident.timeline.end;
    const storm = incidentJson.findings.find((f) => f.id === 'write-storm');
    const count = (alert: string, n: number): [string, number, string[]] => [
      `count(ALERTS{alertname="${alert}",alertstate="firing"})`,
      end,
      [`{ labels: "{}", value: ${n} }`],
    ];
    outputs.set(
      'incident',
      await promtool('incident', incident.timeline, [
        ...checksOf('incident', incident.timeline),
        count('DqliteWriteStorm', ((storm?.data.keys as string[] | undefined) ?? []).length),
        count(
          'DqliteDatabaseHighFragmentationRatio',
          incidentJson.findings.filter((f) => f.id === 'fragmentation').length,
        ),
      ]),
    );
    const healthyTimeline = timelines.get('healthy')!;
    // Every alert's check, on the healthy series.
    const control = Object.entries(FIRES_IN).map(([alert, f]): [string, number, string[]] => [
      firing(alert),
      f.at < 0 ? healthyTimeline.end : f.at,
      [],
    ]);
    outputs.set('control', await promtool('control', healthyTimeline, control));
    outputs.set(
      'healthy',
      await promtool(
        'healthy',
        healthyTimeline,
        [0, DAY + 1, DAY + 10, DAY + 30, healthyTimeline.end].map((at) => ['ALERTS', at, []]),
      ),
    );
  }, 600_000);

  afterAll(async () => {
    for (const agent of agents) await agent.stop();
    for (const cluster of clusters) await cluster.stop();
    await stopAllNodes();
    if (tmpfsDir) unmount(tmpfsDir);
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  for (const [alert, { scenario, needs }] of Object.entries(FIRES_IN)) {
    it(`${alert} fires on the ${scenario} scrapes`, (context) => {
      if (needs === 'tmpfs' && !tmpfsDir) {
        context.skip(`a full filesystem needs a tmpfs: ${mountRefused ?? 'mount failed'}`);
      }
      if (needs === 'faketime' && !LIBFAKETIME) {
        context.skip("an hour on the agent's clock needs libfaketime (Debian package faketime)");
      }
      const output = outputs.get(scenario)!;
      expect(passed(output, alert), output).toBe(true);
    });
  }

  it('the healthy cluster fires none, and has none pending', () => {
    const output = outputs.get('healthy')!;
    expect(output, output).toContain('SUCCESS');
    // Every scenario's checks, on the healthy series: they fail, so they can.
    const control = outputs.get('control')!;
    expect(control).toContain('FAILED');
    for (const alert of Object.keys(FIRES_IN)) expect(control).toContain(`alertname=\\"${alert}\\"`);
  });

  it('the incident: each storage, findings and writes alert fires exactly when the CLI finding does', () => {
    const ids = (a: Analysis) => new Set(a.findings.map((f) => f.id));
    const critical = (a: Analysis) => a.findings.filter((f) => f.severity === 'critical').length;
    const why = JSON.stringify({ unavailable: incidentJson.writesUnavailable, ids: [...ids(incidentJson)] });
    expect(ids(incidentJson), why).toContain('fragmentation');
    expect(ids(incidentJson), why).toContain('write-storm');
    expect(critical(incidentJson)).toBeGreaterThan(0);
    expect(healthyJson.findings).toEqual([]);
    // The agent's findings gauge is the CLI's count, on both nodes.
    const last = (s: ScenarioName) => timelines.get(s)!.points.at(-1)!.scrape as Scrape;
    expect(last('incident').value('dqlite_findings', { severity: 'critical' })).toBe(critical(incidentJson));
    expect(last('healthy').value('dqlite_findings', { severity: 'critical' }) ?? 0).toBe(0);
  });

  it("the figures behind the Raft and lag alerts are the agent's own, and the healthy node's are not", (context) => {
    const scrapes = (s: ScenarioName) =>
      timelines.get(s)!.points.flatMap((p) => (p.scrape === 'down' ? [] : [p.scrape]));
    const values = (s: ScenarioName, name: string) =>
      scrapes(s).flatMap((scrape) => {
        const value = scrape.value(name);
        return value === undefined ? [] : [value];
      });
    // The stalled write: at least the 11 s the node stood still; the healthy node's, milliseconds.
    const [stalled, ...afterElections] = values('cluster', 'dqlite_snapshot_last_write_duration_seconds');
    expect(stalled).toBeGreaterThanOrEqual(STALL_MS / 1000);
    for (const seconds of [
      ...afterElections,
      ...values('healthy', 'dqlite_snapshot_last_write_duration_seconds'),
    ])
      expect(seconds).toBeLessThan(10);
    expect(values('healthy', 'dqlite_snapshot_last_write_duration_seconds').length).toBeGreaterThan(0);
    // A new term in each snapshot after an election; the healthy node's stays where it was.
    const terms = values('cluster', 'dqlite_snapshot_term');
    expect(terms).toHaveLength(4);
    for (let i = 1; i < terms.length; i++) expect(terms[i]).toBeGreaterThan(terms[i - 1]!);
    expect(new Set(values('healthy', 'dqlite_snapshot_term')).size).toBe(1);
    // The healthy agent is never behind; the troubled one, an hour and more by its clock.
    expect(new Set(values('healthy', 'dqlite_agent_analysis_lag_seconds'))).toEqual(new Set([0]));
    if (!LIBFAKETIME) return context.skip('libfaketime is not installed (Debian package faketime)');
    const lags = timelines
      .get('agent-trouble')!
      .points.filter((p) => p.minute >= STALE_FROM && p.scrape !== 'down')
      .map((p) => [p.minute, (p.scrape as Scrape).value('dqlite_agent_analysis_lag_seconds')!]);
    expect(lags).toHaveLength(STALE_TO - STALE_FROM + 1);
    for (const [minute, lag] of lags) {
      expect(lag).toBeGreaterThan((minute! - FAILED_AT) * 60);
      expect(lag).toBeLessThan((minute! - FAILED_AT) * 60 + 120);
    }
  });
});

async function listSnapshots(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((n) => /^snapshot-\d+-\d+-\d+$/.test(n)).sort();
}
