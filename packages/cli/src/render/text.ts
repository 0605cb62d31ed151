import type { CompareReport, Fact, Plan, Report, Section, Table } from '../report/model.js';
import type { ReportOptions } from '../report/report-options.js';
import { createPalette, type Palette, paintSeverity, paintVerdict } from './colors.js';
import { layoutTable } from './columns.js';
import { shortenRemediation } from './remediation.js';
import { wrapShell, wrapWords } from './wrap.js';

const INDENT = '  ';

/**
 * The report for a terminal: 80 columns, tables, colour only when asked. The first screen is the
 * answer (verdict, one line per finding, the figures that matter); the details follow.
 */
export function renderText(report: Report, options: ReportOptions): string {
  const p = createPalette(options.color);
  const width = options.width ?? 80;
  const out = firstScreenLines(report, p, width);
  if (options.summary) return `${out.join('\n')}\n`;
  for (const section of report.sections) out.push('', ...sectionLines(section, p, width));
  out.push('', ...findingLines(report, p, width, options.fullRemediation === true));
  if (report.plan) out.push('', ...planLines(report.plan, p, width));
  out.push('', p.dim(`${report.title} · ${report.generatedBy}`));
  return `${out.join('\n')}\n`;
}

function firstScreenLines(report: Report, p: Palette, width: number): string[] {
  // The verdict opens the report, on the line naming what was analysed.
  const { label, level } = report.verdict;
  const [first, ...rest] = wrapWords(`${label} — ${report.subject}`, width);
  const out = [first!.replace(label, paintVerdict(p, level, label)), ...rest];
  out.push(...wrapWords(report.verdict.summary, width));
  out.push(...warningLines(report.warnings, p, width));
  const { findings, facts } = report.firstScreen;
  if (findings.length > 0) out.push('');
  for (const f of findings) {
    const tag = `${f.severity.toUpperCase()} ${f.id}`;
    const [first, ...rest] = hanging(`${tag}: ${f.headline}`, INDENT, width, `${INDENT}    `);
    out.push(first!.replace(tag, paintSeverity(p, f.severity, tag)), ...rest);
  }
  if (facts.length > 0) out.push('', ...factLines(facts, p, width));
  return out;
}

/** The compare report for a terminal. */
export function renderCompareText(report: CompareReport, options: ReportOptions): string {
  const p = createPalette(options.color);
  const width = options.width ?? 80;
  const out: string[] = [p.bold(report.title), p.dim(report.generatedBy), ''];
  out.push(...wrapWords(report.headline, width));
  out.push(...warningLines(report.warnings, p, width));
  for (const section of report.sections) out.push('', ...sectionLines(section, p, width));
  return `${out.join('\n')}\n`;
}

function warningLines(warnings: string[], p: Palette, width: number): string[] {
  if (warnings.length === 0) return [];
  return ['', ...warnings.flatMap((w) => hanging(w, '! ', width).map((line) => p.yellow(line)))];
}

function heading(title: string, p: Palette): string {
  return p.bold(title.toUpperCase());
}

/**
 * A line with a prefix, continued under the text: `  1. text…` / `     …text`; `pad` (default: as wide
 * as the prefix) starts the continuation lines.
 */
function hanging(text: string, prefix: string, width: number, pad = ' '.repeat(prefix.length)): string[] {
  return wrapWords(text, width - pad.length, width - prefix.length).map(
    (line, i) => (i === 0 ? prefix : pad) + line,
  );
}

function factLines(facts: Fact[], p: Palette, width: number): string[] {
  const out: string[] = [];
  const labelWidth = Math.max(0, ...facts.map((f) => f.label.length)) + 2;
  for (const fact of facts) {
    const lines = wrapWords(fact.value, width - INDENT.length - labelWidth);
    lines.forEach((line, i) => {
      const label = i === 0 ? fact.label.padEnd(labelWidth) : ' '.repeat(labelWidth);
      out.push(INDENT + (i === 0 ? p.bold(label) : label) + line);
    });
  }
  return out;
}

export function sectionLines(section: Section, p: Palette, width: number): string[] {
  const out = [heading(section.title, p), ...factLines(section.facts, p, width)];
  for (const table of section.tables) out.push('', ...tableLines(table, p, width));
  if (section.notes.length > 0) out.push('');
  for (const note of section.notes) out.push(...hanging(note, INDENT, width).map((l) => p.dim(l)));
  return out;
}

function tableLines(table: Table, p: Palette, width: number): string[] {
  const out = [INDENT + p.bold(table.title)];
  if (table.rows.length === 0) return [...out, `${INDENT}${p.dim('(none)')}`];
  const { header, rows } = layoutTable(table, width - INDENT.length);
  out.push(INDENT + p.dim(header), ...rows.flat().map((line) => INDENT + line));
  if (table.omitted > 0) out.push(INDENT + p.dim(`… and ${table.omitted} more (--top to show more)`));
  return out;
}

function findingLines(report: Report, p: Palette, width: number, full: boolean): string[] {
  const out = [heading(`Findings (${report.findings.length})`, p)];
  if (report.findings.length === 0) out.push(`${INDENT}None.`);
  report.findings.forEach((finding, i) => {
    const number = `${INDENT}${i + 1}. `;
    const tag = `${finding.severity.toUpperCase()} ${finding.id}`;
    out.push('', number + paintSeverity(p, finding.severity, tag));
    const body = ' '.repeat(number.length);
    out.push(...wrapWords(finding.title, width - body.length).map((l) => body + p.bold(l)));
    out.push(`${body}Evidence:`);
    for (const line of finding.evidence) out.push(...evidenceLines(line, body, width));
    out.push(`${body}Remediation:`);
    const code = `${body}  `;
    const remediation = full ? finding.remediation : shortenRemediation(finding.remediation);
    out.push(...wrapShell(remediation, width - code.length).map((l) => (l ? code + l : '')));
  });
  return out;
}

// A `verify:` command is broken as a shell command (backslashes, the comment on lines of its own),
// so that the lines pasted as printed are the command.
function evidenceLines(line: string, body: string, width: number): string[] {
  const at = line.indexOf(VERIFY);
  if (at < 0 || line.startsWith('none', at + VERIFY.length)) return hanging(line, `${body}- `, width);
  const code = `${body}    `;
  return [
    ...hanging(line.slice(0, at + VERIFY.length - 1), `${body}- `, width),
    ...wrapShell(line.slice(at + VERIFY.length), width - code.length).map((l) => code + l),
  ];
}

const VERIFY = 'verify: ';

function planLines(plan: Plan, p: Palette, width: number): string[] {
  const out = [heading('Upgrade plan', p)];
  plan.steps.forEach((step, i) => {
    const number = `${INDENT}${i + 1}. `;
    const resolves = step.findings.length > 0 ? ` (${step.findings.join(', ')})` : '';
    out.push(...hanging(`${step.title}${resolves}`, number, width).map((l) => p.bold(l)));
    out.push(...hanging(step.why, ' '.repeat(number.length), width));
  });
  out.push('');
  for (const caution of plan.cautions) out.push(...hanging(caution, `${INDENT}! `, width));
  return out;
}
