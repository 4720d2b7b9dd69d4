#!/usr/bin/python3
"""`badcreds summary`'s findings of password guessing outside AD FS (logon_spray, logon_brute_force) on the generated
domain (tools/fixtures_domain.py, "guessing" in lockouts.json): exactly the two attacks the scenario holds, each
password counted once although a host and a DC, or two DCs, log it (the domain's lockouts, typos and old saved
passwords, make no such finding); the view of a DC's log alone; thresholds, selection options, the same logs given
twice, spilled runs; and the real samples of Kerberos and local guessing when ../shared/samples is there.

usage: guessing_fixtures.py BADCREDS DOMAIN_DIR SAMPLES_DIR
"""
import glob
import json
import os
import subprocess
import sys

FAILURES = []


def check(cond, what):
    print(('ok   ' if cond else 'FAIL ') + what)
    if not cond:
        FAILURES.append(what)


def summary(badcreds, *args, env=None):
    p = subprocess.run([badcreds, 'summary', '-f', 'jsonl', *args], capture_output=True, timeout=120,
                       env=dict(os.environ, **(env or {})))
    rows = [json.loads(line) for line in p.stdout.decode('utf-8').splitlines()]
    return p.returncode, rows, p.stderr.decode('utf-8', 'replace')


def guessing(rows):
    return [r for r in rows if r['type'] in ('logon_spray', 'logon_brute_force')]


def kinds(rows):
    return sorted((r['type'], r['subject']) for r in guessing(rows))


def test_scenario(badcreds, logs, wanted):
    rc, rows, err = summary(badcreds, *logs)
    found = {(r['type'], r['subject']): r for r in guessing(rows)}
    check(sorted(found) == sorted((w['kind'], w['subject']) for w in wanted),
          f'the three attacks and nothing else (no lockout, typo, DC re-check, AD FS check, or RDS01\'s users '
          f'connecting onward with their own accounts): {sorted(found)}')
    for w in wanted:
        r = found.get((w['kind'], w['subject']))
        if not r:
            continue
        problems = [f'{k} {r.get(k)!r} != {w[k]!r}' for k in ('attempts', 'users', 'server') if r.get(k) != w[k]]
        words = [f'{w["wrong_passwords"]} wrong passwords'] if 'wrong_passwords' in w else \
            ['tries in all', 'explicit credentials (4648)', "whether they worked is in the targets' logs"]
        if w.get('unknown_accounts'):
            words.append(f'{w["unknown_accounts"]} unknown accounts')
        problems += [f'detail lacks {x!r}: {r["detail"]!r}' for x in words if x not in r['detail']]
        technique = 'T1110.003' if w['kind'] == 'logon_spray' else 'T1110.001'
        if r.get('technique') != technique or 'isolate' not in r['next_step'] or r['severity'] != 'high':
            problems.append(f'technique, severity or next step: {r.get("technique")}, {r["severity"]}, '
                            f'{r["next_step"]!r}')
        check(not problems, f'{w["kind"]} {w["subject"]}: ' + ('; '.join(problems) or 'as the scenario says'))
    adfs = [r for r in rows if r['type'] == 'brute_force' and r['subject'].startswith('r.diaz')]
    check(len(adfs) == 1 and adfs[0]['ongoing'] is False and adfs[0]['last'] < '2026-11-24T15:00',
          'the AD FS brute force that ended at 14:31 is not "still going on" when the DCs\' logs, read after it, '
          f'run to 16:00 (every finding is measured against the end of all the data) ({adfs})')
    p = subprocess.run([badcreds, 'summary', *logs], capture_output=True, timeout=120)
    text = p.stdout.decode('utf-8')
    total = sum(w['attempts'] for w in wanted)
    check(' failed logons outside AD FS from ' in text.split('\n')[1],
          f'the verdict counts the failed logons outside AD FS: {text.splitlines()[1]!r}')
    check('logon_brute_force  10.1.7.66: 60 failures of Administrator within 5 min' in text,
          'the text summary names the source, the account and the burst')
    return rows, total


def test_twice(badcreds, logs, rows):
    xml = [x[:-5] + '.xml' for x in logs]
    _, again, _ = summary(badcreds, *logs, *logs)
    check(guessing(again) == guessing(rows), 'the same logs given twice: the same findings, each failure once')
    _, exported, _ = summary(badcreds, *xml)
    check(guessing(exported) == guessing(rows), 'the XML exports give the same findings as the EVTX files')
    _, both, _ = summary(badcreds, *reversed(xml + logs))
    check(guessing(both) == guessing(rows), 'EVTX files and their XML exports together, reversed: the same findings')
    _, spilled, _ = summary(badcreds, *logs, env={'BADCREDS_SUMMARY_RUN_BYTES': '256'})
    check(guessing(spilled) == guessing(rows), 'runs of 256 bytes (every few failures to the temporary file): the '
          'same findings')
    _, one, _ = summary(badcreds, '-j', '1', *logs)
    _, three, _ = summary(badcreds, '-j', '3', *logs)
    check(guessing(one) == guessing(rows) == guessing(three), 'the same findings at 1 and 3 threads')


def test_dc_alone(badcreds, folder):
    dc01 = os.path.join(folder, 'DOMAIN-DC01.evtx')
    rc, rows, err = summary(badcreds, dc01)
    found = {(r['type'], r['subject']): r for r in guessing(rows)}
    r = found.get(('logon_brute_force', 'DESKTOP-X1 (workstation name)'))
    check(r is not None and r['attempts'] == 60 and 'NTLM (4776)' in r['detail'] and
          'only the name the client gave' in r['next_step'],
          f'DC01 alone (FS01\'s log missing): the brute force by the name the client gave, 60 NTLM checks '
          f'({r and r["detail"]!r})')
    check(('logon_spray', '10.1.7.67') in found, 'DC01 alone: the Kerberos spray')
    check(rc == 0 and 'the summary answers for' in err and 'failed logons outside AD FS' in err and
          'cannot answer' not in err, f'no AD FS events, but an answer: a note, exit 0 (got {rc}: {err.strip()!r})')
    p = subprocess.run([badcreds, 'scan', '-q', '-o', '-', dc01], capture_output=True, timeout=120)
    check('badcreds summary finds password guessing among them' in p.stderr.decode(),
          f'scan of a DC\'s log points to summary for the guessing ({p.stderr.decode().strip()!r})')
    rc, rows, err = summary(badcreds, os.path.join(folder, 'DOMAIN-DC02.evtx'))
    r = {(x['type'], x['subject']): x for x in guessing(rows)}.get(('logon_spray', '10.1.0.10'))
    check(r is not None and 'its own log names the clients' in r['next_step'],
          'the PDC (DC02) alone: its re-checks of DC01\'s failures look like DC01 guessing, and the next step says '
          'a DC\'s or a relay\'s own log names the clients')
    rc, rows, err = summary(badcreds, dc01, os.path.join(folder, 'DOMAIN-DC02.evtx'))
    check(kinds(rows) == [('logon_brute_force', 'DESKTOP-X1 (workstation name)'), ('logon_spray', '10.1.7.67')],
          f'both DCs: the PDC\'s re-checks pair with DC01\'s failures and count once ({kinds(rows)})')


def test_options(badcreds, logs):
    def found(*args):  # the findings of failures (the 4648 sender's are checked apart)
        return [k for k in kinds(summary(badcreds, *args, *logs)[1]) if not k[1].endswith('(explicit credentials)')]
    brute, spray = ('logon_brute_force', '10.1.7.66'), ('logon_spray', '10.1.7.67')
    check(found('--logon-attempts', '60') == [brute, spray] and found('--logon-attempts', '61') == [spray],
          '--logon-attempts: 60 failures make the brute force, 61 are needed for none')
    check(found('--spray-users', '15') == [brute, spray] and found('--spray-users', '16') == [brute],
          '--spray-users: 15 accounts make the spray, 16 are needed for none')
    check(found('--spray-users', '15', '--spray-window', '56s') == [brute] and
          found('--spray-users', '15', '--spray-window', '57s') == [brute, spray],
          '--spray-window: the 15 accounts span 56 seconds (a failure 56 s after the first is outside a 56 s window)')
    check(found('--user', '^administrator$') == [brute], '--user selects the failures by account')
    check(found('--ip', '10.1.7.67') == [spray] and found('--exclude-ip', '10.1.7.0/24') == [],
          '--ip and --exclude-ip select them by source address (the DCs\' checks of those passwords, which name no '
          'address or the PDC\'s, are left out with them)')
    check(found('--server', '^FS01') == [brute], '--server selects them by host')
    check(found('--outcome', 'bad_password') == [], '--outcome, which only AD FS attempts have, leaves them out')
    adfs_own = ('logon_brute_force', 'ADFS09 (workstation name)')  # DC01's 5 NTLM checks of r.diaz's AD FS passwords
    check(all(adfs_own not in found('--logon-attempts', '5', *more)
              for more in ((), ('--exclude-ip', '203.0.113.200'), ('--server', '^DC01'))),
          'AD FS\'s own checks at the DC stay AD FS\'s whatever the options keep of its attempts (--exclude-ip of its '
          'client, --server of the DC)')
    check(found('--since', '2026-11-24T15:50:00Z') == [spray], '--since leaves the earlier brute force out')
    sender = ('logon_spray', 'WKS060.corp.contoso.com as CORP\\intern (explicit credentials)')
    check(kinds(summary(badcreds, '--user', '^svc0', *logs)[1]) == [sender],
          '--user selects the 4648 sender\'s tries by the accounts they sent')
    check(sender not in kinds(summary(badcreds, '--spray-users', '13', *logs)[1]),
          'the sender\'s 12 accounts are under --spray-users 13')


def test_same_host(badcreds):
    """A server's 4776 of a local account (or a DC's of its own NTLM logon) and its 4625 of that logon are one
    password: an RDP/SMB brute force of RDS01's local Administrator counts once, from the address."""
    import datetime
    import tempfile
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'tools'))
    import fixtures_domain as fd
    from evtx_writer import write_file
    d = fd.Domain()
    for i in range(20):
        t = fd.T0 + i * 3 * datetime.timedelta(seconds=1)
        d.ntlm('RDS01', t, 'Administrator', 'KALI')
        d.failed('RDS01', t + fd.MS, 'Administrator', 3, '-', 'NtLmSsp ', 'NTLM', 'KALI', '45.1.2.3', str(50000 + i))
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, 'RDS01.evtx')
        write_file(path, d.log('RDS01').records())
        rc, rows, err = summary(badcreds, path)
    found = {(r['type'], r['subject']): r['attempts'] for r in guessing(rows)}
    check(found == {('logon_brute_force', '45.1.2.3'): 20},
          f'a 4776 and a 4625 of one password on one server count once, from the address ({found})')


def test_adfs_checks_only_near(badcreds):
    """AD FS's own DC checks are those within a minute of an AD FS attempt of the account, not every DC failure of an
    account AD FS saw once: bob signs in through AD FS (wrong passwords) at 09:00 and 19:00, each checked by DC01
    over NTLM from ADFS09; at 12:00 10.1.7.99 tries 60 of bob's passwords by Kerberos at DC01."""
    import datetime
    import tempfile
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'tools'))
    import fixtures_domain as fd
    from evtx_writer import write_file
    second, hour = datetime.timedelta(seconds=1), datetime.timedelta(hours=1)
    d = fd.Domain()
    adfs = d.log('ADFS09')
    for t in (fd.T0, fd.T0 + 10 * hour):
        d.farm.attempt_2016(adfs, t, 'bob@corp.contoso.com', '203.0.113.9')
        d.ntlm('DC01', t + 5 * fd.MS, 'bob', 'ADFS09')
    for i in range(60):
        d.kerberos('DC01', fd.T0 + 3 * hour + i * 3 * second, 'bob', '10.1.7.99')
    with tempfile.TemporaryDirectory() as tmp:
        logs = []
        for server, log in d.farm.logs.items():
            logs.append(os.path.join(tmp, server.split('.')[0] + '.evtx'))
            write_file(logs[-1], log.records())
        rc, rows, err = summary(badcreds, *logs)
        text = subprocess.run([badcreds, 'summary', '-q', *logs], capture_output=True, timeout=120).stdout.decode()
    found = {(r['type'], r['subject']): r['attempts'] for r in guessing(rows)}
    check(found == {('logon_brute_force', '10.1.7.99'): 60} and
          '; 60 failed logons outside AD FS from 1 source' in text,
          f'a Kerberos brute force between two AD FS attempts of the account is found, and AD FS\'s own two checks '
          f'are not counted ({found})')


def test_conflicting_copies(badcreds):
    """Two logs that hold one event (its computer, time, EventID, EventRecordID, account and address) with other
    contents (a damaged or forged copy): the copy that counts, and so the report, does not depend on their order."""
    import tempfile
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from xml_events import event_xml

    def failures(logon_type, process):
        return '<Events>' + ''.join(event_xml(
            k + 1, f'2026-11-20T08:00:{k:02d}.000', 'Microsoft-Windows-Security-Auditing', 4625,
            '<Data Name="TargetUserName">bob</Data><Data Name="Status">0xc000006d</Data><Data Name="SubStatus">'
            f'0xc000006a</Data><Data Name="LogonType">{logon_type}</Data><Data Name="ProcessName">{process}</Data>'
            '<Data Name="IpAddress">198.51.100.4</Data>', 'SRV1') for k in range(12)) + '</Events>'
    with tempfile.TemporaryDirectory() as tmp:
        a, b = os.path.join(tmp, 'a.xml'), os.path.join(tmp, 'b.xml')
        with open(a, 'w', encoding='utf-8') as out:
            out.write(failures(3, 'C:\\a.exe'))
        with open(b, 'w', encoding='utf-8') as out:
            out.write(failures(10, 'C:\\b.exe'))
        one, two = guessing(summary(badcreds, a, b)[1]), guessing(summary(badcreds, b, a)[1])
    check(len(one) == 1 and one == two, f'conflicting copies of one event: the same report in either order '
          f'({[r["detail"] for r in one]} / {[r["detail"] for r in two]})')


def test_samples(badcreds, samples):
    def one(name, *args):
        path = os.path.join(samples, name)
        if not os.path.exists(path):
            print(f'skip {name}: not in {samples}')
            return None
        return {(r['type'], r['subject']): r for r in guessing(summary(badcreds, *args, path)[1])}
    f = one('mitre__ID4771-Kerberos_bruteforce_valid_user.evtx')
    if f is not None:
        r = f.get(('logon_brute_force', '10.23.123.11'))
        check(len(f) == 1 and r and r['attempts'] == 54 and r['top_users'] == 'admin-hacker (54)',
              f'real Kerberos brute force (54 4771s of admin-hacker): one finding ({sorted(f)})')
    path = os.path.join(samples, 'mitre__ID4771-Kerberos_bruteforce_valid_user.evtx')
    if os.path.exists(path):
        p = subprocess.run([badcreds, 'lockouts', '-q', '-o', '-', path], capture_output=True, timeout=120)
        check('badcreds summary finds password guessing among the failures' in p.stderr.decode(),
              'lockouts of a DC\'s log without a 4740 points to summary for the guessing')
    f = one('mitre__ID4768-4771-Kerbrute_user_enum.evtx')
    if f is not None:
        r = f.get(('logon_spray', '10.23.123.11'))
        check(len(f) == 1 and r and r['users'] == 22, f'real Kerbrute run (22 accounts): a spray ({sorted(f)})')
    f = one('mitre__ID4776-4625-AccountRestore_local_bruteforce.evtx')
    if f is not None:
        check(f == {}, 'real local guessing of 8 passwords per account: under --logon-attempts 10')
        f = one('mitre__ID4776-4625-AccountRestore_local_bruteforce.evtx', '--logon-attempts', '8')
        r = f.get(('logon_brute_force', 'WIN (on the host itself)'))
        check(r is not None and 'AccountRestore.exe' in r['detail'] and 'console logon' in r['detail'],
              f'... with --logon-attempts 8: on the host itself, naming the program ({r and r["detail"]!r})')
    f = one('mitre__ID4625-failed_login_account_restriction.evtx')
    if f is not None:
        check(f == {}, 'account restrictions (a right password refused) are no guesses')


def main():
    badcreds, folder, samples = sys.argv[1:4]
    logs = sorted(glob.glob(os.path.join(folder, 'DOMAIN-*.evtx')))
    with open(os.path.join(folder, 'lockouts.json')) as f:
        wanted = json.load(f)['guessing']
    rows, _ = test_scenario(badcreds, logs, wanted)
    test_twice(badcreds, logs, rows)
    test_dc_alone(badcreds, folder)
    test_options(badcreds, logs)
    test_same_host(badcreds)
    test_adfs_checks_only_near(badcreds)
    test_conflicting_copies(badcreds)
    test_samples(badcreds, samples)
    print(f'{len(FAILURES)} failure{"s" if len(FAILURES) != 1 else ""}')
    return 1 if FAILURES else 0


if __name__ == '__main__':
    sys.exit(main())
