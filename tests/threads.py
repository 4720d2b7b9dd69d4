#!/usr/bin/python3
"""The output does not depend on the number of threads on a file of many jobs (a job is 8 chunks): a 48-chunk
log made of the chunks of the AD FS fixtures and of testdata/'s real Security logs, read as .evtx and as
.evtx.gz with 1, 2 and 3 threads by dump and by scan. In the ThreadSanitizer build (.ci/run) a data race makes
badcreds exit with 66 and fails this test.

usage: threads.py BADCREDS FIXTURE_DIR TESTDATA_DIR
"""
import gzip
import os
import struct
import subprocess
import sys
import tempfile
import zlib

HEADER, CHUNK, CHUNKS = 4096, 65536, 48


def chunks(path):
    data = open(path, 'rb').read()
    for off in range(HEADER, len(data) - CHUNK + 1, CHUNK):
        if data[off:off + 8] == b'ElfChnk\0':
            yield data[off:off + CHUNK]


def main():
    badcreds, fixtures, testdata = sys.argv[1:4]
    pool = [c for name in ('ADFS01.evtx', 'ADFS02.evtx', 'DC01.evtx') for c in chunks(os.path.join(fixtures, name))]
    pool += [c for name in ('security-short.evtx', 'failed-logons-4625.evtx')
             for c in chunks(os.path.join(testdata, name))]
    body = b''.join(pool[i % len(pool)] for i in range(CHUNKS))
    header = bytearray(open(os.path.join(testdata, 'security-short.evtx'), 'rb').read()[:HEADER])
    struct.pack_into('<QQQ', header, 8, 0, CHUNKS - 1, 0)  # first and last chunk numbers, next record id
    struct.pack_into('<H', header, 42, CHUNKS)
    struct.pack_into('<I', header, 124, zlib.crc32(bytes(header[:120])))
    failures = []
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, 'many-jobs.evtx')
        with open(path, 'wb') as f:
            f.write(bytes(header) + body)
        with gzip.open(path + '.gz', 'wb') as f:
            f.write(bytes(header) + body)
        for label, args in (('dump', ['dump', '--format', 'jsonl', '-q']), ('scan', ['scan', '-q', '-o', '-'])):
            for src in (path, path + '.gz'):
                outs = {}
                for n in (1, 2, 3):
                    p = subprocess.run([badcreds] + args + ['--threads', str(n), src], stdout=subprocess.PIPE,
                                       stderr=subprocess.PIPE, check=False)
                    if p.returncode not in (0, 1) or b'ThreadSanitizer' in p.stderr or b'Sanitizer' in p.stderr:
                        failures.append(f'{label} {os.path.basename(src)} -j{n}: exit {p.returncode}\n'
                                        f'{p.stderr.decode(errors="replace")[:3000]}')
                    outs[n] = p.stdout
                lines = len(outs[1].splitlines())
                ok = outs[1] == outs[2] == outs[3] and lines > (CHUNKS if label == 'dump' else 1)
                print(f'{"ok" if ok else "FAIL"} {label} {os.path.basename(src)}: {lines} lines, same on 1, 2 and '
                      f'3 threads')
                if not ok:
                    failures.append(f'{label} {os.path.basename(src)}: output differs between thread counts')
    for f in failures:
        print('FAIL', f)
    sys.exit(1 if failures else 0)


if __name__ == '__main__':
    main()
