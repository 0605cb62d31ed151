import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatCount } from '../src/format.js';

describe('formatCount', () => {
  // Integers are grouped by hand (no ICU set-up per run); Intl's en-US formatting is the reference.
  it('writes every safe integer as toLocaleString("en-US") does', () => {
    for (const n of [0, -0, 7, 999, 1000, -1000, 12_345, 999_999, 1_000_000, -1_234_567, 2 ** 53 - 1]) {
      expect(formatCount(n)).toBe(n.toLocaleString('en-US'));
    }
    fc.assert(
      fc.property(fc.maxSafeInteger(), (n) => formatCount(n) === n.toLocaleString('en-US')),
      { numRuns: 2000 },
    );
  });

  it('leaves fractions, huge and non-finite values to Intl', () => {
    for (const n of [1234.5678, 2 ** 60, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(formatCount(n)).toBe(n.toLocaleString('en-US'));
    }
    expect(formatCount(1234.5678)).toBe('1,234.568');
  });
});
