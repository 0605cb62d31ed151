import type { Severity } from '@dqlite-analyzer/core';
import { formatBytes, formatCount, formatPercent } from '../report/format.js';
import type { ByteSlice, Charts } from '../report/model.js';

// The HTML report's charts as plain elements whose widths are percentages: no script, no font and no
// network when the file is opened, bars that fill their card at any width, and labels in the page's
// own font size (text inside a scaled SVG shrinks to 9 px on a phone and grows to 18 px on a wide
// screen). Every bar has a title and a text legend with the exact figures.

/** Escape text for HTML content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export const TONE_COLOURS: Record<ByteSlice['tone'] | 'latest', string> = {
  live: '#2e7d32',
  latest: '#2e7d32',
  history: '#ef6c00',
  free: '#9e9e9e',
  other: '#64b5f6',
};

export const SEVERITY_COLOURS: Record<Severity, string> = {
  critical: '#c62828',
  warning: '#ef6c00',
  info: '#1565c0',
};

/** The charts' CSS, added to the page's style sheet. */
export const CHART_STYLE = `
.bar { position: relative; display: flex; height: 34px; margin: 24px 0 10px; background: var(--bg-soft); }
.bar span { display: block; height: 100%; min-width: 1px; }
.bar .vacuum { position: absolute; top: -8px; bottom: -4px; border-left: 2px dashed #212121; min-width: 0;
  transform: translateX(-1px); }
.bar .vacuum b { position: absolute; top: -20px; font: 12px/1 system-ui, sans-serif; white-space: nowrap; }
.bar .vacuum.end b { right: 4px; }
.bar .vacuum:not(.end) b { left: 4px; }
.legend { list-style: none; margin: 0; padding: 0; font-size: 14px; }
.legend li { display: inline-block; margin: 2px 16px 2px 0; }
.swatch { display: inline-block; width: 12px; height: 12px; margin-right: 6px; vertical-align: -1px; }
.rows { display: grid; grid-template-columns: minmax(0, max-content) minmax(40%, 1fr) max-content; gap: 4px 8px;
  align-items: center; font-size: 13px; margin-top: 8px; }
.rows .label { text-align: right; overflow-wrap: anywhere; max-width: 40vw; }
.rows .track { display: flex; height: 14px; }
.rows .track span { display: block; height: 100%; }
.rows .count { font-variant-numeric: tabular-nums; text-align: right; }
`;

const pct = (part: number, whole: number) => `${whole > 0 ? Number(((part / whole) * 100).toFixed(2)) : 0}%`;
const swatch = (colour: string) => `<span class="swatch" style="background:${colour}"></span>`;

/** One stacked bar of the database file: live rows, history, free pages, the rest; VACUUM size marked. */
export function bytesChart(bytes: NonNullable<Charts['bytes']>): string {
  const title = `Where the ${formatBytes(bytes.fileBytes)} of database ${bytes.database} are`;
  const segments = bytes.slices.map(
    (slice) =>
      `<span style="width:${pct(slice.bytes, bytes.fileBytes)};background:${TONE_COLOURS[slice.tone]}" ` +
      `title="${escapeHtml(`${slice.label}: ${formatBytes(slice.bytes)}`)}"></span>`,
  );
  const at = Math.min(bytes.compactedBytes, bytes.fileBytes);
  const marker =
    `<span class="vacuum${at > bytes.fileBytes * 0.6 ? ' end' : ''}" style="left:${pct(at, bytes.fileBytes)}">` +
    `<b>after VACUUM: ${escapeHtml(formatBytes(bytes.compactedBytes))}</b></span>`;
  const legend = bytes.slices.map(
    (slice) =>
      `<li>${swatch(TONE_COLOURS[slice.tone])}${escapeHtml(
        `${slice.label}: ${formatBytes(slice.bytes)} (${formatPercent(slice.bytes / bytes.fileBytes)})`,
      )}</li>`,
  );
  return (
    `<div class="bar" role="img" aria-label="${escapeHtml(title)}" title="${escapeHtml(title)}">` +
    `${segments.join('')}${marker}</div><ul class="legend">${legend.join('')}</ul>`
  );
}

/** Horizontal bars: retained rows per resource, latest revisions and history stacked. */
export function revisionsChart(
  bars: Charts['revisions'],
  title = 'Retained revisions per resource',
  legendLabels: readonly [string, string | null] = ['latest revision of each key', 'history (superseded)'],
): string {
  const max = Math.max(1, ...bars.map((b) => b.latest + b.history));
  const rows = bars.map((bar) => {
    const total = bar.latest + bar.history;
    return (
      `<span class="label">${escapeHtml(bar.label)}</span><span class="track">` +
      `<span style="width:${pct(bar.latest, max)};min-width:1px;background:${TONE_COLOURS.latest}"></span>` +
      `<span style="width:${pct(bar.history, max)};background:${TONE_COLOURS.history}"></span></span>` +
      `<span class="count">${formatCount(total)}</span>`
    );
  });
  const [first, second] = legendLabels;
  const legend =
    `<li>${swatch(TONE_COLOURS.latest)}${escapeHtml(first)}</li>` +
    (second === null ? '' : `<li>${swatch(TONE_COLOURS.history)}${escapeHtml(second)}</li>`);
  return (
    `<ul class="legend">${legend}</ul>` +
    `<div class="rows" title="${escapeHtml(title)}">${rows.join('')}</div>`
  );
}
