#!/usr/bin/python3
"""The LogonType that `lockouts` reads before decoding a 4624 (event_peek.logon_type) is the decoded event's, on the
real samples, the generated fixtures and templates written here to test its limits: EventData in the event's own
template, a Null optional value, a Data left out by its dependency, a Data named by a substitution before it, text
values, BinXml values whose items come before the Data; where the template does not tell, it leaves the record to
decoding. Runs tests/peek_logon_type.c.

usage: peek_logon_type.py CHECKER SAMPLES_DIR FIXTURE_DIR DOMAIN_DIR
"""
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'tools'))
import mkfixtures as mk  # noqa: E402
from evtx_writer import (BINXML, Element, FILETIME, GUID, HEXINT64, SID, STRING, Sub, Template, UINT8,  # noqa: E402
                         UINT16, UINT32, UINT64, write_file)


def event(data):
    """Event/System as the fixtures have it, and an EventData of the template's own."""
    system = mk.system(Element('EventData')).children[0]
    return Element('Event', [('xmlns', mk.NS)], [system, Element('EventData', children=data)])


def data(name, sub):
    return Element('Data', [('Name', name)], [sub])


FLAT = Template('peek-flat', event([data('SubjectUserSid', Sub(17, STRING)), data('LogonType', Sub(18, UINT32))]))
OPTIONAL = Template('peek-optional', event([data('LogonType', Sub(17, UINT32, optional=True))]))
DEPENDENT = Template('peek-dependent', event([data('LogonType', Sub(17, UINT32, dependency=True)),
                                               data('LogonType', Sub(18, UINT32))]))
NAMED_BY_VALUE = Template('peek-named-by-value', event([data(Sub(17, STRING), Sub(18, STRING)),
                                                         data('LogonType', Sub(19, UINT32))]))
TEXT = Template('peek-text', event([data('LogonType', Sub(17, STRING))]))
NESTED_DATA = Template('peek-nested-data', Element('EventData', children=[data('LogonType', Sub(0, UINT32))]))
VALUE_FIRST = Template('peek-value-first', Element('Event', [('xmlns', mk.NS)], [  # BinXml items before the Data
    mk.system(Element('EventData')).children[0], Sub(17, BINXML),
    Element('EventData', children=[data('LogonType', Sub(18, UINT32))])]))
NESTED_ITEM = Template('peek-nested-item', data('LogonType', Sub(0, UINT32)))
IN_EVENT_DATA = Template('peek-in-event-data', event([Sub(17, BINXML), data('LogonType', Sub(18, UINT32))]))
CASES = [  # template, its EventData values, whether the peek tells the LogonType
    (FLAT, [(STRING, 'S-1-5-18'), (UINT32, 10)], True),
    (FLAT, [(STRING, 'x'), (UINT32, 3)], True),
    (OPTIONAL, [(UINT32, None)], False),
    (OPTIONAL, [(UINT32, 2)], True),
    (DEPENDENT, [(UINT32, None), (UINT32, 10)], False),  # the first Data is left out: the second one counts
    (DEPENDENT, [(UINT32, 5), (UINT32, 10)], True),
    (NAMED_BY_VALUE, [(STRING, 'LogonType'), (STRING, '7'), (UINT32, 3)], False),
    (NAMED_BY_VALUE, [(STRING, 'Other'), (STRING, '7'), (UINT32, 3)], False),
    (TEXT, [(STRING, '10')], True),
    (TEXT, [(STRING, ' 3x')], False),
    (VALUE_FIRST, [(BINXML, (NESTED_DATA, [(UINT32, 10)])), (UINT32, 3)], False),
    (IN_EVENT_DATA, [(BINXML, (NESTED_ITEM, [(UINT32, 10)])), (UINT32, 3)], False),
]


def write_cases(path):
    p = mk.SECURITY
    t0 = mk.filetime(mk.BASE)
    records = []
    for n, (template, values, _) in enumerate(CASES, 1):
        system = [(STRING, p.name), (GUID, p.guid), (UINT16, None), (UINT16, 4624), (UINT8, 0), (UINT8, 0),
                  (UINT16, p.task), (UINT8, 0), (HEXINT64, p.keywords(4624)), (FILETIME, t0 + n), (UINT64, n),
                  (GUID, None), (UINT32, 708), (UINT32, 1488), (STRING, 'Security'), (STRING, 'WKS1'), (SID, None)]
        records.append((t0 + n, template, system + values))
    write_file(path, records)


def run(checker, *args):
    p = subprocess.run([checker, *args], capture_output=True, text=True, timeout=600)
    print(p.stdout, end='')
    return p.returncode, p.stdout.strip().splitlines()[-1]


def main():
    checker, samples, fixtures, domain = sys.argv[1:5]
    failures = 0
    code, last = run(checker, '--all', samples, fixtures, domain)
    print(('ok   ' if code == 0 else 'FAIL ') + 'samples and fixtures: ' + last)
    failures += code != 0
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, 'peek-cases.evtx')
        write_cases(path)
        told = sum(c[2] for c in CASES)
        code, last = run(checker, path)
        want = (f'records {len(CASES)}: LogonType read before decoding {told}, left to decoding '
                f'{len(CASES) - told}, different 0')
        ok = code == 0 and last == want
        print(('ok   ' if ok else 'FAIL ') + f'edge cases: {last} (want: {want})')
        failures += not ok
    sys.exit(1 if failures else 0)


if __name__ == '__main__':
    main()
