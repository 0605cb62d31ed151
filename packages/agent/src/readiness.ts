import type { AgentParts } from './collectors/index.js';

export interface Readiness {
  ready: boolean;
  /** Why not, in words an operator can act on; empty when ready. */
  reasons: string[];
}

/**
 * Ready = the data directory is watched, and the newest snapshot has been analysed, or has been
 * waiting less than `staleAfterSeconds`. An idle cluster writes snapshots rarely, so the age of
 * the last analysis alone would flap; what matters is a snapshot left unanalysed.
 */
export function readiness(sources: AgentParts, staleAfterSeconds: number, now = Date.now()): Readiness {
  const reasons: string[] = [];
  if (!sources.watcher.watching) reasons.push('the data directory is missing or not watched');
  const newest = sources.watcher.latest;
  const runner = sources.runner;
  if (newest && runner.lastSuccessPath !== newest.dataFile) {
    const waiting = (now - newest.seenAt) / 1000;
    const last = runner.lastOutcome;
    if (runner.lastSuccessAt === undefined && last && !last.ok) {
      // Not "not finished yet": it finished, and failed; the code says what to do.
      reasons.push(`first analysis of ${last.path} failed: ${last.code}: ${last.message}`);
    } else if (runner.lastSuccessAt === undefined && waiting <= staleAfterSeconds) {
      reasons.push(`first analysis of ${newest.file} not finished yet`);
    } else if (waiting > staleAfterSeconds) {
      const why = last && !last.ok ? ` (last attempt: ${last.code}: ${last.message})` : '';
      reasons.push(`${newest.file} has waited ${Math.round(waiting)} s for a successful analysis${why}`);
    }
  }
  return { ready: reasons.length === 0, reasons };
}
