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

/** True when `text` prints as what it is, on one line, so a command holding it can be pasted. */
export function pasteable(text: string): boolean {
  return !UNPRINTABLE.test(text);
}

/** The note printed instead of a command whose `what` (e.g. "Lease name") is not valid. */
export function notAValidName(what: string, value: string): string {
  // JSON escapes every control character, so the note stays one comment line.
  return `# ${JSON.stringify(value)} is not a valid ${what}, so no command is printed for it`;
}

/**
 * The `verify:` command for a query on the kept copy of the database (--keep-copies DIR puts it at
 * DIR/<database>.db; `<copy>` stands for that path), with what it prints when the figure is right.
 */
export function sqliteVerify(sql: string, prints: readonly (number | string)[]): string {
  return `verify: sqlite3 <copy> ${shellQuote(sql)}  # prints ${prints.join(', ')}`;
}
