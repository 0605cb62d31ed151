import type { Analysis, DatabaseAnalysis, Severity } from '@dqlite-analyzer/core';
import { KINE_RETRY_BUDGET_SECONDS } from '@dqlite-analyzer/core/report-values';
import type { Verdict } from './model.js';
import { buildVerdict } from './verdict.js';

// The first screen of every format, and all that `--summary` prints: the verdict, one line per
// finding, the top writer and the storage figures an on-call engineer decides on. Plain figures
// here (the JSON form); analysis-report.ts words them for the other formats.

export interface SummaryFinding {
  severity: Severity;
  id: string;
  /** The finding's title: what is wrong, with its number. */
  headline: string;
}

/**
 * The key written most between the data directory's two newest snapshots. The write figures come
 * with issue #13 (`Analysis.writes`, the Comparison of the two snapshots); until the Analysis
 * carries them this is always null and the first screen says nothing about writers.
 */
export interface TopWriter {
  key: string;
  revisions: number;
  /** Revisions per minute; null when the time between the snapshots is unknown. */
  perMinute: number | null;
}

/** The database whose size decides the snapshot's cost: the kine one, else the largest. */
export interface StorageSummary {
  database: string;
  /** page_count × page_size: what the next snapshot copies. */
  fileBytes: number;
  /** Bytes of the live keys' rows; null without a kine table. */
  liveBytes: number | null;
  /** Size after VACUUM: exact with --vacuum, else the estimate. */
  vacuumedBytes: number;
  vacuumedExact: boolean;
  /** Modelled time one snapshot of all databases keeps the node busy (the snapshot-lock-window model). */
  lockWindowSeconds: number | null;
  /** kine's retry budget the lock window is measured against. */
  retryBudgetSeconds: number;
}

export interface Summary {
  verdict: Verdict;
  findings: SummaryFinding[];
  topWriter: TopWriter | null;
  storage: StorageSummary | null;
}

/** The kine database, or the largest one when none is kine (--storage-only). */
export function storageDatabase(analysis: Analysis): DatabaseAnalysis | undefined {
  const kine = analysis.kine?.database;
  const named = kine === undefined ? undefined : analysis.databases.find((d) => d.name === kine);
  return named ?? [...analysis.databases].sort((a, b) => b.fileBytes - a.fileBytes)[0];
}

/**
 * The part of #13's `Analysis.writes` (a Comparison, or null when there is no write rate) the first
 * screen reads, typed here so this works before and after that field exists.
 */
interface WithWrites {
  writes?: { writes: readonly { key: string; revisions: number; perMinute: number | null }[] } | null;
}

/** The top writer between the two snapshots, when the analysis measured the writes. */
export function topWriterOf(analysis: Analysis): TopWriter | null {
  const top = (analysis as Analysis & WithWrites).writes?.writes[0];
  return top ? { key: top.key, revisions: top.revisions, perMinute: top.perMinute } : null;
}

/** The first screen's figures, from the analysis alone. */
export function buildSummary(analysis: Analysis): Summary {
  const db = storageDatabase(analysis);
  const lock = analysis.lockWindowEstimate;
  return {
    verdict: buildVerdict(analysis.findings, analysis.partial, analysis.kine !== null),
    findings: analysis.findings.map((f) => ({ severity: f.severity, id: f.id, headline: f.title })),
    topWriter: topWriterOf(analysis),
    storage: db
      ? {
          database: db.name,
          fileBytes: db.fileBytes,
          liveBytes: analysis.kine?.liveBytes ?? null,
          vacuumedBytes: db.vacuumedBytes ?? db.estimatedVacuumedBytes,
          vacuumedExact: db.vacuumedBytes !== undefined,
          lockWindowSeconds: lock ? lock.estimatedSeconds : null,
          retryBudgetSeconds: lock ? lock.budgetSeconds : KINE_RETRY_BUDGET_SECONDS,
        }
      : null,
  };
}
