// A Grafana panel whose metric the agent does not export in its default configuration (no log
// source, no probe, one snapshot) must say what it needs, not just stay empty. The agent here runs
// as shipped by default on the sample data directory (a real node's snapshot) and is scraped once
// its analysis is out.
import { readFileSync, rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  copySample,
  type Scrape,
  scrape,
  startTestAgent,
  type TestAgent,
} from '../../packages/agent/test/helpers.js';

interface Panel {
  id: number;
  type: string;
  title: string;
  description?: string;
  targets?: { expr: string }[];
}
const dashboard = JSON.parse(
  readFileSync(new URL('../../deploy/grafana/dashboard.json', import.meta.url), 'utf8'),
) as { panels: Panel[] };

let dir: string;
let agent: TestAgent;
let metrics: Scrape;

beforeAll(async () => {
  dir = copySample();
  agent = await startTestAgent({ dataDir: dir });
  const deadline = Date.now() + 60_000;
  for (;;) {
    metrics = await scrape(agent.app);
    if (metrics.value('dqlite_kine_rows') !== undefined) break;
    if (Date.now() > deadline) throw new Error('the sample was not analysed within 60 s');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}, 90_000);

afterAll(async () => {
  await agent?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** The families a panel's queries read, histogram and summary suffixes folded into their family. */
const familiesOf = (panel: Panel) =>
  new Set(
    (panel.targets ?? []).flatMap((t) =>
      [...t.expr.matchAll(/\bdqlite_[a-z_]+/g)].map((m) => m[0].replace(/_(bucket|sum|count)$/, '')),
    ),
  );

describe('dashboard panels in the default configuration', () => {
  const empty = () =>
    dashboard.panels.filter(
      (p) =>
        p.type !== 'row' &&
        [...familiesOf(p)].every((name) => (metrics.families.get(name)?.metrics.length ?? 0) === 0),
    );

  it('are empty exactly for the log, probe and two-snapshot figures', () => {
    expect(empty().map((p) => p.title)).toEqual([
      'Lock errors per second — needs logs or the probe',
      'Lock window duration (p50, p99) — needs logs or the probe',
      'RBAC denials by service account — needs logs',
      'Snapshot write time and interval — needs a new snapshot',
      'Probe latency (p99) — needs the probe',
      'Writes per minute by resource — needs two snapshots',
      'Hot keys (between the two newest snapshots) — needs two snapshots',
    ]);
  });

  it('each empty one says what it needs', () => {
    for (const panel of empty()) {
      expect(panel.description ?? '', panel.title).toMatch(/Empty (in the default configuration|until)/);
      expect(panel.description ?? '', panel.title).toMatch(
        /logs\.files|logs\.journalUnits|--probe-endpoint|probe\.enabled|two snapshots|writes a snapshot/,
      );
    }
  });
});
