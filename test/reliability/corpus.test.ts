// The hostile-input corpus (test/corpus/) against the core: every damaged input derived from a real
// dqlite snapshot ends in its expected typed error or in an analysis with the stated markers —
// never another exception, never a hang — leaves nothing in the temp dir, and leaves the input's
// bytes, mtime and directory listing exactly as they were.
import { execFile } from 'node:child_process';
import { constants } from 'node:fs';
import { mkdir, mkdtemp, open, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type Analysis, analyze, isAnalyzerError } from '@dqlite-analyzer/core';
import { stopAllNodes } from '@dqlite-analyzer/test-support/dqlite-node';
import { mountRefused, mountTmpfs, unmount } from '@dqlite-analyzer/test-support/tmpfs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fingerprint } from '../corpus/fingerprint.js';
import {
  type CaseInput,
  CORPUS,
  type CorpusCase,
  type CorpusContext,
  corpusContext,
  generateCorpus,
  renderTable,
} from '../corpus/generate.js';
import { makeSourceSnapshot, SECRET_MARKER, SECRET_MARKER_BASE64 } from '../corpus/source.js';

const SECURITY_DOC = new URL('../../docs/security.md', import.meta.url);
const CORE = new URL('../../packages/core/dist/index.js', import.meta.url).href;
const TABLE_START = '<!-- hostile-input:start (generated from test/corpus/generate.ts) -->';
const TABLE_END = '<!-- hostile-input:end -->';
/** Far more than any case needs (the slowest analyses a ~600 KB snapshot in well under a second). */
const HANG_MS = 15_000;
// An error is one line: its path and a few facts (the longest message in the corpus is ~300 chars).
const MESSAGE_LIMIT = 2048;
// How a message would quote the first bytes of a file starting with the marker.
const SECRET_MARKER_HEX = Buffer.from(SECRET_MARKER).subarray(0, 8).toString('hex');

let scratch: string;
let temp: string;
let corpusDir: string;
let context: CorpusContext;
let inputs: Map<string, CaseInput[]>;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'dqa-corpus-'));
  temp = join(scratch, 'temp');
  corpusDir = join(scratch, 'corpus');
  const source = await makeSourceSnapshot(scratch);
  await stopAllNodes();
  context = await corpusContext(source, join(scratch, 'work'));
  inputs = await generateCorpus(context, corpusDir);
  await mkdir(temp);
});

afterAll(async () => {
  await stopAllNodes();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

type Outcome = { error: string; message: string } | { analysis: Analysis };

/** C0 and C1 control characters (and DEL): what a one-line, terminal-safe message must not hold. */
function controlCharacters(text: string): string[] {
  const found: string[] = [];
  for (const char of text) {
    const code = char.codePointAt(0)!;
    if (code < 0x20 || (code >= 0x7f && code <= 0x9f)) found.push(`U+${code.toString(16).padStart(4, '0')}`);
  }
  return found;
}

/** analyze() with a watchdog: a hang fails the case instead of the whole run. */
async function outcomeOf(input: CaseInput, item: CorpusCase, tempDir: string): Promise<Outcome> {
  const requireKine = 'error' in item.expect ? undefined : item.expect.requireKine;
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<never>((_, reject) => {
    timer = setTimeout(async () => {
      // A read blocked on a FIFO holds a libuv thread: open the write end so it returns.
      await releaseFifos(join(corpusDir, item.id));
      reject(new Error(`${item.id} (${input.label}): analyze() still running after ${HANG_MS} ms`));
    }, HANG_MS);
  });
  try {
    const analysis = await Promise.race([analyze(input.path, { tempDir, requireKine }), hung]);
    return { analysis };
  } catch (error) {
    if (isAnalyzerError(error)) return { error: error.code, message: error.message };
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

async function releaseFifos(dir: string): Promise<void> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  for (const entry of entries) {
    if (!entry.isFIFO()) continue;
    const handle = await open(
      join(entry.parentPath, entry.name),
      constants.O_WRONLY | constants.O_NONBLOCK,
    ).catch(() => undefined);
    await handle?.close();
  }
}

function describeOutcome(outcome: Outcome): string {
  if ('error' in outcome) return outcome.error;
  return `analysis (partial ${outcome.analysis.partial}; ${outcome.analysis.warnings.join(' / ') || 'no warnings'})`;
}

const observed = new Map<string, string[]>();

describe('hostile-input corpus', () => {
  for (const item of CORPUS) {
    const test = item.knownIssue ? (item.knownIssue.hangs ? it.skip : it.fails) : it;
    test(`${item.id}: ${item.damage}`, async (test) => {
      const caseDir = join(corpusDir, item.id);
      const cases = inputs.get(item.id) ?? [];
      expect(cases.length).toBeGreaterThan(0);
      const tempDir = item.tempFsBytes ? join(scratch, `tmpfs-${item.id}`) : temp;
      if (item.tempFsBytes) {
        if (mountRefused) test.skip(`cannot mount a tmpfs here (${mountRefused}): the case needs root`);
        await mkdir(tempDir);
        const refused = mountTmpfs(tempDir, `size=${item.tempFsBytes}`);
        if (refused) throw new Error(`mount worked for the probe but not now: ${refused}`);
      }
      try {
        await runCase(item, cases, caseDir, tempDir);
      } finally {
        if (item.tempFsBytes) unmount(tempDir);
      }
    });
  }

  async function runCase(item: CorpusCase, cases: CaseInput[], caseDir: string, tempDir: string) {
    const seen: string[] = [];
    for (const input of cases) {
      const before = await fingerprint(caseDir);
      const sourceBefore = await fingerprint(context.source.dataDir);
      const outcome = await outcomeOf(input, item, tempDir);
      seen.push(`${input.label}: ${describeOutcome(outcome)}`);
      const where = `${item.id} (${input.label})`;
      if ('error' in item.expect) {
        const allowed = [item.expect.error, ...(item.expect.orError ?? [])];
        expect
          .soft(allowed, `${where}: got ${describeOutcome(outcome)}`)
          .toContain('error' in outcome ? outcome.error : 'an analysis');
        // The CLI prints the message as its one stderr line: no newline, no terminal escapes.
        if ('error' in outcome) {
          expect
            .soft(controlCharacters(outcome.message), `${where}: control characters in the message`)
            .toEqual([]);
          // One line a user can read, however many files or bytes the input has; and never bytes
          // of the input itself (a symlink may point at a file the user must not show).
          expect.soft(outcome.message.length, `${where}: message length`).toBeLessThan(MESSAGE_LIMIT);
          if (item.expect.message)
            expect.soft(outcome.message, `${where}: message`).toMatch(item.expect.message);
          for (const secret of [SECRET_MARKER, SECRET_MARKER_BASE64, SECRET_MARKER_HEX])
            expect.soft(outcome.message.includes(secret), `${where}: input bytes in the message`).toBe(false);
        }
      } else {
        expect.soft(describeOutcome(outcome), `${where}: expected an analysis`).toMatch(/^analysis/);
        if ('analysis' in outcome) {
          const { analysis } = outcome;
          expect.soft(analysis.partial, `${where}: partial`).toBe(item.expect.partial);
          for (const marker of item.expect.markers) {
            expect.soft(marker.holds(analysis, context), `${where}: ${marker.says}`).toBe(true);
          }
          const json = JSON.stringify(analysis);
          expect
            .soft(
              json.includes(SECRET_MARKER) || json.includes(SECRET_MARKER_BASE64),
              `${where}: secret value`,
            )
            .toBe(false);
        }
      }
      // Nothing left behind, nothing touched.
      expect.soft(await readdir(tempDir), `${where}: temp dir`).toEqual([]);
      expect.soft(await fingerprint(caseDir), `${where}: input changed`).toEqual(before);
      expect
        .soft(await fingerprint(context.source.dataDir), `${where}: source changed`)
        .toEqual(sourceBefore);
    }
    observed.set(item.id, seen);
  }

  it('the source holds the Secret marker that no analysis may show', () => {
    expect(context.source.payload.includes(SECRET_MARKER)).toBe(true);
    expect(context.source.payload.includes(SECRET_MARKER_BASE64)).toBe(true);
  });

  it('no payload name escaped the private copy', async () => {
    for (const path of ['/tmp/dqa-corpus-escape', '/tmp/dqa-corpus-absolute']) {
      await expect(readFile(path)).rejects.toMatchObject({ code: 'ENOENT' });
    }
  });
});

// Runs in a fresh process, so its peak RSS belongs to these inputs alone: every Buffer allocation
// is recorded, and the peak RSS after the huge-size inputs is compared with that after a warm-up
// analysis of the intact snapshot.
const MEMORY_PROBE = `
  import { analyze } from ${JSON.stringify(CORE)};
  const [temp, intact, ...inputs] = JSON.parse(process.argv[1]);
  let largest = 0;
  for (const name of ['alloc', 'allocUnsafe', 'allocUnsafeSlow']) {
    const original = Buffer[name];
    Buffer[name] = (size, ...rest) => { largest = Math.max(largest, size); return original.call(Buffer, size, ...rest); };
  }
  await analyze(intact, { tempDir: temp });
  const warm = process.resourceUsage().maxRSS * 1024;
  largest = 0;
  const codes = [];
  for (const input of inputs) {
    try { await analyze(input, { tempDir: temp }); codes.push('analysis'); }
    catch (error) { codes.push(error.code ?? String(error)); }
  }
  process.stdout.write(JSON.stringify({ warm, peak: process.resourceUsage().maxRSS * 1024, largest, codes }));
`;

describe('size fields far larger than the file', () => {
  it('are never allocated: no single Buffer beyond 8 MiB, peak RSS within 32 MiB of a plain analysis', async () => {
    const huge = CORPUS.filter((item) => item.hugeSize).flatMap((item) => inputs.get(item.id) ?? []);
    expect(huge.length).toBeGreaterThan(20);
    const args = JSON.stringify([temp, context.source.dataPath, ...huge.map((input) => input.path)]);
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--input-type=module', '-e', MEMORY_PROBE, args],
      {
        timeout: 60_000,
      },
    );
    const result = JSON.parse(stdout) as { warm: number; peak: number; largest: number; codes: string[] };
    if (process.env.CORPUS_VERBOSE === '1') process.stdout.write(`memory probe: ${stdout}\n`);
    expect(result.codes.length).toBe(huge.length);
    expect(result.codes.every((code) => code === 'analysis' || code.startsWith('DQA_'))).toBe(true);
    expect(result.largest).toBeLessThan(8 << 20);
    expect(result.peak - result.warm).toBeLessThan(32 << 20);
    expect(await readdir(temp)).toEqual([]);
  });
});

describe('docs/security.md', () => {
  it('its "Hostile input" table is the corpus (UPDATE_DOCS=1 rewrites it)', async () => {
    const doc = await readFile(SECURITY_DOC, 'utf8');
    const start = doc.indexOf(TABLE_START);
    const end = doc.indexOf(TABLE_END);
    expect(start, `docs/security.md lacks ${TABLE_START}`).toBeGreaterThanOrEqual(0);
    expect(end).toBeGreaterThan(start);
    const table = renderTable();
    const current = doc.slice(start + TABLE_START.length, end).trim();
    if (process.env.UPDATE_DOCS === '1' && current !== table) {
      await writeFile(
        SECURITY_DOC,
        `${doc.slice(0, start + TABLE_START.length)}\n${table}\n${doc.slice(end)}`,
      );
      return;
    }
    expect(current, 'run UPDATE_DOCS=1 pnpm exec vitest run test/reliability/corpus.test.ts').toBe(table);
  });
});

afterAll(() => {
  if (process.env.CORPUS_VERBOSE !== '1') return;
  for (const [id, seen] of observed) process.stdout.write(`${id}\n  ${seen.join('\n  ')}\n`);
});
