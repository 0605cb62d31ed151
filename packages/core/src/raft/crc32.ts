// raft's byteCrc32: polynomial 0x04C11DB7, MSB-first, caller-supplied initial value (0 in
// practice), no final XOR (canonical/raft:src/byte.c). Check value of "123456789" is 0x89A1897F.
const TABLE = buildTable();

function buildTable(): Uint32Array {
  const table = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i << 24;
    for (let bit = 0; bit < 8; bit++) c = c & 0x80000000 ? (c << 1) ^ 0x04c11db7 : c << 1;
    table[i] = c >>> 0;
  }
  return table;
}

/** raft's CRC-32 of `bytes`, continuing from `crc` (chainable: crc32(b, crc32(a))). */
export function raftCrc32(bytes: Uint8Array, crc = 0): number {
  let value = crc >>> 0;
  for (let i = 0; i < bytes.length; i++) {
    value = ((value << 8) ^ TABLE[((value >>> 24) ^ bytes[i]!) & 0xff]!) >>> 0;
  }
  return value;
}
