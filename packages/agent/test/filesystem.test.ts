import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { readFilesystem } from '../src/filesystem-poller.js';

const dir = mkdtempSync(join(tmpdir(), 'dqa-fs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('reads the size and free bytes of the filesystem as df does, without a subprocess', async () => {
  const figures = await readFilesystem(dir);
  // df's own figures for the same directory (1-byte units); free space may move a little between.
  const [size, avail] = execFileSync('df', ['--block-size=1', '--output=size,avail', dir], {
    encoding: 'utf8',
  })
    .trim()
    .split('\n')[1]!
    .trim()
    .split(/\s+/)
    .map(Number);
  expect(figures?.sizeBytes).toBe(size);
  expect(Math.abs((figures?.availableBytes ?? 0) - avail!)).toBeLessThan(64 * 1024 * 1024);
  expect(await readFilesystem(join(dir, 'missing'))).toBeUndefined();
});
