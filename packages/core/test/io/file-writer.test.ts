import { existsSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FileWriter } from '../../src/io/file-writer.js';

const dir = mkdtempSync(join(tmpdir(), 'dqa-writer-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const openFds = () => readdirSync('/proc/self/fd').length;

describe('FileWriter', () => {
  it('writes the chunks in order, from separate buffers and from views of one', async () => {
    const path = join(dir, 'ordered');
    const writer = new FileWriter(openSync(path, 'wx', 0o600));
    const memory = Buffer.alloc(1 << 20, 1);
    for (let i = 0; i < memory.length; i++) memory[i] = (i * 7) & 0xff;
    const expected: Buffer[] = [];
    // Adjacent views (merged into one), then 3000 small buffers, every other one from Node's shared
    // pool: more than one writev takes.
    for (let at = 0; at < memory.length; at += 4096) {
      writer.write(memory.subarray(at, at + 4096));
    }
    expected.push(memory);
    await writer.flush();
    for (let i = 0; i < 3000; i++) {
      const text = `chunk ${i};`;
      const chunk = i % 2 ? Buffer.from(text) : Buffer.alloc(text.length, text);
      writer.write(chunk);
      expected.push(chunk);
    }
    writer.write(Buffer.alloc(0));
    await writer.close();
    expect(readFileSync(path).equals(Buffer.concat(expected))).toBe(true);
  });

  it('closeNow: a small rest written and the file closed on the spot; not with a write in flight', async () => {
    const before = openFds();
    const path = join(dir, 'now');
    const writer = new FileWriter(openSync(path, 'wx', 0o600));
    writer.write(Buffer.from('head '));
    await writer.flush();
    writer.write(Buffer.from('tail'));
    expect(writer.closeNow()).toBe(true);
    expect(openFds()).toBe(before);
    expect(readFileSync(path, 'utf8')).toBe('head tail');
    await writer.close(); // closing again is a no-op
    const busy = new FileWriter(openSync(join(dir, 'busy'), 'wx', 0o600));
    busy.write(Buffer.alloc(8 << 20)); // starts a write (batches start at 4 MiB)
    expect(busy.closeNow()).toBe(false);
    await busy.close();
    expect(openFds()).toBe(before);
  });

  it('turns a full disk into DQA_TEMP_NO_SPACE and still closes the file, once', async (context) => {
    // /dev/full fails every write with ENOSPC (full(4)).
    if (!existsSync('/dev/full')) return context.skip('no /dev/full on this machine');
    const before = openFds();
    const writer = new FileWriter(openSync('/dev/full', 'w'));
    writer.write(Buffer.alloc(100_000));
    await expect(writer.flush()).rejects.toMatchObject({ code: 'DQA_TEMP_NO_SPACE' });
    writer.write(Buffer.alloc(10)); // ignored: the file is lost already
    await expect(writer.close()).rejects.toMatchObject({ code: 'DQA_TEMP_NO_SPACE' });
    await expect(writer.close()).rejects.toMatchObject({ code: 'DQA_TEMP_NO_SPACE' });
    expect(openFds()).toBe(before);
  });

  it('turns any other failed write into DQA_TEMP_FAILED naming the errno', async () => {
    const path = join(dir, 'read-only');
    writeFileSync(path, '', { mode: 0o600 });
    const writer = new FileWriter(openSync(path, 'r')); // write(2) on it: EBADF
    writer.write(Buffer.alloc(1000));
    await expect(writer.close()).rejects.toMatchObject({
      code: 'DQA_TEMP_FAILED',
      message: 'cannot write the private copy (EBADF)',
    });
  });
});
