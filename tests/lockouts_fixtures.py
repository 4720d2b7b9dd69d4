#!/usr/bin/python3
"""`badcreds lockouts` on the generated domain (tools/fixtures_domain.py): every lockout's cause, source, via,
counts, DCs and next step as the generator's scenario says (lockouts.json), from EVTX, XML exports and a forwarded
log; no row invented, no cause guessed when the host logs are missing; the real samples (4625/4771/4776 but no
4740) give no rows.

usage: lockouts_fixtures.py BADCREDS FIXTURE_DIR SAMPLES_DIR
"""
import csv
import glob
import gzip
import io
import ipaddress
import json
import os
import shutil
import subprocess
import sys
import tempfile

FAILURES = []


def check(cond, what):
    print(('ok   ' if cond else 'FAIL ') + what)
    if not cond:
        FAILURES.append(what)


def run(badcreds, *args):
    p = subprocess.run([badcreds, 'lockouts', *args], capture_output=True, timeout=120)
    return p.returncode, p.stdout.decode('utf-8'), p.stderr.decode('utf-8', 'replace')


def rows_jsonl(badcreds, *args):
    rc, out, err = run(badcreds, '-f', 'jsonl', *args)
    return rc, [json.loads(line) for line in out.splitlines()], err


def same_row(label, got, want):
    """Every field the scenario decides; next step and basis by the words they must hold."""
    problems = []
    for key in ('cause', 'source_host', 'source_ip', 'via', 'process', 'logon_type', 'failures', 'still_failing',
                'user_agent'):
        if got[key] != want[key]:
            problems.append(f'{key} {got[key]!r} != {want[key]!r}')
    if got['caller_computer'] != want['caller']:
        problems.append(f'caller {got["caller_computer"]!r} != {want["caller"]!r}')
    if got['dc'].split('; ') != want['dcs']:
        problems.append(f'dc {got["dc"]!r} != {want["dcs"]!r}')
    for words, key in ((want['next_step'], 'next_step'), (want['basis'], 'basis')):
        problems += [f'{key} lacks {w!r}: {got[key]!r}' for w in words if w.lower() not in got[key].lower()]
    check(not problems, f'{label} {want["account"]} locked at {want["locked_at"]}: ' +
          ('; '.join(problems) if problems else want['cause']))


def matches(label, rows, wanted):
    check(len(rows) == len(wanted), f'{label}: {len(rows)} rows for {len(wanted)} lockouts')
    got = {(r['account'], r['locked_at'][:19]): r for r in rows}
    for w in wanted:
        r = got.get((w['account'], w['locked_at'][:19]))
        check(r is not None, f'{label}: a row for {w["account"]} at {w["locked_at"]}')
        if r:
            same_row(label, r, w)


def domain_files(folder, ext):
    return sorted(glob.glob(os.path.join(folder, 'DOMAIN-*.' + ext)))


def test_every_cause(badcreds, folder, wanted):
    rc, rows, err = rows_jsonl(badcreds, *domain_files(folder, 'evtx'))
    check(rc == 1 and 'warning: the inputs cannot answer: 2 of 13 lockouts have no host evidence' in err and
          'LAPTOP7' in err, f'EVTX: two lockouts the inputs cannot explain: a warning naming LAPTOP7, exit 1 '
          f'(got {rc}: {err.strip()[-300:]})')
    rc1, _, err1 = rows_jsonl(badcreds, '--user', '^svc-backup$', *domain_files(folder, 'evtx'))
    check(rc1 == 0 and 'warning' not in err1, f'every lockout explained: no warning, exit 0 (got {rc1})')
    matches('EVTX', rows, wanted)
    causes = {w['cause'] for w in wanted}
    check(len(causes) == 10, f'the scenario covers all ten causes ({sorted(causes)})')
    for r in rows:
        ev = r['evidence']
        ok = ev and all({'file', 'event_id', 'record_id'} <= set(e) and isinstance(e['record_id'], int) for e in ev)
        check(ok and any(e['event_id'] == 4740 for e in ev), f'{r["account"]}: evidence names the 4740 and records')
        check(isinstance(r['failures'], int) and isinstance(r['still_failing'], int) and
              (r['logon_type'] is None or isinstance(r['logon_type'], int)), f'{r["account"]}: numbers are numbers')
    check('13 lockouts of 12 accounts' in err, f'closing line counts lockouts and accounts: {err.strip()[-160:]!r}')


def test_xml_exports(badcreds, folder, wanted):
    rc, rows, err = rows_jsonl(badcreds, *domain_files(folder, 'xml'))
    check(rc == 1, f'XML exports: exit status 1 as for the EVTX files (got {rc})')
    matches('XML', rows, wanted)


def test_dc_logs_only(badcreds, folder, wanted):
    """Without the member logs, nothing is guessed: every cause unknown, the next step names the log to collect."""
    dcs = [os.path.join(folder, f'DOMAIN-DC0{i}.evtx') for i in (1, 2)]
    rc, rows, _ = rows_jsonl(badcreds, *dcs)
    check(len(rows) == len(wanted), f'DC logs only: {len(rows)} rows for {len(wanted)} lockouts')
    for r in rows:
        names = r['caller_computer'] or 'no caller computer'
        check(r['cause'] == 'unknown' and names in r['next_step'] and not r['source_host'] and not r['via'],
              f'DC logs only: {r["account"]} unknown, next step {r["next_step"]!r}')
    share = [r for r in rows if r['account'] == 'k.lee']
    check(share and share[0]['next_step'].count('WKS042') == 1,
          f'the caller is not named twice when the DC saw it asking too ({share and share[0]["next_step"]})')
    laptop = [r for r in rows if r['account'] == 't.nguyen']
    check(laptop and '10.1.9.77' in laptop[0]['next_step'] and '10.1.0.10' not in laptop[0]['next_step'],
          'the machine the DC saw asking is the laptop, not the DC that forwarded to the PDC')


def test_forwarded(badcreds, folder, wanted):
    """FS01, EX01, WKS050 and WKS051 come only in the collector's file: keyed by Computer, not by file."""
    files = [f for f in domain_files(folder, 'evtx') if 'FORWARDED' not in f]
    _, rows, _ = rows_jsonl(badcreds, *files)
    hosts = {'FS01', 'EX01', 'WKS050', 'WKS051'}
    lost = [r['account'] for r in rows if r['caller_computer'] in hosts | {'WKS042'} and r['cause'] != 'unknown']
    check(not lost, f'without the forwarded log the lockouts behind it are unknown ({lost})')
    _, rows, _ = rows_jsonl(badcreds, os.path.join(folder, 'DOMAIN-FORWARDED.evtx'),
                            *[os.path.join(folder, f'DOMAIN-DC0{i}.evtx') for i in (1, 2)])
    via = {r['account']: r['via'] or r['source_host'] for r in rows}
    check(via.get('k.lee') == 'FS01' and via.get('p.wong') == 'EX01' and via.get('a.kim') == 'WKS050',
          f'with it, each lockout goes to its own computer ({via})')


def test_csv_and_text(badcreds, folder, wanted):
    files = domain_files(folder, 'evtx')
    rc, out, _ = run(badcreds, *files)  # stdout is a pipe: CSV
    table = list(csv.reader(io.StringIO(out)))
    header = ['Account', 'Domain', 'Locked At', 'DC', 'Caller Computer', 'Cause', 'Source Host', 'Source IP', 'Via',
              'Process', 'Logon Type', 'Failures', 'First Failure', 'Still Failing', 'User Agent', 'Basis',
              'Next Step', 'Evidence']
    check(table and table[0] == header, 'CSV to a pipe, with the documented header')
    rows = [dict(zip(header, r)) for r in table[1:]]
    check(len(rows) == len(wanted), f'CSV: {len(rows)} rows')
    unknown = [r for r in rows if r['Cause'] == 'unknown']
    check(unknown and all(r['Logon Type'] == '' for r in unknown), 'CSV: no logon type for an unknown cause')
    check(all(all(item.split('@')[0].isdigit() and '#' in item for item in r['Evidence'].split(' ')) for r in rows),
          'CSV: evidence as ID@file#record items')
    with tempfile.TemporaryDirectory() as tmp:
        named = os.path.join(tmp, 'lockouts.jsonl')
        run(badcreds, '-o', named, *files)
        _, jsonl, _ = run(badcreds, '-f', 'jsonl', *files)
        check(open(named, encoding='utf-8').read() == jsonl and jsonl.count('\n') == len(wanted),
              '-o NAME.jsonl without --format: JSON lines, as --format jsonl writes them')
    rc, out, _ = run(badcreds, '-f', 'text', *files)
    blocks = [b for b in out.split('\n\n') if b.strip()]
    check(len(blocks) == len(wanted) and all('Cause' in b or 'cause' in b for b in blocks),
          f'text: one block per lockout ({len(blocks)})')


def test_selection(badcreds, folder):
    files = domain_files(folder, 'evtx')
    _, rows, _ = rows_jsonl(badcreds, '--user', '^svc-report$', *files)
    check(len(rows) == 2 and all(r['account'] == 'svc-report' for r in rows),
          f'--user picks the account: {len(rows)} rows (locked twice)')
    for typed, account in (('^r\\.diaz@corp\\.contoso\\.com$', 'r.diaz'),  # the UPN the AD FS attempt typed
                           ('^CORP\\\\j\\.doe$', 'j.doe'),                   # DOMAIN\account
                           ('^svc-report@corp\\.contoso\\.com$', 'svc-report')):  # account@ the DCs' domain
        _, rows, _ = rows_jsonl(badcreds, '--user', typed, *files)
        check(rows and all(r['account'] == account for r in rows),
              f'--user {typed} finds the lockouts of {account}: {[r["account"] for r in rows]}')
    _, rows, _ = rows_jsonl(badcreds, '--user', 'corp', *files)
    check(not rows, f'--user corp (no \\ or @) picks no domain\'s lockouts: {[r["account"] for r in rows]}')
    _, rows, _ = rows_jsonl(badcreds, '--since', '2026-11-24T12:00:00Z', '--until', '2026-11-24T13:00:00Z', *files)
    check(sorted(r['account'] for r in rows) == ['j.doe', 'm.smith'], f'--since/--until by lock time: {rows and [r["account"] for r in rows]}')
    _, rows, _ = rows_jsonl(badcreds, '--since', '2026-11-24T09:05:00Z', '--until', '2026-11-24T09:10:00Z', *files)
    check(len(rows) == 1 and rows[0]['failures'] == 5,
          'a window that starts after the first failures still counts them (the reset window before the lockout)')


def test_gzip_and_reset_window(badcreds, folder):
    with tempfile.TemporaryDirectory() as tmp:
        for name in ('DOMAIN-DC01.evtx', 'DOMAIN-APP01.evtx'):
            with open(os.path.join(folder, name), 'rb') as src, gzip.open(os.path.join(tmp, name + '.gz'), 'wb') as dst:
                shutil.copyfileobj(src, dst)
        _, rows, _ = rows_jsonl(badcreds, '--user', 'svc-backup', tmp)
        check(len(rows) == 1 and rows[0]['cause'] == 'service' and rows[0]['failures'] == 5,
              'a folder of .evtx.gz files')
        _, rows, _ = rows_jsonl(badcreds, '--user', 'svc-backup', '--reset-window', '3m', tmp)
        check(len(rows) == 1 and rows[0]['failures'] == 2,
              f'--reset-window 3m counts only the failures of the last 3 minutes ({rows and rows[0]["failures"]})')
    rc, _, err = run(badcreds, '--reset-window', 'soon', folder)
    check(rc == 2 and 'reset-window' in err, 'a bad duration is a usage error')
    for args, note in ((['--user', '^nobody$'], '--user kept none of the '),
                       (['--until', '2001-01-01'], 'fell outside the time window')):
        rc, _, err = run(badcreds, '-f', 'csv', '-o', '-', *args, folder)
        check(rc == 0 and note in err and 'hold no account lockout' not in err,
              f'{args[0]} leaving every lockout out says so, not that the DCs\' logs are missing')


def test_summary(badcreds, folder, wanted):
    """summary has a row per lockout with its cause, and counts the causes in its text."""
    p = subprocess.run([badcreds, 'summary', '-q', '-f', 'jsonl', *domain_files(folder, 'evtx')], capture_output=True)
    rows = [json.loads(line) for line in p.stdout.decode().splitlines()]
    got = sorted((r['subject'], r['first'][:19], r['detail'].split(';')[0]) for r in rows if r['type'] == 'lockout')
    want = sorted((w['account'], w['locked_at'][:19], 'cause ' + w['cause']) for w in wanted)
    check(got == want, f'summary: one lockout row per lockout, with its cause ({len(got)} of {len(want)})')
    supplied = [w for w in wanted if w['cause'] in ('rdp', 'network_share') and w['source_host'] and w['source_ip']]
    text = subprocess.run([badcreds, 'summary', '-q', *domain_files(folder, 'evtx')], capture_output=True).stdout.decode()
    matched = [(w, r) for w in supplied for r in rows if r['type'] == 'lockout' and r['subject'] == w['account'] and
               r['first'][:19] == w['locked_at'][:19]]
    check(supplied and all(f"{w['source_ip']} (calls itself {w['source_host']})" in text for w in supplied) and
          len(matched) == len(supplied) and
          all(f"source {w['source_ip']} (calls itself {w['source_host']})" in r['detail'] for w, r in matched),
          'summary: a workstation name the client supplied is shown as its claim, beside the address')
    cadence = [r for r in rows if r['type'] == 'ad_lockout_cadence']
    check(len(cadence) == 1 and cadence[0]['subject'] == 'svc-report' and 'locked out 2 times' in cadence[0]['detail']
          and 'scheduled_task' in cadence[0]['detail'] and 'APP02' in cadence[0]['next_step'] and
          cadence[0]['severity'] == 'medium', f'summary: the AD lockout cadence of svc-report, with its cause ({cadence})')
    internet = {}  # the scenario's lockouts from public addresses through a server other than AD FS
    for w in wanted:
        if w['cause'] != 'adfs' and w['source_ip'] and ipaddress.ip_address(w['source_ip']).is_global:
            internet.setdefault(w['source_ip'], []).append(w)
    found = {r['subject']: r for r in rows if r['type'] == 'internet_lockout'}
    check(internet and set(found) == set(internet) and all(
        r['severity'] == 'high' and r['technique'] == 'T1110.001' and int(r['users']) == len(internet[ip]) and
        int(r['attempts']) == sum(w['failures'] for w in internet[ip]) and
        all(w['account'] in r['detail'] and w['via'] in r['detail'] for w in internet[ip]) and
        f'block {ip}' in r['next_step'] for ip, r in found.items()),
        f'summary: a high internet_lockout finding per public address that locked accounts through RDP and the like '
        f'({sorted(found)} vs {sorted(internet)})')
    text = subprocess.run([badcreds, 'summary', '-q', *domain_files(folder, 'evtx')], capture_output=True).stdout
    check(b'Account lockouts (13: 1 adfs, 1 exchange, 2 rdp, 1 service, 2 scheduled_task' in text,
          'summary text: the lockouts counted by cause')


def test_trace(badcreds, folder):
    """trace --user shows each lockout of the account with the DC and host events it rests on, in time order."""
    p = subprocess.run([badcreds, 'trace', '-q', '-f', 'jsonl', '--user', '^svc-backup$',
                        *domain_files(folder, 'evtx')], capture_output=True)
    events = [json.loads(line) for line in p.stdout.decode().splitlines()]
    ids = [e['event_id'] for e in events if e.get('lockout') == 1]
    times = [e['time'] for e in events if e.get('lockout') == 1]
    check(times == sorted(times) and ids.count(4625) == 7 and ids.count(4771) == 5 and ids.count(4740) == 2 and
          ids.count(7038) == 5, f'trace --user: the lockout\'s 4625s (5 + 2 refused), 4771s, 7038s and both 4740s '
          f'in time order ({len(ids)} events)')
    p = subprocess.run([badcreds, 'trace', '-q', '--user', '^svc-report$', *domain_files(folder, 'evtx')],
                       capture_output=True)
    text = p.stdout.decode()
    check(text.count('Lockout of svc-report') == 2 and 'account unlocked' in text,
          'trace --user, text: both lockouts of svc-report, the unlock between them')


def test_samples(badcreds, samples):
    """Real logs with 4625/4771/4776 and no 4740: no rows, no crash, and a line saying why."""
    if not os.path.isdir(samples):  # the samples live beside the checkout (../shared/samples), not in it
        print(f'{samples}: not found, the real samples are not checked')
        return
    names = [n for n in sorted(os.listdir(samples)) if n.endswith('.evtx') and
             (n.startswith('mitre__') or n.startswith('omerbenamram__Security') or n == 'omerbenamram__security.evtx')]
    for name in names:
        rc, rows, err = rows_jsonl(badcreds, os.path.join(samples, name))
        check(rc in (0, 1) and not rows and '4740' in err, f'{name}: no lockout rows (exit {rc})')


def main():
    badcreds, folder, samples = sys.argv[1:4]
    wanted = json.load(open(os.path.join(folder, 'lockouts.json')))['lockouts']
    test_every_cause(badcreds, folder, wanted)
    test_xml_exports(badcreds, folder, wanted)
    test_dc_logs_only(badcreds, folder, wanted)
    test_forwarded(badcreds, folder, wanted)
    test_csv_and_text(badcreds, folder, wanted)
    test_selection(badcreds, folder)
    test_summary(badcreds, folder, wanted)
    test_trace(badcreds, folder)
    test_gzip_and_reset_window(badcreds, folder)
    test_samples(badcreds, samples)
    print(f'{len(FAILURES)} failures')
    return 1 if FAILURES else 0


if __name__ == '__main__':
    sys.exit(main())
