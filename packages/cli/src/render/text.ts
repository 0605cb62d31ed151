import type { Analysis } from '@dqlite-analyzer/core';
import { formatBytes, formatCount, formatPercent } from './format.js';

/** A plain-text summary for a terminal. */
export function renderText(analysis: Analysis): string {
  const lines: string[] = [];
  const { source, raft, kine } = analysis;
  lines.push(`Source     ${source.dataFile}`);
  lines.push(
    `           ${source.compression ?? 'sqlite'}, ${formatBytes(source.bytesOnDisk)} on disk, ${formatBytes(source.payloadBytes)} payload`,
  );
  if (raft) {
    lines.push(
      `Raft       term ${raft.term ?? '?'}, index ${raft.index ?? '?'}, taken at ${raft.timestamp ?? '?'} ms monotonic`,
    );
    for (const server of raft.servers)
      lines.push(`           ${server.id}  ${server.address}  ${server.role}`);
  }
  lines.push('');
  for (const db of analysis.databases) {
    lines.push(`Database   ${db.name}${db.isKine ? ' (kine)' : ''}`);
    lines.push(
      `           ${formatCount(db.pageCount)} pages of ${db.pageSize} B = ${formatBytes(db.fileBytes)}, ` +
        `${formatCount(db.freelistCount)} free (${formatPercent(db.freePageShare)})`,
    );
    const compacted = db.vacuumedBytes ?? db.estimatedVacuumedBytes;
    lines.push(
      `           after VACUUM: ${formatBytes(compacted)}${db.vacuumedBytes === undefined ? ' (estimate)' : ''}`,
    );
  }
  if (kine) {
    lines.push('');
    lines.push(
      `Kine       ${formatCount(kine.rows)} rows, ${formatCount(kine.liveKeys)} live keys (${formatBytes(kine.liveBytes)})`,
    );
    lines.push(
      `           ${formatCount(kine.historyRows)} history rows (${formatBytes(kine.historyBytes)}), ${formatCount(kine.tombstones)} tombstones`,
    );
    lines.push(
      `           revision ${kine.currentRevision}, compacted to ${kine.compactRevision ?? 'never'}, ` +
        `${formatCount(kine.revisionsSinceCompaction)} since`,
    );
    if (kine.fragmentationRatio !== null) {
      lines.push(`           file is ${kine.fragmentationRatio.toFixed(1)}x its live rows`);
    }
  }
  return `${lines.join('\n')}\n`;
}
