// How large the work will be is known before any byte is decoded (analyze() decides from it
// whether to start its side thread): the size the LZ4 frame's header declares.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveInput } from '../../src/source/resolve-input.js';

const SAMPLE = new URL('../../../../examples/sample-snapshot/', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'dqa-resolve-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('resolveInput: expectedBytes', () => {
  it('is the uncompressed size for an LZ4 snapshot, as lz4 itself decompresses it', async () => {
    const file = readdirSync(SAMPLE).find((name) => /^snapshot-\d+-\d+-\d+$/.test(name))!;
    // lz4 -d (the reference tool) writes the whole payload: its size is what the header declares.
    execFileSync('lz4', ['-d', '-q', '-f', join(SAMPLE, file), join(dir, 'payload')]);
    const payloadBytes = statSync(join(dir, 'payload')).size;
    expect(payloadBytes).toBeGreaterThan(statSync(join(SAMPLE, file)).size);
    expect((await resolveInput(join(SAMPLE, file))).expectedBytes).toBe(payloadBytes);
    // The same through the data directory, which resolves to that file.
    expect((await resolveInput(SAMPLE)).expectedBytes).toBe(payloadBytes);
  });

  it('is the file size for a frame without a content size, and for a raw payload', async () => {
    // lz4's CLI leaves the content size out of the header unless given --content-size.
    writeFileSync(
      join(dir, 'raw'),
      Buffer.concat([Buffer.from([1, 0, 0, 0, 0, 0, 0, 0]), Buffer.alloc(100)]),
    );
    expect((await resolveInput(join(dir, 'raw'))).expectedBytes).toBe(108);
    execFileSync('lz4', ['-q', '-f', join(dir, 'raw'), join(dir, 'raw.lz4')]);
    const lz4 = await resolveInput(join(dir, 'raw.lz4'));
    expect(lz4.compression).toBe('lz4');
    expect(lz4.expectedBytes).toBe(statSync(join(dir, 'raw.lz4')).size);
  });
});
