import type { CompareReport, Report } from './model.js';

export function renderHtml(report: Report): string {
  return `<!doctype html><title>${report.title}</title>\n`;
}

export function renderCompareHtml(report: CompareReport): string {
  return `<!doctype html><title>${report.title}</title>\n`;
}
