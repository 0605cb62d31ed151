// A throw-away single-node dqlite cluster (go-dqlite's `dqlite-demo`) for end-to-end tests: write SQL
// through the `dqlite` shell, let raft take a snapshot, copy the snapshot files out.
import { type ChildProcess, spawn } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execStatements, queryRows, runShell } from './dqlite-shell.js';

export interface SnapshotFiles {
  term: number;
  index: number;
  /** libuv loop time in ms (monotonic clock), not a Unix time. */
  timestamp: number;
  /** `snapshot-T-I-TS` */
  name: string;
  dataPath: string;
  metaPath: string;
}

export interface PadOptions {
  /** Database that receives the filler rows, so the databases under test are not touched. */
  database?: string;
  /** Wait for a snapshot with an index above this one (default: the newest existing snapshot's). */
  afterIndex?: number;
  timeoutMs?: number;
  /**
   * Wait this long before writing when there is an earlier snapshot (default 1500 ms): the core
   * rates writes only over names at least MIN_INTERVAL_SECONDS (1 s) apart, and an idle machine
   * pads to the next snapshot in under a second, where a real node's are minutes apart.
   */
  spacingMs?: number;
  /** Address the filler is written through (default this node's): a cluster's, while this node is stopped. */
  via?: string;
  /** Writing stops once this returns true (the wait for the snapshot goes on). */
  stopWriting?: () => boolean;
}

export interface NodeOptions {
  /** Keep the data directory when the node stops. */
  keep?: boolean;
  /** The directory the data directory (`<root>/<address>`) goes in; default a new temp dir. */
  root?: string;
  /** dqlite addresses of the cluster to join (dqlite-demo --join). */
  join?: string[];
}

export interface DqliteNode {
  /** The raft data directory (`<tmp>/127.0.0.1:<port>`): info.yaml, cluster.yaml, segments, snapshots. */
  dataDir: string;
  /** The dqlite (raft/SQL) address, `127.0.0.1:<port>`. */
  address: string;
  /** The running dqlite-demo process (a new one after restart()). */
  readonly pid: number;
  exec(database: string, statements: string[]): Promise<void>;
  query<T>(database: string, sql: string): Promise<T[]>;
  snapshots(): Promise<SnapshotFiles[]>;
  padUntilSnapshot(options?: PadOptions): Promise<SnapshotFiles>;
  copySnapshot(snapshot: SnapshotFiles, destDir: string): Promise<SnapshotFiles>;
  stop(): Promise<void>;
  /**
   * Stop the process (SIGTERM: dqlite-demo hands its leadership over first) and start it again
   * on the same address and data directory, as a restarted service would be.
   */
  restart(): Promise<void>;
}

const READY_TIMEOUT_MS = 20_000;
const STOP_GRACE_MS = 5_000;
/** dqlite's default snapshot threshold; padding never needs more than two thresholds of entries. */
const SNAPSHOT_THRESHOLD = 1024;
const PAD_BATCH = 128;
const SNAPSHOT_RE = /^snapshot-(\d+)-(\d+)-(\d+)$/;

const running = new Set<ChildProcess>();
const stoppers = new Set<() => Promise<void>>();

// Last line of defence: if the test process dies without afterAll, do not leave nodes behind.
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** Stops every node started by this process; use in afterAll. */
export async function stopAllNodes(): Promise<void> {
  await Promise.all([...stoppers].map((stop) => stop()));
}

export async function startDqliteNode(options: NodeOptions = {}): Promise<DqliteNode> {
  const root = options.root ?? (await mkdtemp(join(tmpdir(), 'dqa-node-')));
  let lastError: unknown;
  // A port found free can be taken by someone else before dqlite binds it: retry with new ports.
  // Not when joining: the cluster would keep the failed attempt as a member.
  for (let attempt = 0; attempt < (options.join ? 1 : 3); attempt++) {
    const [apiPort, dbPort] = await freePorts(2);
    const address = `127.0.0.1:${dbPort}`;
    const args = ['--api', `127.0.0.1:${apiPort}`, '--db', address, '--dir', root];
    if (options.join?.length) args.push('--join', options.join.join(','));
    try {
      const child = await spawnReady(args, address);
      return makeNode(child, args, address, root, options);
    } catch (error) {
      lastError = error;
      await rm(join(root, address), { recursive: true, force: true });
    }
  }
  if (!options.root) await rm(root, { recursive: true, force: true });
  throw lastError;
}

/** Start dqlite-demo with `args` and wait until it answers on `address`; killed if it does not. */
async function spawnReady(args: string[], address: string): Promise<ChildProcess> {
  const child = spawn('dqlite-demo', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  const log = captureLog(child);
  try {
    await waitReady(child, address, log);
    return child;
  } catch (error) {
    await killProcess(child);
    throw error;
  }
}

function makeNode(
  first: ChildProcess,
  args: string[],
  address: string,
  root: string,
  options: NodeOptions,
): DqliteNode {
  const dataDir = join(root, address);
  let child = first;
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      await killProcess(child);
      stoppers.delete(stop);
      // A root the caller gave is the caller's to remove.
      if (!options.keep && !options.root) await rm(root, { recursive: true, force: true });
    })();
    return stopping;
  };
  stoppers.add(stop);

  const snapshots = () => listSnapshots(dataDir);
  const node: DqliteNode = {
    dataDir,
    address,
    get pid() {
      return child.pid ?? -1;
    },
    exec: async (database, statements) => {
      await execStatements(address, database, statements);
    },
    query: (database, sql) => queryRows(address, database, sql),
    snapshots,
    copySnapshot: (snapshot, destDir) => copySnapshot(snapshot, destDir),
    stop,
    restart: async () => {
      if (stopping) throw new Error(`the node at ${address} was stopped for good`);
      await killProcess(child);
      child = await spawnReady(args, address);
    },
    padUntilSnapshot: async (options = {}) => {
      const database = options.database ?? 'pad';
      const via = options.via ?? address;
      const deadline = Date.now() + (options.timeoutMs ?? 30_000);
      const after = options.afterIndex ?? (await snapshots()).at(-1)?.index ?? 0;
      if (after > 0) await sleep(options.spacingMs ?? 1500);
      await execStatements(via, database, [
        'CREATE TABLE IF NOT EXISTS pad (id INTEGER PRIMARY KEY, v BLOB)',
      ]);
      const insert = 'INSERT INTO pad (v) VALUES (randomblob(64))';
      // Each statement is one raft entry; the snapshot is taken asynchronously once the threshold is
      // crossed, so keep checking for a while after writing enough.
      const maxEntries = 2 * SNAPSHOT_THRESHOLD + PAD_BATCH;
      for (let written = 0; Date.now() < deadline; ) {
        const found = (await snapshots()).find((s) => s.index > after);
        if (found) return found;
        if (written < maxEntries && !options.stopWriting?.()) {
          await execStatements(via, database, Array(PAD_BATCH).fill(insert));
          written += PAD_BATCH;
        } else {
          await sleep(50);
        }
      }
      throw new Error(`no snapshot with index > ${after} in ${dataDir} before the deadline`);
    },
  };
  return node;
}

/** Complete snapshot pairs (data + .meta, data non-empty), oldest first (raft order: term, index, timestamp). */
async function listSnapshots(dataDir: string): Promise<SnapshotFiles[]> {
  const names = new Set(await readdir(dataDir));
  const found: SnapshotFiles[] = [];
  for (const name of names) {
    const m = SNAPSHOT_RE.exec(name);
    if (!m || !names.has(`${name}.meta`)) continue;
    const size = await stat(join(dataDir, name)).then(
      (s) => s.size,
      () => 0,
    );
    if (size === 0) continue;
    found.push({
      term: Number(m[1]),
      index: Number(m[2]),
      timestamp: Number(m[3]),
      name,
      dataPath: join(dataDir, name),
      metaPath: join(dataDir, `${name}.meta`),
    });
  }
  return found.sort((a, b) => a.term - b.term || a.index - b.index || a.timestamp - b.timestamp);
}

async function copySnapshot(snapshot: SnapshotFiles, destDir: string): Promise<SnapshotFiles> {
  await mkdir(destDir, { recursive: true });
  const dataPath = join(destDir, snapshot.name);
  const metaPath = `${dataPath}.meta`;
  await copyFile(snapshot.metaPath, metaPath);
  await copyFile(snapshot.dataPath, dataPath);
  return { ...snapshot, dataPath, metaPath };
}

async function waitReady(child: ChildProcess, address: string, log: () => string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let lastError = 'not tried';
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(
        `dqlite-demo exited (${child.exitCode ?? child.signalCode}) before it was ready:\n${log()}`,
      );
    }
    try {
      // `demo` is dqlite-demo's own database: probing it creates no extra database.
      const [out] = await runShell(address, 'demo', ['SELECT 1']);
      if (out === '1') return;
      lastError = out ?? '';
    } catch (error) {
      lastError = String(error);
    }
    await sleep(100);
  }
  throw new Error(
    `dqlite-demo at ${address} not ready after ${READY_TIMEOUT_MS} ms (${lastError}):\n${log()}`,
  );
}

/** SIGTERM, then SIGKILL if it has not exited within the grace period. Resolves once it has exited. */
async function killProcess(child: ChildProcess): Promise<void> {
  const exited = () => child.exitCode !== null || child.signalCode !== null;
  if (!exited()) {
    const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timedOut = await Promise.race([gone.then(() => false), sleep(STOP_GRACE_MS).then(() => true)]);
    if (timedOut && !exited()) {
      child.kill('SIGKILL');
      await Promise.race([gone, sleep(STOP_GRACE_MS)]);
    }
  }
  running.delete(child);
}

function captureLog(child: ChildProcess): () => string {
  let text = '';
  const keep = (chunk: Buffer) => {
    text = (text + chunk.toString('utf8')).slice(-16_384);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return () => text;
}

/** Ports the OS reports free on loopback; all listeners stay open until every port is known, so they differ. */
async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<ReturnType<typeof createServer>>((resolve, reject) => {
          const server = createServer();
          server.once('error', reject);
          server.listen(0, '127.0.0.1', () => resolve(server));
        }),
    ),
  );
  const ports = servers.map((server) => {
    const addr = server.address();
    if (addr === null || typeof addr === 'string') throw new Error('unexpected server address');
    return addr.port;
  });
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
