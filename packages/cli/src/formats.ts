import type { Analysis, Comparison } from '@dqlite-analyzer/core';
import { renderCompareHtml, renderHtml, renderSummaryHtml } from './render/html.js';
import { renderCompareJson, renderJson } from './render/json.js';
import { renderCompareMarkdown, renderMarkdown, renderSummaryMarkdown } from './render/markdown.js';
import { renderCompareText, renderText } from './render/text.js';
import { buildReport } from './report/analysis-report.js';
import { buildCompareReport } from './report/compare-report.js';
import { buildSummary } from './report/summary.js';
import type { Format } from './terminal.js';

// Where the two halves meet: report/ builds one report model from the core's result, render/ lays
// that model out per format. Neither folder imports the other's caller; render/ only reads report/'s model.

/** What every format may use besides the data. */
export interface RenderContext {
  /** `dqlite-analyze 0.1.0` */
  generatedBy: string;
  /** Rows per table (--top). */
  top: number;
  /** ANSI colours; only the text format uses them. */
  color: boolean;
  /** Only the first screen: verdict, findings, top writer, storage (--summary). */
  summary?: boolean;
  /** Columns of the text report (80; --wide: the terminal's). */
  width?: number;
  /** Long manifests in full in the text report (--full-remediation). */
  fullRemediation?: boolean;
}

/** One output format: pure functions from the core's result to the whole document. */
export interface Renderer {
  analysis(analysis: Analysis, context: RenderContext): string;
  comparison(comparison: Comparison, context: RenderContext): string;
}

/** Every format, by its --format name. JSON is the core's object itself; the others lay out one report. */
export const RENDERERS: Record<Format, Renderer> = {
  text: {
    analysis: (a, c) => renderText(buildReport(a, c), c),
    comparison: (x, c) => renderCompareText(buildCompareReport(x, c), c),
  },
  json: {
    analysis: (a, c) => renderJson(buildSummary(a), c.summary ? undefined : a),
    comparison: (x) => renderCompareJson(x),
  },
  markdown: {
    analysis: (a, c) => (c.summary ? renderSummaryMarkdown : renderMarkdown)(buildReport(a, c)),
    comparison: (x, c) => renderCompareMarkdown(buildCompareReport(x, c)),
  },
  html: {
    analysis: (a, c) => (c.summary ? renderSummaryHtml : renderHtml)(buildReport(a, c)),
    comparison: (x, c) => renderCompareHtml(buildCompareReport(x, c)),
  },
};
