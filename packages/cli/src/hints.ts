import { type AnalyzerError, errnoOf } from '@dqlite-analyzer/core/child';

// The next step for an error, said by the CLI: the core's message says what happened and where,
// the caller says which of its own flags or commands helps (the agent logs its own advice).

/** One short clause: what to do now, or undefined when the message already says it. */
export function nextStep(error: AnalyzerError): string | undefined {
  const errno = errnoOf(error);
  switch (error.code) {
    case 'DQA_KINE_NOT_FOUND':
      return 'use --storage-only to see its storage';
    case 'DQA_INPUT_UNREADABLE':
      return errno === 'EACCES' || errno === 'EPERM'
        ? "dqlite's files are root's, mode 0600: run with sudo"
        : undefined;
    case 'DQA_INPUT_NOT_FOUND':
      return 'check the path';
    case 'DQA_DIR_NO_SNAPSHOT':
      return 'wait for the node to write one (raft does every few hundred entries), or give a snapshot file';
    case 'DQA_TEMP_NO_SPACE': {
      const needed = error.details.needed;
      return `point --temp-dir at a filesystem with ${typeof needed === 'number' ? `${needed} bytes` : 'room'} free`;
    }
    case 'DQA_OPEN_FILE_LIMIT':
      return 'raise the limit of open files (ulimit -n) and run again';
    case 'DQA_ADDRESS_SPACE_LIMIT':
      return 'raise or remove the limit of virtual memory (ulimit -v) and run again';
    case 'DQA_TEMP_FAILED':
      return 'point --temp-dir at a directory you can write to';
    case 'DQA_OUTPUT_FAILED':
      if (errno === 'EEXIST')
        return 'kept copies are never overwritten: give --keep-copies an empty directory';
      return errno === 'EACCES' || errno === 'EPERM' || errno === 'EROFS'
        ? 'choose a directory you can write to'
        : undefined;
    default:
      return undefined;
  }
}

/** The one stderr line for an analyzer error: code, message, and the next step when there is one. */
export function errorLine(error: AnalyzerError): string {
  const step = nextStep(error);
  return `dqlite-analyze: ${error.code}: ${error.message}${step ? `; ${step}` : ''}`;
}
