#!/usr/bin/python3
"""Damaged input never crashes badcreds and never costs the records that are still intact.

For each file (the shared samples when present, else testdata/): cuts at many offsets, byte flips, a zero-length
file, random bytes and a lone header. Every run must end with exit status 0 (clean) or 1 (something skipped),
print no sanitizer report, and keep every live record that lies outside the damage: after a cut, all live records
before the cut's chunk; after a flip, all live records of the other chunks.

usage: robustness.py BADCREDS SAMPLES_DIR TESTDATA_DIR
"""
import json
import os
import random
import subprocess
import sys
import tempfile

CHUNK, HEADER = 65536, 4096


last_run = {}  # exit status and stderr of the latest run, for failure messages


def run(badcreds, path, fmt='jsonl'):
    p = subprocess.run([badcreds, 'dump', '--format', fmt, '--quiet', path], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=60, check=False)
    problems = []
    if p.returncode not in (0, 1):
        problems.append(f'exit status {p.returncode}')
    err = p.stderr.decode('utf-8', 'replace')
    if 'runtime error' in err or 'Sanitizer' in err:
        problems.append('sanitizer report:\n' + err[:2000])
    last_run.update(status=p.returncode, stderr=err)
    records = []
    if fmt == 'jsonl':
        for line in p.stdout.decode('utf-8').split('\n'):
            if not line:
                continue
            try:
                records.append(json.loads(line))
            except ValueError:
                problems.append('output line is not JSON')
    return records, problems


def live_offsets(records):
    return {r['Offset'] for r in records if not r['Recovered']}


def main():
    badcreds, samples, testdata = sys.argv[1:4]
    folder = samples if os.path.isdir(samples) else testdata
    files = sorted(os.path.join(folder, f) for f in os.listdir(folder) if f.endswith('.evtx'))
    rng = random.Random(20261121)
    failures, runs = 0, 0
    tmp = tempfile.mkdtemp()
    damaged = os.path.join(tmp, 'damaged.evtx')

    def check(label, data, keep=None, fmt='jsonl'):
        nonlocal failures, runs
        with open(damaged, 'wb') as f:
            f.write(data)
        records, problems = run(badcreds, damaged, fmt)
        runs += 1
        if keep is not None and fmt == 'jsonl':
            lost = keep - live_offsets(records)
            if lost:
                problems.append(f'{len(lost)} intact records lost, first at offset {min(lost)}; exit status '
                                f'{last_run["status"]}, stderr:\n{last_run["stderr"][-1500:]}')
        if problems:
            failures += 1
            print(f'FAIL {label}: ' + '; '.join(problems))

    check('zero-length file', b'')
    check('random bytes', bytes(rng.getrandbits(8) for _ in range(100000)))
    for path in files:
        name = os.path.basename(path)
        data = open(path, 'rb').read()
        original, problems = run(badcreds, path)
        if problems:
            failures += 1
            print(f'FAIL {name}: ' + '; '.join(problems))
        live = live_offsets(original)
        check(f'{name}: header only', data[:HEADER])
        cuts = sorted({rng.randrange(1, len(data)) for _ in range(24)} | {HEADER + CHUNK, HEADER + 512, 127})
        for cut in cuts:
            whole_chunks_end = HEADER + max(0, (cut - HEADER) // CHUNK) * CHUNK
            keep = {o for o in live if o < whole_chunks_end}
            check(f'{name}: cut at {cut}', data[:cut], keep)
        for i in range(40):
            buf = bytearray(data)
            at = rng.randrange(len(buf))
            buf[at] ^= 1 << rng.randrange(8)
            hit = (at - HEADER) // CHUNK if at >= HEADER else None
            keep = {o for o in live if at < HEADER or (o - HEADER) // CHUNK != hit}
            if at < HEADER:
                keep = live  # a damaged file header must not cost any record
            check(f'{name}: bit flip at {at}', bytes(buf), keep, 'jsonl' if i % 2 == 0 else 'xml')
        # a burst of garbage inside one record area
        buf = bytearray(data)
        at = rng.randrange(HEADER + 512, len(buf) - 64) if len(buf) > HEADER + 600 else 0
        buf[at:at + 64] = bytes(rng.getrandbits(8) for _ in range(64))
        check(f'{name}: 64 random bytes at {at}', bytes(buf))
    print(f'{runs} damaged inputs, {failures} failures')
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
