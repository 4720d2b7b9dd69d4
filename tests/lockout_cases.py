#!/usr/bin/python3
"""`badcreds lockouts` on small domains written here as XML exports, one scenario each, where the answer follows
from the reference (lockout-sources.md) alone: a lockout counts only the wrong passwords since the account's
previous lockout or unlock; an attempt refused as already locked before the lockout did not cause it; a lockout
through Exchange Online's relay is not fixed at the firewall; an internal RDP client's lockout is its saved or
typed password, not an address to block; Exchange from the internet may be someone guessing.

usage: lockout_cases.py BADCREDS FIXTURE_DIR
"""
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
from xml.sax.saxutils import escape

FAILURES = []
NS = 'http://schemas.microsoft.com/win/2004/08/events/event'
SECURITY = ('Microsoft-Windows-Security-Auditing', '{54849625-5478-4994-A5BA-3E3B0328C30D}')
MIN, SEC, MS = dt.timedelta(minutes=1), dt.timedelta(seconds=1), dt.timedelta(milliseconds=1)


def check(cond, what, detail=''):
    print(('ok   ' if cond else 'FAIL ') + what + ('' if cond else f': {detail}'))
    if not cond:
        FAILURES.append(what)


class Log:
    """One computer's Security log as an XML export (events one after the other, as wevtutil qe writes them)."""

    def __init__(self, computer):
        self.computer, self.events = computer, []

    def add(self, time, event_id, data):
        fields = ''.join(f'<Data Name="{k}">{escape(str(v))}</Data>' for k, v in data)
        self.events.append(
            f'<Event xmlns="{NS}"><System><Provider Name="{SECURITY[0]}" Guid="{SECURITY[1]}" /><EventID>{event_id}'
            f'</EventID><TimeCreated SystemTime="{time.strftime("%Y-%m-%dT%H:%M:%S.%f")}0Z" /><EventRecordID>'
            f'{len(self.events) + 1}</EventRecordID><Channel>Security</Channel><Computer>{escape(self.computer)}'
            f'</Computer></System><EventData>{fields}</EventData></Event>')

    def failed_logon(self, time, user, logon_type, process, ip='-', port='-', workstation='-', package='Negotiate',
                     logon_process='Advapi  '):
        self.add(time, 4625, [
            ('SubjectUserSid', 'S-1-5-18'), ('SubjectUserName', self.computer.split('.')[0] + '$'),
            ('SubjectDomainName', 'CORP'), ('SubjectLogonId', '0x3e7'), ('TargetUserSid', 'S-1-0-0'),
            ('TargetUserName', user), ('TargetDomainName', 'CORP'), ('Status', '0xc000006d'),
            ('FailureReason', '%%2313'), ('SubStatus', '0xc000006a'), ('LogonType', logon_type),
            ('LogonProcessName', logon_process), ('AuthenticationPackageName', package),
            ('WorkstationName', workstation), ('TransmittedServices', '-'), ('LmPackageName', '-'), ('KeyLength', '0'),
            ('ProcessId', '0x2a0'), ('ProcessName', process), ('IpAddress', ip), ('IpPort', port)])

    def kerberos_failure(self, time, user, ip):
        self.add(time, 4771, [
            ('TargetUserName', user), ('TargetSid', 'S-1-5-21-1-2-3-1500'), ('ServiceName', 'krbtgt/CORP'),
            ('TicketOptions', '0x40810010'), ('Status', '0x18'), ('PreAuthType', '2'), ('IpAddress', '::ffff:' + ip),
            ('IpPort', '49700'), ('CertIssuerName', ''), ('CertSerialNumber', ''), ('CertThumbprint', '')])

    def ntlm_failure(self, time, user, workstation):
        self.add(time, 4776, [('PackageName', 'MICROSOFT_AUTHENTICATION_PACKAGE_V1_0'), ('TargetUserName', user),
                              ('Workstation', workstation), ('Status', '0xc000006a')])

    def lockout(self, time, user, caller, domain='CORP'):
        self.add(time, 4740, [
            ('TargetUserName', user), ('TargetDomainName', caller), ('TargetSid', 'S-1-5-21-1-2-3-1500'),
            ('SubjectUserSid', 'S-1-5-18'), ('SubjectUserName', self.computer.split('.')[0] + '$'),
            ('SubjectDomainName', domain), ('SubjectLogonId', '0x3e7')])

    def unlock(self, time, user):
        self.add(time, 4767, [
            ('TargetUserName', user), ('TargetDomainName', 'CORP'), ('TargetSid', 'S-1-5-21-1-2-3-1500'),
            ('SubjectUserSid', 'S-1-5-21-1-2-3-1000'), ('SubjectUserName', 'helpdesk'),
            ('SubjectDomainName', 'CORP'), ('SubjectLogonId', '0x1')])

    def write(self, folder):
        path = os.path.join(folder, self.computer.split('.')[0] + '.xml')
        with open(path, 'w', encoding='utf-8') as f:
            f.write(''.join(self.events))
        return path


def lockouts(badcreds, *args):
    p = subprocess.run([badcreds, 'lockouts', '-f', 'jsonl', *args], capture_output=True, timeout=120)
    rows = [json.loads(line) for line in p.stdout.decode('utf-8').splitlines()]
    return {(r['account'], r['locked_at'][:19]): r for r in rows}


def iso(t):
    return t.strftime('%Y-%m-%dT%H:%M:%S')


def test_windows(badcreds, tmp):
    """A task locks svc-rep, the help desk unlocks it, the task locks it again; a service locks k.ray, then an
    internet RDP attack does. Each lockout counts its own five wrong passwords, whatever the reset window."""
    t = dt.datetime(2026, 11, 30, 9, 0, 0)
    dc, app, rds = Log('DC01.corp.contoso.com'), Log('APP07.corp.contoso.com'), Log('RDS05.corp.contoso.com')
    for start in (t, t + 10 * MIN):
        for i in range(5):
            app.failed_logon(start + i * MIN, 'svc-rep', '4', r'C:\Windows\System32\svchost.exe', workstation='APP07')
            dc.kerberos_failure(start + i * MIN + 10 * MS, 'svc-rep', '10.1.5.17')
    dc.lockout(t + 4 * MIN + SEC, 'svc-rep', 'APP07')
    for at in (t + 5 * MIN, t + 5 * MIN + 30 * SEC):  # between the lockout and the unlock: they count for neither
        app.failed_logon(at, 'svc-rep', '4', r'C:\Windows\System32\svchost.exe', workstation='APP07')
        dc.kerberos_failure(at + 10 * MS, 'svc-rep', '10.1.5.17')
    dc.unlock(t + 6 * MIN, 'svc-rep')
    dc.lockout(t + 14 * MIN + SEC, 'svc-rep', 'APP07')
    t2 = t + 60 * MIN
    for i in range(5):
        app.failed_logon(t2 + i * MIN, 'k.ray', '5', r'C:\Windows\System32\services.exe', workstation='APP07')
        dc.kerberos_failure(t2 + i * MIN + 10 * MS, 'k.ray', '10.1.5.17')
    dc.lockout(t2 + 4 * MIN + SEC, 'k.ray', 'APP07')
    for i in range(5):
        at = t2 + 20 * MIN + i * 10 * SEC
        rds.failed_logon(at, 'k.ray', '10', r'C:\Windows\System32\svchost.exe', ip='185.220.101.4',
                         port=str(50000 + i), workstation='RDS05')
        dc.kerberos_failure(at + 10 * MS, 'k.ray', '10.1.6.25')
    dc.lockout(t2 + 20 * MIN + 41 * SEC, 'k.ray', 'RDS05')
    files = [log.write(tmp) for log in (dc, app, rds)]
    for window in ('30m', '2h'):
        rows = lockouts(badcreds, '--reset-window', window, *files)
        second = rows.get(('svc-rep', iso(t + 14 * MIN + SEC)), {})
        check(second.get('failures') == 5 and second.get('first_failure', '').startswith(iso(t + 10 * MIN)),
              f'--reset-window {window}: after an unlock (4767) a lockout counts only the passwords since',
              second)
        rdp = rows.get(('k.ray', iso(t2 + 20 * MIN + 41 * SEC)), {})
        check(rdp.get('cause') == 'rdp' and rdp.get('failures') == 5 and
              rdp.get('first_failure', '').startswith(iso(t2 + 20 * MIN)),
              f'--reset-window {window}: a second lockout does not count the first one\'s passwords', rdp)


def test_adfs(badcreds, fixtures, tmp):
    """ann's AD FS attempts come through Exchange Online (legacy authentication, ADFS02 at 10:30); a 4740 then
    names ADFS02: the next step is Exchange Online's, not a firewall block of an address AD FS never saw."""
    dc = Log('DC01.contoso.com')
    t = dt.datetime(2026, 11, 20, 10, 30, 0)
    dc.ntlm_failure(t + 5 * MS, 'ann', 'ADFS02')
    dc.lockout(t + SEC, 'ann', 'ADFS02', domain='CONTOSO')
    files = [os.path.join(fixtures, 'ADFS01.evtx'), os.path.join(fixtures, 'ADFS02.evtx'), dc.write(tmp)]
    rows = lockouts(badcreds, *files)
    ann = rows.get(('ann', iso(t + SEC)), {})
    step = ann.get('next_step', '')
    check(ann.get('cause') == 'adfs' and 'Exchange Online' in step and 'firewall block does nothing' in step,
          'a lockout through Exchange Online\'s relay: block legacy authentication there', ann)


def test_prt_device(badcreds, fixtures, tmp):
    """greta's laptop PC-FED01 keeps her old password: its PRT refreshes fail (its AAD logs) and send it to AD FS
    (ADFS-PRT, 12:10:02 from 10.20.30.40); the DC locks her at 12:10:03. The lockout names the device and says to
    sign in on it; without the device's logs it is the stored password at the address, as before."""
    dc = Log('DC01.contoso.com')
    t = dt.datetime(2026, 11, 20, 12, 10, 2)
    dc.ntlm_failure(t + 5 * MS, 'greta', 'ADFS-PRT')
    dc.lockout(t + SEC, 'greta', 'ADFS-PRT', domain='CONTOSO')
    prt = os.path.join(fixtures, 'prt')
    adfs, devices = os.path.join(prt, 'ADFS-PRT.evtx'), [os.path.join(prt, f'PC-FED01-{log}.evtx')
                                                          for log in ('Operational', 'Analytic')]
    files = [adfs, dc.write(tmp)]
    greta = lockouts(badcreds, *files, *devices).get(('greta', iso(t + SEC)), {})
    check(greta.get('cause') == 'adfs' and greta.get('source_host') == 'PC-FED01' and
          greta.get('next_step', '').startswith('sign in on PC-FED01.contoso.com with greta\'s new password') and
          'PRT refresh failing' in greta.get('basis', ''),
          'an AD FS lockout whose attempts a device\'s failing PRT refresh sent names the device', greta)
    check(greta.get('basis', '').startswith('AD FS attempts of the account on ADFS-PRT from 10.20.30.40; the AAD log'),
          '... its basis is the AD FS attempts, then the device\'s log', greta.get('basis'))
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'tools'))
    import mkfixtures
    from evtx_writer import write_file
    farm = mkfixtures.Farm()
    attack = farm.log('ADFS-PRT.contoso.com')  # an outside address guesses greta's password at that moment
    for i in range(3):
        farm.attempt_2012r2(attack, t.replace(tzinfo=dt.timezone.utc) + 300 * MS + i * 200 * MS, 'greta@contoso.com',
                            '198.51.100.99')
    write_file(os.path.join(tmp, 'ATTACK.evtx'), attack.records())
    guessed = lockouts(badcreds, *files, os.path.join(tmp, 'ATTACK.evtx'), *devices).get(('greta', iso(t + SEC)), {})
    step = guessed.get('next_step', '')
    check(guessed.get('source_ip') == '198.51.100.99' and guessed.get('source_host') == '' and
          step.startswith('attempts from 198.51.100.99 reach AD FS') and 'block the address' in step and
          'if it is the network of PC-FED01.contoso.com' in step,
          '... but attempts from outside at that moment are not taken for the device: block first', guessed)
    relay = farm.log('ADFS-PRT.contoso.com')  # later, Exchange Online relays greta's old password instead
    relay.events.clear()
    farm.attempt_2016(relay, t.replace(tzinfo=dt.timezone.utc) + 300 * MS, 'greta@contoso.com', '203.0.113.7',
                      exo=True, forwarded='203.0.113.7')
    write_file(os.path.join(tmp, 'RELAY.evtx'), relay.records())
    relayed = lockouts(badcreds, '--internal', '203.0.113.0/24', *files, os.path.join(tmp, 'RELAY.evtx'),
                       *devices).get(('greta', iso(t + SEC)), {})
    check('Exchange Online' in relayed.get('next_step', '') and
          "but the attempts came through Exchange Online's relay;" in relayed.get('basis', ''),
          '... nor attempts Exchange Online relays: the basis says so (not "from outside")', relayed)
    alone = lockouts(badcreds, *files).get(('greta', iso(t + SEC)), {})
    check(alone.get('cause') == 'adfs' and alone.get('source_host') == '' and
          'update the password stored in the device or application at 10.20.30.40' in alone.get('next_step', '') and
          alone.get('basis', '').startswith('AD FS attempts of the account on ADFS-PRT from 10.20.30.40;') and
          'failed logon' not in alone.get('basis', ''),
          '... and without the device\'s logs, the address that sends it', alone)


def test_internal_rdp_and_exchange(badcreds, tmp):
    """RDP without NLA from an internal client (typed in the session), RDP with NLA from an internal workstation
    (its saved credential), Exchange from an internet address (maybe not the user's device)."""
    t = dt.datetime(2026, 11, 30, 13, 0, 0)
    dc, rds, ex = Log('DC01.corp.contoso.com'), Log('RDS07.corp.contoso.com'), Log('EX02.corp.contoso.com')
    rds.add(t - 60 * MIN, 4624, [('TargetUserName', 'admin'), ('TargetDomainName', 'CORP'), ('LogonType', '10'),
                                 ('IpAddress', '10.1.9.20'), ('IpPort', '3389'), ('WorkstationName', 'RDS07')])
    for i in range(5):
        rds.failed_logon(t + i * 2 * MIN, 'n.internal', '10', r'C:\Windows\System32\svchost.exe', ip='10.1.9.31',
                         port=str(50100 + i), workstation='RDS07', logon_process='User32  ')
        dc.kerberos_failure(t + i * 2 * MIN + 10 * MS, 'n.internal', '10.1.6.27')
        rds.failed_logon(t + 20 * MIN + i * 2 * MIN, 'o.saved', '3', '-', ip='10.1.9.32', port='0',
                         workstation='WKS032', package='NTLM', logon_process='NtLmSsp ')
        dc.ntlm_failure(t + 20 * MIN + i * 2 * MIN + 10 * MS, 'o.saved', 'WKS032')
        ex.failed_logon(t + 60 * MIN + i * 10 * SEC, 'q.owa', '8', r'C:\Windows\System32\inetsrv\w3wp.exe',
                        ip='91.240.118.5', port='443', workstation='EX02')
        dc.ntlm_failure(t + 60 * MIN + i * 10 * SEC + 10 * MS, 'q.owa', 'EX02')
    dc.lockout(t + 8 * MIN + SEC, 'n.internal', 'RDS07')
    dc.lockout(t + 28 * MIN + SEC, 'o.saved', 'WKS032')
    dc.lockout(t + 60 * MIN + 41 * SEC, 'q.owa', 'EX02')
    rows = lockouts(badcreds, *[log.write(tmp) for log in (dc, rds, ex)])
    typed = rows.get(('n.internal', iso(t + 8 * MIN + SEC)), {})
    check(typed.get('cause') == 'rdp' and 'firewall' not in typed.get('next_step', '') and
          'typed in an RDP session' in typed.get('next_step', ''),
          'RDP without NLA from an internal client: the password typed there, no address to block', typed)
    saved = rows.get(('o.saved', iso(t + 28 * MIN + SEC)), {})
    check(saved.get('cause') == 'rdp' and 'firewall' not in saved.get('next_step', '') and
          'saved RDP credential' in saved.get('next_step', '') and 'WKS032' in saved.get('next_step', ''),
          'RDP with NLA from an internal workstation: its saved credential', saved)
    owa = rows.get(('q.owa', iso(t + 60 * MIN + 41 * SEC)), {})
    check(owa.get('cause') == 'exchange' and 'guessing passwords' in owa.get('next_step', ''),
          'Exchange from an internet address: the mail profile, or someone guessing', owa)


def test_host_logs(badcreds, tmp):
    """Lockouts whose caller shows no wrong password of the account: APP04's log is among the inputs (it has failed
    logons, of another account); APP08's is not, or it logs no failed logon (only successful logons)."""
    t = dt.datetime(2026, 11, 30, 15, 0, 0)
    dc, app4, app8 = Log('DC01.corp.contoso.com'), Log('APP04.corp.contoso.com'), Log('APP08.corp.contoso.com')
    for i in range(5):
        dc.kerberos_failure(t + i * MIN, 'svc-x', '10.1.5.14')
        dc.kerberos_failure(t + i * MIN, 'm.ali', '10.1.5.18')
        app4.failed_logon(t + i * MIN, 'someone-else', '3', r'C:\Tools\other.exe', workstation='APP04')
        app8.add(t + i * MIN, 4624, [('TargetUserName', 'm.ali'), ('TargetDomainName', 'CORP'), ('LogonType', '3'),
                                     ('IpAddress', '10.1.5.30'), ('IpPort', '445'), ('WorkstationName', 'WKS1')])
    dc.lockout(t + 4 * MIN + SEC, 'svc-x', 'APP04')
    dc.lockout(t + 4 * MIN + SEC, 'm.ali', 'APP08')
    files = [log.write(tmp) for log in (dc, app4, app8)]
    p = subprocess.run([badcreds, 'lockouts', '-f', 'jsonl', *files], capture_output=True, timeout=120)
    rows = {r['account']: r for r in map(json.loads, p.stdout.decode('utf-8').splitlines())}
    err = p.stderr.decode('utf-8', 'replace')
    x, m = rows.get('svc-x', {}), rows.get('m.ali', {})
    check(x.get('cause') == 'unknown' and 'collect the Security log of APP04' not in x.get('next_step', '') and
          'the log of APP04 is among the inputs' in x.get('basis', ''),
          'a caller whose log is among the inputs is not asked for again', x)
    check(m.get('cause') == 'unknown' and 'collect the Security log of APP08' in m.get('next_step', '') and
          'auditpol /set /subcategory:"Logon" /failure:enable' in m.get('next_step', ''),
          'a caller without a failed logon among the inputs: its log, or its auditing turned on', m)
    check('collect the logs of APP08;' in err and 'APP04' not in err.split('warning:')[-1],
          'the warning lists only the logs that are missing', err)


def test_pdc_copies(badcreds, tmp):
    """Six wrong passwords a second apart on DC01, each checked again by the PDC emulator (DC02) 20 ms later: six
    failures, not one (a copy pairs with one failure only)."""
    t = dt.datetime(2026, 11, 30, 16, 0, 0)
    dc1, dc2, app = Log('DC01.corp.contoso.com'), Log('DC02.corp.contoso.com'), Log('APP01.corp.contoso.com')
    for i in range(6):
        app.failed_logon(t + i * SEC, 'svc-y', '5', r'C:\Windows\System32\services.exe', workstation='APP01')
        dc1.kerberos_failure(t + i * SEC + 10 * MS, 'svc-y', '10.1.5.11')
        dc2.kerberos_failure(t + i * SEC + 30 * MS, 'svc-y', '10.1.5.11')
    dc1.lockout(t + 6 * SEC, 'svc-y', 'APP01')
    dc2.lockout(t + 6 * SEC + 20 * MS, 'svc-y', 'APP01')
    rows = lockouts(badcreds, *[log.write(tmp) for log in (dc1, dc2, app)])
    row = rows.get(('svc-y', iso(t + 6 * SEC)), {})
    check(row.get('failures') == 6 and row.get('cause') == 'service',
          'a burst of wrong passwords a second apart, each copied by the PDC emulator: each counted once', row)


def main():
    badcreds, fixtures = sys.argv[1], sys.argv[2]
    with tempfile.TemporaryDirectory() as tmp:
        for test in (lambda d: test_windows(badcreds, d), lambda d: test_adfs(badcreds, fixtures, d),
                     lambda d: test_internal_rdp_and_exchange(badcreds, d), lambda d: test_host_logs(badcreds, d),
                     lambda d: test_pdc_copies(badcreds, d), lambda d: test_prt_device(badcreds, fixtures, d)):
            sub = tempfile.mkdtemp(dir=tmp)
            test(sub)
    print(f'{len(FAILURES)} failures')
    sys.exit(1 if FAILURES else 0)


if __name__ == '__main__':
    main()
