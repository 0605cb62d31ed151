// The one way a value from the snapshot gets into a command the report prints. Operators paste these
// lines into a root shell, and key and object names are whatever the snapshot holds (see
// docs/security.md): every interpolated value goes through shellQuote (and, inside SQL, sqlQuote
// first), and a value that cannot be printed on one line gets no command at all (unpasteable).

// Characters a POSIX shell (bash, dash, zsh) gives no meaning to in an unquoted word; not `=` first
// (zsh expands `=cmd` to a path).
const PLAIN = /^[A-Za-z0-9_./:@%+,-][A-Za-z0-9_./:=@%+,-]*$/;
// Inside double quotes these still expand ($, `, \), end the quotes (") or expand history (!).
const DOUBLE_QUOTE_ACTIVE = /[$`\\"!]/;

/**
 * One shell word holding exactly `text`: as is when it is plain, in double quotes when only single
 * quotes make it need quoting (SQL stays readable), else in single quotes with each `'` as `'\''`.
 * Never call it on a value that is not pasteable: a quoted newline is safe in a shell but not on a
 * printed line.
 */
export function shellQuote(text: string): string {
  if (PLAIN.test(text)) return text;
  if (!DOUBLE_QUOTE_ACTIVE.test(text)) return `"${text}"`;
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

/** `text` as a SQL string literal. */
export function sqlQuote(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

// C0 and C1 controls, DEL, the Unicode line and paragraph separators, bidi controls and zero-width
// characters: on a printed line they hide, reorder or break what a pasted command does.
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/u;

/** The verify line for a key the Analysis keeps cut (long-strings.ts): a query for the cut text counts nothing. */
export const CUT_KEY_VERIFY =
  'verify: none, the key is longer than any Kubernetes key could be and is kept cut in the middle';

/** True when `text` prints as what it is, on one line, so a command holding it can be pasted. */
export function pasteable(text: string): boolean {
  return !UNPRINTABLE.test(text);
}

/** The note printed instead of a command whose `what` (e.g. "Lease name") is not valid. */
export function notAValidName(what: string, value: string): string {
  // JSON escapes every control character, so the note stays one comment line.
  return `# ${JSON.stringify(value)} is not a valid ${what}, so no command is printed for it.`;
}

/** The database a verify line runs on: its kept copy (--keep-copies) when there is one. */
export interface VerifyCopy {
  /** The kept copy's absolute path; undefined when no copy was kept. */
  path?: string;
  /** The copy's file name in the --keep-copies directory (io/kept-copy-name.ts). */
  fileName: string;
}

/** What a verify line names as the --keep-copies directory when no copy was kept. */
export const NO_COPY_DIR = 'DIR';

/**
 * The `verify:` command for a query on the kept copy of the database, with what it prints when the
 * figure is right. It names the copy's real path, quoted; without a kept copy (or with a path that
 * cannot be pasted) it names `DIR/<file>` and says to re-run with --keep-copies DIR: a plain word
 * that neither expands nor redirects, and -readonly opens no file that is missing, so pasting that
 * line creates nothing and only fails to open it (README, "Checking a figure by hand").
 */
export function sqliteVerify(copy: VerifyCopy, sql: string, prints: readonly (number | string)[]): string {
  const stated = `# prints ${prints.join(', ')}`;
  if (copy.path !== undefined && pasteable(copy.path))
    return `verify: sqlite3 -readonly ${shellQuote(copy.path)} ${shellQuote(sql)}  ${stated}`;
  return `verify: sqlite3 -readonly ${NO_COPY_DIR}/${copy.fileName} ${shellQuote(sql)}  ${stated} (with --keep-copies ${NO_COPY_DIR})`;
}
