import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { raftCrc32 } from '../../src/raft/crc32.js';
import { parseMeta, readMeta } from '../../src/raft/meta.js';

const FIXTURE = new URL('../fixtures/raft/snapshot-1-1024-144759.meta', import.meta.url).pathname;
const real = readFileSync(FIXTURE);

function expectCode(bytes: Buffer, code: string): void {
  expect(() => parseMeta(bytes)).toThrow(expect.objectContaining({ code }));
}

describe('parseMeta', () => {
  it('decodes the .meta a real dqlite node wrote, garbage padding and all', async () => {
    const meta = await readMeta(FIXTURE);
    expect(meta.configurationIndex).toBe(1);
    expect(meta.servers).toEqual([
      { id: '3297041220608546238', address: '127.0.0.1:19001', role: 'voter' as const },
    ]);
    // The stored CRC: a different value here means the checksum is computed over the wrong bytes.
    expect(meta.crc).toBe(real.readUInt32LE(8));
  });

  it('rejects a flipped configuration byte as a CRC mismatch', () => {
    const damaged = Buffer.from(real);
    damaged[50] = (damaged[50] ?? 0) ^ 0x01;
    expectCode(damaged, 'DQA_RAFT_META_CRC');
  });

  it('rejects a flipped configuration index as a CRC mismatch (the CRC covers bytes 16-31)', () => {
    const damaged = Buffer.from(real);
    damaged[16] = (damaged[16] ?? 0) ^ 0x02;
    expectCode(damaged, 'DQA_RAFT_META_CRC');
  });

  it('rejects an unknown format', () => {
    const damaged = Buffer.from(real);
    damaged[0] = 2;
    expectCode(damaged, 'DQA_RAFT_META_FORMAT');
  });

  it('rejects truncation inside the header and inside the configuration', () => {
    expectCode(real.subarray(0, 20), 'DQA_RAFT_META_TRUNCATED');
    expectCode(real.subarray(0, 50), 'DQA_RAFT_META_TRUNCATED');
    expectCode(Buffer.alloc(0), 'DQA_RAFT_META_TRUNCATED');
  });

  it('rejects a configuration length larger than raft allows without allocating it', () => {
    const damaged = Buffer.from(real);
    damaged.writeBigUInt64LE(1n << 40n, 24);
    expectCode(damaged, 'DQA_RAFT_META_MALFORMED');
  });

  it('decodes the worked example of docs/formats.md §1.3 byte for byte', () => {
    const hex = [
      '0100000000000000 8ef9eb4900000000', // format 1, crc 0x49ebf98e
      '0100000000000000 2800000000000000', // configuration index 1, length 40
      '0101000000000000 00be55318c8571c1', // encoding 1, one server, id...
      '2d3132372e302e30 2e313a3139303031', // ...id, "127.0.0.1:19001"
      '0001000000000000', // NUL, role 1 (voter), padding
    ].join('');
    const meta = parseMeta(Buffer.from(hex.replace(/ /g, ''), 'hex'));
    expect(meta.crc).toBe(0x49ebf98e);
    expect(meta.servers).toEqual([
      { id: '3297041220608546238', address: '127.0.0.1:19001', role: 'voter' as const },
    ]);
  });

  it('names raft roles (0 standby, 1 voter, 2 spare), not cluster.yaml codes', () => {
    const roleOffset = real.indexOf(0, 48) + 1; // the byte after the address's NUL
    const roles = [0, 1, 2, 7].map((code) => {
      const bytes = Buffer.from(real);
      bytes[roleOffset] = code;
      const length = Number(bytes.readBigUInt64LE(24));
      bytes.writeUInt32LE(raftCrc32(bytes.subarray(32, 32 + length), raftCrc32(bytes.subarray(16, 32))), 8);
      return parseMeta(bytes).servers[0]?.role;
    });
    expect(roles).toEqual(['standby', 'voter', 'spare', 'unknown']);
  });

  it('rejects an address without its NUL terminator', () => {
    const length = Number(real.readBigUInt64LE(24));
    const bytes = Buffer.from(real.subarray(0, 32 + length));
    bytes.fill(0x41, 49); // overwrite the address, its NUL and the role with 'A'
    bytes.writeUInt32LE(raftCrc32(bytes.subarray(32), raftCrc32(bytes.subarray(16, 32))), 8);
    expectCode(bytes, 'DQA_RAFT_META_MALFORMED');
  });
});
