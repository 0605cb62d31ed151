import type { Severity } from '@dqlite-analyzer/core';
import { formatBytes, formatCount, formatPercent } from '../report/format.js';
import type { ByteSlice, Charts } from '../report/model.js';
import { truncateMiddle } from './wrap.js';

// Inline SVG charts for the HTML report: drawn here, so the file needs no script, no font and no
// network when it is opened. Every chart has a <title> and a text legend with the exact figures.

/** Escape text for HTML and SVG content and attribute values. */
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

const WIDTH = 640;
const num = (n: number) => Number(n.toFixed(1));

/** One stacked bar of the database file: live rows, history, free pages, the rest; VACUUM size marked. */
export function bytesChart(bytes: NonNullable<Charts['bytes']>): string {
  const barY = 28;
  const barHeight = 34;
  const scale = WIDTH / bytes.fileBytes;
  let x = 0;
  const rects = bytes.slices.map((slice) => {
    const w = slice.bytes * scale;
    const rect =
      `<rect x="${num(x)}" y="${barY}" width="${num(Math.max(w, 0.5))}" height="${barHeight}" ` +
      `fill="${TONE_COLOURS[slice.tone]}"><title>${escapeHtml(`${slice.label}: ${formatBytes(slice.bytes)}`)}</title></rect>`;
    x += w;
    return rect;
  });
  const vacuumX = num(Math.min(WIDTH, bytes.compactedBytes * scale));
  const marker =
    `<line x1="${vacuumX}" y1="${barY - 8}" x2="${vacuumX}" y2="${barY + barHeight + 4}" stroke="#212121" ` +
    `stroke-width="2" stroke-dasharray="4 2"/>` +
    `<text x="${Math.min(vacuumX + 4, WIDTH - 4)}" y="${barY - 12}" font-size="12" ` +
    `text-anchor="${vacuumX > WIDTH - 160 ? 'end' : 'start'}">after VACUUM: ${escapeHtml(formatBytes(bytes.compactedBytes))}</text>`;
  const legend = bytes.slices.map((slice, i) => {
    const y = barY + barHeight + 22 + i * 20;
    const share = formatPercent(slice.bytes / bytes.fileBytes);
    return (
      `<rect x="0" y="${y - 11}" width="12" height="12" fill="${TONE_COLOURS[slice.tone]}"/>` +
      `<text x="18" y="${y}" font-size="13">${escapeHtml(`${slice.label}: ${formatBytes(slice.bytes)} (${share})`)}</text>`
    );
  });
  const height = barY + barHeight + 22 + bytes.slices.length * 20;
  const title = `Where the ${formatBytes(bytes.fileBytes)} of database ${bytes.database} are`;
  return svg(title, height, [...rects, marker, ...legend]);
}

/** Horizontal bars: retained rows per resource, latest revisions and history stacked. */
export function revisionsChart(
  bars: Charts['revisions'],
  title = 'Retained revisions per resource',
  legendLabels: readonly [string, string | null] = ['latest revision of each key', 'history (superseded)'],
): string {
  const labelWidth = 250;
  const rowHeight = 22;
  const max = Math.max(1, ...bars.map((b) => b.latest + b.history));
  const scale = (WIDTH - labelWidth - 80) / max;
  const rows = bars.map((bar, i) => {
    const y = 30 + i * rowHeight;
    const latestW = bar.latest * scale;
    const historyW = bar.history * scale;
    const total = bar.latest + bar.history;
    return (
      `<text x="${labelWidth - 6}" y="${y + 14}" font-size="12" text-anchor="end">` +
      `<title>${escapeHtml(bar.label)}</title>${escapeHtml(truncateMiddle(bar.label, 36))}</text>` +
      `<rect x="${labelWidth}" y="${y + 3}" width="${num(Math.max(latestW, 0.5))}" height="14" fill="${TONE_COLOURS.latest}"/>` +
      `<rect x="${num(labelWidth + latestW)}" y="${y + 3}" width="${num(historyW)}" height="14" fill="${TONE_COLOURS.history}"/>` +
      `<text x="${num(labelWidth + latestW + historyW + 6)}" y="${y + 14}" font-size="12">${formatCount(total)}</text>`
    );
  });
  const [first, second] = legendLabels;
  const legend =
    `<rect x="${labelWidth}" y="6" width="12" height="12" fill="${TONE_COLOURS.latest}"/>` +
    `<text x="${labelWidth + 18}" y="16" font-size="12">${escapeHtml(first)}</text>` +
    (second === null
      ? ''
      : `<rect x="${labelWidth + 200}" y="6" width="12" height="12" fill="${TONE_COLOURS.history}"/>` +
        `<text x="${labelWidth + 218}" y="16" font-size="12">${escapeHtml(second)}</text>`);
  return svg(title, 30 + bars.length * rowHeight + 8, [legend, ...rows]);
}

/** Findings per severity as three bars, so the size of the problem shows at a glance. */
export function findingsChart(counts: Record<Severity, number>): string {
  const severities: Severity[] = ['critical', 'warning', 'info'];
  const max = Math.max(1, ...severities.map((s) => counts[s]));
  const scale = (WIDTH - 180) / max;
  const rows = severities.map((severity, i) => {
    const y = 8 + i * 28;
    return (
      `<text x="84" y="${y + 15}" font-size="13" text-anchor="end">${severity}</text>` +
      `<rect x="92" y="${y + 2}" width="${num(Math.max(counts[severity] * scale, 0.5))}" height="18" ` +
      `fill="${SEVERITY_COLOURS[severity]}"/>` +
      `<text x="${num(98 + counts[severity] * scale)}" y="${y + 15}" font-size="13">${counts[severity]}</text>`
    );
  });
  return svg('Findings by severity', 8 + severities.length * 28, rows);
}

function svg(title: string, height: number, parts: string[]): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${num(height)}" role="img" ` +
    `aria-label="${escapeHtml(title)}" font-family="system-ui, sans-serif">` +
    `<title>${escapeHtml(title)}</title>${parts.join('')}</svg>`
  );
}
