import type { Analysis, Comparison } from '@dqlite-analyzer/core';
import type { Format } from '../terminal.js';
import { buildCompareReport } from './compare-rows.js';
import { renderCompareHtml, renderHtml } from './html.js';
import { renderCompareJson, renderJson } from './json.js';
import { renderCompareMarkdown, renderMarkdown } from './markdown.js';
import { buildReport } from './rows.js';
import { renderCompareText, renderText } from './text.js';

/** What every renderer may use besides the data. */
export interface RenderContext {
  /** `dqlite-analyze 0.1.0` */
  generatedBy: string;
  /** Rows per table (--top). */
  top: number;
  /** ANSI colours; only the text format uses them. */
  color: boolean;
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
    analysis: (a) => renderJson(a),
    comparison: (x) => renderCompareJson(x),
  },
  markdown: {
    analysis: (a, c) => renderMarkdown(buildReport(a, c)),
    comparison: (x, c) => renderCompareMarkdown(buildCompareReport(x, c)),
  },
  html: {
    analysis: (a, c) => renderHtml(buildReport(a, c)),
    comparison: (x, c) => renderCompareHtml(buildCompareReport(x, c)),
  },
};
