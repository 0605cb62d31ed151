import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

/** What one query returned on the side thread, and how long it took there. */
export interface SideResult {
  rows: unknown[];
  seconds: number;
}

/** Queries running on a second connection in a worker thread. */
export interface SideQueries {
  /** The queries' results in order; rejects with the SQLite error (its `code` kept) of the first that fails. */
  readonly results: Promise<SideResult[]>;
  /** Stop the thread (idempotent); resolves once it has exited and closed its connection. */
  stop(): Promise<void>;
}

// The worker's code travels as a string (eval), so the same module works from the compiled
// package and from the TypeScript sources the tests import, where no .js worker file exists.
// Its imports are dynamic, so it runs whether Node treats eval code as CommonJS or as ESM.
const WORKER_CODE = `
(async () => {
  const { parentPort, workerData } = await import('node:worker_threads');
  const { default: Database } = await import(workerData.driver);
  let db;
  try {
    // Read-write like the main connection (the copy is ours): a read-only one could not share
    // the WAL index the main connection built. Closing a connection that is not the last one
    // neither checkpoints nor writes.
    db = new Database(workerData.path, { fileMustExist: true });
    const results = [];
    for (const sql of workerData.queries) {
      const started = performance.now();
      const rows = db.prepare(sql).all();
      results.push({ rows, seconds: (performance.now() - started) / 1000 });
    }
    parentPort.postMessage({ results });
  } catch (error) {
    parentPort.postMessage({ error: { code: error && error.code, message: String(error && error.message) } });
  } finally {
    if (db) db.close();
  }
})();
`;

const driver = pathToFileURL(createRequire(import.meta.url).resolve('better-sqlite3')).href;

/**
 * Run read-only queries on the database at `path` in a worker thread, so that page walks which
 * need no JavaScript (dbstat, quick_check) use the second core while the main thread scans kine.
 * The main connection must already be open (it replays the WAL); the file must outlive stop().
 */
export function startSideQueries(path: string, queries: readonly string[]): SideQueries {
  const worker = new Worker(WORKER_CODE, { eval: true, workerData: { driver, path, queries } });
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  const results = new Promise<SideResult[]>((resolve, reject) => {
    worker.once(
      'message',
      (message: { results?: SideResult[]; error?: { code?: string; message: string } }) => {
        if (message.results) resolve(message.results);
        else reject(Object.assign(new Error(message.error?.message), { code: message.error?.code }));
      },
    );
    worker.once('error', reject);
    void exited.then(() => reject(new Error('the side thread exited before answering')));
  });
  // Callers that stop early (the main thread failed) never read the results.
  results.catch(() => {});
  return {
    results,
    stop: async () => {
      await worker.terminate();
      await exited;
    },
  };
}
