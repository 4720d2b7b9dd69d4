#!/usr/bin/python3
"""Differential test: badcreds dump against python-evtx and libevtx's evtxexport on real Windows logs.

For every sample a reference parser reads, each record it renders must come out of badcreds with the same
EventRecordID, TimeCreated, EventID, Provider, Computer, Channel and EventData names and values. Only the documented
formatting differences of the reference parsers are normalised (see normalise() and python_evtx_data()).
Record counts must equal what the omerbenamram/evtx test-suite expects (MANIFEST.md of the samples).

usage: differential.py BADCREDS SAMPLES_DIR [python-evtx|evtxexport|counts]...
Exit 77 (meson: skipped) when the samples folder or a reference parser is missing.
"""
import base64
import datetime
import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

NS = '{http://schemas.microsoft.com/win/2004/08/events/event}'

# Live records each file holds, as asserted by omerbenamram/evtx's tests (MANIFEST.md "Rust expects"), or, where
# that suite asserts nothing, by libevtx's evtxinfo (records without the recovered ones).
EXPECTED_LIVE = {
    'mitre__ID1151-Defender_health_forwarded_no_template.evtx': 455,
    'mitre__ID4625-OpenSSH_bruteforce_nonexisting_users.evtx': 20,
    'mitre__ID4625-failed_login_account_restriction.evtx': 2,
    'mitre__ID4768-4771-Kerbrute_user_enum.evtx': 42,
    'mitre__ID4771-Kerberos_bruteforce_valid_user.evtx': 54,
    'mitre__ID4776-4625-AccountRestore_local_bruteforce.evtx': 16,
    'omerbenamram__2-vss_0-RdpCoreTS_bad_checksum.evtx': 1910,
    'omerbenamram__2-vss_7-System_chunks_past_header_count.evtx': 1160,
    'omerbenamram__Application_no_crc32.evtx': 17,
    'omerbenamram__CAPI2_binxml_substitution_pi_target.evtx': 340,
    'omerbenamram__HelloForBusiness_incomplete_sid.evtx': 6,    # 5 intact + 1 damaged (flagged) record
    'omerbenamram__LanguagePackSetup_incomplete_template.evtx': 17,  # 16 intact + 1 damaged
    'omerbenamram__MSExchange_Management_wec_forwarded.evtx': 1,
    'omerbenamram__Security_short_selected.evtx': 7,
    'omerbenamram__Security_with_size_t.evtx': 636,
    'omerbenamram__sample-with-irregular-bool-values.evtx': 3028,
    'omerbenamram__sample-with-zero-data-size-event.evtx': 335,
    'omerbenamram__sample_with_a_bad_chunk_magic.evtx': 270,  # 267 intact + 3 damaged
    'omerbenamram__security.evtx': 2261,
    'omerbenamram__security_bad_string_cache.evtx': 2261,
    'python-evtx__dns_log_malformed.evtx': 5,
}

HEX = re.compile(r'^0x[0-9a-fA-F]+$')
GUID = re.compile(r'^\{[0-9a-fA-F-]{36}\}$')


PY_TIME = re.compile(r'^\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(\.\d+)?Z?$')
BASE64 = re.compile(r'^[A-Za-z0-9+/]+=*$')


def normalise(v):
    """Formatting that differs between tools and is not content: hex padding (libevtx 0x00000000000003e7, Windows
    0x3e7), GUID case, Bool case (python-evtx True), FILETIME/SYSTEMTIME text (python-evtx '2019-07-24 13:07:16.464664',
    rounded through a float: compared to 10 us), and CR LF, which every XML parser reads as LF."""
    if v is None:
        return ''
    if HEX.match(v):
        return int(v, 16)
    if GUID.match(v):
        return v.upper()
    if v in ('True', 'False', 'true', 'false'):
        return v.lower()
    if PY_TIME.match(v):
        t = parse_time(v)
        return ('time', round(t.timestamp() * 1e5))
    # XML 1.0 cannot carry control characters: python-evtx and libevtx drop them, badcreds keeps them in JSON and
    # writes their Control Pictures (U+2400 + c) in XML
    # libevtx also drops a string's trailing line break ("\n" comes out as an empty element)
    # every line end reads as LF through an XML parser; DEL is dropped by the reference tools
    return re.sub('[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u2400-\u2408\u240b\u240c\u240e-\u241f]', '',
                  v.replace('\r\n', '\n').replace('\r', '\n')).rstrip('\n')


LIBEVTX_REAL = re.compile(r'^-?\d\.\d{6}e[+-]\d{3}$')


def same_value(a, b):
    """python-evtx renders Binary values as base64 and SizeT values in decimal; Windows and badcreds write
    upper-case hex and 0x-hex. libevtx writes a Real32/Real64 as '3.199234e+003' (7 digits): the same number to
    those digits as badcreds' shortest exact '3199.234'."""
    if a == b:
        return True
    if isinstance(a, str) and isinstance(b, str) and LIBEVTX_REAL.match(a):
        try:
            return float(a) == float(f'{float(b):.6e}')
        except ValueError:
            return False
    if isinstance(b, int) and isinstance(a, str) and a.isdigit():
        return int(a) == b
    if isinstance(a, tuple) and isinstance(b, tuple) and a[0] == b[0] == 'time':
        return abs(a[1] - b[1]) <= 1
    if isinstance(a, str) and isinstance(b, str) and BASE64.match(a) and re.match(r'^[0-9A-F]*$', b):
        try:
            return base64.b64decode(a).hex().upper() == b
        except ValueError:
            return False
    return False


def same_data(x, y):
    return len(x) == len(y) and all(k1 == k2 and same_value(v1, v2) for (k1, v1), (k2, v2) in zip(x, y))


def parse_time(s):
    """badcreds/libevtx: 2016-06-29T15:24:34.346000000Z; python-evtx: 2016-06-29 15:24:34.345999 (float-rounded)."""
    if not s:
        return None
    s = s.rstrip('Z').replace('T', ' ')
    if '.' in s:
        head, frac = s.split('.')
        s = head + '.' + (frac + '000000')[:6]
    else:
        s += '.000000'
    return datetime.datetime.strptime(s, '%Y-%m-%d %H:%M:%S.%f')


def our_xml(badcreds, path):
    """badcreds' XML output, parsed: it must be well-formed and say what the JSON lines say."""
    out = subprocess.run([badcreds, 'dump', '--quiet', path], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                         check=False).stdout.decode('utf-8')
    events = re.findall(r'<Event xmlns=.*?\n</Event>', out, re.S)
    return [xml_fields(ev, event_data(ev)) for ev in (ET.fromstring(e) for e in events)]


def ours(badcreds, path):
    """badcreds' records; the output must not depend on the number of threads (compared here, 1 vs 3)."""
    outs = [subprocess.run([badcreds, 'dump', '--format', 'jsonl', '--quiet', '--threads', str(n), path],
                           stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, check=False).stdout for n in (1, 3)]
    if outs[0] != outs[1]:
        raise AssertionError(f'{path}: dump output differs between 1 and 3 threads')
    return [json.loads(line) for line in outs[0].decode('utf-8').split('\n') if line]


def our_fields(r):
    data = r.get('EventData', [])
    items = list(data.items()) if isinstance(data, dict) else [('', v) for v in data]
    items = [(re.sub(r'#\d+$', '', k), v) for k, v in items]  # a repeated name is written as Name#2
    return {
        'EventRecordID': r.get('EventRecordID'), 'TimeCreated': parse_time(r.get('TimeCreated')),
        'EventID': r.get('EventID'), 'Provider': r.get('Provider', ''), 'Computer': r.get('Computer', ''),
        'Channel': r.get('Channel', ''), 'EventData': [(k, normalise(v)) for k, v in items],
    }


def xml_fields(event, data_items):
    sys_ = event.find(NS + 'System')
    def text(tag):
        e = sys_.find(NS + tag)
        return (e.text or '') if e is not None else ''
    prov = sys_.find(NS + 'Provider')
    tc = sys_.find(NS + 'TimeCreated')
    rid = text('EventRecordID')
    eid = text('EventID')
    return {
        'EventRecordID': int(rid) if rid else None,
        'TimeCreated': parse_time(tc.get('SystemTime') if tc is not None else None),
        'EventID': int(eid) if eid else None,
        'Provider': prov.get('Name', '') if prov is not None else '',
        'Computer': text('Computer'), 'Channel': text('Channel'),
        'EventData': [(k, normalise(v)) for k, v in data_items],
    }


def event_data(event):
    """EventData <Data> items, or the leaf elements of UserData (what badcreds puts in its EventData too)."""
    ed = event.find(NS + 'EventData')
    if ed is not None:
        return [(d.get('Name', ''), d.text or '') for d in ed.findall(NS + 'Data')]
    ud = event.find(NS + 'UserData')
    if ud is None:
        return []
    return [(e.tag.split('}')[-1], e.text or '') for e in ud.iter() if e is not ud and len(e) == 0 and e not in ud]


def python_evtx_data(event):
    """python-evtx 0.6.1 renders a StringArray as one <Data> holding '<string>a</string>\\n<string>b</string>'
    text instead of one <Data> per item, each with the element's name (MS-EVEN6 3.1.4.7.5), and ignores dependency
    ids (MS-EVEN6 2.2.12), so an element whose dependency value is Null comes out as an empty unnamed
    <Data></Data>: undo both."""
    items = []
    for name, value in event_data(event):
        if value.startswith('<string>'):  # named too: one <Data Name="Application"> per item (evtxexport agrees)
            items.extend((name, item) for item in re.findall(r'<string>(.*?)</string>', value, re.S))
        elif not name and value == '':
            continue
        else:
            items.append((name, value))
    return items


def python_evtx_records(path):
    import Evtx.Evtx as evtx  # Debian python3-evtx
    records, failed = [], 0
    with evtx.Evtx(path) as log:
        for rec in log.records():
            try:
                ev = ET.fromstring(rec.xml().encode('utf-8'))
            except Exception:  # python-evtx raises on forwarded logs and BinXml values
                failed += 1
                continue
            records.append(xml_fields(ev, python_evtx_data(ev)))
    return records, failed


def evtxexport_records(path):
    run = subprocess.run(['evtxexport', '-f', 'xml', path], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                         check=False)
    text = run.stdout.decode('utf-8', 'replace')
    records, failed = [], 0
    for block in re.findall(r'<Event xmlns=.*?</Event>', text, re.S):
        try:
            ev = ET.fromstring(block)
        except ET.ParseError:
            failed += 1
            continue
        records.append(xml_fields(ev, event_data(ev)))
    return records, failed + (1 if run.returncode else 0)


def garbled_array(reference, ref, ours):
    """python-evtx misreads StringArray items that are empty (EventLog 6013 has four before the uptime: raw bytes
    00 00 00 00 00 00 00 00 '1' '4' 00 00 ...); it then shows fewer, moved or altered items. Such records are compared with
    libevtx, which reads them as badcreds does (the evtxexport comparison covers them): such EventData are not
    compared with python-evtx."""
    mine = ours['EventData']
    return reference == 'python-evtx' and all(not k for k, _ in mine) and any(v == '' for _, v in mine)


def compare(name, reference, theirs, mine):
    """Every record the reference renders must match one of ours with the same EventRecordID."""
    by_id = {}
    for r in mine:
        by_id.setdefault(r['EventRecordID'], []).append(r)
    problems = 0
    for ref in theirs:
        cands = by_id.get(ref['EventRecordID'], [])
        if not cands:
            print(f'  {name}: {reference}: record {ref["EventRecordID"]} missing from badcreds')
            problems += 1
            continue
        best = None
        for c in cands:
            diffs = [k for k in ref if k not in ('TimeCreated', 'EventData') and ref[k] != c[k]]
            if not same_data(ref['EventData'], c['EventData']) and not garbled_array(reference, ref, c):
                diffs.append('EventData')
            t1, t2 = ref['TimeCreated'], c['TimeCreated']  # python-evtx rounds through a float: 5 us
            if (t1 is None) != (t2 is None) or (t1 and abs((t1 - t2).total_seconds()) > 5e-6):
                diffs.append('TimeCreated')
            if best is None or len(diffs) < len(best[1]):
                best = (c, diffs)
        if best[1]:
            problems += 1
            if problems <= 5:
                for k in best[1]:
                    print(f'  {name}: {reference}: record {ref["EventRecordID"]} {k}: {ref[k]!r} != {best[0][k]!r}')
    return problems


def main():
    badcreds, samples = sys.argv[1], sys.argv[2]
    modes = sys.argv[3:] or ['counts', 'python-evtx', 'evtxexport']
    if not os.path.isdir(samples):
        print(f'SKIP: samples folder {samples} is absent (the samples are not part of the repository)')
        return 77
    if 'python-evtx' in modes and not os.path.exists('/usr/lib/python3/dist-packages/Evtx'):
        print('SKIP: python3-evtx is not installed')
        return 77
    if 'evtxexport' in modes and subprocess.run(['which', 'evtxexport'], stdout=subprocess.DEVNULL).returncode:
        print('SKIP: evtxexport (libevtx-utils) is not installed')
        return 77
    files = sorted(f for f in os.listdir(samples) if f.endswith('.evtx'))
    failures = 0
    for f in files:
        path = os.path.join(samples, f)
        all_mine = ours(badcreds, path)
        live = [r for r in all_mine if not r['Recovered']]
        damaged = [r for r in all_mine if r['Recovered'] and r.get('Damaged')]
        mine = [our_fields(r) for r in all_mine]
        if 'counts' in modes:  # no reference renders carved records: they must at least name their own header's number
            carved = [r for r in all_mine if r['Recovered'] and not r.get('Damaged')]
            wrong = [r['RecordNumber'] for r in carved if r.get('EventRecordID') != r['RecordNumber']]
            failures += bool(wrong)
            print(f'{"ok" if not wrong else "FAIL"} {f}: {len(carved)} carved records decode to their own record '
                  f'number' + (f' (not: {wrong[:5]})' if wrong else ''))
        if 'counts' in modes:  # the XML writer against the event model, on every record
            xml = our_xml(badcreds, path)
            problems = compare(f, 'badcreds XML', xml, mine) + abs(len(xml) - len(mine))
            failures += problems > 0
            print(f'{"ok" if not problems else "FAIL"} {f}: badcreds XML matches its JSON ({len(xml)} records)')
        if 'counts' in modes:
            got = len(live) + len(damaged)
            want = EXPECTED_LIVE.get(f)
            status = 'ok' if want == got else 'FAIL'
            failures += want != got
            print(f'{status} {f}: {got} live records (expected {want})')
        for mode, reader in (('python-evtx', python_evtx_records), ('evtxexport', evtxexport_records)):
            if mode not in modes:
                continue
            theirs, failed = reader(path)
            problems = compare(f, mode, theirs, mine)
            failures += problems > 0
            print(f'{"ok" if not problems else "FAIL"} {f}: {mode}: {len(theirs)} records compared, '
                  f'{problems} differ, {failed} the reference could not render')
    print(f'{len(files)} files, {failures} failures')
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
