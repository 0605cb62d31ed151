// A throw-away single-node dqlite cluster (Debian go-dqlite's `dqlite-demo`) driven through the
// `dqlite` SQL shell, for generating benchmark snapshots. Plain ESM on purpose: `pnpm bench` runs it
// with node alone. Shell facts (go-dqlite 1.11.5, also in packages/test-support/src/dqlite-shell.ts): one statement
// per stdin line (< 4096 bytes), each its own transaction and raft entry with a 2 s timeout; a failing
// line prints "Error:  <message>" and the shell carries on and exits 0.
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const PROMPT = 'dqlite> ';
const ERROR_PREFIX = 'Error:  ';
const SNAPSHOT_RE = /^snapshot-(\d+)-(\d+)-(\d+)$/;
export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Start dqlite-demo on two free loopback ports in a fresh directory under `parent`. */
export async function startNode(parent = tmpdir()) {
  const root = await mkdtemp(join(parent, 'dqa-bench-node-'));
  const [apiPort, dbPort] = await freePorts(2);
  const address = `127.0.0.1:${dbPort}`;
  const child = spawn('dqlite-demo', ['--api', `127.0.0.1:${apiPort}`, '--db', address, '--dir', root], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  const keep = (chunk) => {
    log = (log + chunk.toString('utf8')).slice(-16384);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = () => child.exitCode !== null || child.signalCode !== null;
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (exited()) throw new Error(`dqlite-demo exited before it was ready:\n${log}`);
    try {
      const [out] = await shell(address, 'demo', ['SELECT 1']);
      if (out === '1') break;
    } catch {}
    if (Date.now() > deadline) throw new Error(`dqlite-demo not ready:\n${log}`);
    await sleep(100);
  }
  const dataDir = join(root, address);
  return {
    address,
    dataDir,
    pid: child.pid,
    log: () => log,
    alive: () => !exited(),
    /** Run statements; throws with every failing line. */
    async exec(database, statements) {
      const outputs = await shell(address, database, statements);
      const failures = outputs.flatMap((out, i) =>
        out.startsWith(ERROR_PREFIX)
          ? [`#${i + 1} ${out.slice(ERROR_PREFIX.length)} in: ${statements[i].slice(0, 160)}`]
          : [],
      );
      if (failures.length > 0) throw new Error(`dqlite (${database}): ${failures.join('\n  ')}`);
      return outputs;
    },
    query: async (database, sql) => (await shell(address, database, [sql]))[0],
    snapshots: () => listSnapshots(dataDir),
    async stop() {
      if (!exited()) {
        const gone = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        const late = await Promise.race([gone.then(() => false), sleep(10_000).then(() => true)]);
        if (late) {
          child.kill('SIGKILL');
          await gone;
        }
      }
      await rm(root, { recursive: true, force: true });
    },
  };
}

/** Complete snapshot pairs (data + .meta), oldest first. */
export async function listSnapshots(dataDir) {
  const names = new Set(await readdir(dataDir));
  const found = [];
  for (const name of names) {
    const m = SNAPSHOT_RE.exec(name);
    if (!m || !names.has(`${name}.meta`)) continue;
    const size = await stat(join(dataDir, name)).then(
      (s) => s.size,
      () => 0,
    );
    if (size === 0) continue;
    found.push({ term: +m[1], index: +m[2], timestamp: +m[3], name, dataPath: join(dataDir, name), size });
  }
  return found.sort((a, b) => a.term - b.term || a.index - b.index);
}

/** Run lines through one shell process; resolves with each line's output. */
export function shell(address, database, lines, timeoutMs = 120_000) {
  for (const line of lines) {
    if (Buffer.byteLength(line) >= 4000 || /[\r\n]/.test(line))
      throw new Error(`bad shell line: ${line.slice(0, 100)}`);
  }
  return new Promise((resolve, reject) => {
    const child = spawn('dqlite', ['-s', address, database], { stdio: ['pipe', 'pipe', 'pipe'] });
    const out = [];
    const err = [];
    child.stdout.on('data', (c) => out.push(c));
    child.stderr.on('data', (c) => err.push(c));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(`dqlite shell (${database}) did not finish ${lines.length} lines within ${timeoutMs} ms`),
      );
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const text = Buffer.concat(out).toString('utf8');
      if (code !== 0)
        return reject(new Error(`dqlite shell exited ${code ?? signal}: ${Buffer.concat(err)}`));
      const parts = text.split(PROMPT);
      if (parts.length !== lines.length + 2) {
        return reject(
          new Error(
            `dqlite shell printed ${parts.length - 1} prompts for ${lines.length} lines: ${text.slice(-400)}`,
          ),
        );
      }
      resolve(parts.slice(1, -1).map((p) => p.replace(/\n$/, '')));
    });
    child.stdin.on('error', () => {});
    child.stdin.end(lines.length ? `${lines.join('\n')}\n` : '');
  });
}

async function freePorts(count) {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise((resolve, reject) => {
          const s = createServer();
          s.once('error', reject);
          s.listen(0, '127.0.0.1', () => resolve(s));
        }),
    ),
  );
  const ports = servers.map((s) => s.address().port);
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}
