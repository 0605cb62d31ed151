// Drives the go-dqlite 1.11.5 `dqlite` SQL shell. Facts this relies on (checked against the real binary):
// - With stdin not a TTY it still prints the prompt "dqlite> " before reading each line, so stdout is
//   "dqlite> <output of line 1>dqlite> <output of line 2>…dqlite> " (one more prompt than lines).
// - A failing line prints "Error:  <message>" (Println("Error: ", err): two spaces) on stdout, the shell
//   carries on with the next line and still exits 0. Messages look like `exec: no such table: x` or
//   `query: near "SELEC": syntax error`.
// - Only lines starting with SELECT are run as queries; everything else is Exec'd and prints nothing.
// - `-f json` is ignored for SELECT in this version: rows are printed as fmt "%v" values joined by "|"
//   (NULL -> "<nil>", BLOB -> "[0 255]"), without column names. query() below therefore asks SQLite
//   for the column names and builds the JSON inside SQL.
// - Lines longer than 4096 bytes are silently split in two, and every line runs in its own
//   transaction with a 2 s timeout.
import { spawn } from 'node:child_process';

const PROMPT = 'dqlite> ';
const ERROR_PREFIX = 'Error:  ';
/** Below the shell's 4096-byte line buffer, with room to spare. */
export const MAX_STATEMENT_BYTES = 4000;
const SHELL_TIMEOUT_MS = 60_000;

export function checkStatement(statement: string): void {
  if (/[\r\n]/.test(statement)) {
    throw new Error(`dqlite shell statement must be one line: ${statement.slice(0, 120)}`);
  }
  const bytes = Buffer.byteLength(statement);
  if (bytes >= MAX_STATEMENT_BYTES) {
    throw new Error(
      `dqlite shell statement is ${bytes} bytes (limit ${MAX_STATEMENT_BYTES}): ${statement.slice(0, 120)}`,
    );
  }
}

/** Runs the lines through one shell process; resolves with the output of each line (errors included). */
export async function runShell(
  address: string,
  database: string,
  lines: readonly string[],
): Promise<string[]> {
  for (const line of lines) checkStatement(line);
  const stdout = await spawnShell(address, database, lines.length === 0 ? '' : `${lines.join('\n')}\n`);
  const parts = stdout.split(PROMPT);
  // parts[0] is what came before the first prompt (nothing); the last prompt is followed by EOF.
  if (parts.length !== lines.length + 2 || parts[0] !== '') {
    throw new Error(
      `dqlite shell printed ${parts.length - 1} prompts for ${lines.length} lines; output: ${stdout.slice(0, 500)}`,
    );
  }
  return parts.slice(1, -1).map((part) => part.replace(/\n$/, ''));
}

/** Runs statements in order; rejects with every shell error (later statements still ran: the shell does not stop). */
export async function execStatements(address: string, database: string, statements: readonly string[]) {
  const outputs = await runShell(address, database, statements);
  const failures = outputs.flatMap((out, i) =>
    out.startsWith(ERROR_PREFIX)
      ? [`#${i + 1} ${out.slice(ERROR_PREFIX.length)}\n    in: ${statements[i]?.slice(0, 300)}`]
      : [],
  );
  if (failures.length > 0) {
    throw new Error(
      `dqlite shell (${database}): ${failures.length} statement(s) failed:\n  ${failures.join('\n  ')}`,
    );
  }
  return outputs;
}

const quoteIdent = (name: string) => `"${name.replaceAll('"', '""')}"`;
const quoteText = (text: string) => `'${text.replaceAll("'", "''")}'`;

/**
 * Runs one SELECT and returns its rows as objects keyed by column name. Two shell runs: the first learns
 * the column names through a TEMP view (connection-local, never replicated, so the database is not
 * changed), the second wraps the query in json_group_array(json_object(...)) so the shell prints one JSON
 * line. BLOB values come back as upper-case hex strings (JSON cannot hold blobs); integers beyond 2^53
 * lose precision. Row order is the subquery's order, which SQLite keeps for json_group_array in practice.
 * Like exec, naming a database that was never written creates it: it then appears in every later
 * snapshot (as one 4096-byte page, wal_size 0).
 */
export async function queryRows<T>(address: string, database: string, sql: string): Promise<T[]> {
  const select = sql.trim().replace(/;+\s*$/, '');
  if (!/^select\b/i.test(select))
    throw new Error(`query() takes a single SELECT, got: ${select.slice(0, 80)}`);
  const view = 'dqa_query_columns';
  const [, namesOut] = await execStatements(address, database, [
    `CREATE TEMP VIEW ${view} AS ${select}`,
    `SELECT json_group_array(name) FROM pragma_table_info('${view}')`,
  ]);
  const names = JSON.parse(namesOut ?? '[]') as string[];
  const fields = names.map((name) => {
    const col = quoteIdent(name);
    return `${quoteText(name)}, CASE WHEN typeof(${col}) = 'blob' THEN hex(${col}) ELSE ${col} END`;
  });
  const [out] = await execStatements(address, database, [
    `SELECT json_group_array(json_object(${fields.join(', ')})) FROM (${select})`,
  ]);
  return JSON.parse(out ?? '[]') as T[];
}

function spawnShell(address: string, database: string, input: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('dqlite', ['-s', address, database], { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`dqlite shell did not finish within ${SHELL_TIMEOUT_MS} ms`));
    }, SHELL_TIMEOUT_MS);
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(Buffer.concat(out).toString('utf8'));
      else
        reject(
          new Error(`dqlite shell exited ${code ?? signal}: ${Buffer.concat(err).toString('utf8').trim()}`),
        );
    });
    // The shell may exit before reading all input (e.g. cannot connect); that EPIPE is reported via 'close'.
    child.stdin.on('error', () => {});
    child.stdin.end(input);
  });
}
