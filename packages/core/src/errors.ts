/**
 * What an error says about where the fault lies, and so what a caller does about it (the CLI's
 * exit code, the agent's retry): the kind is part of each code, as fastify's error codes carry
 * their HTTP status. docs/errors.md explains each kind and gives it per code.
 */
export type ErrorKind =
  /** The input's bytes are damaged, or are not what the analyzer reads: another snapshot or a fresh copy is the fix. */
  | 'input'
  /** The input cannot be reached: no such path, or no permission to read it. */
  | 'access'
  /** This machine failed, not the input: temp space, the temp dir, memory, I/O. The same input may work later. */
  | 'environment'
  /** The tool was called or configured wrongly. */
  | 'usage'
  /** A bug in the analyzer. */
  | 'internal';

const entry =
  <K extends ErrorKind>(kind: K) =>
  (meaning: string) => ({ kind, meaning });
const input = entry('input');
const access = entry('access');
const environment = entry('environment');
const usage = entry('usage');

// Every error the core and its callers raise on purpose. Codes are public API: never rename or
// reuse one; retire it and keep it listed in docs/errors.md. `meaning` is also the "Meaning"
// column of docs/errors.md and `kind` its "Kind" column (a test keeps them in sync).
export const ERROR_CODES = {
  DQA_INPUT_NOT_FOUND: access('no file or directory at the given path'),
  DQA_INPUT_UNREADABLE: access('the input exists but cannot be read'),
  DQA_INPUT_EMPTY: input('the input file is empty'),
  DQA_INPUT_UNKNOWN: input('the input is neither a dqlite snapshot, a data directory nor a SQLite file'),
  DQA_DIR_NO_SNAPSHOT: input('the data directory holds no complete snapshot'),
  DQA_RAFT_META_TRUNCATED: input('the snapshot .meta file is shorter than its header says'),
  DQA_RAFT_META_FORMAT: input('the snapshot .meta file has an unknown format version'),
  DQA_RAFT_META_CRC: input('the snapshot .meta checksum does not match its contents'),
  DQA_RAFT_META_MALFORMED: input('the Raft configuration inside the .meta file cannot be decoded'),
  DQA_LZ4_BAD_HEADER: input('the LZ4 frame header is invalid or uses an unsupported feature'),
  DQA_LZ4_TRUNCATED: input('the LZ4 frame ends before its end mark'),
  DQA_LZ4_CORRUPT: input('an LZ4 block cannot be decompressed'),
  DQA_LZ4_CHECKSUM: input('the LZ4 content checksum does not match the decompressed data'),
  DQA_LZ4_SIZE_MISMATCH: input('the LZ4 frame decompresses to a different size than its header declares'),
  DQA_FSM_BAD_FORMAT: input('the dqlite snapshot payload has an unknown format version'),
  DQA_FSM_TRUNCATED: input('the dqlite snapshot payload ends before the sizes it declares'),
  DQA_FSM_SIZE_TOO_LARGE: input('a size field in the dqlite payload is larger than the data that follows it'),
  DQA_FSM_BAD_NAME: input('a database name in the dqlite payload is not a NUL-terminated string'),
  DQA_FSM_NO_DATABASES: input('the dqlite snapshot payload holds no database'),
  DQA_FSM_TOO_MANY_DATABASES: input(
    'the dqlite snapshot payload declares an implausible number of databases',
  ),
  DQA_FSM_TRAILING_DATA: input('the dqlite snapshot payload has bytes after its last database'),
  DQA_SQLITE_NOT_DATABASE: input('a database file does not start with the SQLite header'),
  DQA_SQLITE_BAD_WAL: input(
    'a WAL file has an invalid header or a size that is not a whole number of frames',
  ),
  DQA_SQLITE_CORRUPT: input('SQLite reports the database as corrupt'),
  DQA_SQLITE_UNSAFE_SCHEMA: input(
    'a table the analysis reads is a view or virtual table, or a table has generated columns: reading it would run SQL from the file',
  ),
  DQA_KINE_NOT_FOUND: input('no database in the input has a kine table'),
  DQA_COMPARE_ORDER: input('the snapshot given as newer has a lower kine revision than the older one'),
  DQA_COMPARE_CLUSTERS: input("the two snapshots are not one cluster's history"),
  DQA_TEMP_NO_SPACE: environment('not enough free space for the private copy of the database'),
  DQA_TEMP_FAILED: environment('the private working copy cannot be created or written'),
  DQA_SQLITE_NO_MEMORY: environment('SQLite ran out of memory reading the private copy'),
  DQA_OPEN_FILE_LIMIT: environment('the limit of open files (ulimit -n) is reached'),
  DQA_ADDRESS_SPACE_LIMIT: environment(
    'the limit of virtual memory (ulimit -v) leaves no room for the decoders the extraction runs',
  ),
  DQA_AGENT_CONFIG: usage('a dqlite-agent configuration value is missing or invalid'),
  DQA_OUTPUT_INSIDE_INPUT: usage('a temp dir, kept copy or report would be written where the input is'),
  DQA_OUTPUT_FAILED: environment(
    'the report file, or a kept copy of a database or the directory for it, cannot be created or written',
  ),
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

/** The kind of an error code. */
export function errorKind(code: ErrorCode): ErrorKind {
  return ERROR_CODES[code].kind;
}

/** True when `code` is one of ours (a DQA_* code in the catalogue). */
export function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && Object.hasOwn(ERROR_CODES, code);
}

/** Facts a user can check by hand: path, byte offset, expected and found values. */
export type ErrorDetails = Readonly<Record<string, string | number | boolean>>;

/** An error the analyzer raised on purpose; match on `code`, never on the message. */
export class AnalyzerError extends Error {
  override name = 'AnalyzerError';
  readonly code: ErrorCode;
  readonly details: ErrorDetails;

  constructor(code: ErrorCode, message: string, details: ErrorDetails = {}, options?: ErrorOptions) {
    super(printable(message), options);
    this.code = code;
    this.details = details;
  }
}

/**
 * EMFILE (this process's limit, ulimit -n) or ENFILE (the system's) when `cause` is one, by its
 * errno; or by its message, which is all that is left of an errno from the analysis child
 * ("EMFILE: too many open files, …") and all a thread that could not start says (Node's
 * ERR_WORKER_INIT_FAILED, "Worker initialization failure: EMFILE").
 */
function openFileLimitCode(cause: unknown): 'EMFILE' | 'ENFILE' | undefined {
  const code = (cause as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'EMFILE' || code === 'ENFILE') return code;
  const message = cause instanceof Error ? cause.message : '';
  const found =
    /^(EMFILE|ENFILE): /.exec(message) ??
    (code === 'ERR_WORKER_INIT_FAILED' ? /\b(EMFILE|ENFILE)$/.exec(message) : null);
  return found?.[1] as 'EMFILE' | 'ENFILE' | undefined;
}

/** Whether `cause` is EMFILE (this process's limit, ulimit -n) or ENFILE (the system's). */
export function isOpenFileLimit(cause: unknown): boolean {
  return openFileLimitCode(cause) !== undefined;
}

/** What `doing` ("cannot open a file for the private copy") failed on: a limit of this machine, not a bug. */
export function openFileLimitError(doing: string, cause: unknown): AnalyzerError {
  const code = openFileLimitCode(cause) ?? 'EMFILE';
  const whose = code === 'ENFILE' ? "the system's" : "this process's (ulimit -n)";
  return new AnalyzerError(
    'DQA_OPEN_FILE_LIMIT',
    `${doing}: ${whose} limit of open files is reached (${code})`,
    {},
    {
      cause,
    },
  );
}

/** The errno behind an error (EACCES, ENOSPC…), from its chain of causes. */
export function errnoOf(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 8; e = e.cause, depth++) {
    const code = (e as NodeJS.ErrnoException).code;
    if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) return code;
  }
  return undefined;
}

/**
 * Messages quote file contents (database names) and paths, and the CLI prints them as one line on
 * a terminal: control characters (C0, DEL, C1) become `\uXXXX`, so a damaged or crafted snapshot
 * can neither break the line nor send escape sequences. `details` keep the exact values.
 */
function printable(message: string): string {
  let out = '';
  for (const char of message) {
    const code = char.codePointAt(0)!;
    out += code < 0x20 || (code >= 0x7f && code <= 0x9f) ? `\\u${code.toString(16).padStart(4, '0')}` : char;
  }
  return out;
}

/** True when `error` is an AnalyzerError (with the given code, when one is given). */
export function isAnalyzerError(error: unknown, code?: ErrorCode): error is AnalyzerError {
  return error instanceof AnalyzerError && (code === undefined || error.code === code);
}
