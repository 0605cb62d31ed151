// The write metrics stay bounded whatever the writers: at most MAX_RESOURCES resource labels for the
// agent's lifetime (then `other`), MAX_HOT_KEYS keys per comparison, long keys cut in the label.
import { ANALYSIS_SCHEMA_VERSION, type Analysis, type Comparison } from '@dqlite-analyzer/core';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import type { AgentParts } from '../src/collectors/types.js';
import {
  createWritesCollector,
  MAX_HOT_KEYS,
  MAX_KEY_LABEL_CHARS,
  MAX_RESOURCES,
} from '../src/collectors/writes.js';
import { Scrape } from './helpers.js';

const INTERVAL = 60;

function comparison(prefixes: string[], keys: string[]): Comparison {
  const snapshot = {
    path: 'a',
    dataFile: 'a',
    directory: '/d',
    nodeId: '1',
    term: 1,
    index: 1,
    timestampMs: 1,
    modifiedAt: '2026-01-01T00:00:00.000Z',
    currentRevision: 1,
    compactRevision: null,
    nodeAddress: '127.0.0.1:9001',
    configurationIndex: 1,
    servers: [{ id: '3297041220608546238', address: '127.0.0.1:9001', role: 'voter' as const }],
  };
  return {
    schemaVersion: ANALYSIS_SCHEMA_VERSION,
    older: snapshot,
    newer: snapshot,
    lineage: { relation: 'same-node', note: 'one node' },
    intervalSeconds: INTERVAL,
    intervalSource: 'snapshot-timestamps',
    intervalNote: '',
    revisionsWritten: 0,
    retainedRows: 0,
    bookkeepingRows: 0,
    compactedRevisions: 0,
    revisionsPerMinute: null,
    compactedBetween: false,
    writes: keys.map((key, i) => ({
      key,
      prefix: 'configmaps',
      resource: 'configmaps',
      namespace: 'default',
      writer: null,
      revisions: 100 - i,
      bytes: 0,
      perMinute: 100 - i,
    })),
    writesByPrefix: prefixes.map((prefix, i) => ({
      prefix,
      group: '',
      resource: prefix,
      revisions: 10 * (prefixes.length - i),
      bytes: 0,
      keys: 1,
      perMinute: 10 * (prefixes.length - i),
    })),
    eventObjects: [],
  };
}

function setup() {
  const registry = new Registry();
  const runner: { latest: Analysis | undefined } = { latest: undefined };
  const collector = createWritesCollector(registry, { runner } as unknown as AgentParts);
  const show = async (writes: Comparison) => {
    runner.latest = { writes } as Analysis;
    collector.update();
    return new Scrape(await registry.metrics());
  };
  return { show };
}

describe('write metrics', () => {
  it('give at most MAX_RESOURCES prefixes a label for good; the rest add up in other', async () => {
    const { show } = setup();
    const first = Array.from({ length: MAX_RESOURCES + 5 }, (_, i) => `r${i}`);
    let scrape = await show(comparison(first, []));
    const labels = () =>
      scrape.families.get('dqlite_kine_resource_revisions_total')!.metrics.map((m) => m.labels!.resource);
    expect(labels()).toHaveLength(MAX_RESOURCES + 1);
    // The 5 lightest: 10 + 20 + 30 + 40 + 50 revisions.
    expect(scrape.value('dqlite_kine_resource_revisions_total', { resource: 'other' })).toBe(150);
    scrape = await show(comparison(['new-1', 'new-2', 'r0'], []));
    expect(labels()).toHaveLength(MAX_RESOURCES + 1);
    expect(scrape.value('dqlite_kine_resource_revisions_total', { resource: 'other' })).toBe(150 + 30 + 20);
    expect(scrape.value('dqlite_kine_resource_revisions_total', { resource: 'r0' })).toBe(200 + 10);
    expect(scrape.value('dqlite_kine_resource_writes', { resource: 'r0' })).toBe(10);
  });

  it('export MAX_HOT_KEYS keys, a hostile key cut to MAX_KEY_LABEL_CHARS', async () => {
    const { show } = setup();
    const hostile = `/registry/configmaps/default/${'x'.repeat(10_000_000)}`;
    const keys = [hostile, ...Array.from({ length: 20 }, (_, i) => `/registry/configmaps/default/cm-${i}`)];
    const scrape = await show(comparison(['configmaps'], keys));
    const hot = scrape.families.get('dqlite_kine_hot_key_writes')!.metrics;
    expect(hot).toHaveLength(MAX_HOT_KEYS);
    expect(Math.max(...hot.map((m) => m.labels!.key!.length))).toBeLessThanOrEqual(MAX_KEY_LABEL_CHARS);
    expect(hot[0]!.labels).toMatchObject({ kind: 'key', resource: 'configmaps', namespace: 'default' });
    expect(scrape.value('dqlite_kine_writes_interval_seconds')).toBe(INTERVAL);
  });
});
