#!/usr/bin/python3
"""The generated AD FS fixtures are real EVTX: python-evtx, libevtx's evtxexport and badcreds all read from each file
the events the generator meant to write (its own XML rendering of them, <server>.xml).

usage: fixtures_reference.py BADCREDS FIXTURE_DIR
"""
import os
import re
import sys
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import differential as d  # noqa: E402


# Where the reference parsers go wrong on the hostile names (badcreds reads every record as intended): those
# records are left out of their comparison, and only those.
KNOWN = {
    ('HOSTILE-NAMES.evtx', 'evtxexport'): {2, 4, 7, 9},   # libevtx renders no record whose strings hold ESC
    ('HOSTILE-NAMES.evtx', 'python-evtx'): {53, 54},      # python-evtx splits StringArray items at U+3000 and
                                                          # fails on the 411 that holds one
    ('prt/PC-NET01-Operational.evtx', 'evtxexport'): {2},  # libevtx writes the negative Int32 -2147012889
}                                                          # (0x80072EE7) as -470759: sign, then the low 31 bits


def intended(path):
    """The generator's own rendering; control characters typed in user names are raw in it, as Windows writes them,
    so they are read as their Control Pictures (which compare as the characters)."""
    text = open(path, encoding='utf-8').read()
    text = re.sub('[\x00-\x08\x0b\x0c\x0e-\x1f]', lambda m: chr(0x2400 + ord(m.group(0))), text)
    return [d.xml_fields(ev, d.event_data(ev)) for ev in
            (ET.fromstring(block) for block in re.findall(r'<Event xmlns=.*?</Event>', text, re.S))]


def main():
    badcreds, folder = sys.argv[1], sys.argv[2]
    failures = 0
    names = [f for f in os.listdir(folder) if f.endswith('.evtx') and 'damaged' not in f]
    prt = os.path.join(folder, 'prt')  # tools/fixtures_aad.py: the Microsoft-Windows-AAD logs of badcreds prt
    names += [os.path.join('prt', f) for f in os.listdir(prt) if f.endswith('.evtx')] if os.path.isdir(prt) else []
    for name in sorted(names):
        path = os.path.join(folder, name)
        if not os.path.exists(path[:-5] + '.xml'):
            continue  # HOSTILE-NUL, -CARVED, -FANOUT: what comes out of them is checked by hostile.py
        want = intended(path[:-5] + '.xml')
        mine = [d.our_fields(r) for r in d.ours(badcreds, path)]
        readers = [('badcreds', mine, 0), ('python-evtx',) + d.python_evtx_records(path),
                   ('evtxexport',) + d.evtxexport_records(path)]
        for reader, records, failed in readers:
            known = KNOWN.get((name, reader), set())
            expected = [r for r in want if r['EventRecordID'] not in known]
            unrendered = known - {r['EventRecordID'] for r in records}  # the known ones it could not render at all
            records = [r for r in records if r['EventRecordID'] not in known]
            failed = max(0, failed - len(unrendered))
            problems = d.compare(name, reader, expected, records) + failed
            problems += abs(len(records) - len(expected))
            failures += problems > 0
            print(f'{"ok" if not problems else "FAIL"} {name}: {reader} reads {len(records)} of {len(expected)} '
                  f'intended events, {problems} problems' + (f' (records {sorted(known)} left out: see KNOWN)'
                                                             if known else ''))
    print(f'{failures} failures')
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
