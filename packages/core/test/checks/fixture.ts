// A minimal healthy Analysis for the check unit tests: each test changes the few fields its check reads.
import type { Analysis, DatabaseAnalysis, KineAnalysis } from '../../src/analysis-types.js';
import { type WebhookRecord, webhookCollector } from '../../src/scan/index.js';

const PAGE = 4096;

export function database(over: Partial<DatabaseAnalysis> = {}): DatabaseAnalysis {
  const pageCount = over.pageCount ?? 1000;
  const freelistCount = over.freelistCount ?? 10;
  return {
    name: 'k8s',
    pageSize: PAGE,
    pageCount,
    freelistCount,
    fileBytes: pageCount * PAGE,
    mainFileBytes: pageCount * PAGE,
    walBytes: 0,
    walFrames: 0,
    walCommittedFrames: 0,
    walValidFrames: 0,
    freeBytes: freelistCount * PAGE,
    freePageShare: freelistCount / pageCount,
    estimatedVacuumedBytes: (pageCount - freelistCount) * PAGE,
    userVersion: 1,
    isKine: true,
    tables: ['kine', 'sqlite_sequence'],
    objects: [],
    integrity: { check: 'quick', ok: true, problems: [] },
    ...over,
  };
}

export function kine(over: Partial<KineAnalysis> = {}): KineAnalysis {
  return {
    database: 'k8s',
    schema: {
      userVersion: 1,
      indexes: ['kine_name_index', 'kine_name_prev_revision_uindex'],
      variant: 'k8s-dqlite-v1',
    },
    rows: 1200,
    rowsNotDeleted: 1190,
    tombstones: 10,
    liveKeys: 1000,
    liveBytes: 3_000_000,
    liveValueBytes: 2_900_000,
    deletedKeys: 5,
    historyRows: 195,
    historyBytes: 200_000,
    historyRowsPassed: 0,
    gapRows: 0,
    compactRevKeyRows: 1,
    currentRevision: 50_000,
    compactRevision: 49_000,
    revisionsSinceCompaction: 1000,
    sequence: 50_000,
    fileToLiveRatio: 1.4,
    gapRowsCompacted: 0,
    ...over,
  };
}

export function analysis(over: Partial<Analysis> = {}): Analysis {
  const db = over.databases?.[0] ?? database();
  return {
    schemaVersion: 2,
    analyzedAt: '2026-01-01T00:00:00.000Z',
    source: {
      path: '/var/snap/microk8s/current/var/kubernetes/backend',
      kind: 'data-dir',
      dataFile: '/var/snap/microk8s/current/var/kubernetes/backend/snapshot-2-5000-90000',
      metaFile: '/var/snap/microk8s/current/var/kubernetes/backend/snapshot-2-5000-90000.meta',
      compression: 'lz4',
      bytesOnDisk: Math.round(db.fileBytes / 8),
      payloadBytes: db.fileBytes + 64,
      modifiedAt: '2026-01-01T00:00:00.000Z',
    },
    raft: null,
    dataDir: null,
    partial: false,
    warnings: [],
    truncatedLists: {},
    databases: [db],
    kine: kine(),
    prefixes: [],
    hotKeys: [],
    leases: [],
    objects: {
      webhooks: [],
      webhookSummary: webhookCollector().finish().summary,
      controllers: [],
      clusterInformation: null,
      ipam: null,
      secrets: {
        liveKeys: 0,
        liveEncrypted: 0,
        livePlaintext: 0,
        keysWithEncryption: 0,
        plaintextHistoryRows: 0,
        plaintextHistoryKeys: 0,
        plaintextHistoryBytes: 0,
      },
    },
    decoding: [],
    lockWindowEstimate: null,
    writes: null,
    writesUnavailable: 'no write rate: the input is one file',
    findings: [],
    timings: {},
    ...over,
  };
}

/** The analysis with these webhooks in its objects, kept and counted as the scan does. */
export function withWebhooks(a: Analysis, records: Iterable<WebhookRecord>): Analysis {
  const collector = webhookCollector();
  for (const record of records) collector.add(record);
  const { webhooks, summary } = collector.finish();
  a.objects!.webhooks = webhooks;
  a.objects!.webhookSummary = summary;
  return a;
}
