#!/usr/bin/python3
"""badcreds prt on the generated Entra PRT logs (tools/fixtures_aad.py, FIXTURE_DIR/prt): every acquisition's fields
as the generator's prt-expected.json says, from the EVTX files and from their XML exports; the link of the federated
stale password to its AD FS attempts and what the window, the endpoint and the user decide, and scan's mark on those
attempts; Operational-only logs; a hostile UPN;
--explain for every code of the reference tables in its written forms; the real samples (no AAD events) give no row.

usage: prt_fixtures.py BADCREDS FIXTURE_DIR SAMPLES_DIR
"""
import csv
import datetime
import glob
import io
import json
import os
import subprocess
import sys
import tempfile

BADCREDS, FIX, SAMPLES = os.path.abspath(sys.argv[1]), os.path.join(os.path.abspath(sys.argv[2]), 'prt'), sys.argv[3]
FAILURES = []

# the reference's tables: (name, hex, signed decimal) of every numeric code, and the AADSTS codes
NUMERIC = [
    ('STATUS_LOGON_FAILURE', '0xC000006D', '-1073741715'), ('STATUS_WRONG_PASSWORD', '0xC000006A', '-1073741718'),
    ('STATUS_REQUEST_NOT_ACCEPTED', '0xC00000D0', '-1073741616'),
    ('STATUS_NETWORK_UNREACHABLE', '0xC000023C', '-1073741252'),
    ('STATUS_BAD_NETWORK_PATH', '0xC00000BE', '-1073741634'),
    ('STATUS_UNEXPECTED_NETWORK_ERROR', '0xC00000C4', '-1073741628'),
    ('STATUS_NO_SUCH_LOGON_SESSION', '0xC000005F', '-1073741729'),
    ('AAD_CLOUDAP_E_OAUTH_USERNAME_IS_MALFORMED', '0xC004844C', '-1073445812'),
    ('AAD_CLOUDAP_E_OAUTH_USER_SID_IS_EMPTY', '0xC0048442', '-1073445822'),
    ('AAD_CLOUDAP_E_WSTRUST_SAML_TOKENS_ARE_EMPTY', '0xC00484C1', '-1073445695'),
    ('AAD_CLOUDAP_E_WSTRUST_SAML_TOKENS_ARE_EMPTY', '0x800484C1', '-2147187519'),
    ('AAD_CLOUDAP_E_HTTP_PASSWORD_URI_IS_EMPTY', '0xC004848B', '-1073445749'),
    ('AAD_CLOUDAP_E_HTTP_CERTIFICATE_URI_IS_EMPTY', '0xC004848C', '-1073445748'),
    ('WC_E_DTDPROHIBITED', '0xC00CEE4F', '-1072894385'),
    ('ERROR_WINHTTP_TIMEOUT', '0x80072EE2', '-2147012894'),
    ('ERROR_WINHTTP_NAME_NOT_RESOLVED', '0x80072EE7', '-2147012889'),
    ('ERROR_WINHTTP_CANNOT_CONNECT', '0x80072EFD', '-2147012867'),
    ('ERROR_WINHTTP_CONNECTION_ERROR', '0x80072EFE', '-2147012866'),
]
WINHTTP = {'ERROR_WINHTTP_TIMEOUT': 12002, 'ERROR_WINHTTP_NAME_NOT_RESOLVED': 12007,
           'ERROR_WINHTTP_CANNOT_CONNECT': 12029, 'ERROR_WINHTTP_CONNECTION_ERROR': 12030}
AADSTS = {'50155': 'device_registration', '50034': 'user_realm', '50126': 'credentials'}


def check(name, cond, detail=''):
    print(f'{"ok" if cond else "FAIL"} {name}' + (f': {detail}' if detail and not cond else ''))
    if not cond:
        FAILURES.append(name)


def run(args):
    p = subprocess.run([BADCREDS] + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False)
    return p.returncode, p.stdout.decode('utf-8'), p.stderr.decode('utf-8')


def rows(args):
    status, out, err = run(['prt', '-q', '--format', 'jsonl'] + args)
    return status, [json.loads(line) for line in out.splitlines()], err


def when(text):
    """badcreds 2026-11-20T12:00:00.000+00:00, the generator 2026-11-20T12:00:00.0000000Z."""
    if not text:
        return None
    return datetime.datetime.fromisoformat(text.replace('Z', '+00:00')[:23] + '+00:00')


def same_row(got, want):
    """The fields that differ from what the generator meant, as text; "" when none."""
    bad = []
    for k in ('device', 'user', 'basis', 'status', 'status_name', 'server_error', 'aadsts', 'url', 'network_error',
              'category'):
        if got.get(k) != want[k]:
            bad.append(f'{k}={got.get(k)!r} (want {want[k]!r})')
    for k in ('start', 'end'):
        if when(got[k]) != when(want[k]):
            bad.append(f'{k}={got[k]!r} (want {want[k]!r})')
    if want['fix'] not in got['fix'] or (want['category'] == '') != (got['fix'] == ''):
        bad.append(f'fix={got["fix"]!r} (want it to say {want["fix"]!r})')
    if got['adfs_attempts'] != want['adfs_attempts']:
        bad.append(f'adfs_attempts={got["adfs_attempts"]!r} (want {want["adfs_attempts"]!r})')
    if want['adfs_first'] and when(got['adfs_first_attempt'][:29]) != when(want['adfs_first']):
        bad.append(f'adfs_first_attempt={got["adfs_first_attempt"]!r} (want {want["adfs_first"]!r})')
    if len(got['evidence']) != want['events']:
        bad.append(f'{len(got["evidence"])} events (want {want["events"]})')
    return '; '.join(bad)


def check_rows(name, got, want):
    check(f'{name}: {len(want)} acquisitions', len(got) == len(want), f'{len(got)} rows')
    for g, w in zip(got, want):
        problem = same_row(g, w)
        check(f'{name}: {w["device"]} at {w["start"]}', not problem, problem)


def test_rows(expected):
    evtx = sorted(glob.glob(os.path.join(FIX, '*.evtx')))
    status, got, _ = rows(evtx)
    check('EVTX: exit 0', status == 0, str(status))
    check_rows('EVTX', got, expected['rows'])
    for g in got:
        if g['adfs_attempts']:
            check(f'the AD FS link of {g["device"]} is a hypothesis naming the device',
                  g['adfs_link'].startswith('hypothesis: possible device PRT refresh from ' + g['device']) and
                  'not confirmed' in g['adfs_link'], g['adfs_link'])
    xml = sorted(glob.glob(os.path.join(FIX, '*.xml')))
    status, from_xml, _ = rows(xml)
    check_rows('XML exports', from_xml, expected['rows'])
    status, alt, _ = rows([os.path.join(FIX, 'alt', 'PC-ALT01.xml')])
    check_rows('layout alternatives (unnamed and renamed Data, decimal statuses, HRESULT text)', alt,
               expected['alt_rows'])
    status, twice, _ = rows(evtx + xml)
    check('the logs and their XML exports together count once', len(twice) == len(got), f'{len(twice)} rows')
    return got


def test_join():
    devices = [f for f in glob.glob(os.path.join(FIX, 'PC-*.evtx'))]
    _, alone, _ = rows(devices)
    fed = [r for r in alone if r['category'] == 'credentials' and r['server_error'] == 'FailedAuthentication']
    check('without AD FS logs: no count, and the link says which logs to give',
          len(fed) == 2 and all(r['adfs_attempts'] is None and 'no AD FS logs' in r['adfs_link'] for r in fed),
          repr(fed[:1]))
    _, wide, _ = rows(devices + [os.path.join(FIX, 'ADFS-PRT.evtx'), '--adfs-window', '45m'])
    fed = [r for r in wide if r['server_error'] == 'FailedAuthentication']
    # within 45 min: greta's two WS-Trust attempts (one as CONTOSO\greta) and the one 40 min later; never her
    # browser's /adfs/ls/ attempt nor another user's
    check('--adfs-window 45m: the user\'s WS-Trust attempts only, DOMAIN\\sam included',
          [r['adfs_attempts'] for r in fed] == [3, 3] and '±45 min' in fed[0]['adfs_link'],
          repr([(r['adfs_attempts'], r['adfs_link']) for r in fed]))
    others = [r for r in wide if r['server_error'] != 'FailedAuthentication']
    check('only federated credential failures are joined', all(r['adfs_attempts'] is None for r in others))
    _, mine, _ = rows(devices + ['--user', '^hans@'])
    check('--user selects the rows', [r['user'] for r in mine] == ['hans@contoso.com'])


def test_scan():
    status, out, _ = run(['scan', '-q', '-o', '-', '--format', 'jsonl', FIX])
    marked = [(r['user'], r['possible_prt_refresh']) for r in map(json.loads, out.splitlines())
              if r['possible_prt_refresh']]
    check('scan marks the AD FS attempts prt links, and only those', status == 0 and marked == [
        ('greta@contoso.com', 'possible device PRT refresh from PC-FED01.contoso.com'),
        ('CONTOSO\\greta', 'possible device PRT refresh from PC-FED01.contoso.com')], repr(marked))
    status, out, _ = run(['scan', '-q', '-o', '-', '--format', 'jsonl', os.path.join(FIX, 'alt')])
    check('scan takes no AAD event for an AD FS one (411, 1203 of Microsoft-Windows-AAD)', status in (0, 1) and
          out == '',
          out[:300])
    status, out, _ = run(['scan', '-q', '-o', '-', '--format', 'jsonl', os.path.join(FIX, 'ADFS-PRT.evtx')])
    check('scan without the devices\' logs marks nothing',
          status == 0 and not any(json.loads(line)['possible_prt_refresh'] for line in out.splitlines()))


def test_summary(expected):
    """summary: a prt row per acquisition with its category, the AD FS bad passwords it may explain, and the HTML
    table; the generator's rows, not badcreds' own."""
    logs = sorted(glob.glob(os.path.join(FIX, '*.evtx')))  # not alt/: its layouts are checked by test_rows
    status, out, _ = run(['summary', '-q', '--format', 'jsonl'] + logs)
    rows = [r for r in map(json.loads, out.splitlines()) if r['type'] == 'prt']
    got = sorted((r['subject'], r['detail'].split(';')[0]) for r in rows)
    want = sorted((e['device'], 'category ' + (e['category'] or 'none')) for e in expected['rows'])
    check('summary: a prt row per acquisition, with its category', got == want, f'{got[:3]} {want[:3]}')
    linked = [r for r in rows if r.get('attempts')]
    check('summary: the federated credential failures carry their AD FS bad passwords',
          linked and all(r['subject'] == 'PC-FED01.contoso.com' for r in linked))
    page = os.path.join(os.path.dirname(FIX), 'prt-summary.html')
    status, _, _ = run(['summary', '-q', '--html', page] + logs)
    html = open(page, encoding='utf-8').read() if os.path.exists(page) else ''
    check('summary --html: the devices\' PRT acquisitions as a table', '<h2>Device PRT acquisitions</h2>' in html and
          html.count('PC-FED01.contoso.com') >= 2)


def test_outputs():
    files = sorted(glob.glob(os.path.join(FIX, '*.evtx')))
    status, out, _ = run(['prt', '-q', '--format', 'csv'] + files)
    table = list(csv.reader(io.StringIO(out)))
    check('CSV: a header of 19 columns and a row per acquisition', status == 0 and len(table[0]) == 19 and
          all(len(r) == 19 for r in table) and len(table) == 15, f'{len(table)} lines')
    status, out, _ = run(['prt', '-q', '--format', 'text'] + files)
    check('text: a block per acquisition', status == 0 and out.count('PRT acquisition on ') == 14 and
          'Note: no Analytic' not in out)
    ops = [os.path.join(FIX, 'PC-OPS01-Operational.evtx')]
    status, out, err = run(['prt', '--format', 'text'] + ops)
    check('Operational only: the output and stderr say that Analytic events are absent',
          status == 0 and out.startswith('Note: no Analytic events') and 'no Analytic events' in err, err)
    status, out, err = run(['prt', '--format', 'csv', os.path.join(FIX, '..', 'ADFS01.evtx')])
    check('no CloudAP event among the inputs: a warning and exit 1, never a silent empty report',
          status == 1 and out.count('\n') == 1 and 'cannot answer: they hold no CloudAP event' in err, err)
    status, out, err = run(['prt', '--format', 'csv', '--since', '2027-01-01'] + ops)
    check('a time window after the acquisitions is said, not taken for logs without CloudAP events',
          status == 0 and 'all outside the time window' in err and 'cannot answer' not in err, err)
    with tempfile.TemporaryDirectory() as tmp:  # a CloudAP event in the window that is no acquisition (a 1144 alone)
        lone = os.path.join(tmp, 'AAD.xml')
        with open(lone, 'w', encoding='utf-8') as out:
            out.write('<Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event"><System><Provider '
                      'Name="Microsoft-Windows-AAD"/><EventID>1144</EventID><TimeCreated SystemTime="2026-11-20T12:00:'
                      '02.000Z"/><EventRecordID>1</EventRecordID><Channel>Microsoft-Windows-AAD/Analytic</Channel>'
                      '<Computer>PC-LONE.contoso.com</Computer></System><EventData><Data>x</Data></EventData></Event>')
        status, out, err = run(['prt', '--format', 'csv', lone])
    check('CloudAP events in the window that make no acquisition are said so, not taken for a time window',
          status == 0 and 'none of the CloudAP events read is a PRT acquisition' in err and 'outside' not in err, err)
    status, out, err = run(['prt', '--format', 'csv', '--user', '^nobody$'] + ops)
    check('--user keeping none of the acquisitions is said, not taken for logs without CloudAP events',
          status == 0 and 'kept none of the' in err and 'cannot answer' not in err, err)


def test_hostile(expected):
    evil = [os.path.join(FIX, 'alt', 'PC-EVIL01-Analytic.evtx')]
    _, got, _ = rows(evil)
    check('a hostile UPN is read as typed', [r['user'] for r in got] == [expected['hostile_upn']], repr(got)[:300])
    status, out, _ = run(['prt', '-q', '--format', 'text'] + evil)
    check('text: no control character reaches the terminal', status == 0 and '\x1b' not in out and
          '\x07' not in out and '\u241b' in out, repr(out[:300]))
    status, out, _ = run(['prt', '-q', '--format', 'csv'] + evil)
    table = list(csv.reader(io.StringIO(out)))
    check('CSV: the UPN cell is guarded against formulas', status == 0 and table[1][1].startswith("'="),
          repr(table[1:])[:300])


def explained(code):
    status, out, err = run(['prt', '--explain', code])
    return status, out


def test_explain():
    for name, hexa, signed in NUMERIC:
        forms = [hexa, hexa.lower(), signed, str(int(signed) & 0xFFFFFFFF)]
        if name in WINHTTP:
            forms += [str(WINHTTP[name]), hex(WINHTTP[name])]
        outs = {f: explained(f) for f in forms}
        first = outs[hexa]
        check(f'--explain {name}: ' + ', '.join(forms),
              first[0] == 0 and first[1].startswith(name + ' (') and 'what to do:' in first[1] and
              all(o == first for o in outs.values()), repr(outs)[:400])
    for number, category in AADSTS.items():
        a, b = explained('AADSTS' + number), explained(number)
        check(f'--explain AADSTS{number} with and without the prefix', a == b and a[0] == 0 and
              a[1].startswith(f'AADSTS{number} (') and f'category:    {category}\n' in a[1], repr((a, b))[:300])
    for code, name in (('0xc0000234', 'STATUS_ACCOUNT_LOCKED_OUT'), ('AADSTS50053', 'AADSTS50053')):
        status, out = explained(code)  # the lockout codes a device's PRT request meets (the tool's own subject)
        check(f'--explain {code}: a locked account, with what to do', status == 0 and out.startswith(name + ' (') and
              'category:    credentials\n' in out and 'badcreds' in out, out)
    status, out = explained('0x12345678')
    check('--explain an unknown code: shown raw, not in the tables', status == 0 and
          out.startswith("0x12345678: not in badcreds' tables"), out)
    for text in ('not-a-code', '4294967296', '-2147483649', '0x1FFFFFFFF', '0x', '--1'):
        status, out = explained(text)
        check(f'--explain {text}: not a code, usage error', status == 2 and not out, f'{status} {out!r}')


def test_samples():
    files = sorted(glob.glob(os.path.join(SAMPLES, '*.evtx')))
    if not files:
        print(f'SKIP: no samples in {SAMPLES}')
        return
    status, got, err = rows(files)
    check('real samples (no AAD events): no row, no crash', status in (0, 1) and got == [], f'{status} {err[-300:]}')


def main():
    expected = json.load(open(os.path.join(FIX, 'prt-expected.json')))
    test_rows(expected)
    test_join()
    test_scan()
    test_summary(expected)
    test_outputs()
    test_explain()
    test_hostile(expected)
    test_samples()
    print(f'{len(FAILURES)} failures')
    return 1 if FAILURES else 0


if __name__ == '__main__':
    sys.exit(main())
