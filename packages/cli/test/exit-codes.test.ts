import { readFileSync } from 'node:fs';
import { ERROR_CODES, type ErrorCode, errorKind, type Severity } from '@dqlite-analyzer/core';
import { describe, expect, it } from 'vitest';
import { EXIT, EXIT_FOR_KIND, exitCodeForFindings } from '../src/exit-codes.js';

const findings = (...severities: Severity[]) => severities.map((severity) => ({ severity }));

describe('exit code for findings', () => {
  it('follows --fail-on', () => {
    expect(exitCodeForFindings(findings(), 'critical')).toBe(EXIT.OK);
    expect(exitCodeForFindings(findings('info', 'warning'), 'critical')).toBe(EXIT.OK);
    expect(exitCodeForFindings(findings('warning', 'critical'), 'critical')).toBe(EXIT.CRITICAL);
    expect(exitCodeForFindings(findings('info', 'warning'), 'warning')).toBe(EXIT.WARNING);
    expect(exitCodeForFindings(findings('warning', 'critical'), 'warning')).toBe(EXIT.CRITICAL);
    expect(exitCodeForFindings(findings('info'), 'warning')).toBe(EXIT.OK);
    expect(exitCodeForFindings(findings('critical'), 'none')).toBe(EXIT.OK);
  });
});

describe('exit code for an error', () => {
  // docs/errors.md gives each code's exit code; it must be the one its kind leads to.
  const doc = readFileSync(new URL('../../../docs/errors.md', import.meta.url), 'utf8');
  const documented = [...doc.matchAll(/^\| `(DQA_[A-Z0-9_]+)` \|.*\| (\d+) \|$/gm)];

  it('is the documented one for every code, derived from its kind', () => {
    expect(documented.map((m) => m[1])).toEqual(Object.keys(ERROR_CODES));
    for (const [, code, exit] of documented)
      expect(EXIT_FOR_KIND[errorKind(code as ErrorCode)], code).toBe(Number(exit));
  });
});
