import { fileURLToPath } from 'node:url';
import { ANALYSIS_CHILD_ARG, analysisChildCommand, type ChildCommand } from '@dqlite-analyzer/core/child';

/**
 * This program started again as its analysis child (analysisChildCommand(),
 * core/src/child/self-invocation.ts, knows the command line, also in a single executable): the
 * entry is main.js beside this file.
 */
export function agentAnalysisChild(): ChildCommand {
  const here = import.meta.url;
  if (!here.endsWith('.ts')) return analysisChildCommand(() => fileURLToPath(new URL('./main.js', here)));
  // Under vitest this file runs from src/*.ts, and Node 20 cannot start a TypeScript entry: the
  // child registers tsx (a dev dependency, there wherever the sources are) and resolves the core to
  // its source too (the export condition in packages/core/package.json), so tests never run a
  // stale dist/.
  return {
    command: process.execPath,
    args: [...sourceLoaderArgs(), fileURLToPath(new URL('./main.ts', here)), ANALYSIS_CHILD_ARG],
  };
}

/** Node's flags that run our TypeScript sources (tests only). */
export function sourceLoaderArgs(): string[] {
  return ['--import', import.meta.resolve('tsx'), '--conditions=@dqlite-analyzer/source'];
}
