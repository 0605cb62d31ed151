import type { Analysis } from './analysis-types.js';

/**
 * Say plainly what was read only in part (marking the analysis partial) or skipped: the analysis
 * must never pass for whole when it is not.
 */
export function noteIncompleteReads(analysis: Analysis): void {
  for (const db of analysis.databases) {
    if (db.walCommittedFrames < db.walFrames) {
      analysis.partial = true;
      analysis.warnings.push(
        `database "${db.name}": ${db.walFrames - db.walCommittedFrames} of ${db.walFrames} WAL frames were not ` +
          `replayed (${db.walFrames - db.walValidFrames} torn, ${db.walValidFrames - db.walCommittedFrames} ` +
          'after the last commit): figures describe the database before them',
      );
    }
    if (db.integrity && !db.integrity.ok) {
      analysis.partial = true;
      analysis.warnings.push(
        `database "${db.name}" fails SQLite's ${db.integrity.check}_check: ${db.integrity.problems.slice(0, 3).join('; ')}`,
      );
    }
  }
  for (const item of analysis.dataDir?.incomplete ?? []) {
    if (item.reason === 'meta-without-data') {
      analysis.warnings.push(
        `${item.file}: a newer snapshot is being written (or was abandoned); the newest complete one was read`,
      );
    }
  }
}
