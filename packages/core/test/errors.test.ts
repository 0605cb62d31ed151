import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AnalyzerError, ERROR_CODES, isAnalyzerError } from '../src/errors.js';

const doc = readFileSync(new URL('../../../docs/errors.md', import.meta.url), 'utf8');
const documented = [...doc.matchAll(/^\| `(DQA_[A-Z0-9_]+)` \| ([^|]+) \|/gm)].map((m) => [
  m[1]!,
  m[2]!.trim(),
]);

describe('error catalogue', () => {
  it('documents every code in docs/errors.md, with the same meaning, and nothing else', () => {
    expect(Object.fromEntries(documented)).toEqual(ERROR_CODES);
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
