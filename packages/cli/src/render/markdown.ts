import type { CompareReport, Plan, Report, Section, Table } from '../report/model.js';

// GitHub-flavoured Markdown for a ticket or a post-incident review: pasted as is, it renders with
// headings, tables and copyable code blocks. Text from the snapshot (keys, names) is escaped, so a
// key holding `|` or `*` cannot break a table or turn bold.

const SEVERITY_MARK = { critical: '🔴', warning: '🟠', info: '🔵' } as const;
const VERDICT_MARK = {
  'not-ready': '🔴',
  'ready-with-warnings': '🟠',
  ready: '🟢',
  'storage-only': '⚪',
} as const;

/**
 * Escape what Markdown would read as syntax inside a line: emphasis, code, links, HTML, table cells
 * and strikethrough. Line-start syntax (`#`, `-`, `1.`) cannot occur: every text follows a prefix.
 */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_[\]<>|~]/g, '\\$&').replace(/\n/g, ' ');
}

/** A fenced code block whose fence is longer than any backtick run inside it. */
function codeBlock(code: string, lang = ''): string[] {
  const longest = Math.max(2, ...(code.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  return [`${fence}${lang}`, ...code.split('\n'), fence];
}

function tableLines(table: Table): string[] {
  const out = [`**${escapeMarkdown(table.title)}**`, ''];
  if (table.rows.length === 0) return [...out, '_none_'];
  const row = (cells: string[]) => `| ${cells.map(escapeMarkdown).join(' | ')} |`;
  out.push(row(table.columns.map((c) => c.header)));
  out.push(`|${table.columns.map((c) => (c.align === 'right' ? ' ---: ' : ' --- ')).join('|')}|`);
  out.push(...table.rows.map(row));
  if (table.omitted > 0) out.push('', `_… and ${table.omitted} more (--top to show more)_`);
  return out;
}

export function sectionLines(section: Section): string[] {
  const out = [`## ${escapeMarkdown(section.title)}`, ''];
  if (section.facts.length > 0) {
    out.push(...section.facts.map((f) => `- **${escapeMarkdown(f.label)}:** ${escapeMarkdown(f.value)}`), '');
  }
  for (const table of section.tables) out.push(...tableLines(table), '');
  for (const note of section.notes) out.push(`_${escapeMarkdown(note)}_`, '');
  return out;
}

function planLines(plan: Plan): string[] {
  const out = ['## Upgrade plan', ''];
  plan.steps.forEach((step, i) => {
    const resolves =
      step.findings.length > 0 ? ` (${step.findings.map((id) => `\`${id}\``).join(', ')})` : '';
    out.push(`${i + 1}. **${escapeMarkdown(step.title)}**${resolves}: ${escapeMarkdown(step.why)}.`);
  });
  out.push('');
  for (const caution of plan.cautions) out.push(`> **Caution:** ${escapeMarkdown(caution)}`, '>');
  out.pop();
  return out;
}

/** The first screen: verdict, one line per finding, the figures that matter. */
function firstScreenLines(report: Report): string[] {
  const { verdict, firstScreen } = report;
  const out = [`# ${escapeMarkdown(report.title)}`, ''];
  out.push(`\`${report.subject.replace(/`/g, "'")}\` · ${escapeMarkdown(report.generatedBy)}`, '');
  out.push(`> ${VERDICT_MARK[verdict.level]} **${verdict.label}** — ${escapeMarkdown(verdict.summary)}`, '');
  for (const warning of report.warnings) out.push(`> **Warning:** ${escapeMarkdown(warning)}`, '');
  for (const f of firstScreen.findings) {
    out.push(`- ${SEVERITY_MARK[f.severity]} **${f.severity}** \`${f.id}\`: ${escapeMarkdown(f.headline)}`);
  }
  if (firstScreen.findings.length > 0) out.push('');
  for (const fact of firstScreen.facts) {
    out.push(`- **${escapeMarkdown(fact.label)}:** ${escapeMarkdown(fact.value)}`);
  }
  if (firstScreen.facts.length > 0) out.push('');
  return out;
}

/** Only the first screen (--summary), for a chat message or a ticket's first lines. */
export function renderSummaryMarkdown(report: Report): string {
  return `${firstScreenLines(report).join('\n').trimEnd()}\n`;
}

/** The report as paste-ready Markdown. */
export function renderMarkdown(report: Report): string {
  const out = firstScreenLines(report);
  for (const section of report.sections) out.push(...sectionLines(section));
  out.push(`## Findings (${report.findings.length})`, '');
  if (report.findings.length === 0) out.push('None.', '');
  report.findings.forEach((f, i) => {
    out.push(`### ${i + 1}. ${SEVERITY_MARK[f.severity]} ${f.severity}: ${escapeMarkdown(f.title)}`, '');
    out.push(`\`${f.id}\``, '', '**Evidence**', '');
    out.push(...f.evidence.map((line) => `- ${escapeMarkdown(line)}`), '');
    out.push('**Remediation**', '', ...codeBlock(f.remediation, 'sh'), '');
  });
  if (report.plan) out.push(...planLines(report.plan), '');
  return out.join('\n');
}

/** The compare report as paste-ready Markdown. */
export function renderCompareMarkdown(report: CompareReport): string {
  const out = [`# ${escapeMarkdown(report.title)}`, '', escapeMarkdown(report.generatedBy), ''];
  out.push(`> ${escapeMarkdown(report.headline)}`, '');
  for (const warning of report.warnings) out.push(`> **Warning:** ${escapeMarkdown(warning)}`, '');
  for (const section of report.sections) out.push(...sectionLines(section));
  return `${out.join('\n').trimEnd()}\n`;
}
