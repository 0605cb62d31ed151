// The analysis of the real sample snapshot (fixtures/README.md) and a small comparison, for renderer tests.
import { readFileSync } from 'node:fs';
import type { Analysis, Comparison } from '@dqlite-analyzer/core';
import type { ReportOptions } from '../../src/report/report-options.js';

export const SAMPLE: Analysis = JSON.parse(
  readFileSync(new URL('../fixtures/sample-analysis.json', import.meta.url), 'utf8'),
) as Analysis;

/** A fresh copy to change in one test. */
export const sample = (): Analysis => structuredClone(SAMPLE);

export const CONTEXT: ReportOptions = { generatedBy: 'dqlite-analyze 0.0.0-test', top: 10, color: false };

const KEY = '/registry/crd.projectcalico.org/clusterinformations/default';

export const COMPARISON: Comparison = {
  schemaVersion: 2,
  older: {
    path: 'backend/snapshot-1-1024-3836320',
    dataFile: 'backend/snapshot-1-1024-3836320',
    directory: '/srv/backend',
    nodeId: null,
    nodeAddress: null,
    configurationIndex: 1,
    servers: [{ id: '3297041220608546238', address: '127.0.0.1:9001', role: 'voter' as const }],
    term: 1,
    index: 1024,
    timestampMs: 3_836_320,
    modifiedAt: '2026-01-01T00:00:00.000Z',
    currentRevision: 42,
    compactRevision: null,
  },
  newer: {
    path: 'backend/snapshot-1-2048-3896320',
    dataFile: 'backend/snapshot-1-2048-3896320',
    directory: '/srv/backend',
    nodeId: null,
    nodeAddress: null,
    configurationIndex: 1,
    servers: [{ id: '3297041220608546238', address: '127.0.0.1:9001', role: 'voter' as const }],
    term: 1,
    index: 2048,
    timestampMs: 3_896_320,
    modifiedAt: '2026-01-01T00:01:00.000Z',
    currentRevision: 646,
    compactRevision: null,
  },
  lineage: {
    relation: 'same-node',
    note: 'one node (directory /srv/backend); configurations at index 1 and 1 agree',
  },
  intervalSeconds: 60,
  intervalSource: 'snapshot-timestamps',
  intervalNote:
    'snapshot file names of one node (/srv/backend), term 1: 3,836,320 ms → 3,896,320 ms on its monotonic clock',
  revisionsWritten: 604,
  retainedRows: 604,
  bookkeepingRows: 0,
  compactedRevisions: 0,
  revisionsPerMinute: 604,
  compactedBetween: false,
  writes: [
    {
      key: KEY,
      prefix: 'crd.projectcalico.org/clusterinformations',
      resource: 'clusterinformations',
      namespace: null,
      writer: 'the controller or client updating clusterinformations default (its managedFields name it)',
      revisions: 600,
      bytes: 108_000,
      perMinute: 600,
    },
    {
      key: '/registry/pods/default/web|1',
      prefix: 'pods',
      resource: 'pods',
      namespace: 'default',
      writer: 'the controller or client updating pods default/web|1 (its managedFields name it)',
      revisions: 4,
      bytes: 3_300,
      perMinute: 4,
    },
  ],
  writesByPrefix: [
    {
      prefix: 'crd.projectcalico.org/clusterinformations',
      group: 'crd.projectcalico.org',
      resource: 'clusterinformations',
      revisions: 600,
      bytes: 108_000,
      keys: 1,
      perMinute: 600,
    },
    { prefix: 'pods', group: '', resource: 'pods', revisions: 4, bytes: 3_300, keys: 1, perMinute: 4 },
  ],
  eventObjects: [],
};
