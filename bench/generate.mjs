// Generate (or find in the cache) the benchmark snapshots, each written by a real dqlite node.
//
//   node bench/generate.mjs [shape[:size]...]     e.g. live-heavy  fragmented:65
//
// A snapshot lands in .bench-cache/<shape>-<size>/ with its .meta and a manifest.json saying how
// it was made; a cached one is reused while RECIPE_VERSION matches.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { shell, sleep, startNode } from './lib/dqlite.mjs';
import { KINE_SCHEMA, recipeVersion, SHAPES } from './lib/shapes.mjs';

export const CACHE = new URL('../.bench-cache/', import.meta.url).pathname;
const LINES_PER_SHELL = 40;
const PAD_LINES = 256;

/** Every (shape, size) the arguments name; all of them without arguments. */
export function selectCases(args) {
  const cases = [];
  for (const [shape, spec] of Object.entries(SHAPES)) {
    for (const size of spec.sizes) {
      const wanted =
        args.length === 0 ||
        args.some((a) => a === shape || a === `${shape}:${size}` || a === `${shape}-${size}`);
      if (wanted) cases.push({ shape, size, unit: spec.unit, id: `${shape}-${size}` });
    }
  }
  // Any other size can be named explicitly (shape:size), e.g. for a quick try.
  for (const a of args) {
    const [shape, size] = a.split(':');
    if (SHAPES[shape] && size && !cases.some((c) => c.shape === shape && c.size === Number(size))) {
      cases.push({ shape, size: Number(size), unit: SHAPES[shape].unit, id: `${shape}-${size}` });
    }
  }
  return cases;
}

/** The cached snapshot of a case, generating it when missing or stale. */
export async function ensureSnapshot(c, log = (line) => process.stderr.write(`${line}\n`)) {
  const dir = join(CACHE, c.id);
  const manifestPath = join(dir, 'manifest.json');
  if (existsSync(manifestPath)) {
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
    if (manifest.recipeVersion === recipeVersion(c.shape) && existsSync(join(dir, manifest.snapshot))) {
      return { ...manifest, dir, dataPath: join(dir, manifest.snapshot) };
    }
  }
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const manifest = await generate(c, dir, log);
  writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  return { ...manifest, dir, dataPath: join(dir, manifest.snapshot) };
}

async function generate(c, dir, log) {
  const { statements, expect } = SHAPES[c.shape].recipe(c.size);
  log(`generating ${c.id}: ${statements.length} statements on a real dqlite node`);
  const started = performance.now();
  const node = await startNode(CACHE);
  try {
    await node.exec('k8s', KINE_SCHEMA);
    let retries = 0;
    for (let i = 0; i < statements.length; i += LINES_PER_SHELL) {
      if (!node.alive()) throw new Error(`dqlite-demo died:\n${node.log()}`);
      retries += await execRetrying(node, 'k8s', statements.slice(i, i + LINES_PER_SHELL), log);
      if ((i / LINES_PER_SHELL) % 25 === 0) {
        log(`  ${c.id}: ${i + LINES_PER_SHELL}/${statements.length} statements, ${secondsSince(started)} s`);
      }
    }
    const writeSeconds = Number(secondsSince(started));
    const counts = await nodeCounts(node);
    check(c, expect, counts);
    const snapshot = await settledSnapshot(node, log);
    const target = join(dir, snapshot.name);
    copyFileSync(`${snapshot.dataPath}.meta`, `${target}.meta`);
    copyFileSync(snapshot.dataPath, target);
    execFileSync('lz4', ['-t', target], { stdio: 'ignore' }); // the copy is a whole LZ4 frame (throws if not)
    return {
      recipeVersion: recipeVersion(c.shape),
      shape: c.shape,
      size: c.size,
      unit: c.unit,
      snapshot: snapshot.name,
      bytesOnDisk: statSync(target).size,
      statements: statements.length,
      retriedStatements: retries,
      writeSeconds,
      totalSeconds: Number(secondsSince(started)),
      node: counts,
      generatedAt: new Date().toISOString(),
      generator: 'dqlite-demo (go-dqlite 1.11.5, libdqlite 1.11.1) through the dqlite shell',
    };
  } finally {
    await node.stop();
  }
}

/**
 * Run lines; when some fail, run again from the first failure (every recipe statement is safe to
 * re-run). Under load dqlite 1.11 answers some commits with `disk I/O error` and then carries on.
 */
async function execRetrying(node, database, lines, log) {
  let retried = 0;
  for (let attempt = 0, from = 0; ; attempt++) {
    const todo = lines.slice(from);
    const outputs = await shell(node.address, database, todo);
    const failed = outputs.findIndex((out) => out.startsWith('Error:'));
    if (failed < 0) return retried;
    if (attempt === 8 || !node.alive()) {
      throw new Error(`${database}: ${outputs[failed]} in: ${todo[failed].slice(0, 200)}\n${node.log()}`);
    }
    log(`  retrying from a failed statement (${outputs[failed].trim()})`);
    retried += todo.length - failed;
    from += failed;
    await sleep(1000);
  }
}

// What the node itself says the table holds, before the snapshot.
async function nodeCounts(node) {
  const out = await node.query(
    'k8s',
    'SELECT (SELECT count(*) FROM kine), (SELECT count(*) FROM (SELECT max(id) AS id FROM kine GROUP BY name) m ' +
      "JOIN kine k ON k.id = m.id WHERE k.deleted = 0 AND k.name != 'compact_rev_key'), (SELECT max(id) FROM kine), " +
      '(SELECT page_count FROM pragma_page_count()), (SELECT freelist_count FROM pragma_freelist_count())',
  );
  const [rows, liveKeys, currentRevision, pageCount, freelistCount] = out.split('|').map(Number);
  return {
    rows,
    liveKeys,
    currentRevision,
    pageCount,
    freelistCount,
    freePageShare: freelistCount / pageCount,
  };
}

function check(c, expect, counts) {
  const problems = [];
  for (const [key, want] of Object.entries(expect)) {
    if (key === 'minFreePageShare') {
      if (!(counts.freePageShare > want)) problems.push(`free page share ${counts.freePageShare} <= ${want}`);
    } else if (key === 'historyRows') {
      const got = counts.rows - counts.liveKeys;
      const [lo, hi] = Array.isArray(want) ? want : [want, want];
      if (got < lo || got > hi) problems.push(`history rows ${got} not in [${lo}, ${hi}]`);
    } else if (counts[key] !== want) problems.push(`${key} ${counts[key]} != ${want}`);
  }
  if (problems.length) throw new Error(`${c.id}: the node holds something else: ${problems.join('; ')}`);
}

/**
 * A snapshot taken after every write above. Pad writes (into database "pad") until two snapshots
 * newer than the newest at the end of the writes are complete: the first may have been taken, and
 * still be being written, before the last write; the second cannot (one snapshot at a time).
 */
async function settledSnapshot(node, log) {
  const before = (await node.snapshots()).at(-1)?.index ?? 0;
  await node.exec('pad', ['CREATE TABLE IF NOT EXISTS pad (id INTEGER PRIMARY KEY, v BLOB)']);
  const seen = new Set();
  const pad = Array(PAD_LINES).fill('INSERT INTO pad (v) VALUES (randomblob(16))');
  for (let written = 0; ; ) {
    for (const s of await node.snapshots()) if (s.index > before) seen.add(s.index);
    if (seen.size >= 2) break;
    if (!node.alive()) throw new Error(`dqlite-demo died while padding:\n${node.log()}`);
    if (written < 3 * 1024 + PAD_LINES) {
      // A pad line can time out (2 s) while the node writes a large snapshot: that is harmless.
      await node.exec('pad', pad).catch(() => {});
      written += PAD_LINES;
    } else await sleep(200);
  }
  const newest = (await node.snapshots()).at(-1);
  // Let the file stop growing before copying (lz4 -t checks the copy as well).
  for (let size = -1; size !== statSync(newest.dataPath).size; ) {
    size = statSync(newest.dataPath).size;
    await sleep(500);
  }
  log(`  snapshot ${newest.name}: ${(statSync(newest.dataPath).size / 1e6).toFixed(1)} MB`);
  return newest;
}

const secondsSince = (started) => ((performance.now() - started) / 1000).toFixed(1);

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const c of selectCases(process.argv.slice(2))) {
    const m = await ensureSnapshot(c);
    process.stdout.write(
      `${c.id}: ${m.dataPath} (${(m.bytesOnDisk / 1e6).toFixed(1)} MB, ${JSON.stringify(m.node)})\n`,
    );
  }
}
