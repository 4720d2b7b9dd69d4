#!/usr/bin/python3
"""badcreds summary on the generated farm: the per-user and per-IP figures and the findings must be what the
documented rules (badcreds(1), SUMMARY) give when applied here, independently, to the attempts the generator wrote
(expected.json).

usage: summary_fixtures.py BADCREDS FIXTURE_DIR
"""
import datetime
import json
import os
import re
import subprocess
import sys

BADCREDS, FIX = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
UNDER_WINE = os.environ.get('BADCREDS_UNDER_WINE') == '1'  # set by tests/meson.build for the Windows build
FARM = ['ADFS01.evtx', 'ADFS02.evtx', 'ADFS-OLD.evtx', 'ADFS-JP.evtx', 'DC01.evtx']
PRIVATE = ('10.', '192.168.', '172.16.', '127.')
FAILURES = []


def t(text):
    return datetime.datetime.strptime(text[:19], '%Y-%m-%dT%H:%M:%S').timestamp() + float('0.' + text[20:26])


def check(name, cond, detail=''):
    print(f'{"ok" if cond else "FAIL"} {name}' + (f': {detail}' if detail and not cond else ''))
    if not cond:
        FAILURES.append(name)


def busiest(times, window):
    best, lo = 0, 0
    for hi in range(len(times)):
        while times[hi] - times[lo] >= window:
            lo += 1
        best = max(best, hi - lo + 1)
    return best


def account(user):
    return user.split('\\')[-1].split('@')[0].lower()


def expected_findings(attempts, successes, lockout_threshold=None):
    found = set()
    by_ip, by_user = {}, {}
    for a in attempts:
        by_ip.setdefault(a['ip'], []).append(a)
        by_user.setdefault(a['user'].lower(), []).append(a)
    sprayers = {}
    for ip, rows in by_ip.items():  # spray: 10 users from one IP within 30 min; probe: 5 (and 3) or more, public
        rows.sort(key=lambda a: t(a['time']))
        best = max(len({r['user'].lower() for r in rows if 0 <= t(rows[i]['time']) - t(r['time']) < 1800})
                   for i in range(len(rows)))
        relayed = all(a['relayed'] for a in rows)
        if best >= 10:
            found.add(('legacy_auth_spray' if relayed else 'password_spray', ip))
            sprayers[ip] = (t(rows[0]['time']), t(rows[-1]['time']))
        elif best >= 5 and not all(a['ip'].startswith(PRIVATE) for a in rows):
            found.add(('probe', ip))
    for ok in successes:  # compromise: a success after failures from that address, or from a sprayer, within 24 h
        failed = [t(a['time']) for a in attempts if account(a['user']) == account(ok['user']) and a['ip'] == ok['ip']
                  and t(a['time']) < t(ok['time'])]
        sprayed = ok['ip'] in sprayers and sprayers[ok['ip']][0] <= t(ok['time']) <= sprayers[ok['ip']][1] + 86400
        if (failed and t(ok['time']) - max(failed) <= 86400) or sprayed:
            found.add(('compromise', ok['user']))
    for user, rows in by_user.items():
        rows.sort(key=lambda a: t(a['time']))
        times = [t(a['time']) for a in rows]
        internal = all(a['ip'].startswith(PRIVATE) for a in rows)
        if busiest(times, 300) >= 5 and not internal:  # brute force: 5 in 5 min
            found.add(('brute_force', rows[0]['user']))
        gaps = [b - a for a, b in zip(times, times[1:])]
        if internal and len(rows) >= 4 and times[-1] - times[0] >= 1800:  # stale: steady, private only
            mean = sum(gaps) / len(gaps)
            sd = (sum(g * g for g in gaps) / len(gaps) - mean * mean) ** 0.5
            if sd / mean < 0.25:
                found.add(('stale_credential', rows[0]['user']))
        locked = sum(a['outcome'] in ('ad_locked_out', 'extranet_locked_out') for a in rows)
        bad = [t(a['time']) for a in rows if a['outcome'] == 'bad_password']
        if locked or (lockout_threshold and busiest(bad, 1800) >= lockout_threshold):
            found.add(('lockout_pressure', rows[0]['user']))
    return found


SEVERITY = {'compromise': 'critical', 'password_spray': 'high', 'legacy_auth_spray': 'high', 'brute_force': 'high',
            'stale_credential': 'medium', 'lockout_pressure': 'medium', 'probe': 'low'}  # the farm's sources
TECHNIQUE = {'compromise': 'T1078', 'password_spray': 'T1110.003', 'legacy_auth_spray': 'T1110.003',
             'brute_force': 'T1110.001'}
RANK = ['critical', 'high', 'medium', 'low']


def verdicts(rows, attempts):
    """Issue 14: the compromise first, with its time, address and server; severity, time range, users, IPs,
    technique and next steps specific to each finding; most severe first, then in time order."""
    findings = [r for r in rows if r['type'] in SEVERITY]
    first = findings[0] if findings else {}
    check('the compromise is the first finding: alice, from the sprayer, on ADFS01, at the success',
          first.get('type') == 'compromise' and first['subject'] == 'alice@contoso.com' and
          '203.0.113.50' in first['detail'] and first['server'] == 'ADFS01.contoso.com' and
          first['last'].startswith('2026-11-20T10:20:00') and first['activity_id'] and first['instance_id'])
    check('every finding has its severity and technique by the documented rule',
          all(r['severity'] == SEVERITY[r['type']] and r.get('technique', '') == TECHNIQUE.get(r['type'], '')
              for r in findings), str([(r['type'], r['severity']) for r in findings]))
    order = [(RANK.index(r['severity']), r['first']) for r in findings]
    check('findings sorted by severity, then time', order == sorted(order), str(order))
    check('every finding has a time range, users, IPs, counts as numbers and a next step',
          all(r['first'] <= r['last'] and r['next_step'] and r['top_ips'] and r['top_users'] and
              isinstance(r['attempts'], int) and isinstance(r['ongoing'], bool) for r in findings))
    legacy = [r for r in findings if r['type'] == 'legacy_auth_spray']
    check('the legacy-auth spray names the real client, the Exchange Online relay and the way to block it',
          len(legacy) == 1 and legacy[0]['subject'] == '2001:db8::66' and '40.92.0.11' in legacy[0]['relays'] and
          'basic authentication' in legacy[0]['next_step'] and
          legacy[0]['endpoint'] == '/adfs/services/trust/2005/usernamemixed' and
          legacy[0]['users'] == 10, str(legacy))
    spray = [r for r in findings if r['type'] == 'password_spray']
    check('the spray\'s next step names the endpoint it hit, not another one',
          spray and all('/adfs/ls/' in r['next_step'] and '/trust/13/' not in r['next_step'] for r in spray))
    brute = [r for r in findings if r['type'] == 'brute_force']
    check('the brute force names its address', brute and all('198.51.100.7' in r['top_ips'] and
                                                              '198.51.100.7' in r['next_step'] for r in brute))
    iso = datetime.datetime.fromisoformat
    end = iso(max(a['time'] for a in attempts)[:26] + '+00:00').timestamp()
    check('ongoing: the last attempt within the last 30 minutes of the data',
          all(r['ongoing'] == (iso(r['last']).timestamp() >= end - 1800) for r in findings
              if r['type'] != 'compromise'))
    bob = next((r for r in rows if r['type'] == 'user' and r['subject'] == 'bob.o-neil@contoso-corp.com'), {})
    check('extranet and AD lockouts of one account kept apart', bob.get('extranet_locked_out') == 3 and
          bob.get('ad_locked_out') == 1, str(bob))


def summary(args):
    p = subprocess.run([BADCREDS, 'summary', '-q', '--format', 'jsonl'] + args + [os.path.join(FIX, f) for f in FARM],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False)
    return p.returncode, [json.loads(line) for line in p.stdout.decode().splitlines()]


def tokyo(text):
    """An expected.json time as --tz local writes it under TZ=Asia/Tokyo (UTC+9, no daylight saving time)."""
    d = datetime.datetime.strptime(text[:23], '%Y-%m-%dT%H:%M:%S.%f') + datetime.timedelta(hours=9)
    return d.strftime('%Y-%m-%dT%H:%M:%S.%f')[:23] + '+09:00'


def check_local_time(attempts):
    """--tz local: every time of the text, CSV and JSON lines summaries carries the local offset, and the users' first
    and last attempts are the generator's, in local time."""
    env = dict(os.environ, TZ='JST-9' if UNDER_WINE else 'Asia/Tokyo')  # the Windows C runtime's TZ syntax
    files = [os.path.join(FIX, f) for f in FARM]
    out = {}
    for fmt in ('text', 'csv', 'jsonl'):
        p = subprocess.run([BADCREDS, 'summary', '-q', '--tz', 'local', '--format', fmt] + files,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, check=False)
        out[fmt] = p.stdout.decode() if p.returncode == 0 else ''
    times = re.compile(r'\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}([+-]\d\d:\d\d)')
    for fmt, text in out.items():
        offsets = set(times.findall(text))
        check(f'summary --tz local ({fmt}) writes every time with the local offset', offsets == {'+09:00'},
              str(offsets))
    rows = [json.loads(line) for line in out['jsonl'].splitlines()]
    users = {}
    for a in attempts:
        users.setdefault(a['user'], []).append(a['time'])
    got = {r['subject']: (r['first'], r['last']) for r in rows if r['type'] == 'user'}
    check('summary --tz local: each user\'s first and last attempt in local time', got and
          got == {u: (tokyo(min(v)), tokyo(max(v))) for u, v in users.items()})


def typed_forms():
    """A guesser who changes the form of the name (UPN, DOMAIN\\account, case, non-ASCII case) to stay under the
    brute force threshold: each form alone stays under 5 attempts, the account gets 12 and 6. The same account in
    another domain (fabrikam) stays apart."""
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'tools'))
    import tempfile
    import mkfixtures
    from evtx_writer import write_file
    farm = mkfixtures.Farm()
    log = farm.log('ADFS-FORMS.contoso.com')
    typed = ['ceo@contoso.com', 'CONTOSO\\ceo', 'CEO@Contoso.COM', 'contoso.com\\Ceo'] * 3 + \
        ['\u00e4rger@contoso.com', '\u00c4RGER@CONTOSO.COM'] * 3 + ['ceo@fabrikam.com'] * 2 + [''] + \
        ['\u0386\u039d\u039d\u0391@contoso.com', '\u03ac\u03bd\u03bd\u03b1@contoso.com'] * 3
    for i, name in enumerate(typed):
        farm.attempt_2016(log, mkfixtures.BASE + i * datetime.timedelta(seconds=10), name, '198.51.100.77')
    other = farm.log('ADFS-DOMAINS.contoso.com')  # bob of fabrikam fails, then bob of contoso signs in: no compromise
    for i in range(3):
        farm.attempt_2016(other, mkfixtures.BASE + i * datetime.timedelta(seconds=10), 'bob@fabrikam.com', '203.0.113.9')
    farm.success_2016(other, mkfixtures.BASE + datetime.timedelta(minutes=10), 'bob@contoso.com', '203.0.113.9')
    farm.success_2016(other, mkfixtures.BASE + datetime.timedelta(minutes=11), 'FABRIKAM\\Bob', '203.0.113.9')
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, 'FORMS.evtx')
        write_file(path, log.records())
        domains = os.path.join(tmp, 'DOMAINS.evtx')
        write_file(domains, other.records())
        found = subprocess.run([BADCREDS, 'summary', '-q', '--format', 'jsonl', domains], stdout=subprocess.PIPE,
                               check=False).stdout.decode()
        p = subprocess.run([BADCREDS, 'summary', '--format', 'jsonl', path], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, check=False)
        text = subprocess.run([BADCREDS, 'summary', '-q', path], stdout=subprocess.PIPE, check=False).stdout.decode()
    compromised = [json.loads(line)['subject'] for line in found.splitlines() if '"compromise"' in line]
    check('a success of another domain\'s account of the same name is no compromise; the same account\'s other '
          'form is', compromised == ['FABRIKAM\\Bob'], str(compromised))
    rows = [json.loads(line) for line in p.stdout.decode().splitlines()]
    users = {r['subject']: int(r['attempts']) for r in rows if r['type'] == 'user' and r.get('subject')}
    brute = sorted(r['subject'] for r in rows if r['type'] == 'brute_force' and r['users'] == 1)  # 1 account
    check('the forms of one account typed in turn are one user, a brute force; another domain stays apart',
          users == {'ceo@contoso.com': 12, '\u00e4rger@contoso.com': 6, 'ceo@fabrikam.com': 2,
                    '\u0386\u039d\u039d\u0391@contoso.com': 6} and
          brute == ['ceo@contoso.com', '\u00e4rger@contoso.com', '\u0386\u039d\u039d\u0391@contoso.com'] and
          b' by 4 users' in p.stderr,
          f'{users} {brute} {p.stderr[-200:]}')
    check('... and the report counts the users as the closing line does (attempts without a name are no user)',
          ' by 4 users ' in text.splitlines()[0] and any(r['type'] == 'user' and not r.get('subject') for r in rows),
          text.splitlines()[0])


def long_chart():
    """Attempts over more than 336 days (the chart's bars): a bar covers as many days as it takes, and the 12
    attempts of 2026-11-20 stay in the bar of their day (they fell in the last bar, 2026-09-16, before)."""
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'tools'))
    import tempfile
    import mkfixtures
    from evtx_writer import write_file
    farm = mkfixtures.Farm()
    log = farm.log('ADFS-YEAR.contoso.com')
    farm.attempt_2016(log, mkfixtures.BASE - datetime.timedelta(days=400), 'old@contoso.com', '198.51.100.8')
    for i in range(12):
        farm.attempt_2016(log, mkfixtures.BASE + i * datetime.timedelta(minutes=1), f'u{i}@contoso.com', '198.51.100.8')
    with tempfile.TemporaryDirectory() as tmp:
        path, page = os.path.join(tmp, 'YEAR.evtx'), os.path.join(tmp, 'year.html')
        write_file(path, log.records())
        subprocess.run([BADCREDS, 'summary', '-q', '--html', page, '-o', os.path.join(tmp, 'x.txt'), path], check=False)
        html = open(page, encoding='utf-8').read()
    rows = re.findall(r'<tr><td class="t">([0-9-]+)</td><td class="n">([0-9]+)</td>', html)
    check('a chart of more than 336 days: bars of several days, each attempt in the bar of its day',
          rows == [('2025-10-16', '1'), ('2026-11-20', '12')] and 'per 2 days' in html, str(rows))


def check_output_names():
    """-o NAME.csv or NAME.jsonl(.gz) without --format writes that format (the rows --format gives), not text in a file
    named for a spreadsheet; --format still decides when it is given."""
    import csv
    import gzip
    import tempfile
    farm = [os.path.join(FIX, f) for f in FARM]
    _, rows = summary([])
    with tempfile.TemporaryDirectory() as tmp:
        named = {n: os.path.join(tmp, n) for n in ('s.csv', 's.jsonl.gz', 'S.JSON', 's.txt', 'forced.csv')}
        for n in ('s.csv', 's.jsonl.gz', 'S.JSON', 's.txt'):
            subprocess.run([BADCREDS, 'summary', '-q', '-o', named[n]] + farm, check=False)
        subprocess.run([BADCREDS, 'summary', '-q', '-f', 'text', '-o', named['forced.csv']] + farm, check=False)
        with open(named['s.csv'], encoding='utf-8', newline='') as f:
            table = list(csv.DictReader(f))
        with gzip.open(named['s.jsonl.gz'], 'rt', encoding='utf-8') as f:
            jsonl = [json.loads(line) for line in f]
        with open(named['S.JSON'], encoding='utf-8') as f:
            upper = [json.loads(line) for line in f]
        text, forced = (open(named[n], encoding='utf-8').read() for n in ('s.txt', 'forced.csv'))
    check('summary -o NAME.csv writes CSV: the rows of --format csv',
          [(r['type'], r['attempts']) for r in table] == [(r['type'], str(r.get('attempts', ''))) for r in rows],
          str(table[:1]))  # (the subjects differ where CSV defuses a formula)
    check('summary -o NAME.jsonl.gz and NAME.JSON write JSON lines', jsonl == rows and upper == rows)
    check('summary -o NAME.txt stays text, and --format text wins over a .csv name',
          'Findings (most severe first)' in text and forced == text)


def main():
    servers = ('ADFS01', 'ADFS02', 'ADFS-OLD', 'ADFS-JP')
    attempts = [a for a in json.load(open(os.path.join(FIX, 'expected.json'), encoding='utf-8'))['attempts']
                if a['server'].startswith(servers)]
    status, rows = summary([])
    got = {(r['type'], r['subject']) for r in rows if r['type'] not in ('user', 'ip', 'ip_window', 'lockout')}
    want = expected_findings(attempts, json.load(open(os.path.join(FIX, 'expected.json')))['successes'])
    check('findings with the default thresholds', status == 0 and got == want,
          f'extra {sorted(got - want)}, missing {sorted(want - got)}')
    check('the compromise, both sprays, the brute force, the stale credential and the lockouts are all found',
          {k for k, _ in want} == {'compromise', 'password_spray', 'legacy_auth_spray', 'brute_force',
                                   'stale_credential', 'lockout_pressure'})
    verdicts(rows, attempts)
    _, rows = summary(['--lockout-threshold', '3', '--observation-window', '30m'])
    got = {(r['type'], r['subject']) for r in rows if r['type'] not in ('user', 'ip', 'ip_window', 'lockout')}
    want = expected_findings(attempts, json.load(open(os.path.join(FIX, 'expected.json')))['successes'], 3)
    check('lockout pressure against the farm\'s extranet lockout settings', got == want,
          f'extra {sorted(got - want)}, missing {sorted(want - got)}')
    users = {}
    for a in attempts:
        users.setdefault(a['user'], []).append(a)
    got_users = {r['subject']: r for r in rows if r['type'] == 'user'}
    ok = set(got_users) == set(users) and all(
        int(got_users[u]['attempts']) == len(v) and
        int(got_users[u]['bad_password']) == sum(a['outcome'] == 'bad_password' for a in v) and
        got_users[u]['ad_locked_out'] == sum(a['outcome'] == 'ad_locked_out' for a in v) and
        got_users[u]['extranet_locked_out'] == sum(a['outcome'] == 'extranet_locked_out' for a in v) and
        int(got_users[u]['ips']) == len({a['ip'] for a in v}) for u, v in users.items())
    check('per-user attempts, outcomes and IPs', ok)
    ips = {}
    for a in attempts:
        if a['ip']:
            ips.setdefault(a['ip'], []).append(a)
    got_ips = {r['subject']: r for r in rows if r['type'] == 'ip'}
    ok = set(got_ips) == set(ips) and all(
        int(got_ips[i]['attempts']) == len(v) and int(got_ips[i]['users']) == len({a['user'].lower() for a in v}) and
        int(got_ips[i]['max_per_hour']) == busiest(sorted(t(a['time']) for a in v), 3600) for i, v in ips.items())
    check('per-IP attempts, users and busiest hour', ok)
    expected = json.load(open(os.path.join(FIX, 'expected.json'), encoding='utf-8'))
    dc_lockouts = {d['user'] for d in expected['dc_lockouts']}
    check('per-user DC lockouts (4740 linked) and DC failures (4776)',
          all(int(r['dc_lockouts']) == (r['subject'] in dc_lockouts) and
              int(r['dc_failures']) == expected['dc_failures'].get(r['subject'], 0) for r in got_users.values()))
    ad_only = {a['user'].lower() for a in attempts if a['outcome'] == 'ad_locked_out'} - {u.lower() for u in dc_lockouts}
    text = subprocess.run([BADCREDS, 'summary', '-q'] + [os.path.join(FIX, f) for f in FARM], stdout=subprocess.PIPE,
                          check=False).stdout.decode()
    check('the verdict counts the accounts AD refused as locked without a 4740 among the inputs, and says where to '
          'look', f'({len(ad_only)} locked in AD without a 4740 among the inputs: the domain controllers\' logs tell '
          'why)' in text.splitlines()[1] and ad_only, text.splitlines()[1])
    succeeded = {}  # a success after a failure from the same address (the generator's successes)
    for ok in expected['successes']:
        failed_from = {a['ip'] for a in attempts if a['user'] == ok['user'] and t(a['time']) < t(ok['time'])}
        if ok['ip'] in failed_from:
            succeeded[ok['user']] = ok['ip']
    check('a success after failures from the same address is reported for that user',
          succeeded and all(r.get('success_after_failure_from', '') == succeeded.get(u, '')
                            for u, r in got_users.items()), str(succeeded))
    ad = [r for r in rows if r['type'] == 'lockout']
    check('the AD lockout is a lockout row: its cause is the AD FS server and the address behind it',
          len(ad) == len(dc_lockouts) and all('cause adfs' in r['detail'] and 'via ADFS02' in r['detail'] and
                                               '198.51.100.9' in r['detail'] for r in ad), str(ad))
    lock = [r for r in rows if r['type'] == 'lockout_pressure' and r['subject'] in dc_lockouts]
    check('the lockout finding names the server that caused the AD lockout',
          lock and all('locked in AD through ADFS02' in r['detail'] for r in lock))
    windows = {}  # the risky-IP report: per IP and UTC hour, attempts, bad passwords, lockouts, users
    for a in attempts:
        if a['ip']:
            w = windows.setdefault((a['ip'], a['time'][:13]), [0, 0, 0, 0, set()])
            w[0] += 1
            w[1] += a['outcome'] == 'bad_password'
            w[2] += a['outcome'] == 'ad_locked_out'
            w[3] += a['outcome'] == 'extranet_locked_out'
            w[4].add(a['user'].lower())
    got_windows = {(r['subject'], r['first'][:13]): [r['attempts'], r['bad_password'], r['ad_locked_out'],
                                                     r['extranet_locked_out'], r['users']]
                   for r in rows if r['type'] == 'ip_window' and r['window'] == 'hour'}
    check('the risky-IP report\'s hour windows',
          got_windows == {k: [v[0], v[1], v[2], v[3], len(v[4])] for k, v in windows.items()})
    next_steps = {r['subject']: r['next_step'] for r in rows if r['type'] == 'stale_credential'}
    check('an internal source is told to update the credential stored at its address',
          next_steps and all('10.1.2.3' in s and 'update the credential stored there' in s
                             for s in next_steps.values()))
    p = subprocess.run([BADCREDS, 'summary', '-q'] + [os.path.join(FIX, f) for f in FARM], stdout=subprocess.PIPE,
                       check=False)
    text = p.stdout.decode()
    check('text summary names the findings and the next steps',
          'HIGH      password_spray  203.0.113.50' in text and 'next step:' in text and
          'Users (most attempts first)' in text and text.splitlines()[1].startswith('1 compromised account (alice'))
    check_output_names()
    check_local_time(attempts)
    typed_forms()
    long_chart()
    p = subprocess.run([BADCREDS, 'summary', '--spray-window', 'soon', os.path.join(FIX, FARM[0])],
                       stderr=subprocess.PIPE, check=False)
    check('a bad threshold is a usage error', p.returncode == 2 and b'soon' in p.stderr)
    print(f'{len(FAILURES)} failures')
    return 1 if FAILURES else 0


if __name__ == '__main__':
    sys.exit(main())
