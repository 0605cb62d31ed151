// Every kind of input the core accepts, and every kind of damage it must refuse, all derived from
// one snapshot a real dqlite node wrote. Expected figures come from the sqlite3 CLI on the same bytes.
import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { analyze } from '@dqlite-analyzer/core';
import {
  type DqliteNode,
  type SnapshotFiles,
  startDqliteNode,
  stopAllNodes,
} from '@dqlite-analyzer/test-support/dqlite-node';
import { type Extraction, extractWithCli, sqlite } from '@dqlite-analyzer/test-support/independent';
import { KineHistory, kineSchema, kineValue } from '@dqlite-analyzer/test-support/kine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);

let node: DqliteNode;
let scratch: string;
let temp: string;
let snapshot: SnapshotFiles;
let extraction: Extraction;
let payload: Buffer;
const history = new KineHistory();

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'dqa-inputs-'));
  temp = join(scratch, 'temp');
  await mkdir(temp);
  node = await startDqliteNode();
  await node.exec('k8s', kineSchema('v65536'));
  history.bulkCreate('/registry/secrets/default/s-', 120, kineValue.random(700), { chunk: 60 });
  history.create('/registry/leases/kube-system/kube-controller-manager', kineValue.k8s(250));
  history.bulkUpdate('/registry/leases/kube-system/kube-controller-manager', 300, kineValue.k8s(250), {
    chunk: 150,
  });
  history.compact(history.figures().currentRevision - 50);
  await node.exec('k8s', history.takeStatements());
  snapshot = await node.copySnapshot(await node.padUntilSnapshot(), join(scratch, 'original'));
  extraction = await extractWithCli(snapshot.dataPath);
  payload = await readFile(extraction.payloadPath);
});

afterAll(async () => {
  await stopAllNodes();
  await extraction?.cleanup();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

/** Write `bytes` as a snapshot file (with the original .meta beside it) in a fresh directory. */
async function asSnapshot(label: string, bytes: Buffer, meta?: Buffer): Promise<string> {
  const dir = join(scratch, label);
  await mkdir(dir, { recursive: true });
  const path = join(dir, snapshot.name);
  await writeFile(path, bytes);
  await writeFile(`${path}.meta`, meta ?? (await readFile(snapshot.metaPath)));
  return path;
}

async function lz4(bytes: Buffer, label: string): Promise<Buffer> {
  const input = join(scratch, `${label}.raw`);
  await writeFile(input, bytes);
  // raft's frame settings: 64 KiB linked blocks, content size, content checksum.
  await run('lz4', ['-q', '-f', '-B4', '-BD', '--content-size', input, `${input}.lz4`]);
  return readFile(`${input}.lz4`);
}

async function cliKine(mainPath: string) {
  const [row] = await sqlite<{ rows: number; pages: number; free: number }>(
    mainPath,
    'SELECT (SELECT count(*) FROM kine) AS rows, (SELECT page_count FROM pragma_page_count) AS pages, ' +
      '(SELECT freelist_count FROM pragma_freelist_count) AS free',
  );
  return row!;
}

async function errorCode(path: string, options = {}): Promise<string> {
  try {
    await analyze(path, { tempDir: temp, ...options });
    return 'no error';
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  } finally {
    // Whatever happened, the private copy is gone.
    expect(await readdir(temp)).toEqual([]);
  }
}

const k8s = () => extraction.databases.find((db) => db.name === 'k8s')!;

describe('inputs', () => {
  it('a data directory: picks the newest complete snapshot, lists the incomplete one, reads the node files', async () => {
    const dir = join(scratch, 'datadir');
    await mkdir(dir);
    for (const file of ['info.yaml', 'cluster.yaml'])
      await copyFile(join(node.dataDir, file), join(dir, file));
    await copyFile(snapshot.dataPath, join(dir, snapshot.name));
    await copyFile(snapshot.metaPath, join(dir, `${snapshot.name}.meta`));
    // A newer snapshot still being written: raft writes the .meta first (formats.md §1.5).
    const inProgress = `snapshot-${snapshot.term}-${snapshot.index + 1024}-${snapshot.timestamp + 5000}`;
    await copyFile(snapshot.metaPath, join(dir, `${inProgress}.meta`));
    await writeFile(join(dir, 'tmp-XXab12'), 'partial');
    await writeFile(
      join(dir, 'tuning.yaml'),
      'snapshot:\n  threshold: 384\n  trailing: 512\nkine-compact-interval: 1m30s\n',
    );
    const analysis = await analyze(dir, { tempDir: temp });
    expect(analysis.source).toMatchObject({ kind: 'data-dir', dataFile: join(dir, snapshot.name) });
    expect(analysis.dataDir?.incomplete).toEqual([
      { file: `${inProgress}.meta`, reason: 'meta-without-data' },
      { file: 'tmp-XXab12', reason: 'temporary-file' },
    ]);
    const info = await readFile(join(dir, 'info.yaml'), 'utf8');
    expect(analysis.dataDir?.node).toEqual({
      id: /ID: (\d+)/.exec(info)![1],
      address: node.address,
      role: 'voter',
    });
    expect(analysis.dataDir?.members).toEqual([analysis.dataDir?.node]);
    expect(analysis.dataDir?.tuning).toEqual({
      source: 'tuning.yaml',
      snapshotThreshold: 384,
      snapshotTrailing: 512,
      compactIntervalSeconds: 90,
    });
    expect(analysis.kine?.rows).toBe((await cliKine(k8s().mainPath)).rows);
  });

  it('an uncompressed snapshot (raft before 0.11 or built without LZ4)', async () => {
    const analysis = await analyze(await asSnapshot('raw', payload), { tempDir: temp });
    expect(analysis.source.compression).toBe('none');
    expect(analysis.source.payloadBytes).toBe(payload.length);
    expect(analysis.kine?.schema).toMatchObject({ userVersion: 65536, variant: 'k8s-dqlite-v1.0-schema' });
    expect(analysis.kine?.rows).toBe((await cliKine(k8s().mainPath)).rows);
  });

  it('a dqlite ≥ 1.17 snapshot: WAL merged into the main file, wal_size 0', async () => {
    // Checkpoint copies with the sqlite3 CLI, then lay them out as dqlite 1.17 does (formats.md §2.3 B).
    const parts: Buffer[] = [u64(1), u64(extraction.databases.length)];
    for (const db of extraction.databases) {
      const merged = join(scratch, `merged-${db.name}`);
      await copyFile(db.mainPath, merged);
      if (db.walSize > 0) await copyFile(db.walPath, `${merged}-wal`);
      await run('sqlite3', [merged, 'PRAGMA wal_checkpoint(TRUNCATE);']);
      const main = await readFile(merged);
      const name = Buffer.from(`${db.name}\0`);
      parts.push(name, Buffer.alloc((8 - (name.length % 8)) % 8), u64(main.length), u64(0), main);
    }
    const path = await asSnapshot('merged', await lz4(Buffer.concat(parts), 'merged'));
    const analysis = await analyze(path, { tempDir: temp });
    const cli = await cliKine(k8s().mainPath);
    const db = analysis.databases.find((d) => d.name === 'k8s')!;
    expect([db.walBytes, db.pageCount, db.freelistCount, analysis.kine?.rows]).toEqual([
      0,
      cli.pages,
      cli.free,
      cli.rows,
    ]);
  });

  it('a plain SQLite file with its WAL beside it (a kine database copied out by hand)', async () => {
    const dir = join(scratch, 'plain');
    await mkdir(dir);
    await copyFile(k8s().mainPath, join(dir, 'state.db'));
    await copyFile(k8s().walPath, join(dir, 'state.db-wal'));
    const analysis = await analyze(join(dir, 'state.db'), { tempDir: temp });
    expect(analysis.source.kind).toBe('sqlite');
    expect(analysis.raft).toBeNull();
    expect(analysis.databases[0]?.walBytes).toBe(k8s().walSize);
    expect(analysis.kine?.rows).toBe((await cliKine(k8s().mainPath)).rows);
  });

  it('a snapshot without kine: a clear error, or storage figures with requireKine false', async () => {
    const demo = extraction.databases.find((db) => db.name === 'demo')!;
    const plain = join(scratch, 'demo.db');
    await copyFile(demo.mainPath, plain);
    await copyFile(demo.walPath, `${plain}-wal`);
    expect(await errorCode(plain)).toBe('DQA_KINE_NOT_FOUND');
    const analysis = await analyze(plain, { tempDir: temp, requireKine: false });
    expect(analysis.kine).toBeNull();
    expect(analysis.databases[0]?.tables).toEqual(['model']);
  });
});

describe('partial input is labelled partial', () => {
  it('a torn WAL: only the committed frames count, as in SQLite, and the analysis says so', async () => {
    const db = k8s();
    expect(db.walSize).toBeGreaterThan(0);
    // The k8s database's WAL sits right before the next database's name in the payload.
    const walStart = payload.indexOf(await readFile(db.walPath));
    const torn = Buffer.from(payload);
    const lastFrameData = walStart + db.walSize - 4096 + 10;
    torn[lastFrameData] = (torn[lastFrameData] ?? 0) ^ 0xff;
    const analysis = await analyze(await asSnapshot('torn-wal', torn), { tempDir: temp });
    const analysed = analysis.databases.find((d) => d.name === 'k8s')!;
    expect(analysed.walCommittedFrames).toBeLessThan(analysed.walFrames);
    expect(analysis.partial).toBe(true);
    expect(analysis.warnings.join('\n')).toMatch(
      /database "k8s": \d+ of \d+ WAL frames were not replayed \([1-9]\d* torn/,
    );
    expect(analysed.walValidFrames).toBeLessThan(analysed.walFrames);
    // The sqlite3 CLI on the same torn files replays the same frames, so it sees the same rows.
    const copy = join(scratch, 'torn.db');
    await copyFile(db.mainPath, copy);
    const wal = Buffer.from(await readFile(db.walPath));
    wal[db.walSize - 4096 + 10] = (wal[db.walSize - 4096 + 10] ?? 0) ^ 0xff;
    await writeFile(`${copy}-wal`, wal);
    const cli = await cliKine(copy);
    expect([analysed.pageCount, analysis.kine?.rows]).toEqual([cli.pages, cli.rows]);
  });
});

describe('damaged inputs: a typed error, nothing left behind', () => {
  it('missing, empty, unknown and directory-without-snapshot inputs', async () => {
    expect(await errorCode(join(scratch, 'nope'))).toBe('DQA_INPUT_NOT_FOUND');
    await writeFile(join(scratch, 'empty'), '');
    expect(await errorCode(join(scratch, 'empty'))).toBe('DQA_INPUT_EMPTY');
    await writeFile(join(scratch, 'text'), 'hello, not a snapshot');
    expect(await errorCode(join(scratch, 'text'))).toBe('DQA_INPUT_UNKNOWN');
    const empty = join(scratch, 'empty-dir');
    await mkdir(empty);
    await copyFile(snapshot.metaPath, join(empty, `${snapshot.name}.meta`));
    expect(await errorCode(empty)).toBe('DQA_DIR_NO_SNAPSHOT');
  });

  it('a truncated LZ4 snapshot, at the header, in a block and before the checksum', async () => {
    const original = await readFile(snapshot.dataPath);
    for (const cut of [9, 4096, Math.floor(original.length / 2), original.length - 3]) {
      expect(await errorCode(await asSnapshot(`cut-${cut}`, original.subarray(0, cut)))).toBe(
        'DQA_LZ4_TRUNCATED',
      );
    }
  });

  it('corrupt LZ4 data and a wrong checksum', async () => {
    const original = await readFile(snapshot.dataPath);
    const corrupt = Buffer.from(original);
    corrupt.fill(0xee, 200, 260);
    expect(['DQA_LZ4_CORRUPT', 'DQA_LZ4_CHECKSUM', 'DQA_LZ4_SIZE_MISMATCH']).toContain(
      await errorCode(await asSnapshot('corrupt', corrupt)),
    );
    const badSum = Buffer.from(original);
    badSum[badSum.length - 2] = (badSum[badSum.length - 2] ?? 0) ^ 0xff;
    expect(await errorCode(await asSnapshot('badsum', badSum))).toBe('DQA_LZ4_CHECKSUM');
  });

  it('a damaged newest snapshot is reported, naming the older complete one instead of reading it silently', async () => {
    const dir = join(scratch, 'newest-damaged');
    await mkdir(dir);
    await copyFile(snapshot.dataPath, join(dir, snapshot.name));
    await copyFile(snapshot.metaPath, join(dir, `${snapshot.name}.meta`));
    const newer = `snapshot-${snapshot.term}-${snapshot.index + 1024}-${snapshot.timestamp + 5000}`;
    const original = await readFile(snapshot.dataPath);
    await writeFile(join(dir, newer), original.subarray(0, original.length / 2));
    await copyFile(snapshot.metaPath, join(dir, `${newer}.meta`));
    const error = await analyze(dir, { tempDir: temp }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({
      code: 'DQA_LZ4_TRUNCATED',
      details: { olderSnapshot: join(dir, snapshot.name) },
    });
    expect(String((error as Error).message)).toContain(
      `an older complete snapshot is ${join(dir, snapshot.name)}`,
    );
    expect(await readdir(temp)).toEqual([]);
  });

  it('a wrong magic', async () => {
    const original = await readFile(snapshot.dataPath);
    const wrong = Buffer.from(original);
    wrong[0] = 0x05;
    expect(await errorCode(await asSnapshot('magic', wrong))).toBe('DQA_INPUT_UNKNOWN');
  });

  it('a .meta whose CRC does not match', async () => {
    const meta = Buffer.from(await readFile(snapshot.metaPath));
    meta[40] = (meta[40] ?? 0) ^ 0x01;
    expect(await errorCode(await asSnapshot('meta-crc', await readFile(snapshot.dataPath), meta))).toBe(
      'DQA_RAFT_META_CRC',
    );
  });

  it('payload damage: size field beyond the file, truncation, no NUL, zero databases, not SQLite', async () => {
    const huge = Buffer.from(payload);
    huge.writeBigUInt64LE(1n << 45n, 24); // first database's main size
    expect(await errorCode(await asSnapshot('huge', huge))).toBe('DQA_FSM_SIZE_TOO_LARGE');
    expect(await errorCode(await asSnapshot('short', payload.subarray(0, payload.length - 100)))).toBe(
      'DQA_FSM_SIZE_TOO_LARGE',
    );
    const noNul = Buffer.concat([payload.subarray(0, 16), Buffer.alloc(5000, 0x61)]);
    expect(await errorCode(await asSnapshot('nonul', noNul))).toBe('DQA_FSM_BAD_NAME');
    const zero = Buffer.from(payload.subarray(0, 16));
    zero.writeBigUInt64LE(0n, 8);
    expect(await errorCode(await asSnapshot('zero', zero))).toBe('DQA_FSM_NO_DATABASES');
    const notSqlite = Buffer.from(payload);
    notSqlite.write('NOT SQLite', 40); // the first database's page 1 starts at byte 40 ("demo\0" + pad)
    expect(await errorCode(await asSnapshot('notsqlite', notSqlite))).toBe('DQA_SQLITE_NOT_DATABASE');
    // The same truncation inside an LZ4 frame that declares the shorter size: the payload ends early.
    expect(
      await errorCode(
        await asSnapshot('short-lz4', await lz4(payload.subarray(0, payload.length - 100), 'short')),
      ),
    ).toBe('DQA_FSM_SIZE_TOO_LARGE');
  });

  it('a symlink to the snapshot is followed, read-only; a dangling one is reported missing', async () => {
    const link = join(scratch, 'link');
    await symlink(snapshot.dataPath, link);
    expect((await analyze(link, { tempDir: temp })).kine?.rows).toBe((await cliKine(k8s().mainPath)).rows);
    await symlink(join(scratch, 'gone'), join(scratch, 'dangling'));
    expect(await errorCode(join(scratch, 'dangling'))).toBe('DQA_INPUT_NOT_FOUND');
  });
});

function u64(value: number): Buffer {
  const buf = Buffer.alloc(8);
  buf.writeBigUInt64LE(BigInt(value));
  return buf;
}
