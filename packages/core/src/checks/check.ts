import type { Analysis, Finding } from '../analysis-types.js';
import type { FindingId } from '../finding-id.js';
import { keptCopyFileName } from '../io/kept-copy-name.js';
import type { VerifyCopy } from './shell.js';

/** A check: a pure function of the Analysis returning zero or more findings. No I/O. */
export interface Check {
  /** The id its findings carry; the check's file is named after it. */
  id: FindingId;
  run(analysis: Analysis): Finding[];
}

/** The kine database's page figures, or undefined when the analysis has no kine database. */
export function kineDatabase(analysis: Analysis) {
  const name = analysis.kine?.database;
  return name === undefined ? undefined : analysis.databases.find((d) => d.name === name);
}

/** The copy the kine database's verify lines run on (see sqliteVerify). */
export function kineCopy(analysis: Analysis): VerifyCopy {
  const db = kineDatabase(analysis);
  const index = db ? analysis.databases.indexOf(db) : 0;
  return { path: db?.copyPath, fileName: keptCopyFileName(db?.name ?? analysis.kine?.database ?? '', index) };
}
