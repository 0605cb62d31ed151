import { AnalyzerError } from '../errors.js';
import { sqliteError } from './open.js';

// SQLite errors past open (a corrupt page met mid-scan) become typed errors too.
export function guard<T>(work: () => T, label: string): T {
  try {
    return work();
  } catch (cause) {
    throw typed(cause, label);
  }
}

/** guard() for work that settles later (a query on another thread). */
export async function guardAsync<T>(work: Promise<T>, label: string): Promise<T> {
  try {
    return await work;
  } catch (cause) {
    throw typed(cause, label);
  }
}

function typed(cause: unknown, label: string): unknown {
  if (cause instanceof AnalyzerError) return cause;
  if ((cause as { code?: string }).code?.startsWith('SQLITE_')) return sqliteError(cause, label);
  return cause;
}
