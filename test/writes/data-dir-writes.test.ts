// Who is writing, end to end on a real dqlite node: snapshot A; a burst of writes to one Lease and to
// the Events about one object; snapshot B in the same data directory (raft keeps the two newest).
// `dqlite-analyze <data dir>` must name the Lease as the top writer with the count sqlite3 finds on
// the two kept copies; the agent watching the directory must export the same counts, and the
// DqliteWriteStorm rule fed those series (promtool) must fire for exactly the writers the finding
// names. Then ordinary writes and snapshot C: the B→C writes raise no finding and no alert.
import { spawnSync } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Analysis } from '@dqlite-analyzer/core';
import {
  type DqliteNode,
  type SnapshotFiles,
  startDqliteNode,
  stopAllNodes,
} from '@dqlite-analyzer/test-support/dqlite-node';
import { sqlite } from '@dqlite-analyzer/test-support/independent';
import { KineHistory, kineSchema, kineValue } from '@dqlite-analyzer/test-support/kine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Scrape } from '../../packages/agent/test/helpers.js';
import { type AgentProcess, analysisOf, startAgentProcess } from '../agent/agent-process.js';
import { type CliResult, runCli } from '../cli/run-cli.js';

const LEASE = '/registry/leases/kube-system/calico-kube-controllers';
const LEASE_BURST = 600;
const POD = 'calico-kube-controllers-7c9f8d5b4-x2xqv';
// client-go names an Event `<involved object>.<16 hex digits>` (tools/record/events_cache.go).
const EVENTS = ['17f3a2b4c5d6e7f8', '17f3a2b4c5d6e7f9', '17f3a2b4c5d6e7fa'].map(
  (suffix) => `/registry/events/kube-system/${POD}.${suffix}`,
);
const EVENT_BUMPS = 40;

let node: DqliteNode;
let scratch: string;
let a: SnapshotFiles;
let b: SnapshotFiles;
let stormJson: Analysis;
let stormText: CliResult;
let copies: string;
let agent: AgentProcess;
let stormScrape: Scrape;
let c: SnapshotFiles;
let healthyJson: Analysis;
let healthyScrape: Scrape;
const history = new KineHistory();
const RULES = fileURLToPath(new URL('../../deploy/prometheus/rules.yaml', import.meta.url));
const WRITE_METRICS = [
  'dqlite_kine_hot_key_writes_per_minute',
  'dqlite_kine_hot_key_writes',
  'dqlite_kine_resource_writes_per_minute',
  'dqlite_kine_resource_writes',
];

async function metricsAfter(snapshot: SnapshotFiles): Promise<Scrape> {
  await analysisOf(agent, snapshot.name);
  // The collectors copy the analysis at scrape time; the analysis is published with it.
  return new Scrape((await agent.get('/metrics')).text);
}

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'dqa-writes-'));
  node = await startDqliteNode({ keep: true });
  history.create(LEASE, kineValue.k8s(300));
  history.create(`/registry/pods/kube-system/${POD}`, kineValue.k8s(900));
  history.bulkCreate('/registry/configmaps/default/cm-', 30, kineValue.k8s(200), { chunk: 30 });
  await node.exec('k8s', [...kineSchema('v1'), ...history.takeStatements()]);
  a = await node.padUntilSnapshot();

  // The crash loop: its Lease renewed over and over, an Event about its pod posted and bumped per try.
  history.bulkUpdate(LEASE, LEASE_BURST, kineValue.k8s(300), { chunk: 300 });
  for (const event of EVENTS) {
    history.create(event, kineValue.k8s(500));
    history.bulkUpdate(event, EVENT_BUMPS, kineValue.k8s(500), { chunk: EVENT_BUMPS });
  }
  history.update(`/registry/pods/kube-system/${POD}`, kineValue.k8s(900));
  await node.exec('k8s', history.takeStatements());
  b = await node.padUntilSnapshot({ afterIndex: a.index });
  expect((await node.snapshots()).map((s) => s.name)).toEqual([a.name, b.name]);

  copies = join(scratch, 'copies');
  await mkdir(copies);
  [stormText] = await Promise.all([runCli([node.dataDir])]);
  const json = await runCli([node.dataDir, '--format', 'json', '--keep-copies', copies]);
  stormJson = JSON.parse(json.stdout) as Analysis;

  // The agent, started after B, compares B with the snapshot raft kept before it (A).
  agent = await startAgentProcess(['--data-dir', node.dataDir], { DQLITE_AGENT_TEMP_DIR: scratch });
  stormScrape = await metricsAfter(b);

  // A healthy minute: a few renewals, a Deployment rolled, a handful of Events.
  for (let i = 0; i < 5; i++) history.update(LEASE, kineValue.k8s(300));
  history.bulkCreate('/registry/pods/default/web-', 6, kineValue.k8s(900), { chunk: 6 });
  history.create('/registry/events/default/web-1.17f3a2b4c5d6e800', kineValue.k8s(500));
  await node.exec('k8s', history.takeStatements());
  c = await node.padUntilSnapshot({ afterIndex: b.index });
  healthyScrape = await metricsAfter(c);
  healthyJson = JSON.parse((await runCli([node.dataDir, '--format', 'json'])).stdout) as Analysis;
}, 240_000);

afterAll(async () => {
  await agent?.stop();
  await stopAllNodes();
  if (node) await rm(dirname(node.dataDir), { recursive: true, force: true });
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

describe('dqlite-analyze <data dir> with two snapshots', () => {
  it('counts the writes between them as sqlite3 does on the two kept copies', async () => {
    const writes = stormJson.writes!;
    expect(writes).not.toBeNull();
    expect(writes.older).toMatchObject({
      dataFile: a.dataPath,
      timestampMs: a.timestamp,
      copyPath: join(copies, 'k8s.older.db'),
    });
    expect(writes.newer).toMatchObject({
      dataFile: b.dataPath,
      timestampMs: b.timestamp,
      copyPath: join(copies, 'k8s.db'),
    });
    const [older] = await sqlite<{ n: number }>(writes.older.copyPath!, 'SELECT max(id) AS n FROM kine');
    const [newer] = await sqlite<{ n: number }>(writes.newer.copyPath!, 'SELECT max(id) AS n FROM kine');
    expect([writes.older.currentRevision, writes.newer.currentRevision]).toEqual([older!.n, newer!.n]);
    const perKey = await sqlite<{ name: string; n: number }>(
      writes.newer.copyPath!,
      `SELECT name, count(*) AS n FROM kine WHERE id > ${older!.n} GROUP BY name ORDER BY n DESC, name`,
    );
    expect(perKey[0]).toEqual({ name: LEASE, n: LEASE_BURST });
    expect(writes.writes.map((w) => [w.key, w.revisions])).toEqual(perKey.map((r) => [r.name, r.n]));
    const total = LEASE_BURST + EVENTS.length * (EVENT_BUMPS + 1) + 1;
    expect(writes.revisionsWritten).toBe(newer!.n - older!.n);
    expect(writes.revisionsWritten).toBe(total);
    expect(writes).toMatchObject({ retainedRows: total, compactedRevisions: 0, bookkeepingRows: 0 });
    expect(writes.eventObjects).toEqual([
      expect.objectContaining({
        key: `/registry/events/kube-system/${POD}`,
        namespace: 'kube-system',
        object: POD,
        revisions: EVENTS.length * (EVENT_BUMPS + 1),
        events: EVENTS.length,
      }),
    ]);
  });

  it('rates them over the interval from the file names', () => {
    const seconds = (b.timestamp - a.timestamp) / 1000;
    const writes = stormJson.writes!;
    expect(writes).toMatchObject({ intervalSource: 'snapshot-timestamps', intervalSeconds: seconds });
    expect(writes.writes[0]!.perMinute).toBeCloseTo((LEASE_BURST * 60) / seconds, 9);
    expect(writes.writesByPrefix[0]).toMatchObject({
      prefix: 'leases',
      group: 'coordination.k8s.io',
      revisions: LEASE_BURST,
    });
  });

  it('raises write-storm naming the Lease, its namespace and its writer', () => {
    const storm = stormJson.findings.find((f) => f.id === 'write-storm')!;
    expect(storm).toBeDefined();
    expect(storm.data).toMatchObject({
      key: LEASE,
      kind: 'lease',
      namespace: 'kube-system',
      revisions: LEASE_BURST,
      writer: 'the holder of Lease kube-system/calico-kube-controllers (leader election)',
    });
    expect(storm.data.keys).toEqual([LEASE, `/registry/events/kube-system/${POD}`, 'events']);
  });

  it('text: the top writer with its count and rate', () => {
    const flat = stormText.stdout.replace(/\s+/g, ' ');
    const rate = Math.round((LEASE_BURST * 60) / ((b.timestamp - a.timestamp) / 1000));
    expect(flat).toContain(`top writer ${LEASE}: ${LEASE_BURST} revisions`);
    expect(flat).toContain(`${rate.toLocaleString('en-US')}/min`);
  });
});

/** The write series of a scrape as a promtool test; `expected`: the alerts DqliteWriteStorm must raise. */
async function promtoolWriteStorm(scrape: Scrape, expected: Record<string, string>[]): Promise<string> {
  const dir = await mkdtemp(join(scratch, 'promtool-'));
  await copyFile(RULES, join(dir, 'rules.yaml'));
  const series: string[] = [];
  for (const name of WRITE_METRICS) {
    for (const sample of scrape.families.get(name)?.metrics ?? []) {
      const labels = { ...sample.labels, instance: 'n1', job: 'dqlite-agent' };
      const text = Object.entries(labels)
        .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
        .join(',');
      series.push(
        `      - series: ${JSON.stringify(`${name}{${text}}`)}\n        values: "${sample.value}x3"`,
      );
    }
  }
  // ALERTS{alertstate="firing"}: the alerts with their labels; the annotations are not compared.
  const alerts = expected.map((labels) => {
    const all = {
      __name__: 'ALERTS',
      alertname: 'DqliteWriteStorm',
      alertstate: 'firing',
      ...labels,
      instance: 'n1',
      job: 'dqlite-agent',
      severity: 'warning',
    };
    const { __name__, ...rest } = all;
    const text = Object.entries(rest)
      .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
      .join(',');
    return `          - labels: ${JSON.stringify(`${__name__}{${text}}`)}\n            value: 1`;
  });
  const test = [
    'rule_files: [rules.yaml]',
    'evaluation_interval: 1m',
    'tests:',
    '  - interval: 1m',
    '    input_series:',
    ...series,
    '    promql_expr_test:',
    '      - eval_time: 2m',
    `        expr: 'ALERTS{alertname="DqliteWriteStorm",alertstate="firing"}'`,
    alerts.length > 0 ? '        exp_samples:' : '        exp_samples: []',
    ...alerts,
  ].join('\n');
  await writeFile(join(dir, 'test.yaml'), `${test}\n`);
  const run = spawnSync('promtool', ['test', 'rules', join(dir, 'test.yaml')], { encoding: 'utf8' });
  return `${run.stdout}${run.stderr}`;
}

const havePromtool = !spawnSync('promtool', ['--version']).error;

describe('the agent watching the same directory', () => {
  it('exports the counts dqlite-analyze found between A and B', () => {
    const writes = stormJson.writes!;
    for (const p of writes.writesByPrefix) {
      expect(
        stormScrape.value('dqlite_kine_resource_revisions_total', { resource: p.prefix }),
        p.prefix,
      ).toBe(p.revisions);
      expect(stormScrape.value('dqlite_kine_resource_writes', { resource: p.prefix })).toBe(p.revisions);
    }
    expect(stormScrape.value('dqlite_kine_hot_key_writes', { key: LEASE, kind: 'lease' })).toBe(LEASE_BURST);
    expect(stormScrape.value('dqlite_kine_hot_key_writes_per_minute', { key: LEASE })).toBeCloseTo(
      writes.writes[0]!.perMinute!,
      6,
    );
    expect(stormScrape.value('dqlite_kine_writes_interval_seconds')).toBe(writes.intervalSeconds);
    expect(stormScrape.value('dqlite_kine_current_revision')).toBe(writes.newer.currentRevision);
  });

  it.skipIf(!havePromtool)(
    'DqliteWriteStorm, fed those series, fires for the writers the finding names',
    async () => {
      const finding = stormJson.findings.find((f) => f.id === 'write-storm')!;
      const keys = finding.data.keys as string[];
      const expected = keys.map((key) => {
        const hot = stormScrape.families
          .get('dqlite_kine_hot_key_writes')!
          .metrics.find((m) => m.labels?.key === key);
        return hot ? { ...hot.labels } : { resource: key };
      });
      expect(expected[0]).toEqual({
        key: LEASE,
        resource: 'leases',
        namespace: 'kube-system',
        kind: 'lease',
      });
      const out = await promtoolWriteStorm(stormScrape, expected as Record<string, string>[]);
      expect(out, out).toContain('SUCCESS');
      // And the same series do not pass for "no alert": the test can fail.
      expect(await promtoolWriteStorm(stormScrape, [])).toContain('FAILED');
    },
  );
});

describe('a healthy cluster between B and C', () => {
  it('has a write rate and no write-storm finding', () => {
    expect(healthyJson.writes).toMatchObject({ revisionsWritten: 12, older: { dataFile: b.dataPath } });
    expect(healthyJson.findings.map((f) => f.id)).not.toContain('write-storm');
  });

  it('the agent adds the B→C writes to its counter and raises no alert', async () => {
    expect(healthyScrape.value('dqlite_kine_resource_revisions_total', { resource: 'leases' })).toBe(
      LEASE_BURST + 5,
    );
    expect(healthyScrape.value('dqlite_kine_hot_key_writes', { key: LEASE })).toBe(5);
    if (havePromtool) expect(await promtoolWriteStorm(healthyScrape, [])).toContain('SUCCESS');
  });
});
