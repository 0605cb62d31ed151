import type { FindingId, Severity } from '@dqlite-analyzer/core';

// The report as formatted strings, built once (analysis-report.ts, compare-report.ts) and laid out by
// each format in render/: text, markdown and HTML print the same figures the same way (etcdutl's
// shared makeDBStatusTable).

export type Align = 'left' | 'right';

export interface Column {
  header: string;
  align: Align;
  /** The column that gives way (middle-truncated) when a text table is wider than the terminal. */
  shrink?: boolean;
}

export interface Table {
  title: string;
  columns: Column[];
  rows: string[][];
  /** Rows left out by --top; the renderers say so under the table. */
  omitted: number;
}

export interface Fact {
  label: string;
  value: string;
}

export interface Section {
  id: string;
  title: string;
  facts: Fact[];
  tables: Table[];
  /** Plain sentences shown after the tables. */
  notes: string[];
}

/** `storage-only`: no kine table (--storage-only), so no cluster and no upgrade verdict. */
export type VerdictLevel = 'ready' | 'ready-with-warnings' | 'not-ready' | 'storage-only';

export interface Verdict {
  level: VerdictLevel;
  /** `READY`, `READY WITH WARNINGS`, `NOT READY`. */
  label: string;
  /** One sentence: the counts and what they mean. */
  summary: string;
  counts: Record<Severity, number>;
}

export interface FindingView {
  id: FindingId;
  severity: Severity;
  title: string;
  evidence: string[];
  /** Shell commands and comments, one block, copied from the finding unchanged. */
  remediation: string;
}

export interface PlanStep {
  title: string;
  /** Why this step comes here, in plain words. */
  why: string;
  /** Ids of the findings this step resolves (whose remediation holds the commands). */
  findings: FindingId[];
}

export interface Plan {
  steps: PlanStep[];
  /** Facts every upgrade must respect, whatever the findings. */
  cautions: string[];
}

/** Bytes of one database by what holds them: the "where the bytes are" chart. */
export interface ByteSlice {
  label: string;
  bytes: number;
  tone: 'live' | 'history' | 'free' | 'other';
}

export interface Charts {
  bytes: { database: string; fileBytes: number; compactedBytes: number; slices: ByteSlice[] } | null;
  /** Retained rows per resource, largest first (the --top of them). */
  /** `latest`: each key's newest row (live or tombstone); `history`: superseded revisions. */
  revisions: { label: string; latest: number; history: number }[];
}

/** What every format shows first, and all that --summary shows (summary.ts has the figures). */
export interface FirstScreen {
  /** One line per finding, most severe first. */
  findings: { severity: Severity; id: string; headline: string }[];
  /** The top writer (when write figures exist) and the storage figures that matter, worded. */
  facts: Fact[];
}

/** The analysis report, ready to lay out. */
export interface Report {
  title: string;
  /** What was analysed: the file actually read. */
  subject: string;
  generatedBy: string;
  verdict: Verdict;
  firstScreen: FirstScreen;
  /** Partial reads and other caveats that apply to every figure. */
  warnings: string[];
  sections: Section[];
  findings: FindingView[];
  /** null without a kine table: no cluster, nothing to upgrade. */
  plan: Plan | null;
  charts: Charts;
}

/** The compare report, ready to lay out. */
export interface CompareReport {
  title: string;
  generatedBy: string;
  /** One sentence: what was written and how fast. */
  headline: string;
  warnings: string[];
  sections: Section[];
  /** Top writers for the HTML bar chart. */
  writers: { label: string; revisions: number }[];
}

/** Cut a list to --top and say how many were left out. */
export function topRows<T>(items: readonly T[], top: number, row: (item: T) => string[]) {
  return { rows: items.slice(0, top).map(row), omitted: Math.max(0, items.length - top) };
}
