import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { bundledModuleUrl } from '../bundled.js';
import { isOpenFileLimit, openFileLimitError } from '../errors.js';
import { COPY_PRAGMAS } from './open.js';

/** What one query returned on the side thread, and how long it took there. */
export interface SideResult {
  rows: unknown[];
  seconds: number;
}

// The worker's code travels as a string (eval), so the same module works from the compiled
// package and from the TypeScript sources the tests import, where no .js worker file exists.
// Its imports are dynamic, so it runs whether Node treats eval code as CommonJS or as ESM.
const WORKER_CODE = `
(async () => {
  const { parentPort, workerData } = await import('node:worker_threads');
  const { default: Database } = await import(workerData.driver);
  parentPort.on('message', ({ path, queries }) => {
    let db;
    let reply;
    try {
      // Read-write like the main connection (the copy is ours): a read-only one could not share
      // the WAL index the main connection built.
      db = new Database(path, { fileMustExist: true });
      for (const pragma of workerData.pragmas) db.pragma(pragma);
      const results = [];
      for (const sql of queries) {
        const started = performance.now();
        const rows = db.prepare(sql).all();
        results.push({ rows, seconds: (performance.now() - started) / 1000 });
      }
      reply = { results };
    } catch (error) {
      reply = { error: { code: error && error.code, message: String(error && error.message) } };
    }
    // Closed before answering: the main connection must be the last one open when it closes, so
    // that it checkpoints the WAL into the main file (--keep-copies hands over that one file).
    try {
      if (db) db.close();
    } catch {}
    parentPort.postMessage(reply);
  });
})();
`;

// In the single executable the driver is a bundled module, not a file (docs/binary.md). Resolved
// when this module loads, beside the others: resolving opens package.json files, which under a
// low ulimit -n failed as "Cannot find module 'better-sqlite3'" when the thread was started.
const DRIVER_URL = (
  bundledModuleUrl('better-sqlite3.mjs') ??
  pathToFileURL(createRequire(import.meta.url).resolve('better-sqlite3'))
).href;

type Reply = { results?: SideResult[]; error?: { code?: string; message: string } };

/**
 * A worker thread with its own SQLite connections, for page walks that need no JavaScript
 * (dbstat, quick_check) to use the second core while the main thread scans kine. Start it early:
 * a thread takes ~50 ms to start and load the driver, which then overlaps the extraction.
 */
export class SideThread {
  private readonly worker: Worker;
  private readonly exited: Promise<void>;
  private pending: { resolve: (results: SideResult[]) => void; reject: (error: Error) => void } | undefined;
  private failure: Error | undefined;
  // Settles when the job in progress (if any) has answered or the thread has died.
  private idle: Promise<unknown> = Promise.resolve();

  constructor() {
    this.worker = new Worker(WORKER_CODE, {
      eval: true,
      workerData: { driver: DRIVER_URL, pragmas: COPY_PRAGMAS },
    });
    this.exited = new Promise((resolve) => this.worker.once('exit', () => resolve()));
    this.worker.on('message', (message: Reply) => {
      const pending = this.pending;
      this.pending = undefined;
      if (message.results) pending?.resolve(message.results);
      else pending?.reject(Object.assign(new Error(message.error?.message), { code: message.error?.code }));
    });
    this.worker.once('error', (error) => this.fail(error));
    void this.exited.then(() => this.fail(new Error('the side thread exited')));
  }

  /**
   * Run read-only queries, in order, on a new connection to the database at `path`; rejects with
   * the SQLite error (its `code` kept) of the first that fails. One job at a time. The main
   * connection must already be open (it replays the WAL).
   */
  run(path: string, queries: readonly string[]): Promise<SideResult[]> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.pending) return Promise.reject(new Error('the side thread is busy'));
    const job = new Promise<SideResult[]>((resolve, reject) => {
      this.pending = { resolve, reject };
      this.worker.postMessage({ path, queries });
    });
    this.idle = job.catch(() => {});
    return job;
  }

  /**
   * Stop the thread (idempotent), after the job in progress if any; resolves once it has exited.
   * Never mid-query: a query that fails while its worker is being terminated makes better-sqlite3
   * abort the whole process (FATAL ERROR: v8::ToLocalChecked Empty MaybeLocal, seen in CI when
   * the kine scan failed on a corrupt page first and the walks met the same page).
   */
  async stop(): Promise<void> {
    this.failure ??= new Error('the side thread was stopped');
    await this.idle;
    await this.worker.terminate();
    await this.exited;
  }

  private fail(error: Error): void {
    // A thread that cannot start for want of file descriptors is this machine's limit, not a bug.
    this.failure ??= isOpenFileLimit(error)
      ? openFileLimitError('cannot start the side thread', error)
      : error;
    this.pending?.reject(this.failure);
    this.pending = undefined;
  }
}
