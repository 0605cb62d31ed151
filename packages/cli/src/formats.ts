import type { Analysis, Comparison } from '@dqlite-analyzer/core';
import { renderCompareHtml, renderHtml, renderSummaryHtml } from './render/html.js';
import { renderCompareJson, renderJson } from './render/json.js';
import { renderCompareMarkdown, renderMarkdown, renderSummaryMarkdown } from './render/markdown.js';
import { renderCompareText, renderText } from './render/text.js';
import { buildReport } from './report/analysis-report.js';
import { buildCompareReport } from './report/compare-report.js';
import type { ReportOptions } from './report/report-options.js';
import { buildSummary, type Summary } from './report/summary.js';
import type { Format } from './terminal.js';

// Where the two halves meet: report/ builds one report model from the core's result, render/ lays
// that model out per format. Neither folder imports the other's caller; render/ only reads report/'s model.

/** One output format: pure functions from the core's result to the whole document. */
export interface Renderer {
  /** `summary`: the analysis's first screen, when the caller has built it already (it is built once). */
  analysis(analysis: Analysis, options: ReportOptions, summary?: Summary): string;
  comparison(comparison: Comparison, options: ReportOptions): string;
}

/** Every format, by its --format name. JSON is the core's object itself; the others lay out one report. */
export const RENDERERS: Record<Format, Renderer> = {
  text: {
    analysis: (a, c, s) => renderText(buildReport(a, c, s), c),
    comparison: (x, c) => renderCompareText(buildCompareReport(x, c), c),
  },
  json: {
    analysis: (a, c, s) => renderJson(s ?? buildSummary(a), c.summary ? undefined : a),
    comparison: (x) => renderCompareJson(x),
  },
  markdown: {
    analysis: (a, c, s) => (c.summary ? renderSummaryMarkdown : renderMarkdown)(buildReport(a, c, s)),
    comparison: (x, c) => renderCompareMarkdown(buildCompareReport(x, c)),
  },
  html: {
    analysis: (a, c, s) => (c.summary ? renderSummaryHtml : renderHtml)(buildReport(a, c, s)),
    comparison: (x, c) => renderCompareHtml(buildCompareReport(x, c)),
  },
};
