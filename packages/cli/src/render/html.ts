import type { CompareReport, Plan, Report, Section, Table } from '../report/model.js';
import { bytesChart, CHART_STYLE, escapeHtml as e, revisionsChart, SEVERITY_COLOURS } from './charts.js';
import { LONG_MANIFEST_LINES, longestManifest } from './remediation.js';

// One self-contained HTML file: inline CSS and SVG, no script, and a Content-Security-Policy that
// forbids every fetch, so the report opens the same offline, in a ticket attachment or years later.

const CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

const STYLE = `
:root { color-scheme: light; --fg: #1f2328; --muted: #59636e; --line: #d1d9e0; --bg-soft: #f6f8fa; }
* { box-sizing: border-box; }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); margin: 0; }
main { max-width: 980px; margin: 0 auto; padding: 24px 20px 48px; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 20px; margin: 36px 0 12px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
h3 { font-size: 16px; margin: 0 0 6px; }
code, pre { font: 13px/1.45 ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; }
.subject { color: var(--muted); margin: 0; overflow-wrap: anywhere; }
.verdict { margin: 20px 0; padding: 14px 18px; border-radius: 8px; border-left: 8px solid; }
.verdict strong { font-size: 22px; letter-spacing: .02em; }
.verdict p { margin: 4px 0 0; }
.verdict.not-ready { background: #ffebe9; border-color: ${SEVERITY_COLOURS.critical}; }
.verdict.ready-with-warnings { background: #fff4e5; border-color: ${SEVERITY_COLOURS.warning}; }
.verdict.ready { background: #e8f5e9; border-color: #2e7d32; }
.verdict.storage-only { background: var(--bg-soft); border-color: var(--muted); }
.verdict ul { list-style: none; margin: 10px 0 0; padding: 0; }
.verdict li { margin: 4px 0; overflow-wrap: anywhere; }
.verdict li a { color: inherit; }
.verdict dl { margin: 10px 0 0; }
.verdict.headline { background: #eef4fb; border-color: ${SEVERITY_COLOURS.info}; }
.warning { background: #fff8c5; padding: 8px 12px; border-radius: 6px; }
.charts { display: grid; grid-template-columns: 1fr; gap: 16px; }
figure { margin: 0; padding: 12px 16px; border: 1px solid var(--line); border-radius: 8px; }
figcaption { font-weight: 600; margin-bottom: 6px; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; margin: 0 0 12px; }
dt { font-weight: 600; }
dd { margin: 0; overflow-wrap: anywhere; }
table { border-collapse: collapse; margin: 4px 0 16px; width: 100%; font-size: 14px; }
caption { text-align: left; font-weight: 600; padding: 4px 0; }
th, td { padding: 4px 10px; border-bottom: 1px solid var(--line); text-align: left; }
th { background: var(--bg-soft); }
td { white-space: nowrap; }
@media (max-width: 700px) { th, td { padding: 4px 5px; } table { font-size: 13px; } }
td.key { white-space: normal; overflow-wrap: break-word; }
.table { overflow-x: auto; }
td.num, th.num { text-align: right; white-space: nowrap; }
.note, .omitted { color: var(--muted); font-size: 14px; }
.finding { border: 1px solid var(--line); border-left: 6px solid; border-radius: 8px; padding: 12px 16px; margin: 14px 0; }
.finding.critical { border-left-color: ${SEVERITY_COLOURS.critical}; }
.finding.warning { border-left-color: ${SEVERITY_COLOURS.warning}; }
.finding.info { border-left-color: ${SEVERITY_COLOURS.info}; }
.badge { display: inline-block; color: #fff; border-radius: 4px; padding: 0 6px; font-size: 12px;
  font-weight: 700; text-transform: uppercase; margin-right: 6px; vertical-align: 2px; }
.badge.critical { background: ${SEVERITY_COLOURS.critical}; }
.badge.warning { background: ${SEVERITY_COLOURS.warning}; }
.badge.info { background: ${SEVERITY_COLOURS.info}; }
.finding ul { margin: 4px 0 10px; padding-left: 20px; }
.finding li { overflow-wrap: anywhere; }
pre { background: var(--bg-soft); border: 1px solid var(--line); border-radius: 6px; padding: 10px 12px;
  white-space: pre-wrap; overflow-wrap: anywhere; margin: 4px 0 0; }
details summary { cursor: pointer; color: var(--muted); }
.plan li { margin-bottom: 6px; }
.caution { border-left: 4px solid ${SEVERITY_COLOURS.critical}; background: #ffebe9; padding: 8px 12px;
  border-radius: 4px; margin: 8px 0; }
footer { margin-top: 40px; color: var(--muted); font-size: 13px; }
@media print { .finding, figure { break-inside: avoid; } }
`;

function page(title: string, body: string[]): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<title>${e(title)}</title>
<style>${STYLE}${CHART_STYLE}</style>
</head>
<body>
<main>
${body.join('\n')}
</main>
</body>
</html>
`;
}

const KEY_SEPARATORS = new Set(['/', '-', '.', '_', ':', ',', '|']);
/** Characters of a key between two places it may wrap. */
const KEY_RUN = 20;

/**
 * A key with a line-break opportunity (<wbr>) after each separator and inside long runs without
 * one (a 64-hex-digit ID), so a narrow page wraps it whole instead of cutting or overflowing it.
 */
function keyHtml(key: string): string {
  let out = '';
  let run = 0;
  for (const char of key) {
    out += e(char);
    run = KEY_SEPARATORS.has(char) ? 0 : run + 1;
    if (run === 0 || run === KEY_RUN) {
      out += '<wbr>';
      run = 0;
    }
  }
  return out;
}

function tableHtml(table: Table): string {
  const cls = (i: number) =>
    table.columns[i]?.align === 'right' ? ' class="num"' : table.columns[i]?.shrink ? ' class="key"' : '';
  const head = table.columns.map((c, i) => `<th scope="col"${cls(i)}>${e(c.header)}</th>`).join('');
  const rows = table.rows.map(
    (row) =>
      `<tr>${row.map((cell, i) => `<td${cls(i)}>${table.columns[i]?.shrink ? keyHtml(cell) : e(cell)}</td>`).join('')}</tr>`,
  );
  const omitted =
    table.omitted > 0 ? `<p class="omitted">… and ${table.omitted} more (--top to show more)</p>` : '';
  if (table.rows.length === 0) return `<p><strong>${e(table.title)}</strong>: none</p>`;
  return `<div class="table"><table><caption>${e(table.title)}</caption><thead><tr>${head}</tr></thead><tbody>${rows.join('')}</tbody></table></div>${omitted}`;
}

function sectionHtml(section: Section): string {
  const facts = section.facts.map((f) => `<dt>${e(f.label)}</dt><dd>${e(f.value)}</dd>`).join('');
  return [
    `<section id="${e(section.id)}"><h2>${e(section.title)}</h2>`,
    facts ? `<dl>${facts}</dl>` : '',
    ...section.tables.map(tableHtml),
    ...section.notes.map((n) => `<p class="note">${e(n)}</p>`),
    '</section>',
  ].join('\n');
}

function planHtml(plan: Plan): string {
  const steps = plan.steps.map((step) => {
    const ids =
      step.findings.length > 0 ? ` (${step.findings.map((id) => `<code>${e(id)}</code>`).join(', ')})` : '';
    return `<li><strong>${e(step.title)}</strong>${ids}: ${e(step.why)}.</li>`;
  });
  const cautions = plan.cautions.map((c) => `<p class="caution">${e(c)}</p>`);
  return `<section id="plan"><h2>Upgrade plan</h2><ol class="plan">${steps.join('')}</ol>${cautions.join('')}</section>`;
}

/** The top card: the verdict, every finding by name and severity, the figures that matter. */
function firstScreenHtml(report: Report, link: boolean): string {
  const { verdict, firstScreen } = report;
  const items = firstScreen.findings.map((f, i) => {
    const id = link ? `<a href="#finding-${i + 1}"><code>${e(f.id)}</code></a>` : `<code>${e(f.id)}</code>`;
    return `<li><span class="badge ${f.severity}">${f.severity}</span>${id}: ${e(f.headline)}</li>`;
  });
  const facts = firstScreen.facts.map((f) => `<dt>${e(f.label)}</dt><dd>${e(f.value)}</dd>`).join('');
  return (
    `<section class="verdict ${verdict.level}"><strong>${e(verdict.label)}</strong><p>${e(verdict.summary)}</p>` +
    (items.length > 0 ? `<ul>${items.join('')}</ul>` : '') +
    (facts ? `<dl>${facts}</dl>` : '') +
    '</section>'
  );
}

function remediationHtml(remediation: string): string {
  const block = `<pre><code>${e(remediation)}</code></pre>`;
  const manifest = longestManifest(remediation);
  if (manifest <= LONG_MANIFEST_LINES) return block;
  const lines = remediation.split('\n').length;
  return `<details><summary>${lines} lines, with a ${manifest}-line manifest</summary>${block}</details>`;
}

/** Only the top card (--summary). */
export function renderSummaryHtml(report: Report): string {
  return page(`${report.title}: ${report.subject}`, [
    `<header><h1>${e(report.title)}</h1><p class="subject"><code>${e(report.subject)}</code></p></header>`,
    firstScreenHtml(report, false),
    ...report.warnings.map((w) => `<p class="warning">${e(w)}</p>`),
    `<footer>${e(report.generatedBy)}</footer>`,
  ]);
}

/** The report as one self-contained HTML page with charts. */
export function renderHtml(report: Report): string {
  const { charts } = report;
  const figures: string[] = [];
  if (charts.bytes) {
    figures.push(`<figure><figcaption>Where the bytes are</figcaption>${bytesChart(charts.bytes)}</figure>`);
  }
  if (charts.revisions.length > 0) {
    figures.push(
      `<figure><figcaption>Revisions per resource</figcaption>${revisionsChart(charts.revisions)}</figure>`,
    );
  }
  const findings = report.findings.map(
    (f, i) =>
      `<article class="finding ${f.severity}" id="finding-${i + 1}"><h3><span class="badge ${f.severity}">${f.severity}</span>` +
      `${e(f.title)}</h3><p class="note"><code>${e(f.id)}</code></p><strong>Evidence</strong>` +
      `<ul>${f.evidence.map((line) => `<li>${e(line)}</li>`).join('')}</ul>` +
      `<strong>Remediation</strong>${remediationHtml(f.remediation)}</article>`,
  );
  return page(`${report.title}: ${report.subject}`, [
    `<header><h1>${e(report.title)}</h1><p class="subject"><code>${e(report.subject)}</code></p></header>`,
    firstScreenHtml(report, true),
    ...report.warnings.map((w) => `<p class="warning">${e(w)}</p>`),
    figures.length > 0 ? `<section class="charts">${figures.join('')}</section>` : '',
    ...report.sections.map(sectionHtml),
    `<section id="findings"><h2>Findings (${report.findings.length})</h2>${findings.join('') || '<p>None.</p>'}</section>`,
    report.plan ? planHtml(report.plan) : '',
    `<footer>${e(report.generatedBy)}</footer>`,
  ]);
}

/** The compare report as one self-contained HTML page with a chart of the top writers. */
export function renderCompareHtml(report: CompareReport): string {
  const bars = report.writers.map((w) => ({ label: w.label, latest: w.revisions, history: 0 }));
  const chart =
    bars.length > 0
      ? `<figure><figcaption>Top writers between the snapshots</figcaption>${revisionsChart(bars, 'Revisions written per key', ['revisions written', null])}</figure>`
      : '';
  return page(report.title, [
    `<header><h1>${e(report.title)}</h1></header>`,
    `<section class="verdict headline"><p>${e(report.headline)}</p></section>`,
    ...report.warnings.map((w) => `<p class="warning">${e(w)}</p>`),
    chart,
    ...report.sections.map(sectionHtml),
    `<footer>${e(report.generatedBy)}</footer>`,
  ]);
}
