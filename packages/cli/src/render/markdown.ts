import type { CompareReport, Report } from './model.js';

export function renderMarkdown(report: Report): string {
  return `# ${report.title}\n`;
}

export function renderCompareMarkdown(report: CompareReport): string {
  return `# ${report.title}\n`;
}
