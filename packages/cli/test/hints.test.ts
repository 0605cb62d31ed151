import { AnalyzerError, errnoOf } from '@dqlite-analyzer/core';
import { describe, expect, it } from 'vitest';
import { errorLine, nextStep } from '../src/hints.js';

const errno = (code: string) => Object.assign(new Error(code), { code });

describe('the next step after an error', () => {
  it('names the flag that helps, from the code and the errno behind it', () => {
    const space = new AnalyzerError(
      'DQA_TEMP_NO_SPACE',
      '/tmp has 10 bytes free, the private copy needs 4096',
      {
        dir: '/tmp',
        free: 10,
        needed: 4096,
      },
    );
    expect(errorLine(space)).toBe(
      'dqlite-analyze: DQA_TEMP_NO_SPACE: /tmp has 10 bytes free, the private copy needs 4096; ' +
        'point --temp-dir at a filesystem with 4096 bytes free',
    );
    const denied = new AnalyzerError(
      'DQA_INPUT_UNREADABLE',
      'x cannot be read (EACCES)',
      {},
      { cause: errno('EACCES') },
    );
    expect(nextStep(denied)).toBe("dqlite's files are root's, mode 0600: run with sudo");
    // Not a permission problem: no sudo advice.
    const io = new AnalyzerError(
      'DQA_INPUT_UNREADABLE',
      'x cannot be read (EIO)',
      {},
      { cause: errno('EIO') },
    );
    expect(nextStep(io)).toBeUndefined();
    expect(errorLine(io)).toBe('dqlite-analyze: DQA_INPUT_UNREADABLE: x cannot be read (EIO)');
  });

  it('a kept copy that exists already: an empty directory, as copies are never overwritten', () => {
    const exists = new AnalyzerError(
      'DQA_OUTPUT_FAILED',
      'cannot keep k8s as /k/k8s.db (EEXIST)',
      {},
      { cause: errno('EEXIST') },
    );
    expect(nextStep(exists)).toBe('kept copies are never overwritten: give --keep-copies an empty directory');
  });

  it('finds the errno down the chain of causes, and only a real one', () => {
    expect(errnoOf(new Error('a', { cause: new Error('b', { cause: errno('ENOSPC') }) }))).toBe('ENOSPC');
    expect(errnoOf(Object.assign(new Error('x'), { code: 'DQA_LZ4_CORRUPT' }))).toBeUndefined();
    expect(errnoOf('EACCES')).toBeUndefined();
  });
});
