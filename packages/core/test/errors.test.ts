import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  AnalyzerError,
  ERROR_CODES,
  errorKind,
  isAnalyzerError,
  isErrorCode,
  isOpenFileLimit,
  openFileLimitError,
} from '../src/errors.js';

const doc = readFileSync(new URL('../../../docs/errors.md', import.meta.url), 'utf8');
const documented = [...doc.matchAll(/^\| `(DQA_[A-Z0-9_]+)` \| ([^|]+) \| ([a-z]+) \|/gm)].map((m) => [
  m[1]!,
  { meaning: m[2]!.trim(), kind: m[3]! },
]);

describe('error catalogue', () => {
  it('documents every code in docs/errors.md, with the same meaning and kind, and nothing else', () => {
    expect(Object.fromEntries(documented)).toEqual(ERROR_CODES);
  });

  it('gives every code its kind', () => {
    expect(errorKind('DQA_LZ4_CORRUPT')).toBe('input');
    expect(errorKind('DQA_INPUT_UNREADABLE')).toBe('access');
    expect(errorKind('DQA_TEMP_NO_SPACE')).toBe('environment');
    expect(errorKind('DQA_AGENT_CONFIG')).toBe('usage');
    expect(isErrorCode('DQA_LZ4_CORRUPT')).toBe(true);
    expect(isErrorCode('TIMEOUT')).toBe(false);
    expect(isErrorCode('toString')).toBe(false);
  });

  it('names every code DQA_<AREA>_<CONDITION>', () => {
    for (const code of Object.keys(ERROR_CODES)) expect(code).toMatch(/^DQA_[A-Z0-9]+_[A-Z0-9_]+$/);
  });

  it('matches errors by code', () => {
    const error = new AnalyzerError('DQA_LZ4_CORRUPT', 'x', { offset: 3 });
    expect(isAnalyzerError(error, 'DQA_LZ4_CORRUPT')).toBe(true);
    expect(isAnalyzerError(error, 'DQA_LZ4_TRUNCATED')).toBe(false);
    expect(isAnalyzerError(new Error('x'))).toBe(false);
  });
});

describe('isOpenFileLimit', () => {
  // Node's shapes: an errno error; one from the analysis child, which keeps its message only; a
  // thread that could not start (nodejs/node:lib/internal/errors.js ERR_WORKER_INIT_FAILED).
  const errno = Object.assign(new Error("EMFILE: too many open files, open '/x'"), { code: 'EMFILE' });
  const fromChild = new Error("ENFILE: file table overflow, open '/x'");
  const thread = Object.assign(new Error('Worker initialization failure: EMFILE'), {
    code: 'ERR_WORKER_INIT_FAILED',
  });

  it("knows the limit by errno, by a child's message, and in a thread that could not start", () => {
    expect([errno, fromChild, thread].map(isOpenFileLimit)).toEqual([true, true, true]);
    expect(openFileLimitError('doing', fromChild).message).toBe(
      "doing: the system's limit of open files is reached (ENFILE)",
    );
    expect(openFileLimitError('doing', thread).code).toBe('DQA_OPEN_FILE_LIMIT');
  });

  it('takes no other error for it', () => {
    const others = [
      new Error('a message that mentions EMFILE later'),
      Object.assign(new Error('Worker initialization failure: ENOMEM'), { code: 'ERR_WORKER_INIT_FAILED' }),
      Object.assign(new Error('no space'), { code: 'ENOSPC' }),
      undefined,
      'EMFILE',
    ];
    expect(others.map(isOpenFileLimit)).toEqual([false, false, false, false, false]);
  });
});
