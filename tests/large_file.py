#!/usr/bin/python3
"""A file over 4 GiB: chunk slots are counted from the file size with 64-bit offsets, not from the header's 16-bit
chunk count. The file is sparse: a real chunk at slot 0 and a copy past the 4 GiB mark, zero slots between.

usage: large_file.py BADCREDS TESTDATA_DIR
"""
import json
import os
import subprocess
import sys
import tempfile

HEADER, CHUNK = 4096, 65536


def main():
    badcreds, testdata = sys.argv[1], sys.argv[2]
    data = open(os.path.join(testdata, 'security-short.evtx'), 'rb').read()
    chunk = data[HEADER:HEADER + CHUNK]
    far = (4 << 30) // CHUNK + 3  # slot whose offset is beyond 4 GiB
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, 'big.evtx')
        with open(path, 'wb') as f:
            f.write(data[:HEADER])
            f.write(chunk)
            f.seek(HEADER + far * CHUNK)
            f.write(chunk)
        p = subprocess.run([badcreds, 'dump', '--format', 'jsonl', '--quiet', path], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, check=False)
        offsets = [json.loads(l)['Offset'] for l in p.stdout.decode().splitlines() if '"Recovered":false' in l]
    want = HEADER + far * CHUNK
    near = sum(1 for o in offsets if o < HEADER + CHUNK)
    beyond = sum(1 for o in offsets if o >= want)
    ok = p.returncode == 0 and near == beyond == 7
    print(f'{"ok" if ok else "FAIL"}: exit {p.returncode}, {near} records in slot 0, {beyond} beyond 4 GiB '
          f'(expected 7 and 7)')
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main())
