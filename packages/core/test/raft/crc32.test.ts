import { describe, expect, it } from 'vitest';
import { raftCrc32 } from '../../src/raft/crc32.js';

describe('raftCrc32', () => {
  it('matches the check value of raft byte.c for "123456789"', () => {
    // 0x89A1897F: CRC-32/POSIX without final XOR, verified by compiling canonical/raft src/byte.c.
    expect(raftCrc32(Buffer.from('123456789'))).toBe(0x89a1897f);
  });

  it('chains: crc(b, crc(a)) equals crc(a + b)', () => {
    const a = Buffer.from('12345');
    const b = Buffer.from('6789');
    expect(raftCrc32(b, raftCrc32(a))).toBe(raftCrc32(Buffer.concat([a, b])));
  });
});
