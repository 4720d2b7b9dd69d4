#!/usr/bin/python3
"""Builds a large EVTX file by repeating the chunks of real sample files (for benchmarks, not tests).

usage: make_big.py OUT SIZE_MIB SAMPLE.evtx[:WEIGHT]...
Each sample's valid chunks enter the pool WEIGHT times (default 1); the file repeats the pool in order. The chunks
are copied unchanged (their CRCs stay valid); the file header gets the chunk count (capped at the 16-bit field's
maximum, as in real files over 4 GiB) and a fresh CRC-32.
"""
import struct
import sys
import zlib

HEADER, CHUNK = 4096, 65536


def chunks(path):
    data = open(path, 'rb').read()
    for off in range(HEADER, len(data) - CHUNK + 1, CHUNK):
        c = data[off:off + CHUNK]
        if c[:8] == b'ElfChnk\0' and zlib.crc32(c[:120] + c[128:512]) == struct.unpack_from('<I', c, 124)[0]:
            yield c


def main():
    out, mib, samples = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
    pool = []
    for spec in samples:
        path, _, weight = spec.partition(':')
        pool += list(chunks(path)) * int(weight or 1)
    n = mib * 1024 * 1024 // CHUNK
    header = bytearray(open(samples[0].partition(':')[0], 'rb').read()[:HEADER])
    struct.pack_into('<QQ', header, 8, 0, n - 1)
    struct.pack_into('<H', header, 42, min(n, 0xffff))
    struct.pack_into('<I', header, 120, 0)  # clean, not full
    struct.pack_into('<I', header, 124, zlib.crc32(bytes(header[:120])))
    with open(out, 'wb') as f:
        f.write(header)
        for i in range(n):
            f.write(pool[i % len(pool)])


if __name__ == '__main__':
    main()
