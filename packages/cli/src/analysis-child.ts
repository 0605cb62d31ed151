import { fileURLToPath } from 'node:url';
import {
  AnalysisChild,
  type AnalysisJob,
  analysisChildCommand,
  type ProgressListener,
} from '@dqlite-analyzer/core/child';

// The analysis child of this run, for the signal handler in cli-main.ts. One per run: compare
// analyses both snapshots in the same child.
let current: AnalysisChild | undefined;

/**
 * Start the analysis child now, before the job is known, so that its start-up overlaps loading
 * the renderers: this program started again with the hidden subcommand. The entry is main.js
 * beside this file; analysisChildCommand() (core/src/child/self-invocation.ts) turns it into the
 * command line, also inside a single executable.
 */
export function startAnalysisChild(tempDir: string | undefined): void {
  const command = analysisChildCommand(() => fileURLToPath(new URL('./main.js', import.meta.url)));
  current = new AnalysisChild({ command, tempDir });
}

/** Run `job` in the child started by startAnalysisChild(). */
export function runInAnalysisChild<T>(job: AnalysisJob, onProgress: ProgressListener): Promise<T> {
  if (!current) return Promise.reject(new Error('no analysis child was started'));
  return current.run<T>(job, onProgress);
}

/** Stop the child if one was started (also one never given its job); resolves once its copy is removed. */
export async function stopAnalysisChild(): Promise<void> {
  await current?.stop();
}
