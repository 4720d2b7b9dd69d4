#!/usr/bin/python3
"""badcreds coverage on the generated COV-* logs: every field of every row and every next step is what the generator
says the scenario holds (coverage.json, written by tools/fixtures_coverage.py, not by badcreds); then the real samples
(when the samples folder is there): the Security log the mitre OpenSSH sample's 1102 says OFFSEC\\admmig cleared, and
omerbenamram's security.evtx, which holds no AD FS audit events. Also the warning scan and summary give when their
inputs cannot answer (and the failed logons that did not come through AD FS), and summary's log_cleared findings
(one per computer).

usage: coverage_fixtures.py BADCREDS FIXTURE_DIR SAMPLES_DIR
"""
import csv
import io
import datetime
import json
import os
import re
import subprocess
import sys

BADCREDS, FIX, SAMPLES = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2]), sys.argv[3]
FAILURES = []
FIELDS = ['first_record', 'last_record', 'records', 'wrapped', 'wrap_reason', 'gaps', 'cleared', 'adfs_audit',
          'adfs_shape', 'ip_less_411', 'dc_evidence', 'member_4625', 'aad_prt']


def check(name, cond, detail=''):
    print(f'{"ok" if cond else "FAIL"} {name}' + (f': {detail}' if detail and not cond else ''))
    if not cond:
        FAILURES.append(name)


def run(args):
    p = subprocess.run([BADCREDS] + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False)
    return p.returncode, p.stdout.decode('utf-8'), p.stderr.decode('utf-8')


def rows_of(args, files):
    status, out, err = run(['coverage', '-q', '-f', 'jsonl'] + args + files)
    check(f'coverage {" ".join(args)} exits 0', status == 0, err)
    return {(r['computer'], r['log']): r for r in (json.loads(line) for line in out.splitlines())}


def check_steps(where, steps, phrases):
    """Each expected phrase in exactly one step, and no step besides."""
    for phrase in phrases:
        hits = [s for s in steps if phrase in s]
        check(f'{where}: next step "{phrase}"', len(hits) == 1, f'{steps}')
    check(f'{where}: {len(phrases)} next steps', len(steps) == len(phrases), f'{steps}')


def fixtures():
    expected = json.load(open(os.path.join(FIX, 'coverage.json')))
    for n, r in enumerate(expected['runs']):
        got = rows_of(r['args'], [os.path.join(FIX, f) for f in r['files']])
        check(f'run {n}: one row per computer and log', len(got) == len(r['rows']), f'{sorted(got)}')
        for want in r['rows']:
            key = (want['computer'], want['log'])
            row = got.get(key)
            check(f'run {n}: row {key}', row is not None)
            if row is None:
                continue
            for field in FIELDS:
                check(f'run {n}: {key} {field} = {want[field]!r}', row[field] == want[field], f'got {row[field]!r}')
            check_steps(f'run {n}: {key}', row['next_steps'], want['next_steps'])


def formats():
    files = [os.path.join(FIX, 'COV-FS-CLEARED.evtx'), os.path.join(FIX, 'COV-ADFS-R2.evtx')]
    status, out, _ = run(['coverage', '-q', '-f', 'csv'] + files)
    table = list(csv.reader(io.StringIO(out)))
    check('CSV: a header and a row per log', status == 0 and len(table) == 3 and table[0][0] == 'Computer' and
          table[0][-1] == 'Next Steps', f'{table[:1]}')
    same = all(run(lower + ['-o', '-'] + files)[:2] == run(upper + ['-o', '-'] + files)[:2] for lower, upper in (
        (['coverage', '-q', '-f', 'csv'], ['coverage', '-q', '-f', 'CSV']),
        (['summary', '-q', '-f', 'jsonl', '--tz', 'utc'], ['summary', '-q', '-f', 'JSONL', '--tz', 'UTC']),
        (['scan', '-q', '-f', 'csv', '--columns', 'compat'], ['scan', '-q', '-f', 'Csv', '--columns', 'Compat']),
        (['dump', '-q', '-f', 'jsonl'], ['dump', '-q', '-f', 'JSONL'])))
    check('format, time zone and column names in capitals as in small letters (CSV, UTC)', same)
    status, out, _ = run(['coverage', '-q', '-f', 'text'] + files)
    check('text: a block per log naming who cleared it', status == 0 and out.count('\n\n') == 2 and
          'Security by CONTOSO\\mallory' in out, out)
    every = sorted(os.path.join(FIX, n) for n in os.listdir(FIX) if n.startswith('COV-') and n.endswith('.evtx'))
    outs = {run(['coverage', '-q', '-f', 'jsonl', '--gap', '1s', '-j', j] + every)[1] for j in ('1', '2', '3')}
    check('the same rows on 1, 2 and 3 threads (gaps of a second too)', len(outs) == 1)
    import gzip
    import tempfile
    with tempfile.TemporaryDirectory() as tmp:
        named = os.path.join(tmp, 'coverage.jsonl.gz')
        run(['coverage', '-q', '-o', named] + files)
        with gzip.open(named, 'rt', encoding='utf-8') as f:
            text = f.read()
    check('-o NAME.jsonl.gz without --format: JSON lines, as --format jsonl writes them',
          text and text == run(['coverage', '-q', '-f', 'jsonl'] + files)[1], text[:80])
    status, _, err = run(['coverage', '--gap', 'soon'] + files)
    check('--gap takes a duration', status == 2 and '--gap' in err, err)
    rows = [json.loads(line) for line in run(['coverage', '-q', '-f', 'jsonl'] + files)[1].splitlines()]
    first, last = min(r['first_record'] for r in rows), max(r['last_record'] for r in rows)
    after = (datetime.datetime.fromisoformat(last) + datetime.timedelta(days=1)).strftime('%Y-%m-%dT%H:%M:%SZ')
    before = (datetime.datetime.fromisoformat(first) - datetime.timedelta(days=1)).strftime('%Y-%m-%dT%H:%M:%SZ')
    for window, words in ((['--since', after], 'before the period asked for begins'),
                          (['--until', before], 'after the period asked for ends')):
        status, out, _ = run(['coverage', '-q', '-f', 'jsonl'] + window + files)
        steps = [json.loads(line)['next_steps'] for line in out.splitlines()]
        check(f'{window[0]} past every record: each log says it shows nothing of the period', status == 0 and
              len(steps) == 2 and all(any(words in step for step in s) for s in steps), f'{steps}')


def warnings():
    """scan and summary: one warning line naming what the inputs cannot answer, pointing to coverage; the report is
    still written and the exit status is 1. A cleared log is summary's first finding."""
    f = {n: os.path.join(FIX, f'COV-{n}.evtx') for n in ('FS-CLEARED', 'ADFS-V16', 'MEMBER')}
    status, out, err = run(['scan', '-q', '-o', '-', f['FS-CLEARED'], f['ADFS-V16']])
    lines = [line for line in err.splitlines() if 'warning' in line]
    check('scan: a cleared log is one warning line, exit 1, report written', status == 1 and len(lines) == 1 and
          'Security log of FS-CLEARED.contoso.com was cleared at 2026-11-20T08:00:00.000+00:00 by CONTOSO\\mallory'
          in lines[0] and 'badcreds coverage' in lines[0] and out.count('\n') == 5, f'{status} {err} {out}')
    status, _, err = run(['scan', '-q', '-o', '-', '--since', '2026-11-20T08:00:01Z', f['FS-CLEARED'], f['ADFS-V16']])
    check('scan: a log cleared before the time window is no warning', status == 0 and 'warning' not in err, err)
    status, out, err = run(['scan', '-q', '-o', '-', f['MEMBER']])
    check('scan: no AD FS audit events is one warning line, exit 1', status == 1 and err.count('\n') == 1 and
          'no AD FS audit events' in err and 'badcreds coverage' in err and out.startswith('"UserPrincipalName"'),
          f'{status} {err}')
    status, _, err = run(['scan', '-q', '-o', '-', os.path.join(FIX, 'COV-FS-CLEARED-System.evtx')])
    check('scan of a System log only: the warning says no Security log was given, where AD FS writes its audits',
          status == 1 and 'no record of a Security log' in err and 'is AD FS auditing on' not in err, err)
    status, _, err = run(['scan', '-q', '-o', '-', f['MEMBER'], os.path.join(FIX, 'COV-FS-CLEARED-System.evtx')])
    check('... and with a Security log among the inputs, the question is whether auditing is on',
          status == 1 and 'is AD FS auditing on' in err and 'no record of a Security log' not in err, err)
    status, _, err = run(['scan', '-q', '-o', '-', f['ADFS-V16']])
    check('scan: AD FS audit events and no cleared log: no warning, exit 0', status == 0 and not err, err)
    status, out, err = run(['summary', '-q', '-f', 'jsonl', f['FS-CLEARED'], f['ADFS-V16']])
    first = json.loads(out.splitlines()[0]) if out else {}
    check('summary: the cleared log is the first finding, exit 1', status == 1 and err.count('\n') == 1 and
          first.get('type') == 'log_cleared' and first.get('subject') == 'FS-CLEARED.contoso.com' and
          'CONTOSO\\mallory' in first.get('detail', '') and first.get('severity') == 'high' and
          'destroyed' in first.get('next_step', ''),
          f'{status} {err} {first}')
    check('summary: a log clear is a moment, not an attack going on', first.get('ongoing') is False and
          first.get('first') == first.get('last'), str(first))
    status, out, err = run(['summary', '-q', f['FS-CLEARED'], f['ADFS-V16']])
    when = re.search(r'log_cleared .*\n\s+(.*)\n', out)
    check('summary text: the clear\'s one time, said once, not "T to T, still going on"',
          when is not None and when.group(1) == 'at 2026-11-20T08:00:00.000+00:00', when.group(1) if when else out)


def samples():
    mitre = os.path.join(SAMPLES, 'mitre__ID4625-OpenSSH_bruteforce_nonexisting_users.evtx')
    security = os.path.join(SAMPLES, 'omerbenamram__security.evtx')
    if not os.path.exists(mitre) or not os.path.exists(security):
        print(f'skipped the samples: {SAMPLES} is not there')
        return
    row = rows_of([], [mitre]).get(('fs01.offsec.lan', 'Security'))
    check('mitre OpenSSH: the Security log of fs01', row is not None)
    if row:
        check('mitre OpenSSH: cleared by OFFSEC\\admmig (1102)', row['cleared'] == [
            {'time': '2021-05-20T12:49:31.863+00:00', 'log': 'Security', 'who': 'OFFSEC\\admmig'}], row['cleared'])
        check_steps('mitre OpenSSH', [s for s in row['next_steps'] if 'cleared' in s],
                    ['OFFSEC\\admmig cleared the Security log at 2021-05-20T12:49:31.863+00:00'])
        check('mitre OpenSSH: DC and member evidence', row['dc_evidence'] and row['member_4625'], row)
    got = rows_of([], [security])
    check('security.evtx: rows', len(got) >= 1)
    for key, row in got.items():
        check(f'security.evtx {key}: AD FS audit level none', row['adfs_audit'] == 'none', row['adfs_audit'])
        check(f'security.evtx {key}: advice to turn AD FS auditing on',
              any('auditpol /set /subcategory:"Application Generated"' in s for s in row['next_steps']))


def callers():
    """A DC's log alone: one step names the caller computers of its 4740s (from the generator's XML export of the
    same log), the first eight, and counts the rest."""
    import xml.etree.ElementTree as ET
    ns = {'e': 'http://schemas.microsoft.com/win/2004/08/events/event'}
    names = []
    with open(os.path.join(FIX, 'domain', 'DOMAIN-DC02.xml'), encoding='utf-8') as f:  # events one after another
        events = ET.fromstring('<Events>' + f.read() + '</Events>')
    for ev in events.iter(f'{{{ns["e"]}}}Event'):
        if ev.find('e:System/e:EventID', ns).text != '4740':
            continue
        caller = ev.find("e:EventData/e:Data[@Name='TargetDomainName']", ns).text or ''
        if caller and caller.lower() not in (n.lower() for n in names) and caller.split('.')[0].lower() != 'dc02':
            names.append(caller)
    rows = rows_of([], [os.path.join(FIX, 'domain', 'DOMAIN-DC02.evtx')])
    steps = [s for r in rows.values() for s in r['next_steps'] if 'caller computer' in s]
    want = ', '.join(names[:8]) + (f' and {len(names) - 8} more' if len(names) > 8 else '')
    check(f'coverage of one DC: the {len(names)} caller computers in one step', len(names) > 8 and len(steps) == 1 and
          f'logs of {want}, the caller computers' in steps[0], f'{want} / {steps}')


def short_log():
    """A log of under an hour has no rate: empty in CSV, null in JSON lines, not 0."""
    rows = rows_of([], [os.path.join(FIX, 'domain', 'DOMAIN-ADFS09.evtx')])
    check('a log of a minute: records_per_day null', [r['records_per_day'] for r in rows.values()] == [None],
          str(rows))


def duplicates():
    """The same log given twice (its EVTX and its XML export): each record counted once, as alone."""
    alone = rows_of([], [os.path.join(FIX, 'COV-FS-WRAPPED.evtx')])
    both = rows_of([], [os.path.join(FIX, 'COV-FS-WRAPPED.evtx'), os.path.join(FIX, 'COV-FS-WRAPPED.xml')])
    keys = ('records', 'records_per_day', 'next_steps')
    check('a log and its XML export: records, rate and log size advice as for the log alone',
          alone and {k: [r[x] for x in keys] for k, r in both.items()} ==
          {k: [r[x] for x in keys] for k, r in alone.items()}, f'{both} / {alone}')
    status, _, err = run(['coverage', '-o', '-', os.path.join(FIX, 'COV-FS-WRAPPED.evtx'),
                          os.path.join(FIX, 'COV-FS-WRAPPED.xml')])
    n = next(iter(alone.values()))['records']
    check('... and the closing line says how many were read twice', f'{n} duplicate records counted once' in err, err)


def renumbered():
    """A log cleared and filled again within a day numbers its records from 1 again: a copy from before the clear and
    one from after hold different records with the same EventRecordIDs. Each counts, the same record given twice
    counts once, whatever the order of the files."""
    import tempfile
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from xml_events import NS, event_xml

    def logon(record_id, time):
        return event_xml(record_id, f'2026-11-20T{time}.000', 'Microsoft-Windows-Security-Auditing', 4624,
                         '<Data Name="TargetUserName">a</Data>', 'FS11.contoso.com')

    def clear(record_id, time, user):
        return (f'<Event xmlns="{NS}"><System><Provider Name="Microsoft-Windows-Eventlog"/><EventID>1102</EventID>'
                f'<TimeCreated SystemTime="2026-11-20T{time}.000Z"/><EventRecordID>{record_id}</EventRecordID>'
                '<Channel>Security</Channel><Computer>FS11.contoso.com</Computer></System><UserData><LogFileCleared '
                'xmlns="http://manifests.microsoft.com/win/2004/08/windows/eventlog"><SubjectUserName>'
                f'{user}</SubjectUserName><SubjectDomainName>CONTOSO</SubjectDomainName></LogFileCleared>'
                '</UserData></Event>')
    with tempfile.TemporaryDirectory() as tmp:
        before, after = os.path.join(tmp, 'BEFORE.xml'), os.path.join(tmp, 'AFTER.xml')
        with open(before, 'w', encoding='utf-8') as out:
            out.write(clear(10, '07:00:00', 'eve') + logon(1, '08:00:00') + logon(2, '08:10:00') +
                      logon(3, '08:20:00'))
        with open(after, 'w', encoding='utf-8') as out:
            out.write(clear(20, '08:59:00', 'mallory') + logon(1, '09:00:00') + logon(2, '09:10:00'))
        counts = set()
        for files in ([before, after, before], [after, before, after], [before, before, after], [after, after, before]):
            row = rows_of([], files).get(('FS11.contoso.com', 'Security'), {})
            counts.add((row.get('records'), row.get('first_record', '')[:19],
                        tuple(c['time'][11:19] for c in row.get('cleared', []))))
    check('records numbered again after a clear: 7 records, the first at 07:00, the clears in time order, in any '
          'order of the files', counts == {(7, '2026-11-20T07:00:00', ('07:00:00', '08:59:00'))}, str(counts))


def odd_times():
    """Records dated 1601 and 9999 (damaged or forged) among records of 2026: the first and last record and the gaps
    are those of 2026 (not a silence of centuries), and a next step counts the odd ones."""
    import tempfile
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from xml_events import event_xml
    times = ['1601-01-01T00:00:00.000'] + [f'2026-11-20T{h}.000' for h in ('08:00:00', '08:40:00', '09:20:00',
                                                                           '10:00:00')] + ['9999-12-31T23:59:59.000']
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, 'ODD.xml')
        with open(path, 'w', encoding='utf-8') as out:
            out.write(''.join(event_xml(i + 1, t, 'Microsoft-Windows-Security-Auditing', 4625,
                                        '<Data Name="TargetUserName">a</Data>', 'DC09.contoso.com')
                              for i, t in enumerate(times)))
        row = next(iter(rows_of([], [path]).values()), {})
    check('records dated 1601 and 9999: left out of the first and last record, the rate and the gaps, and counted',
          row.get('first_record', '').startswith('2026-11-20T08:00:00') and
          row.get('last_record', '').startswith('2026-11-20T10:00:00') and not row.get('gaps') and
          row.get('records_per_day') == 48 and
          row.get('records') == 6 and any(s.startswith('2 records dated before 2000 or after 2099')
                                          for s in row.get('next_steps', [])), str(row))


def local_ntlm():
    """A 4776 (or 4740) is a domain controller's, or a member's for its local accounts: in an AD FS server's log it
    is no DC evidence, and the step to collect the domain controllers' logs stays; alone in a log it is."""
    import tempfile
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from xml_events import event_xml
    ntlm = '<Data Name="TargetUserName">Administrator</Data><Data Name="Status">0xc000006a</Data>'
    with tempfile.TemporaryDirectory() as tmp:
        adfs_log, dc_log = os.path.join(tmp, 'ADFS09.xml'), os.path.join(tmp, 'DC09.xml')
        with open(adfs_log, 'w', encoding='utf-8') as out:
            out.write(event_xml(1, '2026-11-20T08:00:00.000', 'AD FS Auditing', 411, '<Data>x</Data>',
                                'ADFS09.contoso.com') +
                      event_xml(2, '2026-11-20T08:01:00.000', 'Microsoft-Windows-Security-Auditing', 4776, ntlm,
                                'ADFS09.contoso.com'))
        with open(dc_log, 'w', encoding='utf-8') as out:
            out.write(event_xml(1, '2026-11-20T08:02:00.000', 'Microsoft-Windows-Security-Auditing', 4776, ntlm,
                                'DC09.contoso.com'))
        adfs = rows_of([], [adfs_log]).get(('ADFS09.contoso.com', 'Security'), {})
        dc = rows_of([], [dc_log]).get(('DC09.contoso.com', 'Security'), {})
        status, _, err = run(['lockouts', '-q', '-o', '-', dc_log])
        scan_status, _, scan_err = run(['scan', '-q', '-o', '-', dc_log])
    check("an AD FS server's own 4776 (a local account) is no DC evidence, and the DC logs are still asked for",
          adfs.get('dc_evidence') is False and
          any('collect the domain controllers' in step for step in adfs.get('next_steps', [])), str(adfs))
    check('a 4776 in a log without AD FS audit events is DC evidence', dc.get('dc_evidence') is True, str(dc))
    check("lockouts of a DC's log without a 4740: the warning counts its wrong passwords, not 'give the DCs' logs'",
          status == 1 and 'though they hold 1 wrong password in Kerberos or NTLM checks (4771, 4776)' in err and
          "give the domain controllers' Security logs" not in err, err)
    check('... and scan\'s warning counts them and points to lockouts', scan_status == 1 and
          'they hold 1 wrong password in Kerberos or NTLM checks (4771, 4776): badcreds lockouts ties' in scan_err,
          scan_err)


def cleared_grouped():
    """summary: logs cleared again and again are one log_cleared finding per computer (its name without case), with
    how many clears of which logs, the first and last clear and the accounts (counted without case, most first and
    then in time order, a name with a comma quoted as one item); a single clear keeps its own words."""
    import tempfile
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from xml_events import NS

    def clear(record_id, time, computer, domain, user, log='Security'):
        event_id, data = (1102, '') if log == 'Security' else (104, f'<Channel>{log}</Channel>')
        return (f'<Event xmlns="{NS}"><System><Provider Name="Microsoft-Windows-Eventlog"/><EventID>{event_id}'
                f'</EventID><TimeCreated SystemTime="2026-11-20T{time}.000Z"/><EventRecordID>{record_id}'
                f'</EventRecordID><Channel>{"Security" if event_id == 1102 else "System"}</Channel><Computer>'
                f'{computer}</Computer></System><UserData><LogFileCleared '
                'xmlns="http://manifests.microsoft.com/win/2004/08/windows/eventlog"><SubjectUserName>'
                f'{user}</SubjectUserName><SubjectDomainName>{domain}</SubjectDomainName>{data}</LogFileCleared>'
                '</UserData></Event>')
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, 'CLEARS.xml')
        with open(path, 'w', encoding='utf-8') as out:
            out.write(clear(1, '08:00:00', 'FS09.contoso.com', 'CONTOSO', 'mallory') +
                      clear(2, '09:00:00', 'FS09.contoso.com', 'CONTOSO', 'MALLORY') +
                      clear(3, '10:30:00', 'fs09.CONTOSO.com', 'CONTOSO', 'x (9), ceo') +
                      clear(4, '10:00:00', 'FS09.contoso.com', 'CONTOSO', 'eve') +
                      clear(5, '09:30:00', 'FS09.contoso.com', 'CONTOSO', 'eve', 'Application') +
                      clear(1, '08:30:00', 'FS10.contoso.com', 'CONTOSO', 'eve') +
                      ''.join(clear(i, f'08:{i:02d}:30', f'WKS{i}.contoso.com', 'CONTOSO', 'eve', 'Application')
                              for i in range(1, 41)))  # 40 computers between FS09's clears: the groups' array grows
        status, out, err = run(['summary', '-q', '-f', 'jsonl', path])
        text = run(['summary', '-q', path])[1]
        unnamed = os.path.join(tmp, 'UNNAMED.xml')
        with open(unnamed, 'w', encoding='utf-8') as out_unnamed:
            out_unnamed.write(clear(1, '08:00:00', 'FS11.contoso.com', 'CONTOSO', 'mallory', '') +
                              clear(2, '08:10:00', 'FS11.contoso.com', 'CONTOSO', 'mallory', 'System'))
        fs11 = [json.loads(line) for line in run(['summary', '-q', '-f', 'jsonl', unnamed])[1].splitlines()]
        nobody = os.path.join(tmp, 'NOBODY.xml')
        with open(nobody, 'w', encoding='utf-8') as out_nobody:
            out_nobody.write(clear(1, '08:00:00', 'FS14.contoso.com', 'CONTOSO', 'mallory') +
                             clear(2, '08:10:00', 'FS14.contoso.com', '', '') +
                             clear(3, '08:20:00', 'FS14.contoso.com', '', ''))
        fs14 = [json.loads(line) for line in run(['summary', '-q', '-f', 'jsonl', nobody])[1].splitlines()]
        long_log = os.path.join(tmp, 'LONG.xml')
        with open(long_log, 'w', encoding='utf-8') as out_long:
            out_long.write(clear(1, '08:00:00', 'FS12.contoso.com', 'CONTOSO', 'mallory', 'Vendor-' + 'A' * 200) +
                           clear(2, '08:10:00', 'FS12.contoso.com', 'CONTOSO', 'x (9), ceo', 'Vendor-' + 'A' * 200) +
                           clear(3, '08:20:00', 'FS13.contoso.com', 'CONTOSO' + 'B' * 300, 'eve',
                                 'Vendor-' + 'A' * 200))
        fs12 = [json.loads(line) for line in run(['summary', '-q', '-f', 'jsonl', long_log])[1].splitlines()]
    fs11 = [f.get('detail') for f in fs11 if f.get('type') == 'log_cleared']
    fs12 = {f['subject']: f.get('detail', '') for f in fs12 if f.get('type') == 'log_cleared'}
    found = [f for f in (json.loads(line) for line in out.splitlines()) if f.get('type') == 'log_cleared']
    fs09 = next((f for f in found if f['subject'] == 'FS09.contoso.com'), {})
    fs10 = next((f for f in found if f['subject'] == 'FS10.contoso.com'), {})
    check('summary: five clears of two logs of one computer are one finding, one clear elsewhere its own',
          len(found) == 42, str(found))
    check('... with the logs and how often, the accounts without case (most first), a name with a comma quoted',
          fs09.get('detail') == '2 logs were cleared 5 times (Security (4), Application (1)) by CONTOSO\\mallory '
          '(2), CONTOSO\\eve (2), "CONTOSO\\x (9), ceo" (1)', fs09.get('detail'))
    check('... the first and the last clear, whatever their order in the file, and a next step for them all',
          fs09.get('first', '').startswith('2026-11-20T08:00:00') and
          fs09.get('last', '').startswith('2026-11-20T10:30:00') and fs09.get('ongoing') is False and
          'why those accounts cleared those logs' in fs09.get('next_step', ''), str(fs09))
    check('... the single clear keeps its own words and moment',
          fs10.get('detail') == 'the Security log was cleared by CONTOSO\\eve' and fs10.get('first') == fs10.get('last')
          and 'why that account cleared the log (its logons' in fs10.get('next_step', ''), str(fs10))
    check('... and the text says each once', text.count('log_cleared') == 42 and
          '2026-11-20T08:00:00.000+00:00 to 2026-11-20T10:30:00.000+00:00' in text and
          'WKS40.contoso.com: the Application log was cleared by CONTOSO\\eve' in text, text)
    check('... and without attempts the users and IPs say none (no header over an empty table)',
          'Users (most attempts first)\n  none\n' in text and text.endswith('IPs (most attempts first)\n  none\n'),
          text)
    check('... a clear that names no account counts too, as an unknown account',
          [f.get('detail') for f in fs14 if f.get('type') == 'log_cleared'] ==
          ['the Security log was cleared 3 times by an unknown account (2), CONTOSO\\mallory (1)'], str(fs14))
    check('... a 104 that names no log is a log of its own, not one more clear of the other',
          fs11 == ['2 logs were cleared 2 times (unnamed (1), System (1)) by CONTOSO\\mallory (2)'], str(fs11))
    check('... a long log name is cut, not the accounts after it (nor inside their quotes)',
          fs12.get('FS12.contoso.com', '').startswith('the Vendor-AAA') and
          fs12['FS12.contoso.com'].endswith('... log was cleared 2 times by CONTOSO\\mallory (1), '
                                            '"CONTOSO\\x (9), ceo" (1)')
          and fs12.get('FS13.contoso.com', '').startswith('the Vendor-AAA') and
          '... log was cleared by CONTOSOBBB' in fs12['FS13.contoso.com'] and
          fs12['FS13.contoso.com'].endswith('BBB...'), str(fs12))


def other_failures():
    """Failed logons (4625) that did not come through AD FS, and no AD FS audit event: scan's warning says what they
    are (naming the first host) and that lockouts ties them to lockouts; lockouts' says they make rows only with a
    4740. An AD FS 4625 (its ServiceHost process) is no such hint."""
    import tempfile
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from xml_events import event_xml

    def failed(record_id, computer, process):
        data = ('<Data Name="TargetUserName">Administrator</Data><Data Name="Status">0xc000006d</Data>'
                f'<Data Name="SubStatus">0xc000006a</Data><Data Name="LogonType">3</Data>'
                f'<Data Name="ProcessName">{process}</Data><Data Name="IpAddress">192.0.2.7</Data>')
        return event_xml(record_id, f'2026-11-20T08:00:0{record_id}.000', 'Microsoft-Windows-Security-Auditing',
                         4625, data, computer)
    with tempfile.TemporaryDirectory() as tmp:
        member, adfs = os.path.join(tmp, 'WKS.xml'), os.path.join(tmp, 'ADFS.xml')
        with open(member, 'w', encoding='utf-8') as out:
            out.write(failed(1, 'WKS01.contoso.com', '-') + failed(2, 'WKS02.contoso.com', '-'))
        with open(adfs, 'w', encoding='utf-8') as out:
            out.write(failed(1, 'ADFS01.contoso.com',
                             'C:\\Windows\\ADFS\\Microsoft.IdentityServer.ServiceHost.exe'))
        status, _, err = run(['scan', '-q', '-o', '-', member])
        check('scan: failed logons not through AD FS are named in the one warning line, with the first host',
              status == 1 and err.count('\n') == 1 and
              'they hold failed logons (4625) that did not come through AD FS (the first on WKS01.contoso.com): '
              'badcreds lockouts ties' in err, err)
        status, _, err = run(['scan', '-q', '-o', '-', adfs, member])
        check("scan: with an AD FS server's own 4625 too, the warning does not say that none came through AD FS",
              status == 1 and 'they hold failed logons (4625) that did not come through AD FS (the first on '
              'WKS01.contoso.com)' in err and 'the failed logons (4625) they hold did not' not in err, err)
        status, _, err = run(['lockouts', '-q', '-o', '-', member])
        check('lockouts: without a 4740 they make no row, and the warning says so',
              status == 1 and 'they hold (the first on WKS01.contoso.com) make a row only where a 4740' in err, err)
        status, _, err = run(['scan', '-q', '-o', '-', adfs])
        check("scan: an AD FS server's own 4625 (AD FS's process) is no such hint",
              status == 1 and 'no AD FS audit events' in err and 'did not come through AD FS' not in err, err)


def many_notes():
    """A folder whose every file has a note (here data after the gzip stream; carved remnants in most exported logs):
    ten are shown, then one line says the others are not, and the closing line counts the remnants."""
    import gzip
    import tempfile
    packed = gzip.compress(open(os.path.join(FIX, 'COV-MEMBER.evtx'), 'rb').read()) + b'not gzip'
    with tempfile.TemporaryDirectory() as tmp, tempfile.TemporaryDirectory() as outdir:
        report = os.path.join(outdir, 'report')  # not os.devnull: the Windows build under wine has no /dev/null
        for i in range(12):
            with open(os.path.join(tmp, f'member{i:02d}.evtx.gz'), 'wb') as out:
                out.write(packed)
        for command in ('scan', 'coverage'):
            status, _, err = run([command, '-o', report, tmp])
            check(f'{command}: ten notes of twelve files, then one line for the rest',
                  err.count('data after the gzip stream ignored') == 10 and
                  err.count('the notes of further inputs are not shown') == 1, err)
        status, _, err = run(['scan', '-q', '-o', report, tmp])
        check('... and none with -q', 'note' not in err, err)
        for command in (['trace', '--user', 'x'], ['lockouts'], ['prt'], ['coverage']):
            err = run(command + ['-o', report, tmp])[2]
            command = command[0]
            check(f'{command}: the closing line says what was read, as scan\'s does',
                  f'badcreds: {command}: read 120 records from 12 inputs' in err, err)


def main():
    many_notes()
    renumbered()
    other_failures()
    cleared_grouped()
    local_ntlm()
    odd_times()
    fixtures()
    callers()
    duplicates()
    short_log()
    formats()
    warnings()
    samples()
    print(f'{len(FAILURES)} failures')
    return 1 if FAILURES else 0


if __name__ == '__main__':
    sys.exit(main())
