#!/usr/bin/python3
"""Records that python-evtx 0.6.1 and Debian's libevtx 20181227 cannot read, with their values written down.

Both reference parsers assume every element carries a dependency id, which is only true inside template
definitions: forwarded (WEC) records are raw element trees without one, and CAPI2 records hold BinXml (0x21)
values with raw elements and PI tokens (see the dependency-id note above open_element() in src/evtx/binxml_compile.c).
The values below were read from badcreds' output and checked by hand against the file: every string value must also
occur in the record's bytes as UTF-16LE, which this test verifies, so a value cannot come from anywhere but the file.

usage: written_down.py BADCREDS SAMPLES_DIR
"""
import json
import os
import subprocess
import sys

EXPECTED = {
    # forwarded record: fragment header + raw element tree with inline names and value-text tokens, no template
    'omerbenamram__MSExchange_Management_wec_forwarded.evtx': (0, {
        'EventRecordID': 3229, 'EventID': 1, 'Qualifiers': 16384, 'Provider': 'MSExchange CmdletLogs',
        'Computer': 'WEC.ave.local', 'Channel': 'MSExchange Management',
        'TimeCreated': '2021-11-19T16:52:33.833733500Z',
        'EventData': {0: 'Set-Mailbox', 3: 'S-1-5-21-186559946-3925841745-111227986-500',
                      6: '5668 w3wp#MSExchangePowerShellAppPool', 9: '00:00:26.0389557',
                      19: '0 objects execution has been proxied to remote server.'},
    }),
    # WEC-collected Defender log: forwarded records, named Data
    'mitre__ID1151-Defender_health_forwarded_no_template.evtx': (0, {
        'EventRecordID': 2189, 'EventID': 1151, 'Provider': 'Microsoft-Windows-Windows Defender',
        'Computer': 'WIN10-client01.offsec.lan', 'Channel': 'Microsoft-Windows-Windows Defender/Operational',
        'TimeCreated': '2020-06-23T09:35:56.825510000Z',
        'EventData': {'Platform version': '4.18.2005.5', 'Engine version': '1.1.17100.2',
                      'AV security intelligence version': '1.317.992.0'},
    }),
    # CAPI2: System template plus UserData held in a BinXml (0x21) value
    'omerbenamram__CAPI2_binxml_substitution_pi_target.evtx': (0, {
        'EventRecordID': 1, 'EventID': 80, 'Provider': 'Microsoft-Windows-CAPI2',
        'Computer': 'WIN-M5327EF98B9', 'Channel': 'Microsoft-Windows-CAPI2/Operational',
        'TimeCreated': '2017-05-19T02:02:36.000000000Z',
        'EventData': {},
    }),
}
STRING_FIELDS = ('Provider', 'Computer', 'Channel')


def main():
    badcreds, samples = sys.argv[1], sys.argv[2]
    if not os.path.isdir(samples):
        print(f'SKIP: samples folder {samples} is absent')
        return 77
    failures = 0
    for name, (index, want) in sorted(EXPECTED.items()):
        path = os.path.join(samples, name)
        raw = open(path, 'rb').read()
        out = subprocess.run([badcreds, 'dump', '--format', 'jsonl', '--quiet', path], stdout=subprocess.PIPE,
                             check=False).stdout.decode()
        rec = [json.loads(line) for line in out.splitlines()][index]
        data = rec.get('EventData', {})
        for key, value in want.items():
            if key == 'EventData':
                for k, v in value.items():
                    got = data[k] if isinstance(data, list) else data.get(k)
                    ok = got == v and v.encode('utf-16-le') in raw
                    failures += not ok
                    print(f'{"ok" if ok else "FAIL"} {name}: EventData[{k!r}] = {got!r} (want {v!r})')
                continue
            ok = rec.get(key) == value
            if key in STRING_FIELDS:
                ok = ok and value.encode('utf-16-le') in raw
            failures += not ok
            print(f'{"ok" if ok else "FAIL"} {name}: {key} = {rec.get(key)!r} (want {value!r})')
    print(f'{failures} failures')
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
