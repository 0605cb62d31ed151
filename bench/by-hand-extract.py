#!/usr/bin/env python3
"""What a user writes by hand after `lz4 -d`: split a dqlite snapshot payload into SQLite files.

    by-hand-extract.py PAYLOAD OUTDIR     -> OUTDIR/<name> and OUTDIR/<name>-wal per database

Payload (canonical/dqlite src/fsm.c): u64 format (1), u64 count, then per database a NUL-terminated
name padded to 8 bytes, u64 main size, u64 WAL size, the main file, the WAL; all little-endian.
"""
import os
import struct
import sys

CHUNK = 1 << 20


def copy(src, dst_path, size):
    with open(dst_path, "wb") as dst:
        while size > 0:
            block = src.read(min(CHUNK, size))
            if not block:
                sys.exit(f"payload ends early writing {dst_path}")
            dst.write(block)
            size -= len(block)


payload, outdir = sys.argv[1], sys.argv[2]
os.makedirs(outdir, exist_ok=True)
with open(payload, "rb") as f:
    fmt, count = struct.unpack("<QQ", f.read(16))
    assert fmt == 1, f"format {fmt}"
    for _ in range(count):
        name = b""
        while not name.endswith(b"\0"):
            name += f.read(8)
        name = name.split(b"\0")[0].decode()
        main, wal = struct.unpack("<QQ", f.read(16))
        copy(f, os.path.join(outdir, name), main)
        if wal:
            copy(f, os.path.join(outdir, name + "-wal"), wal)
