// Property-based tests of every parser of untrusted bytes (targets.ts): arbitrary and mutated
// inputs, split into arbitrary chunks, never end in anything but a typed error of the parser's
// family (WalScanner: a documented string), never take long, never allocate what a size field
// asks for, and leave no private copy behind. A longer run: FUZZ_LONG=1 (test/reliability).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AnalyzerError } from '../../src/errors.js';
import { checkCase, MAX_ALLOCATION_BYTES, MAX_CASE_MS } from './guards.js';
import {
  type Bases,
  extractTarget,
  type FuzzTarget,
  lz4Target,
  makeBases,
  metaTarget,
  payloadTarget,
  walTarget,
} from './targets.js';

let dir: string;
let bases: Bases;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'dqa-fuzz-'));
  bases = makeBases(dir);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Fixed seeds keep the default run reproducible; the long run draws new ones.
async function holds<T>(target: FuzzTarget<T>, numRuns: number): Promise<void> {
  await fc.assert(
    fc.asyncProperty(target.arbitrary, async (input) => {
      await target.check(input);
    }),
    { numRuns, seed: 0xd9a, endOnFailure: false },
  );
}

describe('fuzz: parsers of untrusted bytes', () => {
  it('parseMeta', () => holds(metaTarget(bases), 500));
  it('PayloadParser', () => holds(payloadTarget(bases), 300));
  it('Lz4FrameDecoder', () => holds(lz4Target(bases), 300));
  it('WalScanner (never throws: problems are returned as strings)', () => holds(walTarget(bases), 300));
  it('detectInput + extractSnapshot on a file, private copy released', () =>
    holds(extractTarget(bases), 150));
});

describe('fuzz harness', () => {
  it('fails a case on a non-AnalyzerError, a code outside the family, a large allocation, a slow case', async () => {
    await expect(checkCase([], () => JSON.parse('{'))).rejects.toThrow(/not an AnalyzerError: SyntaxError/);
    const typed = () => {
      throw new AnalyzerError('DQA_FSM_TRUNCATED', 'x');
    };
    await expect(checkCase(['DQA_FSM_TRUNCATED'], typed)).resolves.toBe('DQA_FSM_TRUNCATED');
    await expect(checkCase(['DQA_LZ4_CORRUPT'], typed)).rejects.toThrow(/unexpected code DQA_FSM_TRUNCATED/);
    await expect(
      checkCase([], () => Buffer.concat([Buffer.alloc(MAX_ALLOCATION_BYTES), Buffer.alloc(1)])),
    ).rejects.toThrow(/allocated/);
    await expect(
      checkCase([], () => {
        const until = performance.now() + MAX_CASE_MS + 50;
        while (performance.now() < until) {
          // busy
        }
      }),
    ).rejects.toThrow(/case took/);
  });
});
