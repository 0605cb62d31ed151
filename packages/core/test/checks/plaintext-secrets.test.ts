import { writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bytesValue } from '@dqlite-analyzer/test-support/incident';
import { encrypted, secret } from '@dqlite-analyzer/test-support/k8s-values';
import type Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { analyze } from '../../src/analyze.js';
import { type KineHistory, kineDb } from '../kine/kine-db.js';

// The sample's plaintext Secret row is the Secret's latest row: its value is encrypted, its old_value
// the plaintext (canonical/microk8s#2532). It is no history row, and no newer revision follows it, so
// a headline saying "in history ... although newer ones are encrypted" told the operator compaction
// would take it away; only rewriting the Secret does.
const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

const KEY = '/registry/secrets/default/db-password';

/** The rows an independent query finds holding plaintext, and how many of them are their key's latest. */
function reference(db: Database.Database): { rows: number; latest: number } {
  const plain = (c: string) => `(length(${c}) > 0 AND hex(substr(${c}, 1, 8)) <> hex('k8s:enc:'))`;
  return db
    .prepare(
      `SELECT count(*) AS rows, coalesce(sum(k.id = (SELECT max(id) FROM kine WHERE name = k.name)), 0) AS latest
       FROM kine AS k
       WHERE k.name LIKE '/registry/secrets/%' AND (${plain('k.value')} OR ${plain('k.old_value')})
         AND k.id <= (SELECT max(id) FROM kine WHERE name = k.name AND hex(substr(value, 1, 8)) = hex('k8s:enc:'))`,
    )
    .get() as { rows: number; latest: number };
}

async function analyse(write: (h: KineHistory) => void, compact: boolean) {
  const dir = await mkdtemp(join(tmpdir(), 'dqa-secrets-'));
  dirs.push(dir);
  // Compaction keeps only the latest row: the encrypted one, with the plaintext in its old_value.
  const db = kineDb(
    write,
    'v65536',
    compact
      ? [`DELETE FROM kine WHERE name = '${KEY}' AND id < (SELECT max(id) FROM kine WHERE name = '${KEY}')`]
      : [],
  );
  const ref = reference(db);
  writeFileSync(join(dir, 'k8s.db'), db.serialize());
  db.close();
  const a = await analyze(join(dir, 'k8s.db'));
  return { f: a.findings.find((x) => x.id === 'plaintext-secrets')!, ref };
}

const rewritten = (h: KineHistory) => {
  h.create(KEY, bytesValue(secret('default', 'db-password', { password: 'hunter2' })));
  h.update(KEY, bytesValue(encrypted(60)));
};

describe('plaintext-secrets headline', () => {
  it('calls the old_value of the latest row neither history nor older than an encrypted revision', async () => {
    const { f, ref } = await analyse(rewritten, true);
    expect(ref).toEqual({ rows: 1, latest: 1 });
    expect(f.data.plaintextHistoryRows).toBe(ref.rows);
    expect(f.title).toMatch(new RegExp(`^${ref.rows} `));
    expect(f.title).not.toMatch(/history|newer/);
    expect(f.evidence.join('\n')).not.toMatch(/\b1 row\b[^;]* hold /);
  });

  it('counts the superseded plaintext revision and the old_value of the encrypted one', async () => {
    const { f, ref } = await analyse(rewritten, false);
    expect(ref).toEqual({ rows: 2, latest: 1 });
    expect(f.data.plaintextHistoryRows).toBe(ref.rows);
    expect(f.title).toMatch(new RegExp(`^${ref.rows} `));
    expect(f.title).not.toMatch(/history|newer/);
  });
});
