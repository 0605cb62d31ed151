// `@dqlite-analyzer/core/child`: what a parent needs to run analyses in a child process, without
// loading the analysis itself (SQLite, protobuf): the CLI's and the agent's own process stays light.

export { programVersion } from '../bundled.js';
export {
  AnalyzerError,
  type ErrorCode,
  errnoOf,
  errorKind,
  isAnalyzerError,
  isErrorCode,
  isOpenFileLimit,
  openFileLimitError,
} from '../errors.js';
export type { Progress, ProgressListener } from '../source/snapshot-file.js';
export type { AnalysisJob, ChildAnalyzeOptions, ChildCompareOptions } from './protocol.js';
export {
  ANALYSIS_CHILD_ARG,
  analysisChildCommand,
  type ChildCommand,
  isAnalysisChild,
} from './self-invocation.js';
export { AnalysisChild, AnalysisChildError, type ChildOptions } from './spawn.js';
