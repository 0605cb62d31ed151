import { cutMiddle } from '../long-strings.js';
import type { SqliteDatabase } from '../sqlite/open.js';
import { HOT_KEYS_LIMIT, type HotKey } from './hot-keys.js';
import { type KeyGroup, KeyGroups } from './key-groups.js';
import { prefixOfKey, resourceOfPrefix } from './key-prefix.js';
import { isLongNameSql, longNameReader, longNameStartSql, nameBefore } from './long-names.js';
import type { PrefixUsage } from './prefixes.js';
import type { KineRevisions } from './revisions.js';
import { VALUE_CLASSES, valueClassSql } from './value-sql.js';

/** Everything the scan of the kine table yields. */
export interface KineTableScan {
  revisions: KineRevisions;
  prefixes: PrefixUsage[];
  hotKeys: HotKey[];
}

const COMPACT_KEY = 'compact_rev_key';

const LONG = isLongNameSql();
// Pass 1 walks the name index alone (every kine schema has an index led by name): each key's latest
// revision and revision count, as two JSON arrays in key order (one statement fills both). One value
// each, because handing 300,000 rows to JS one at a time costs more than the walk itself. Long names
// (kine/long-names.ts) are left to pass 2, tested first so that SQLite never loads one here.
// `passed` counts the superseded rows whose successor is at or below the compact revision (@compact):
// a key's rows r1 < … < rk at or below it are followed by r2 … rk, so k − 1 of them.
const KEYS_SQL = `
  SELECT json_group_array(latest) AS latest, json_group_array(revisions) AS revisions,
         coalesce(sum(max(atOrBelow - 1, 0)), 0) AS passed
  FROM (SELECT max(id) AS latest, count(*) AS revisions, sum(id <= @compact) AS atOrBelow FROM kine
        WHERE NOT ${LONG} AND NOT (name = '${COMPACT_KEY}' OR substr(name, 1, 4) = 'gap-')
        GROUP BY name ORDER BY name)`;
// Pass 2 reads the table once in rowid order (sequential pages) and hands each row's figures to
// dqa_kine_row, which adds them to its key directory's. Grouping in SQL instead costs more: the
// directory has to be cut out of every name and 300,000 rows sorted. Live values are classified
// (k8s/value.ts classifyValue, spelled in SQL) and the class counted for the latest rows only. A value
// of up to SMALL_VALUE_BYTES is classified whatever its row: reading it costs less than asking JS
// whether the row is the latest (the pass's CPU −11% on history-heavy, −4 to −13% on live-heavy:
// bench/RESULTS.md, fifth pass). A larger one only when it is the latest, so superseded large values,
// often in overflow pages, are never read; octet_length() reads a size, not the content.
// A long name comes as its start and its length in bytes, the rest of it is read after this pass
// (kine/long-names.ts); so is which of its rows is the latest, so its live value is classified in any case.
const SMALL_VALUE_BYTES = 3000;
const ROWS_SQL = `
  SELECT count(dqa_kine_row(
    id, CASE WHEN ${LONG} THEN ${longNameStartSql()} ELSE name END,
    CASE WHEN ${LONG} THEN octet_length(name) END, deleted IS 0,
    octet_length(name) + coalesce(octet_length(value), 0) + coalesce(octet_length(old_value), 0),
    coalesce(octet_length(value), 0),
    CASE WHEN deleted IS 0 AND (${LONG} OR octet_length(value) <= ${SMALL_VALUE_BYTES} OR dqa_is_latest(id))
      THEN ${valueClassSql('value')} END))
  FROM kine`;
// Each of max(id) and min(id) alone is one seek down the rowid b-tree; both in one SELECT make
// SQLite scan a whole index instead (0.02-0.2 s at 315,000 rows, measured). The compact revision is
// the largest of the compact_rev_key rows, as k8s-dqlite reads it (revisionIntervalSQL in
// canonical/k8s-dqlite:pkg/backend/sqlite/driver.go); a second such row is a known bug it removes,
// keeping that one, when it starts (compactStart in pkg/backend/internal/backend/backend.go).
const TOTALS_SQL = `
  SELECT coalesce((SELECT max(id) FROM kine), 0) AS currentRevision,
         coalesce((SELECT min(id) FROM kine), 0) AS lowestRevision,
         (SELECT max(prev_revision) FROM kine WHERE name = '${COMPACT_KEY}') AS compactRevision`;
// A hot key's name, from its latest revision (never a long name's).
const KEY_NAME_SQL = 'SELECT name FROM kine WHERE id = ?';

/** What the table pass adds up for one hot key. */
interface HotKeyTally {
  revisions: number;
  latest: number;
  oldest: number;
  bytes: number;
  deleted: boolean;
}

/** A hot key or a candidate for one: its name whole, or cut (a long name), and its figures. */
interface HotKeyEntry {
  /** An ordinary name whole; a long name as cut for the Analysis. */
  key: string;
  /** Whether `key` is a long name, already cut. */
  long: boolean;
  prefix: string;
  tally: HotKeyTally;
}

/** A row of a long name, held until the pass is over. */
interface LongRow {
  id: number;
  start: string;
  nameBytes: number;
  group: KeyGroup;
  live: boolean;
  bytes: number;
  valueBytes: number;
  valueClass: number | null;
}

/**
 * Measure the kine table: a walk of the name index for each key's latest revision and revision
 * count, then one pass over the table in rowid order. Rows reach JS only as the arguments of one SQL
 * function call each, which adds them to their key directory's figures (kine/key-groups.ts): no
 * result row per table row, no sort. The same figures as the set-based reference queries
 * (test/kine/reference-sql.ts). Memory: one bit per revision (latest or not), the walk's two arrays
 * (a number per key) while they are read, one entry per key directory; a few numbers per row of a long
 * name (kine/long-names.ts), counted once the pass is over.
 */
export function scanKineTable(
  db: SqliteDatabase,
  options: { byNamespace?: boolean; hotKeys?: number } = {},
): KineTableScan {
  const { currentRevision, lowestRevision, compactRevision } = db.prepare(TOTALS_SQL).get() as {
    currentRevision: number;
    lowestRevision: number;
    compactRevision: number | null;
  };
  const limit = options.hotKeys ?? HOT_KEYS_LIMIT;
  const latest = new RevisionSet(lowestRevision, currentRevision);
  const { hot, passed } = readKeys(db, latest, limit, compactRevision);
  const groups = new KeyGroups(options.byNamespace ?? false);
  const { totals, longRows } = scanRows(db, latest, groups, hot);
  const hotKeys = [...hot].map(
    ([key, tally]): HotKeyEntry => ({ key, long: false, prefix: prefixOfKey(key), tally }),
  );
  let historyRowsPassed = passed;
  if (longRows.length > 0)
    historyRowsPassed += addLongRows(db, longRows, totals, hotKeys, limit, compactRevision);
  const retained = groups.total();
  return {
    revisions: {
      rows: totals.rows,
      rowsNotDeleted: totals.rowsNotDeleted,
      tombstones: retained.tombstones,
      liveKeys: retained.liveKeys,
      liveBytes: retained.liveBytes,
      liveValueBytes: totals.liveValueBytes,
      deletedKeys: retained.deletedKeys,
      historyRows: retained.historyRows,
      historyBytes: retained.historyBytes,
      historyRowsPassed,
      gapRows: totals.gapRows,
      compactRevKeyRows: totals.compactRevKeyRows,
      currentRevision,
      compactRevision,
      revisionsSinceCompaction: currentRevision - (compactRevision ?? 0),
      sequence: null,
    },
    prefixes: groups.toPrefixes(),
    hotKeys: hotKeys.map(({ key, long, prefix, tally }) => ({
      // Matched by its whole name above; kept cut beyond STRING_LIMIT (long-strings.ts).
      key: long ? key : cutMiddle(key),
      prefix,
      resource: resourceOfPrefix(prefix).resource,
      revisions: tally.revisions,
      share: retained.rows > 0 ? tally.revisions / retained.rows : 0,
      bytes: tally.bytes,
      oldestRevision: tally.oldest,
      latestRevision: tally.latest,
      deleted: tally.deleted,
    })),
  };
}

// Pass 1: the latest revision of every key, and the hot keys (their bytes are counted by pass 2).
function readKeys(
  db: SqliteDatabase,
  latest: RevisionSet,
  limit: number,
  compactRevision: number | null,
): { hot: Map<string, HotKeyTally>; passed: number } {
  const keys = db.prepare(KEYS_SQL).get({ compact: compactRevision }) as {
    latest: string;
    revisions: string;
    passed: number;
  };
  const latestIds = JSON.parse(keys.latest) as number[];
  for (const id of latestIds) latest.add(id);
  const keyName = db.prepare(KEY_NAME_SQL).pluck();
  const revisions = JSON.parse(keys.revisions) as number[];
  const hot = new Map<string, HotKeyTally>();
  for (const i of topKeys(revisions, limit)) {
    const id = latestIds[i]!;
    hot.set(String(keyName.get(id)), {
      revisions: revisions[i]!,
      latest: id,
      oldest: id,
      bytes: 0,
      deleted: false,
    });
  }
  return { hot, passed: Number(keys.passed) };
}

type Totals = ReturnType<typeof scanRows>['totals'];

// Pass 2: every row into its group's figures, and into its hot key's; a long name's rows held.
function scanRows(db: SqliteDatabase, latest: RevisionSet, groups: KeyGroups, hot: Map<string, HotKeyTally>) {
  const totals = { rows: 0, rowsNotDeleted: 0, liveValueBytes: 0, gapRows: 0, compactRevKeyRows: 0 };
  const longRows: LongRow[] = [];
  const addRow = (
    id: number,
    name: unknown,
    longBytes: number | null,
    live: number,
    bytes: number,
    valueBytes: number,
    valueClass: number | null,
  ) => {
    totals.rows += 1;
    if (live === 1) totals.rowsNotDeleted += 1;
    // A long name's start: the same directory, storage prefix and namespace (long-names.ts).
    const key = String(name);
    const group = groups.of(key);
    if (group === null) {
      if (key === COMPACT_KEY) totals.compactRevKeyRows += 1;
      else totals.gapRows += 1;
      return null;
    }
    if (longBytes !== null) {
      longRows.push({
        id,
        start: key,
        nameBytes: longBytes,
        group,
        live: live === 1,
        bytes,
        valueBytes,
        valueClass,
      });
      return null;
    }
    const isLatest = latest.has(id);
    countRow(totals, group, live === 1, isLatest, bytes, valueBytes, valueClass);
    const tally = hot.get(key);
    if (tally) {
      tally.bytes += bytes;
      tally.oldest = Math.min(tally.oldest, id);
      if (isLatest) tally.deleted = live !== 1;
    }
    return null;
  };
  db.function('dqa_is_latest', { deterministic: true }, (id: number) => (latest.has(id) ? 1 : 0));
  db.function('dqa_kine_row', addRow);
  db.prepare(ROWS_SQL).get();
  return { totals, longRows };
}

/** One row into its group's figures, once it is known whether it is its key's latest. */
function countRow(
  totals: { liveValueBytes: number },
  group: KeyGroup,
  live: boolean,
  isLatest: boolean,
  bytes: number,
  valueBytes: number,
  valueClass: number | null,
): void {
  const usage = group.usage;
  usage.rows += 1;
  if (!live) usage.tombstones += 1;
  if (!isLatest) {
    usage.historyRows += 1;
    usage.historyBytes += bytes;
  } else if (!live) {
    usage.deletedKeys += 1;
  } else {
    usage.liveKeys += 1;
    usage.liveBytes += bytes;
    usage.values[VALUE_CLASSES[valueClass!]!] += 1;
    totals.liveValueBytes += valueBytes;
  }
}

/**
 * The rows of long names, once the pass is over: grouped by name, counted into their groups' figures,
 * and their names ranked among the hot keys (`hotKeys`: most revisions first, ties in name order as
 * pass 1 has them, at most `limit`). Returns how many of them compaction has passed (KEYS_SQL's `passed`).
 */
function addLongRows(
  db: SqliteDatabase,
  rows: LongRow[],
  totals: Totals,
  hotKeys: HotKeyEntry[],
  limit: number,
  compactRevision: number | null,
): number {
  const read = longNameReader(db);
  const before = nameBefore(db);
  const names = new Map<string, HotKeyEntry>();
  const entries = rows.map((row) => {
    const name = read(row.id, row.start, row.nameBytes);
    let entry = names.get(name.identity);
    if (!entry) {
      const tally = { revisions: 0, latest: row.id, oldest: row.id, bytes: 0, deleted: false };
      entry = { key: name.cut, long: true, prefix: row.group.prefix, tally };
      names.set(name.identity, entry);
    }
    const { tally } = entry;
    tally.revisions += 1;
    tally.bytes += row.bytes;
    tally.latest = Math.max(tally.latest, row.id);
    tally.oldest = Math.min(tally.oldest, row.id);
    return entry;
  });
  const atOrBelow = new Map<HotKeyEntry, number>();
  rows.forEach((row, i) => {
    const entry = entries[i]!;
    const { tally } = entry;
    if (compactRevision !== null && row.id <= compactRevision)
      atOrBelow.set(entry, (atOrBelow.get(entry) ?? 0) + 1);
    const isLatest = row.id === tally.latest;
    if (isLatest) tally.deleted = !row.live;
    countRow(totals, row.group, row.live, isLatest, row.bytes, row.valueBytes, row.valueClass);
  });
  // Names compared in SQL, from their latest rows, only when the revisions tie.
  const ahead = (a: HotKeyEntry, b: HotKeyEntry) =>
    a.tally.revisions > b.tally.revisions ||
    (a.tally.revisions === b.tally.revisions && before(a.tally.latest, b.tally.latest));
  for (const entry of names.values()) {
    if (hotKeys.length === limit && (limit === 0 || !ahead(entry, hotKeys[limit - 1]!))) continue;
    let at = hotKeys.length;
    while (at > 0 && ahead(entry, hotKeys[at - 1]!)) at -= 1;
    hotKeys.splice(at, 0, entry);
    if (hotKeys.length > limit) hotKeys.pop();
  }
  let passed = 0;
  for (const count of atOrBelow.values()) passed += count - 1;
  return passed;
}

// Positions of the `limit` keys with most revisions, most first; on equal revisions the smaller key
// (the earlier position: the walk is in key order) comes first.
function topKeys(revisions: number[], limit: number): number[] {
  const top: number[] = [];
  for (let i = 0; i < revisions.length && limit > 0; i++) {
    if (top.length === limit && revisions[i]! <= revisions[top[limit - 1]!]!) continue;
    let at = top.length;
    while (at > 0 && revisions[top[at - 1]!]! < revisions[i]!) at -= 1;
    top.splice(at, 0, i);
    if (top.length > limit) top.pop();
  }
  return top;
}

// Up to this many revisions the set is a bitmap (32 MiB at most); beyond, a Set of the latest ids.
const MAX_BITMAP_REVISIONS = 1 << 28;

/**
 * The latest revision of every key: one bit per revision up to the current one. kine's ids start at
 * 1, but a damaged or crafted table may hold ids below 0 (a bitmap cannot): those get the Set.
 */
class RevisionSet {
  private readonly bits: Uint8Array | undefined;
  private readonly set: Set<number> | undefined;
  constructor(minRevision: number, maxRevision: number) {
    if (minRevision >= 0 && maxRevision <= MAX_BITMAP_REVISIONS)
      this.bits = new Uint8Array(Math.floor(maxRevision / 8) + 1);
    else this.set = new Set();
  }
  add(id: number): void {
    if (this.bits) this.bits[id >>> 3]! |= 1 << (id & 7);
    else this.set!.add(id);
  }
  has(id: number): boolean {
    if (this.bits) return ((this.bits[id >>> 3] ?? 0) & (1 << (id & 7))) !== 0;
    return this.set!.has(id);
  }
}
