#!/usr/bin/python3
"""Damaged input never crashes badcreds and never costs the records that are still intact.

For each file (the shared samples when present, else testdata/): cuts at many offsets, byte flips, a zero-length
file, random bytes and a lone header. Every run must end with exit status 0 (clean) or 1 (something skipped),
print no sanitizer report, and keep every live record that lies outside the damage: after a cut, all live records
before the cut's chunk; after a flip, all live records of the other chunks, in JSON lines or, for every other
flip, in event XML that must be well-formed (a sequence of <Event> elements) and hold those records' events exactly
as the undamaged file gives them. The same for a few files gzipped
(damage in the compressed data must never make up a record: whatever comes out is one of the file's records) and
written as XML by badcreds itself (damage inside one event costs at most that event and its neighbour).

usage: robustness.py BADCREDS SAMPLES_DIR TESTDATA_DIR
"""
import gzip
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from collections import Counter

CHUNK, HEADER = 65536, 4096


last_run = {}  # exit status and stderr of the latest run, for failure messages


def xml_events(text):
    """dump's XML output (<Event> elements one after another) as a list of each event's text, parsed and written
    again by ElementTree, or None when it is not well-formed."""
    try:
        root = ET.fromstring(b'<all>' + text + b'</all>')
    except ET.ParseError:
        return None
    events = []
    for e in root:
        e.tail = None
        events.append(ET.tostring(e, encoding='unicode'))
    return events


def run(badcreds, path, fmt='jsonl'):
    """The records dump writes: dicts (jsonl) or each event's XML text (xml)."""
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
    else:
        records = xml_events(p.stdout)
        if records is None:
            problems.append('the XML output is not well-formed')
            records = []
    return records, problems


def write(path, data):
    with open(path, 'wb') as out:
        out.write(data)
    return path


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

    def report(label, problems):
        nonlocal failures
        if problems:
            failures += 1
            print(f'FAIL {label}: ' + '; '.join(problems))

    def check(label, data, keep=None, fmt='jsonl', as_xml=None):
        """keep: the offsets of the live records that must come out; as_xml: their events in XML, by offset (None
        when the undamaged file's XML already failed)."""
        nonlocal runs
        with open(damaged, 'wb') as f:
            f.write(data)
        records, problems = run(badcreds, damaged, fmt)
        runs += 1
        lost = set()
        if keep is not None and fmt == 'jsonl':
            lost = keep - live_offsets(records)
        elif keep is not None and as_xml is not None:  # as many of each event as intact records hold it
            missing = Counter(as_xml[o] for o in keep) - Counter(records)
            lost = {o for o in keep if missing[as_xml[o]]}
        if lost:
            problems.append(f'{len(lost)} intact records lost, first at offset {min(lost)} ({len(records)} records '
                            f'written, {len(keep)} intact); exit status {last_run["status"]}, stderr:\n'
                            f'{last_run["stderr"][-1500:]}')
        report(label + (' (XML output)' if fmt == 'xml' else ''), problems)

    check('zero-length file', b'')
    check('random bytes', bytes(rng.getrandbits(8) for _ in range(100000)))
    for path in files:
        name = os.path.basename(path)
        data = open(path, 'rb').read()
        original, problems = run(badcreds, path)
        events, xml_problems = run(badcreds, path, 'xml')
        if len(events) != len(original):
            xml_problems.append(f'{len(events)} events in XML, {len(original)} records in JSON lines')
        scan = subprocess.run([badcreds, 'scan', '-o', '-', path], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                              check=False)
        said = re.search(rb'read (\d+) records? from', scan.stderr)
        if not said or int(said.group(1)) != len(original):
            xml_problems.append(f'scan says {said.group(0).decode() if said else "nothing"}; dump wrote '
                                f'{len(original)} records')
        report(name, problems + xml_problems)
        live = live_offsets(original)
        as_xml = {r['Offset']: e for r, e in zip(original, events)} if not xml_problems else None  # in file order
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
            check(f'{name}: bit flip at {at}', bytes(buf), keep, 'jsonl' if i % 2 == 0 else 'xml', as_xml)
        # a burst of garbage inside one record area
        buf = bytearray(data)
        at = rng.randrange(HEADER + 512, len(buf) - 64) if len(buf) > HEADER + 600 else 0
        buf[at:at + 64] = bytes(rng.getrandbits(8) for _ in range(64))
        check(f'{name}: 64 random bytes at {at}', bytes(buf))
    # compressed and XML forms of a few files
    for path in files[:4]:
        name = os.path.basename(path)
        data = open(path, 'rb').read()
        original, _ = run(badcreds, path)
        known = {json.dumps(dict(r, File=''), sort_keys=True) for r in original}
        packed = gzip.compress(data)
        for i in range(12):
            buf = bytearray(packed)
            if i % 3 == 0:
                buf = buf[:rng.randrange(10, len(buf))]
            else:
                at = rng.randrange(10, len(buf))
                buf[at] ^= 1 << rng.randrange(8)
            zipped = os.path.join(tmp, 'damaged.evtx.gz')
            with open(zipped, 'wb') as out:
                out.write(buf)
            records, problems = run(badcreds, zipped)
            runs += 1
            # a flip that zlib does not notice alters bytes: a record that changed must sit in a chunk that a
            # message names (its checksums no longer match)
            offsets = re.findall(r'(?<!compressed )offset 0x([0-9a-f]+)', last_run['stderr'])
            named = {(int(o, 16) - HEADER) // CHUNK for o in offsets}
            made_up = [r for r in records if not r['Recovered'] and json.dumps(dict(r, File=''), sort_keys=True)
                       not in known and (r['Offset'] - HEADER) // CHUNK not in named]
            if made_up:
                problems.append(f'{len(made_up)} altered records in chunks no message names, first {made_up[0]}')
            report(f'{name}.gz damaged ({i})', problems)
        xml = subprocess.run([badcreds, 'dump', '--quiet', path], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                             check=False).stdout
        starts = [m.start() for m in re.finditer(rb'<Event[ >]', xml)]
        if not starts:
            continue
        whole, _ = run(badcreds, write(os.path.join(tmp, 'whole.xml'), xml))
        for i in range(12):
            buf = bytearray(xml)
            at = rng.randrange(len(buf))
            if i % 4 == 0:
                buf = buf[:at]
            else:
                buf[at] = rng.choice(b'<>&"\x00\x1b\xff/')
            records, problems = run(badcreds, write(os.path.join(tmp, 'damaged.xml'), bytes(buf)))
            runs += 1
            hit = max(k for k, start in enumerate(starts) if start <= at) if at >= starts[0] else -1
            spared = {k for k in range(len(starts)) if abs(k - hit) > 1 and (i % 4 or k < hit)}
            got = {json.dumps(dict(r, File='', Offset=None), sort_keys=True) for r in records}
            lost = [k for k in spared if json.dumps(dict(whole[k], File='', Offset=None), sort_keys=True) not in got]
            if lost:
                problems.append(f'{len(lost)} intact events lost (first {lost[0]}, damage in event {hit}); '
                                f'stderr:\n{last_run["stderr"][-800:]}')
            report(f'{name} as XML, damaged at {at} ({i})', problems)
    print(f'{runs} damaged inputs, {failures} failures')
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
