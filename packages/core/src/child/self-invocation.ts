/** The hidden first argument that starts the CLI or the agent as its own analysis child. */
export const ANALYSIS_CHILD_ARG = '__analysis-child';

/** A program to start, as child_process.spawn takes it. */
export interface ChildCommand {
  command: string;
  args: readonly string[];
}

interface SeaModule {
  isSea(): boolean;
}

/**
 * How to start this program again as the analysis child: `node <entryScript> __analysis-child`.
 * The one place that knows; the CLI (cli/src/analysis-child.ts) and the agent
 * (agent/src/analysis-child.ts) name their entry script here. In a Node single executable
 * application process.argv[1] is no script and the binary is its own entry: `<binary>
 * __analysis-child` (nodejs.org/api/single-executable-applications.html). Node's flags are not
 * passed on (an --inspect port would clash); NODE_OPTIONS reaches the child with the environment.
 * `entryScript` is asked only outside one: there modules are data: URLs, which no relative URL
 * resolves against.
 */
export function analysisChildCommand(entryScript: () => string): ChildCommand {
  const sea = process.getBuiltinModule?.('node:sea') as SeaModule | undefined;
  if (sea?.isSea()) return { command: process.execPath, args: [ANALYSIS_CHILD_ARG] };
  return { command: process.execPath, args: [entryScript(), ANALYSIS_CHILD_ARG] };
}

/** Whether this process was started by analysisChildCommand() (the argument follows the script or binary). */
export function isAnalysisChild(argv: readonly string[] = process.argv): boolean {
  return argv[1] === ANALYSIS_CHILD_ARG || argv[2] === ANALYSIS_CHILD_ARG;
}
