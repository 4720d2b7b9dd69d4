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


def intended(path):
    text = open(path, encoding='utf-8').read()
    return [d.xml_fields(ev, d.event_data(ev)) for ev in
            (ET.fromstring(block) for block in re.findall(r'<Event xmlns=.*?</Event>', text, re.S))]


def main():
    badcreds, folder = sys.argv[1], sys.argv[2]
    failures = 0
    for name in sorted(f for f in os.listdir(folder) if f.endswith('.evtx') and 'damaged' not in f):
        path = os.path.join(folder, name)
        want = intended(path[:-5] + '.xml')
        mine = [d.our_fields(r) for r in d.ours(badcreds, path)]
        readers = [('badcreds', mine, 0), ('python-evtx',) + d.python_evtx_records(path),
                   ('evtxexport',) + d.evtxexport_records(path)]
        for reader, records, failed in readers:
            problems = d.compare(name, reader, want, records) + failed
            problems += abs(len(records) - len(want))
            failures += problems > 0
            print(f'{"ok" if not problems else "FAIL"} {name}: {reader} reads {len(records)} of {len(want)} '
                  f'intended events, {problems} problems')
    print(f'{failures} failures')
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
