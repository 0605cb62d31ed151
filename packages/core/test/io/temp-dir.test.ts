import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isAnalyzerError } from '../../src/errors.js';
import { createPrivateDir } from '../../src/io/temp-dir.js';

describe('createPrivateDir', () => {
  it('names the errno when the directory cannot be created (docs/errors.md, DQA_TEMP_FAILED)', () => {
    const scratch = mkdtempSync(join(tmpdir(), 'dqa-temp-dir-test-'));
    try {
      writeFileSync(join(scratch, 'a-file'), '');
      for (const [parent, errno] of [
        [join(scratch, 'missing'), 'ENOENT'],
        [join(scratch, 'a-file'), 'ENOTDIR'],
      ] as const) {
        let caught: unknown;
        try {
          createPrivateDir(parent).release();
        } catch (error) {
          caught = error;
        }
        expect(isAnalyzerError(caught, 'DQA_TEMP_FAILED')).toBe(true);
        expect((caught as Error).message).toBe(`cannot create a private directory in ${parent} (${errno})`);
      }
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });
});
