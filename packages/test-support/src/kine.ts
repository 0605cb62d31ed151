// A kine-shaped history writer: emits the SQL k8s-dqlite runs for create / update / delete / compaction /
// gap fill (pkg/backend/sqlite/driver.go, pkg/kine/drivers/generic), with literals in place of the bound
// parameters, and keeps a JS model of the rows those statements produce so tests can state expected
// figures. Ids come from AUTOINCREMENT on the node; the model predicts them (1, 2, 3… in insert order),
// which holds as long as nothing else writes the kine table. Where kine passes the previous revision as a
// guard (`AND id = ?`), the model's id is used, so a model that drifted from the real table inserts
// nothing and the figures stop matching instead of silently agreeing.
import type { KineValue } from './kine-schema.js';

export * from './kine-schema.js';

/** One row of the kine table as the model expects it. Byte counts: null = SQL NULL, undefined = unknown. */
export interface KineRow {
  id: number;
  name: string;
  created: 0 | 1;
  deleted: 0 | 1;
  createRevision: number;
  prevRevision: number;
  lease: number;
  valueBytes: number | null | undefined;
  oldValueBytes: number | null | undefined;
}

export interface KineFigures {
  rows: number;
  /** Rows with deleted = 0. */
  undeletedRows: number;
  /** Rows with deleted = 1 (delete events and gap rows). */
  tombstones: number;
  gapRows: number;
  /** Keys whose latest row is not a tombstone, without compact_rev_key and gap-* rows. */
  liveKeys: number;
  /** Rows that are not the latest row of their key (superseded versions, old tombstones). */
  historyRows: number;
  /** MAX(id) of the rows present (what k8s-dqlite reports as the current revision). */
  currentRevision: number;
  /** Highest id ever issued (sqlite_sequence). */
  sequence: number;
  /** MAX(prev_revision) of compact_rev_key, 0 before the first compaction. */
  compactRevision: number;
  /** Sum of value / old_value lengths, undefined when some row's length is not known. */
  valueBytes: number | undefined;
  oldValueBytes: number | undefined;
}

export interface BulkOptions {
  /** Rows per statement: each statement is one transaction (2 s shell timeout) and one raft entry. */
  chunk?: number;
  lease?: number;
}

const COMPACT_KEY = 'compact_rev_key';
const COLUMNS = 'kine(name, created, deleted, create_revision, prev_revision, lease, value, old_value)';
const q = (text: string) => `'${text.replaceAll("'", "''")}'`;
const isGap = (name: string) => name.startsWith('gap-');
const effectiveCreate = (row: KineRow) => (row.created ? row.id : row.createRevision);
const latestIdSql = (key: string) => `(SELECT MAX(id) FROM kine WHERE name = ${q(key)})`;

export class KineHistory {
  private readonly table = new Map<number, KineRow>();
  private sequence = 0;
  private pending: string[] = [];

  /** Statements written since the last call, in order; hand them to DqliteNode.exec. */
  takeStatements(): string[] {
    const out = this.pending;
    this.pending = [];
    return out;
  }

  rows(): KineRow[] {
    return [...this.table.values()].sort((a, b) => a.id - b.id);
  }

  latest(key: string): KineRow | undefined {
    let best: KineRow | undefined;
    for (const row of this.table.values()) if (row.name === key && (!best || row.id > best.id)) best = row;
    return best;
  }

  create(key: string, value: KineValue, options: { lease?: number } = {}): number {
    if (key === COMPACT_KEY || isGap(key)) throw new Error(`${key} is reserved`);
    const prev = this.latest(key);
    if (prev && !prev.deleted) throw new Error(`create ${key}: key exists (revision ${prev.id})`);
    const lease = options.lease ?? 0;
    // createSQL: prev_revision = the tombstone's id for a recreate, 0 for a new key.
    this.pending.push(
      `INSERT INTO ${COLUMNS} SELECT ${q(key)} AS name, 1 AS created, 0 AS deleted, 0 AS create_revision, ` +
        `COALESCE(id, 0) AS prev_revision, ${lease} AS lease, ${value.sql} AS value, NULL AS old_value ` +
        `FROM (SELECT MAX(id) AS id, deleted FROM kine WHERE name = ${q(key)}) maxkv ` +
        'WHERE maxkv.deleted = 1 OR id IS NULL',
    );
    const prevRevision = prev?.id ?? 0;
    return this.add({
      name: key,
      created: 1,
      deleted: 0,
      createRevision: 0,
      prevRevision,
      lease,
      valueBytes: value.bytes,
      oldValueBytes: null,
    });
  }

  update(key: string, value: KineValue, options: { lease?: number } = {}): number {
    const prev = this.requireLive(key, 'update');
    const lease = options.lease ?? 0;
    this.pending.push(
      `INSERT INTO ${COLUMNS} SELECT ${q(key)} AS name, 0 AS created, 0 AS deleted, ` +
        'CASE WHEN kine.created THEN id ELSE create_revision END AS create_revision, id AS prev_revision, ' +
        `${lease} AS lease, ${value.sql} AS value, value AS old_value FROM kine ` +
        `WHERE id = ${latestIdSql(key)} AND deleted = 0 AND id = ${prev.id}`,
    );
    const row = { name: key, created: 0 as const, deleted: 0 as const, prevRevision: prev.id, lease };
    return this.add({
      ...row,
      createRevision: effectiveCreate(prev),
      valueBytes: value.bytes,
      oldValueBytes: prev.valueBytes,
    });
  }

  delete(key: string): number {
    const prev = this.requireLive(key, 'delete');
    this.pending.push(
      `INSERT INTO ${COLUMNS} SELECT name, 0 AS created, 1 AS deleted, ` +
        'CASE WHEN kine.created THEN id ELSE create_revision END AS create_revision, id AS prev_revision, ' +
        `lease, NULL AS value, value AS old_value FROM kine WHERE id = ${latestIdSql(key)} AND deleted = 0 ` +
        `AND id = ${prev.id}`,
    );
    const row = {
      name: key,
      created: 0 as const,
      deleted: 1 as const,
      prevRevision: prev.id,
      lease: prev.lease,
    };
    return this.add({
      ...row,
      createRevision: effectiveCreate(prev),
      valueBytes: null,
      oldValueBytes: prev.valueBytes,
    });
  }

  /**
   * Compaction as k8s-dqlite runs it: compactStart inserts compact_rev_key (created=1, empty value) if it
   * is missing, then per batch of revisions (start, end]: delete the rows superseded by created=0 rows in
   * the window, delete the tombstones in the window, raise compact_rev_key's prev_revision to end.
   * upToRevision is clamped to the current revision; nothing is compacted at or below the compact revision.
   */
  compact(upToRevision: number, options: { batchSize?: number } = {}): void {
    if (!this.latest(COMPACT_KEY)) {
      this.pending.push(
        `INSERT INTO ${COLUMNS} SELECT ${q(COMPACT_KEY)}, 1, 0, 0, 0, 0, X'', NULL ` +
          `WHERE NOT EXISTS (SELECT 1 FROM kine WHERE name = ${q(COMPACT_KEY)})`,
      );
      this.add({
        name: COMPACT_KEY,
        created: 1,
        deleted: 0,
        createRevision: 0,
        prevRevision: 0,
        lease: 0,
        valueBytes: 0,
        oldValueBytes: null,
      });
    }
    const target = Math.min(upToRevision, this.figures().currentRevision);
    const batch = options.batchSize ?? 1000;
    for (let start = this.figures().compactRevision; start < target; start += batch) {
      const end = Math.min(start + batch, target);
      this.pending.push(
        'DELETE FROM kine WHERE id IN (SELECT prev_revision FROM kine WHERE name != ' +
          `${q(COMPACT_KEY)} AND created = 0 AND prev_revision != 0 AND ${start} < id AND id <= ${end})`,
        `DELETE FROM kine WHERE deleted = 1 AND ${start} < id AND id <= ${end}`,
        `UPDATE kine SET prev_revision = max(prev_revision, ${end}) WHERE name = ${q(COMPACT_KEY)}`,
      );
      const inWindow = this.rows().filter((r) => start < r.id && r.id <= end);
      // The IN (...) set is computed before anything is deleted, as SQLite does.
      const superseded = inWindow.filter((r) => r.name !== COMPACT_KEY && !r.created && r.prevRevision !== 0);
      for (const r of superseded) this.table.delete(r.prevRevision);
      for (const r of inWindow) if (r.deleted) this.table.delete(r.id);
      for (const r of this.table.values())
        if (r.name === COMPACT_KEY) r.prevRevision = Math.max(r.prevRevision, end);
    }
  }

  /** n gap filler rows as kine's Fill wrote them: explicit id = revision, name gap-<rev>, a tombstone. */
  gap(n: number): number[] {
    const first = this.sequence + 1;
    const last = this.sequence + n;
    this.pending.push(
      `WITH RECURSIVE g(id) AS (SELECT ${first} UNION ALL SELECT id + 1 FROM g WHERE id < ${last}) ` +
        `INSERT INTO kine(id, name, created, deleted, create_revision, prev_revision, lease, value, old_value) ` +
        `SELECT id, 'gap-' || id, 0, 1, 0, 0, 0, NULL, NULL FROM g ORDER BY id`,
    );
    const ids: number[] = [];
    for (let id = first; id <= last; id++) {
      const row = {
        name: `gap-${id}`,
        created: 0 as const,
        deleted: 1 as const,
        createRevision: 0,
        prevRevision: 0,
      };
      ids.push(this.add({ ...row, lease: 0, valueBytes: null, oldValueBytes: null }));
    }
    return ids;
  }

  /** Creates keys `${prefix}1` … `${prefix}${count}`, `chunk` rows per statement (one raft entry each). */
  bulkCreate(prefix: string, count: number, value: KineValue, options: BulkOptions = {}): void {
    const { chunk = 500, lease = 0 } = options;
    for (let from = 1; from <= count; from += chunk) {
      const to = Math.min(from + chunk - 1, count);
      for (let i = from; i <= to; i++) {
        if (this.latest(`${prefix}${i}`)) throw new Error(`bulkCreate: ${prefix}${i} already has rows`);
      }
      this.pending.push(
        `WITH RECURSIVE s(i) AS (SELECT ${from} UNION ALL SELECT i + 1 FROM s WHERE i < ${to}) ` +
          `INSERT INTO ${COLUMNS} SELECT ${q(prefix)} || i, 1, 0, 0, 0, ${lease}, ${value.sql}, NULL FROM s ` +
          `WHERE NOT EXISTS (SELECT 1 FROM kine WHERE name = ${q(prefix)} || i) ORDER BY i`,
      );
      for (let i = from; i <= to; i++) {
        const row = { name: `${prefix}${i}`, created: 1 as const, deleted: 0 as const, createRevision: 0 };
        this.add({ ...row, prevRevision: 0, lease, valueBytes: value.bytes, oldValueBytes: null });
      }
    }
  }

  /**
   * `count` updates of one live key, `chunk` per statement. The recursive CTE carries each new value into
   * the next row's old_value, so old_value is exactly the previous row's value, as with single updates.
   */
  bulkUpdate(key: string, count: number, value: KineValue, options: BulkOptions = {}): void {
    const { chunk = 500, lease = 0 } = options;
    for (let done = 0; done < count; done += chunk) {
      const n = Math.min(chunk, count - done);
      const prev = this.requireLive(key, 'bulkUpdate');
      const latest = latestIdSql(key);
      // The SELECT reads kine, so SQLite materialises it before inserting: the subqueries see the table
      // as it was before the statement, and sqlite_sequence.seq is the id just below the first new row.
      this.pending.push(
        `WITH RECURSIVE s(i, v, pv) AS (SELECT 1, ${value.sql}, (SELECT value FROM kine WHERE id = ${latest}) ` +
          `UNION ALL SELECT i + 1, ${value.sql}, v FROM s WHERE i < ${n}) INSERT INTO ${COLUMNS} ` +
          `SELECT ${q(key)}, 0, 0, (SELECT CASE WHEN created THEN id ELSE create_revision END FROM kine ` +
          `WHERE id = ${latest}), CASE WHEN i = 1 THEN ${latest} ELSE (SELECT seq FROM sqlite_sequence ` +
          `WHERE name = 'kine') + i - 1 END, ${lease}, v, pv FROM s ` +
          `WHERE (SELECT deleted FROM kine WHERE id = ${latest}) = 0 AND ${latest} = ${prev.id} ORDER BY i`,
      );
      let before = prev;
      for (let i = 0; i < n; i++) {
        const row = { name: key, created: 0 as const, deleted: 0 as const, prevRevision: before.id, lease };
        const id = this.add({
          ...row,
          createRevision: effectiveCreate(prev),
          valueBytes: value.bytes,
          oldValueBytes: before.valueBytes,
        });
        before = this.table.get(id)!;
      }
    }
  }

  figures(): KineFigures {
    const rows = this.rows();
    const latestByName = new Map<string, KineRow>();
    for (const row of rows) latestByName.set(row.name, row);
    const sum = (pick: (r: KineRow) => number | null | undefined) =>
      rows.reduce<number | undefined>((acc, r) => {
        const v = pick(r);
        return acc === undefined || v === undefined ? undefined : acc + (v ?? 0);
      }, 0);
    const live = [...latestByName.values()].filter(
      (r) => !r.deleted && r.name !== COMPACT_KEY && !isGap(r.name),
    );
    return {
      rows: rows.length,
      undeletedRows: rows.filter((r) => !r.deleted).length,
      tombstones: rows.filter((r) => r.deleted).length,
      gapRows: rows.filter((r) => isGap(r.name)).length,
      liveKeys: live.length,
      historyRows: rows.length - latestByName.size,
      currentRevision: rows.at(-1)?.id ?? 0,
      sequence: this.sequence,
      compactRevision: latestByName.get(COMPACT_KEY)?.prevRevision ?? 0,
      valueBytes: sum((r) => r.valueBytes),
      oldValueBytes: sum((r) => r.oldValueBytes),
    };
  }

  /**
   * Statements that wrote `ids` kine rows outside the model and removed them again (rows deleted
   * with SQL, as compaction does): AUTOINCREMENT never reuses their ids, so the model skips them.
   */
  external(statements: readonly string[], ids: number): void {
    this.pending.push(...statements);
    this.sequence += ids;
  }

  private requireLive(key: string, op: string): KineRow {
    const prev = this.latest(key);
    if (!prev || prev.deleted) throw new Error(`${op} ${key}: key does not exist`);
    return prev;
  }

  /** Records a row under the next AUTOINCREMENT id and returns that id. */
  private add(row: Omit<KineRow, 'id'>): number {
    const id = ++this.sequence;
    this.table.set(id, { id, ...row });
    return id;
  }
}
