import { chmodSync, constants, copyFileSync, existsSync, statSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { ANALYSIS_SCHEMA_VERSION, type Analysis, type DatabaseAnalysis, type RaftInfo } from './analysis.js';
import { type Check, runChecks } from './checks/index.js';
import { AnalyzerError } from './errors.js';
import type { ExtractedDatabase } from './fsm/extract.js';
import { createPrivateDir, ensureFreeSpace } from './io/temp-dir.js';
import { buildComparison, comparedSnapshot } from './kine/compare.js';
import { detectKineSchema, listTables } from './kine/schema.js';
import { readWritesSince, type WritesSince } from './kine/writes.js';
import { analyzeKine, type KineDetails } from './kine-analysis.js';
import { readMeta } from './raft/meta.js';
import { parseSnapshotName } from './raft/snapshot-name.js';
import { type DataDirListing, readDataDir } from './source/data-dir.js';
import { type Compression, detectInput } from './source/detect.js';
import { extractSnapshot, type ProgressListener } from './source/snapshot-file.js';
import { BTREE_SCHEMA_SQL, BTREE_USAGE_SQL, type BtreeUsage, btreeUsageFromRows } from './sqlite/btrees.js';
import {
  type IntegrityMode,
  type IntegrityResult,
  integrityFromRows,
  integritySql,
} from './sqlite/integrity.js';
import { openCopy, type SqliteDatabase } from './sqlite/open.js';
import { readPageFigures } from './sqlite/pages.js';
import { type SideResult, SideThread } from './sqlite/side-thread.js';
import { estimateVacuumedBytes, vacuumedBytes } from './sqlite/vacuum.js';
import { addTiming, guard, guardAsync, seconds, type Timings, timed } from './steps.js';
import {
  type OlderReadOptions,
  type OlderSnapshot,
  olderSnapshotMismatch,
  readOlderSnapshot,
  readOlderSnapshotAt,
} from './writes-between.js';

export interface AnalyzeOptions {
  /** Measure the exact compacted size with VACUUM INTO on the private copy (slower). */
  vacuum?: boolean;
  /** Where the private copy goes (default: the OS temp dir). */
  tempDir?: string;
  /** Throw DQA_KINE_NOT_FOUND when no database is kine (default true). */
  requireKine?: boolean;
  onProgress?: ProgressListener;
  /** Break the per-prefix figures down per namespace (`prefixes[].namespaces`). */
  byNamespace?: boolean;
  /** How many hot keys to list (default 20). */
  hotKeys?: number;
  /** The checks to run (default: all of CHECKS). */
  checks?: readonly Check[];
  /** SQLite's consistency check on each copy (default 'quick', the check dqlite runs after a restore). */
  integrity?: IntegrityMode;
  /**
   * Keep each database's copy (WAL applied) in this existing directory as `<name>.db`, so the
   * figures and the findings' `sqlite3 <copy>` lines can be checked by hand. Never overwrites.
   */
  keepCopiesIn?: string;
  /**
   * Walk the pages (dbstat, the integrity check) on a second thread while the kine scan runs on
   * this one (default true). The agent turns it off to stay on one core of a busy node.
   */
  parallel?: boolean;
  /**
   * For a data directory, also read its older snapshot's revision counter and count the writes
   * between the two (`Analysis.writes`); default true.
   */
  writes?: boolean;
  /**
   * For a snapshot file: an older snapshot of the same node to count the writes since (the agent
   * passes the previous one it analysed). Ignored for a data directory, which has its own.
   */
  compareWith?: string;
}

/** Called with the open kine database before it is closed (compare() reads writes this way). */
export type KineInspector = (db: SqliteDatabase, details: KineDetails) => void;

/**
 * Analyse a snapshot file, a dqlite data directory or a SQLite file. The input is only read;
 * the work happens on a private copy that is removed before this returns or throws.
 */
export function analyze(path: string, options: AnalyzeOptions = {}): Promise<Analysis> {
  return analyzeWith(path, options);
}

/** analyze() with a hook on the open kine database; internal to the core (used by compare()). */
export async function analyzeWith(
  path: string,
  options: AnalyzeOptions,
  inspect?: KineInspector,
): Promise<Analysis> {
  const timings: Timings = {};
  const detected = await detectInput(path);
  let dataDir: DataDirListing | null = null;
  let dataFile = path;
  let kind = detected.kind;
  let compression: Compression | undefined = detected.compression;
  if (detected.kind === 'data-dir') {
    dataDir = await readDataDir(path);
    const newest = dataDir.snapshots[0];
    if (!newest) {
      const pending = dataDir.incomplete.map((item) => `${item.file} (${item.reason})`).join(', ');
      throw new AnalyzerError(
        'DQA_DIR_NO_SNAPSHOT',
        `${path} holds no complete snapshot${pending ? `; incomplete: ${pending}` : ''}`,
        { path },
      );
    }
    dataFile = newest.dataFile;
    const inner = await detectInput(dataFile);
    kind = 'data-dir';
    compression = inner.compression;
    if (inner.kind !== 'snapshot') {
      throw new AnalyzerError('DQA_INPUT_UNKNOWN', `${dataFile} is not a dqlite snapshot`, {
        path: dataFile,
      });
    }
  }

  // The older snapshot first, its copy removed before the newer one is extracted: one at a time.
  const older: OlderSnapshot | undefined =
    options.writes === false
      ? undefined
      : dataDir
        ? await readOlderSnapshot(dataDir, olderOptions(options))
        : options.compareWith && kind === 'snapshot'
          ? await readOlderSnapshotAt(options.compareWith, olderOptions(options))
          : undefined;
  let writesSince: WritesSince | undefined;
  const olderRevision = older?.snapshot?.currentRevision;
  const inspectAll: KineInspector | undefined =
    olderRevision === undefined
      ? inspect
      : (db, details) => {
          if (details.kine.currentRevision >= olderRevision) writesSince = readWritesSince(db, olderRevision);
          inspect?.(db, details);
        };

  const fileInfo = await stat(dataFile);
  const isSnapshot = kind !== 'sqlite';
  const metaFile = isSnapshot && existsSync(`${dataFile}.meta`) ? `${dataFile}.meta` : null;
  const raft = isSnapshot ? await readRaftInfo(dataFile, metaFile) : null;

  const dir = createPrivateDir(options.tempDir);
  // Started now so that its start-up overlaps the extraction.
  const side = options.parallel === false ? undefined : new SideThread();
  try {
    const started = performance.now();
    let extracted: ExtractedDatabase[];
    let payloadBytes = fileInfo.size;
    if (isSnapshot) {
      const snapshot = await extractSnapshot(
        dataFile,
        compression ?? 'none',
        dir.path,
        options.onProgress,
      ).catch((error: unknown) => {
        throw withOlderSnapshotHint(error, dataDir);
      });
      extracted = snapshot.databases;
      payloadBytes = snapshot.payloadBytes;
    } else {
      extracted = [copySqliteFile(dataFile, dir.path, fileInfo.size)];
    }
    timings.extract = seconds(started);

    const databases: DatabaseAnalysis[] = [];
    let details: KineDetails | null = null;
    for (const database of extracted) {
      const result = await measureDatabase(database, dir.path, options, timings, side, inspectAll);
      if (options.keepCopiesIn && result.analysis.pageCount > 0) {
        result.analysis.copyPath = keepCopy(database, options.keepCopiesIn);
      }
      databases.push(result.analysis);
      if (result.details && (!details || database.name === 'k8s')) details = result.details;
    }
    if (!details && options.requireKine !== false) {
      const names = databases.map((d) => `${d.name} (tables: ${d.tables.join(', ') || 'none'})`).join('; ');
      throw new AnalyzerError('DQA_KINE_NOT_FOUND', `${dataFile}: no database has a kine table: ${names}`, {
        path: dataFile,
      });
    }
    const analysis: Analysis = {
      schemaVersion: ANALYSIS_SCHEMA_VERSION,
      analyzedAt: new Date().toISOString(),
      source: {
        path,
        kind,
        dataFile,
        metaFile,
        compression: compression ?? null,
        bytesOnDisk: fileInfo.size,
        payloadBytes,
        modifiedAt: fileInfo.mtime.toISOString(),
      },
      raft,
      dataDir,
      databases,
      kine: details?.kine ?? null,
      prefixes: details?.prefixes ?? [],
      hotKeys: details?.hotKeys ?? [],
      leases: details?.leases ?? [],
      objects: details?.objects ?? null,
      decoding: details?.decoding ?? [],
      writes: null,
      writesUnavailable: null,
      findings: [],
      partial: false,
      warnings: [],
      timings,
    };
    Object.assign(analysis, writesBetween(analysis, older, writesSince));
    noteIncompleteReads(analysis);
    analysis.findings = timed(timings, 'findings', () => runChecks(analysis, options.checks));
    return analysis;
  } finally {
    await side?.stop();
    dir.release();
  }
}

// The older snapshot's kine database is kept beside the newer one's, as `<name>.older.db`.
function olderOptions(options: AnalyzeOptions): OlderReadOptions {
  const dir = options.keepCopiesIn;
  return {
    tempDir: options.tempDir,
    keep: dir ? (database) => keepCopy(database, dir, '.older') : undefined,
  };
}

function writesBetween(
  analysis: Analysis,
  older: OlderSnapshot | undefined,
  since: WritesSince | undefined,
): Pick<Analysis, 'writes' | 'writesUnavailable'> {
  if (!older) {
    return {
      writes: null,
      writesUnavailable:
        analysis.source.kind === 'data-dir'
          ? 'no write rate: not measured (writes: false)'
          : 'no write rate: the input is one file; give the data directory (raft keeps its two newest ' +
            'snapshots there), or compare two snapshots with dqlite-analyze compare',
    };
  }
  if (!older.snapshot) return { writes: null, writesUnavailable: older.unavailable };
  const newer = comparedSnapshot(analysis);
  const mismatch = olderSnapshotMismatch(older.snapshot, newer.currentRevision);
  if (mismatch || !since)
    return { writes: null, writesUnavailable: mismatch ?? 'no write rate: no kine table' };
  return { writes: buildComparison(older.snapshot, newer, since), writesUnavailable: null };
}

async function readRaftInfo(dataFile: string, metaFile: string | null): Promise<RaftInfo> {
  const name = parseSnapshotName(basename(dataFile));
  const meta = metaFile ? await readMeta(metaFile) : undefined;
  return {
    term: name?.term ?? null,
    index: name?.index ?? null,
    timestamp: name?.timestampMs ?? null,
    configurationIndex: meta?.configurationIndex ?? null,
    servers: meta?.servers ?? [],
  };
}

// A SQLite file copied out by hand: copy it (and a WAL beside it) into the private directory.
function copySqliteFile(path: string, dir: string, size: number): ExtractedDatabase {
  ensureFreeSpace(dir, size);
  const mainPath = join(dir, 'db0');
  copyRegularFile(path, mainPath);
  let walBytes = 0;
  if (existsSync(`${path}-wal`)) walBytes = copyRegularFile(`${path}-wal`, `${mainPath}-wal`);
  return { index: 0, name: basename(path), offset: 0, mainBytes: size, walBytes, mainPath, wal: undefined };
}

// Copy one input file to a private 0600 file. Only regular files: copying a FIFO would block the
// whole process (no signal handler could run), and a directory cannot be copied at all.
function copyRegularFile(source: string, target: string): number {
  const info = statSync(source);
  if (!info.isFile()) {
    throw new AnalyzerError('DQA_INPUT_UNREADABLE', `${source} is not a regular file`, { path: source });
  }
  try {
    copyFileSync(source, target, constants.COPYFILE_EXCL);
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code ?? 'error';
    if (code === 'ENOSPC') {
      throw new AnalyzerError(
        'DQA_TEMP_NO_SPACE',
        'the disk holding the private copy is full',
        {},
        { cause },
      );
    }
    throw new AnalyzerError(
      'DQA_INPUT_UNREADABLE',
      `${source} cannot be copied (${code})`,
      { path: source },
      { cause },
    );
  }
  chmodSync(target, 0o600);
  return info.size;
}

interface Measured {
  analysis: DatabaseAnalysis;
  details: KineDetails | null;
}

async function measureDatabase(
  database: ExtractedDatabase,
  dir: string,
  options: AnalyzeOptions,
  timings: Timings,
  side: SideThread | undefined,
  inspect: KineInspector | undefined,
): Promise<Measured> {
  const walFrames = database.wal?.frames ?? 0;
  const walCommittedFrames = database.wal?.committedFrames ?? 0;
  const walValidFrames = database.wal?.validFrames ?? 0;
  if (database.mainBytes === 0 && database.walBytes === 0) {
    // dqlite registers a database before its first page is written.
    return { analysis: emptyDatabase(database), details: null };
  }
  const label = `database "${database.name}"`;
  let started = performance.now();
  const db = openCopy(database.mainPath, label);
  addTiming(timings, 'open', started);
  try {
    started = performance.now();
    const pages = readPageFigures(db);
    const tables = listTables(db);
    addTiming(timings, 'pages', started);
    options.onProgress?.({ step: 'btrees', done: 0, total: pages.pageCount, database: database.name });
    const fileBytes = pages.pageCount * pages.pageSize;
    const pageWalks = startPageWalks(db, database.mainPath, options.integrity, side);
    pageWalks.catch(() => {}); // awaited below, unless the kine scan fails first
    const schema = detectKineSchema(db);
    const details = schema ? analyzeKine(db, database.name, schema, fileBytes, options, timings) : null;
    const walked = await guardAsync(pageWalks, label);
    timings.btrees = (timings.btrees ?? 0) + walked.btreeSeconds;
    if (walked.integrity) timings.integrity = (timings.integrity ?? 0) + walked.integritySeconds;
    const analysis: DatabaseAnalysis = {
      name: database.name,
      pageSize: pages.pageSize,
      pageCount: pages.pageCount,
      freelistCount: pages.freelistCount,
      fileBytes,
      mainFileBytes: database.mainBytes,
      walBytes: database.walBytes,
      walFrames,
      walCommittedFrames,
      walValidFrames,
      freeBytes: pages.freelistCount * pages.pageSize,
      freePageShare: pages.pageCount === 0 ? 0 : pages.freelistCount / pages.pageCount,
      estimatedVacuumedBytes: estimateVacuumedBytes(walked.objects, pages.pageSize),
      userVersion: pages.userVersion,
      isKine: schema !== undefined,
      tables,
      objects: walked.objects,
      integrity: walked.integrity,
    };
    if (details && inspect) guard(() => inspect(db, details), label);
    if (options.vacuum) {
      started = performance.now();
      options.onProgress?.({ step: 'vacuum', done: 0, total: undefined, database: database.name });
      ensureFreeSpace(dir, fileBytes - analysis.freeBytes);
      analysis.vacuumedBytes = guard(() => vacuumedBytes(db, dir, `db${database.index}`), label);
      addTiming(timings, 'vacuum', started);
    }
    return { analysis, details };
  } finally {
    db.close();
  }
}

interface PageWalked {
  objects: BtreeUsage[];
  btreeSeconds: number;
  integrity: IntegrityResult | null;
  integritySeconds: number;
}

// The two walks over every page that need no JavaScript: dbstat's per-b-tree usage and SQLite's
// integrity check. With a side thread they run on its own connection while this thread scans kine
// (measured at 378 MB: 0.40 s + 0.45 s off the critical path); without, here, before the scan.
async function startPageWalks(
  db: SqliteDatabase,
  path: string,
  integrity: IntegrityMode | undefined,
  side: SideThread | undefined,
): Promise<PageWalked> {
  const integrityMode = integrity === 'none' ? null : integrity === 'full' ? 'full' : 'quick';
  const queries = [
    BTREE_SCHEMA_SQL,
    BTREE_USAGE_SQL,
    ...(integrityMode ? [integritySql(integrityMode)] : []),
  ];
  // Without a side thread they run before this returns, so before the kine scan starts.
  const results = side
    ? await side.run(path, queries)
    : queries.map((sql) => {
        const started = performance.now();
        const rows = db.prepare(sql).all();
        return { rows, seconds: seconds(started) };
      });
  const [schemaRows, usageRows, integrityRows] = results as [SideResult, SideResult, SideResult?];
  return {
    objects: btreeUsageFromRows(schemaRows.rows, usageRows.rows),
    btreeSeconds: schemaRows.seconds + usageRows.seconds,
    integrity: integrityMode && integrityRows ? integrityFromRows(integrityMode, integrityRows.rows) : null,
    integritySeconds: integrityRows?.seconds ?? 0,
  };
}

function emptyDatabase(database: ExtractedDatabase): DatabaseAnalysis {
  return {
    name: database.name,
    pageSize: 0,
    pageCount: 0,
    freelistCount: 0,
    fileBytes: 0,
    mainFileBytes: 0,
    walBytes: 0,
    walFrames: 0,
    walCommittedFrames: 0,
    walValidFrames: 0,
    freeBytes: 0,
    freePageShare: 0,
    estimatedVacuumedBytes: 0,
    userVersion: 0,
    isKine: false,
    tables: [],
    objects: [],
    integrity: null,
  };
}

// raft would refuse a damaged newest snapshot too, so the analysis does not silently fall back to
// an older one; it names it, for the user to analyse on purpose.
function withOlderSnapshotHint(error: unknown, dataDir: DataDirListing | null): unknown {
  const older = dataDir?.snapshots[1];
  if (!(error instanceof AnalyzerError) || !older) return error;
  return new AnalyzerError(
    error.code,
    `${error.message}; an older complete snapshot is ${older.dataFile}: analyse it by giving that file`,
    { ...error.details, olderSnapshot: older.dataFile },
    { cause: error },
  );
}

// Say plainly what was read only in part: the analysis must never pass for whole when it is not.
function noteIncompleteReads(analysis: Analysis): void {
  for (const db of analysis.databases) {
    if (db.walCommittedFrames < db.walFrames) {
      analysis.partial = true;
      analysis.warnings.push(
        `database "${db.name}": ${db.walFrames - db.walCommittedFrames} of ${db.walFrames} WAL frames were not ` +
          `replayed (${db.walFrames - db.walValidFrames} torn, ${db.walValidFrames - db.walCommittedFrames} ` +
          'after the last commit): figures describe the database before them',
      );
    }
    if (db.integrity && !db.integrity.ok) {
      analysis.partial = true;
      analysis.warnings.push(
        `database "${db.name}" fails SQLite's ${db.integrity.check}_check: ${db.integrity.problems.slice(0, 3).join('; ')}`,
      );
    }
  }
  for (const item of analysis.dataDir?.incomplete ?? []) {
    if (item.reason === 'meta-without-data') {
      analysis.warnings.push(
        `${item.file}: a newer snapshot is being written (or was abandoned); the newest complete one was read`,
      );
    }
  }
}

// The copy is closed, so SQLite has merged its WAL into the main file: one file to hand over.
function keepCopy(database: ExtractedDatabase, dir: string, suffix = ''): string {
  const safeName = database.name.replace(/[^A-Za-z0-9._-]/g, '_') || `db${database.index}`;
  const target = join(dir, `${safeName}${suffix}.db`);
  try {
    copyFileSync(database.mainPath, target, constants.COPYFILE_EXCL);
    chmodSync(target, 0o600);
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code ?? 'error';
    throw new AnalyzerError(
      'DQA_TEMP_FAILED',
      `cannot keep the copy of "${database.name}" as ${target} (${code})`,
      {
        path: target,
      },
      { cause },
    );
  }
  return target;
}
