import { setPriority, tmpdir } from 'node:os';
import { dirname } from 'node:path';
import { analyze } from '../analyze.js';
import { compare } from '../compare.js';
import { errnoOf, isAnalyzerError } from '../errors.js';
import { privateDirPrefix, tagPrivateDirs } from '../io/temp-dir.js';
import { readDataDir } from '../source/data-dir.js';
import type { ProgressListener } from '../source/snapshot-file.js';
import { watchForOrphaning } from './orphan-watch.js';
import type { ChildMessage, JobFailure, JobRequest } from './protocol.js';

/**
 * The body of the analysis child (started by runInChild through analysisChildCommand()): take the
 * one job from the parent, run it, send progress and the answer, and let the process end. The CLI
 * and the agent call this from their entry when isAnalysisChild(). Like the rest of the core it
 * installs no signal handler and never calls process.exit: the parent ends it with SIGKILL when it
 * must, and the orphan watch ends it when the parent is gone. Resolves once the answer is sent.
 */
export function serveAnalysisChild(): Promise<void> {
  const send = process.send?.bind(process);
  if (!send) {
    return Promise.reject(new Error('this subcommand is internal: it is started by the program itself'));
  }
  return new Promise((resolve) => {
    process.once('message', async (request: JobRequest) => {
      tagPrivateDirs(request.tag);
      watchForOrphaning(request.parentPid, request.tempDir ?? tmpdir(), privateDirPrefix(request.tag));
      lowerPriority(request.nice);
      const answer = await runJob(request, (message) => send(message));
      // Disconnecting once the answer is written lets the event loop, and so the process, end.
      send(answer, () => {
        process.disconnect();
        resolve();
      });
    });
  });
}

// The CLI redraws its progress line at most every 100 ms (cli/src/progress.ts) and the agent shows
// none; a message for each 2 MiB read cost the child's main thread ~35 ms at 377 MB (bench/RESULTS.md,
// issue 17 third pass). The first report of each step (of each database) always goes.
const PROGRESS_EVERY_MS = 100;

async function runJob(request: JobRequest, send: (message: ChildMessage) => void): Promise<ChildMessage> {
  const { job, tempDir } = request;
  let last: { step: string; at: number } | undefined;
  const onProgress: ProgressListener = (progress) => {
    const at = performance.now();
    const step = `${progress.step} ${progress.database ?? ''}`;
    if (last?.step === step && at - last.at < PROGRESS_EVERY_MS) return;
    last = { step, at };
    send({ type: 'progress', progress });
  };
  try {
    let value: unknown;
    if (job.kind === 'analyze') {
      const compareWith =
        job.options.compareWith ?? (job.compareWithPredecessor ? await snapshotBefore(job.path) : undefined);
      value = await analyze(job.path, {
        ...job.options,
        ...(compareWith ? { compareWith } : {}),
        tempDir,
        onProgress,
      });
    } else {
      value = await compare(job.older, job.newer, { ...job.options, tempDir, onProgress });
    }
    return { type: 'result', value };
  } catch (error) {
    return { type: 'failure', failure: toFailure(error) };
  }
}

// The complete snapshot raft kept just before `path` in its data directory, if any.
async function snapshotBefore(path: string): Promise<string | undefined> {
  const listing = await readDataDir(dirname(path)).catch(() => undefined);
  const snapshots = listing?.snapshots ?? [];
  const at = snapshots.findIndex((s) => s.dataFile === path);
  return at < 0 ? undefined : snapshots[at + 1]?.dataFile;
}

function toFailure(error: unknown): JobFailure {
  if (isAnalyzerError(error)) {
    return { code: error.code, message: error.message, details: error.details, errno: errnoOf(error) };
  }
  return {
    code: undefined,
    message: error instanceof Error ? error.message : String(error),
    stack: error instanceof Error ? error.stack : undefined,
  };
}

// On Linux the nice value belongs to the thread (setpriority(2), NOTES): this lowers the main
// thread, and the threads it starts from now on inherit it.
function lowerPriority(nice: number): void {
  if (nice === 0) return;
  try {
    setPriority(nice);
  } catch {
    // Not permitted here (some container runtimes): analyse at normal priority.
  }
}
