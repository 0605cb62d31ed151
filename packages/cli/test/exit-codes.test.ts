import type { Severity } from '@dqlite-analyzer/core';
import { describe, expect, it } from 'vitest';
import { EXIT, exitCodeForFindings } from '../src/exit-codes.js';

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
