"""fixtures_domain.py: a small Active Directory domain whose accounts lock out, one lockout per cause, for
`badcreds lockouts`; writes DOMAIN-*.evtx (+ the same events as .xml) and lockouts.json, what the rows must say,
derived from the scenario below (not from badcreds' output).

usage: fixtures_domain.py OUT_DIR

The domain CORP (corp.contoso.com), lockout threshold 5, reset window 30 min:
  DC01 (10.1.0.10) and DC02 (10.1.0.11, the PDC emulator): 4771/4776 for each bad password (the PDC logs the
    re-check of DC01's Kerberos failures too, asked by DC01), 4740 on the locking DC and the PDC, one 4767 unlock,
    4768/4624 noise.
  APP01: the service BackupSvc runs as svc-backup with an old password (4625 type 5 + System 7038), and an
    application (crmsync.exe) signs in as svc-crm with an old one (type 3).
  APP02: a scheduled task runs as svc-report with an old password: locked, unlocked, locked again.
  RDS01: RDP without NLA (an MFA credential provider), an internet brute force against j.doe (type 10).
  RDS02: RDP with NLA: type 3 NTLM failures with IpPort 0 from an internet address whose client calls itself KALI.
  FS01: k.lee's laptop WKS042 maps a drive with an old password (type 3 NTLM, workstation WKS042).
  EX01: p.wong's phone syncs mail through IIS with an old password (type 8, w3wp.exe).
  WKS050: a.kim types wrong passwords at the console; WKS051: b.ross's runas /netonly (type 9).
  ADFS09: AD FS 2016 attempts for r.diaz from an internet address.
  t.nguyen is locked out by LAPTOP7, whose log is missing (the DC saw 10.1.9.77 asking); u.berg by a client the DC
  could not name (empty caller computer).
  Guessing that locks nothing (for summary's logon_* findings, "guessing" in lockouts.json): an SMB brute force of
  Administrator on FS01 from 10.1.7.66, a Kerberos spray of 15 accounts at DC01 from 10.1.7.67, and WKS060 sending
  12 accounts' passwords (4648) beside RDS01's users connecting onward with their own.
  Distractors: c.hall fails three times on FS01 (under the threshold), svc-other fails on APP01 beside svc-backup,
  d.lane fails on RDS02 from inside with a real port; none of them is locked out.
DOMAIN-FORWARDED.evtx is what a Windows Event Forwarding collector holds for FS01, EX01, WKS050, WKS051 and WKS060: their
events in one file, each with its own Computer.
"""
import datetime
import json
import os
import re
import sys

import mkfixtures as mk
from evtx_writer import GUID, HEXINT32, HEXINT64, SID, STRING, UINT32, UINT64, write_file

SECOND = datetime.timedelta(seconds=1)
MINUTE = datetime.timedelta(minutes=1)
MS = datetime.timedelta(milliseconds=1)
T0 = datetime.datetime(2026, 11, 24, 9, 0, 0, tzinfo=datetime.timezone.utc)
FQDN = '.corp.contoso.com'
DOMAIN_SID = 'S-1-5-21-3623811015-3361044348-30300820'
SCM = mk.Provider('Service Control Manager', '{555908d1-a6d7-4695-8e1e-26931d2012f4}', 'System', 0,
                  qualifiers=49152, level=2)

# Field lists and types as in the real samples (4624, 4768, 4771: mitre__ID4625-OpenSSH_*, mitre__ID4768-4771-*).
F4624 = [('SubjectUserSid', SID), ('SubjectUserName', STRING), ('SubjectDomainName', STRING),
         ('SubjectLogonId', HEXINT64), ('TargetUserSid', SID), ('TargetUserName', STRING),
         ('TargetDomainName', STRING), ('TargetLogonId', HEXINT64), ('LogonType', UINT32),
         ('LogonProcessName', STRING), ('AuthenticationPackageName', STRING), ('WorkstationName', STRING),
         ('LogonGuid', GUID), ('TransmittedServices', STRING), ('LmPackageName', STRING), ('KeyLength', UINT32),
         ('ProcessId', HEXINT64), ('ProcessName', STRING), ('IpAddress', STRING), ('IpPort', STRING),
         ('ImpersonationLevel', STRING), ('RestrictedAdminMode', STRING), ('TargetOutboundUserName', STRING),
         ('TargetOutboundDomainName', STRING), ('VirtualAccount', STRING), ('TargetLinkedLogonId', HEXINT64),
         ('ElevatedToken', STRING)]
F4771 = [('TargetUserName', STRING), ('TargetSid', SID), ('ServiceName', STRING), ('TicketOptions', HEXINT32),
         ('Status', HEXINT32), ('PreAuthType', STRING), ('IpAddress', STRING), ('IpPort', STRING),
         ('CertIssuerName', STRING), ('CertSerialNumber', STRING), ('CertThumbprint', STRING)]
F4648 = [('SubjectUserSid', SID), ('SubjectUserName', STRING), ('SubjectDomainName', STRING),
         ('SubjectLogonId', HEXINT64), ('LogonGuid', GUID), ('TargetUserName', STRING), ('TargetDomainName', STRING),
         ('TargetLogonGuid', GUID), ('TargetServerName', STRING), ('TargetInfo', STRING), ('ProcessId', HEXINT64),
         ('ProcessName', STRING), ('IpAddress', STRING), ('IpPort', STRING)]  # as DeepBlueCLI's password-spray sample
F4768 = [('TargetUserName', STRING), ('TargetDomainName', STRING), ('TargetSid', SID), ('ServiceName', STRING),
         ('ServiceSid', SID), ('TicketOptions', HEXINT32), ('Status', HEXINT32), ('TicketEncryptionType', HEXINT32),
         ('PreAuthType', STRING), ('IpAddress', STRING), ('IpPort', STRING), ('CertIssuerName', STRING),
         ('CertSerialNumber', STRING), ('CertThumbprint', STRING)]
F4767 = [('TargetUserName', STRING), ('TargetDomainName', STRING), ('TargetSid', SID), ('SubjectUserSid', SID),
         ('SubjectUserName', STRING), ('SubjectDomainName', STRING), ('SubjectLogonId', HEXINT64)]
F7038 = [('param1', STRING), ('param2', STRING), ('param3', STRING)]
for _fields, _name in ((F4624, '4624-full'), (F4771, '4771'), (F4768, '4768'), (F4767, '4767'), (F7038, '7038'),
                       (F4648, '4648')):
    mk.TEMPLATES[id(_fields)] = mk.named_template(_name, _fields)

SERVICES = 'C:\\Windows\\System32\\services.exe'
SVCHOST = 'C:\\Windows\\System32\\svchost.exe'
W3WP = 'C:\\Windows\\System32\\inetsrv\\w3wp.exe'
CRMSYNC = 'C:\\Program Files\\Contoso CRM\\crmsync.exe'
RUNAS = 'C:\\Windows\\System32\\runas.exe'
MSTSC = 'C:\\Windows\\System32\\mstsc.exe'
ADDRESS = {'DC01': '10.1.0.10', 'DC02': '10.1.0.11', 'APP01': '10.1.5.11', 'APP02': '10.1.5.12',
           'RDS01': '10.1.6.21', 'RDS02': '10.1.6.22', 'FS01': '10.1.7.5', 'EX01': '10.1.8.5', 'WKS050': '10.1.9.50',
           'WKS051': '10.1.9.51', 'ADFS09': '10.1.4.9', 'LAPTOP7': '10.1.9.77'}


def rid(account):
    return f'{DOMAIN_SID}-{1100 + sum(map(ord, account)) % 800}'


class Domain:
    def __init__(self):
        self.farm = mk.Farm()
        self.lockouts, self.system_logs = [], {}
        self.port = 49700

    def log(self, host):
        return self.farm.log(host + FQDN)

    def failed(self, host, t, account, logon_type, process, logon_process='Advapi  ', package='Negotiate',
               workstation=None, ip='-', port='-', locked=False):
        """A 4625 on the host that received the password (as the real samples lay it out)."""
        machine = logon_type in (2, 4, 5, 7, 8, 9, 10, 11) or process not in ('-', '')
        subject = ('S-1-5-18', host + '$', 'CORP', 0x3e7) if machine else ('S-1-0-0', '-', '-', 0)
        status, reason, sub = (0xC0000234, '%%2307', 0) if locked else (0xC000006D, '%%2313', 0xC000006A)
        self.log(host).security(t, 4625, mk.F4625, list(subject) + [
            'S-1-0-0', account, 'CORP', status, reason, sub, logon_type, logon_process, package,
            host if workstation is None else workstation, '-', '-', 0, 0x2a4 if machine else 0,
            process if machine else '-', ip, port])

    def logged_on(self, host, t, account, logon_type, ip='-'):
        self.log(host).security(t, 4624, F4624, [
            'S-1-5-18', host + '$', 'CORP', 0x3e7, rid(account), account, 'CORP', 0x5a3f00 + logon_type, logon_type,
            'User32 ' if logon_type == 10 else 'Kerberos', 'Negotiate', host, '{00000000-0000-0000-0000-000000000000}',
            '-', '-', 0, 0x1c4, SVCHOST, ip, '0' if ip == '-' else '3389', '%%1833', '-', '-', '-', '%%1843', 0,
            '%%1842'])

    def kerberos(self, dc, t, account, client_ip, status=0x18):
        """4771 on the DC that was asked; a wrong password is re-checked at the PDC emulator, which logs it too."""
        self.port += 1
        values = [account, rid(account), 'krbtgt/CORP.CONTOSO.COM', 0x40810010, status, '2', '::ffff:' + client_ip,
                  str(self.port), '', '', '']
        self.log(dc).security(t, 4771, F4771, values)
        if dc != 'DC02':
            self.log('DC02').security(t + 20 * MS, 4771, F4771, values[:6] + ['::ffff:' + ADDRESS[dc], '0'] +
                                      values[8:])

    def explicit(self, host, t, subject, account, server, address, process=''):
        """4648 on the host that sent the credentials (the kernel's SMB client when no process is named)."""
        self.log(host).security(t, 4648, F4648, [
            rid(subject), subject, 'CORP', 0x3069d, '{00000000-0000-0000-0000-000000000000}', account, 'CORP',
            '{00000000-0000-0000-0000-000000000000}', server, server, 0x4 if not process else 0x1a2c, process,
            address, '445'])

    def ntlm(self, dc, t, account, workstation, status=0xC000006A):
        self.log(dc).security(t, 4776, mk.F4776, ['MICROSOFT_AUTHENTICATION_PACKAGE_V1_0', account, workstation,
                                                   status])

    def locked_out(self, t, account, caller, dcs=('DC01', 'DC02'), **expect):
        for k, dc in enumerate(dcs):
            self.log(dc).security(t + k * 2 * SECOND, 4740, mk.F4740, [
                account, caller, rid(account), 'S-1-5-18', dc + '$', 'CORP', 0x3e7])
        self.lockouts.append(dict(account=account, locked_at=mk.iso(t), dcs=[dc + FQDN for dc in dcs],
                                  caller=caller, **expect))

    def unlocked(self, t, account, dc='DC02'):
        self.log(dc).security(t, 4767, F4767, [account, 'CORP', rid(account), rid('helpdesk'), 'helpdesk', 'CORP',
                                               0x7d2a1])

    def service_failed(self, host, t, service, account):
        log = self.system_logs.setdefault(host, mk.Log(host + FQDN))
        log.security(t, 7038, F7038, [service, account, '%%1326'], provider=SCM)


def expect(cause, source_host='', source_ip='', via='', process='', logon_type=None, failures=5, still_failing=0,
           user_agent='', next_step=(), basis=()):
    return dict(cause=cause, source_host=source_host, source_ip=source_ip, via=via, process=process,
                logon_type=logon_type, failures=failures, still_failing=still_failing, user_agent=user_agent,
                next_step=list(next_step), basis=list(basis))


def service_and_application(d):
    """APP01: BackupSvc as svc-backup retries every 2 minutes; crmsync.exe as svc-crm; svc-other under the
    threshold beside them."""
    for i in range(5):
        t = T0 + i * 2 * MINUTE
        d.failed('APP01', t, 'svc-backup', 5, SERVICES)
        d.service_failed('APP01', t + 5 * MS, 'BackupSvc', 'CORP\\svc-backup')
        d.kerberos('DC01', t + 10 * MS, 'svc-backup', ADDRESS['APP01'])
    d.failed('APP01', T0 + 3 * MINUTE, 'svc-other', 5, SERVICES)
    d.kerberos('DC01', T0 + 3 * MINUTE + 10 * MS, 'svc-other', ADDRESS['APP01'])
    d.locked_out(T0 + 8 * MINUTE + SECOND, 'svc-backup', 'APP01', **expect(
        'service', source_host='APP01', process=SERVICES, logon_type=5, still_failing=2,
        next_step=['BackupSvc', 'svc-backup', 'APP01'], basis=['LogonType 5']))
    for i in range(2):  # the service manager keeps trying while the account is locked
        t = T0 + (10 + 2 * i) * MINUTE
        d.failed('APP01', t, 'svc-backup', 5, SERVICES, locked=True)
        d.kerberos('DC01', t + 10 * MS, 'svc-backup', ADDRESS['APP01'], status=0x12)

    t1 = T0 + 20 * MINUTE
    for i in range(5):
        d.failed('APP01', t1 + i * 30 * SECOND, 'svc-crm', 3, CRMSYNC)
        d.kerberos('DC01', t1 + i * 30 * SECOND + 10 * MS, 'svc-crm', ADDRESS['APP01'])
    d.locked_out(t1 + 2 * MINUTE + SECOND, 'svc-crm', 'APP01', **expect(
        'application', source_host='APP01', via='APP01', process=CRMSYNC, logon_type=3,
        next_step=['crmsync.exe', 'svc-crm', 'APP01']))


def scheduled_task(d):
    """APP02: the report task runs every minute as svc-report; locked, unlocked by the help desk, locked again."""
    for round_, start in enumerate((T0 + 60 * MINUTE, T0 + 120 * MINUTE)):
        for i in range(5):
            d.failed('APP02', start + i * MINUTE, 'svc-report', 4, SVCHOST)
            d.kerberos('DC01', start + i * MINUTE + 10 * MS, 'svc-report', ADDRESS['APP02'])
        d.locked_out(start + 4 * MINUTE + SECOND, 'svc-report', 'APP02', dcs=('DC02',), **expect(
            'scheduled_task', source_host='APP02', process=SVCHOST, logon_type=4, still_failing=1 - round_,
            next_step=['scheduled task', 'APP02', 'svc-report']))
        if round_ == 0:  # refused while locked, then the help desk unlocks it and the task fails again later
            d.failed('APP02', start + 10 * MINUTE, 'svc-report', 4, SVCHOST, locked=True)
            d.unlocked(start + 30 * MINUTE, 'svc-report')


def rdp(d):
    """RDS01 without NLA: type 10 from the internet (Kerberos at the DC); RDS02 with NLA: NTLM type 3, IpPort 0,
    a client that calls itself KALI (the caller computer of the 4740); d.lane from inside, under the threshold."""
    start = T0 + 180 * MINUTE
    d.logged_on('RDS01', start - 30 * MINUTE, 'admin.ops', 10, '10.1.9.20')
    for i in range(5):
        t = start + i * 20 * SECOND
        d.failed('RDS01', t, 'j.doe', 10, SVCHOST, logon_process='User32 ', ip='45.141.84.10', port=str(51230 + i))
        d.kerberos('DC01', t + 10 * MS, 'j.doe', ADDRESS['RDS01'])
    d.locked_out(start + 80 * SECOND + SECOND, 'j.doe', 'RDS01', **expect(
        'rdp', source_ip='45.141.84.10', via='RDS01', process=SVCHOST, logon_type=10, still_failing=3,
        next_step=['45.141.84.10', 'RDS01']))
    for i in range(3):
        d.failed('RDS01', start + (100 + 20 * i) * SECOND, 'j.doe', 10, SVCHOST, logon_process='User32 ',
                 ip='45.141.84.10', port=str(51300 + i), locked=True)

    start = T0 + 200 * MINUTE
    d.logged_on('RDS02', start - 60 * MINUTE, 'admin.ops', 10, '10.1.9.20')
    for i in range(5):
        t = start + i * 5 * SECOND
        d.failed('RDS02', t, 'm.smith', 3, '-', 'NtLmSsp ', 'NTLM', 'KALI', '45.141.84.11', '0')
        d.ntlm('DC01', t + 10 * MS, 'm.smith', 'KALI')
    d.failed('RDS02', start + 30 * SECOND, 'd.lane', 3, '-', 'NtLmSsp ', 'NTLM', 'WKS061', '10.1.9.61', '50112')
    d.ntlm('DC01', start + 30 * SECOND + 10 * MS, 'd.lane', 'WKS061')
    d.locked_out(start + 20 * SECOND + SECOND, 'm.smith', 'KALI', **expect(
        'rdp', source_host='KALI', source_ip='45.141.84.11', via='RDS02', logon_type=3,
        next_step=['45.141.84.11', 'RDS02'], basis=['IpPort 0', 'outside', 'KALI is the workstation name']))


def forwarded_hosts(d):
    """FS01 (share), EX01 (Exchange), WKS050 (console), WKS051 (runas /netonly): collected by WEF."""
    start = T0 + 240 * MINUTE
    for i in range(5):
        t = start + i * 3 * SECOND
        d.failed('FS01', t, 'k.lee', 3, '-', 'NtLmSsp ', 'NTLM', 'WKS042', '10.1.9.42', str(49822 + i))
        d.ntlm('DC01', t + 10 * MS, 'k.lee', 'WKS042')
    for i in range(3):
        t = start + 60 * SECOND + i * 3 * SECOND
        d.failed('FS01', t, 'c.hall', 3, '-', 'NtLmSsp ', 'NTLM', 'WKS043', '10.1.9.43', str(50022 + i))
        d.ntlm('DC01', t + 10 * MS, 'c.hall', 'WKS043')
    d.locked_out(start + 12 * SECOND + SECOND, 'k.lee', 'WKS042', **expect(
        'network_share', source_host='WKS042', source_ip='10.1.9.42', via='FS01', logon_type=3,
        next_step=['WKS042', 'FS01', 'cmdkey'], basis=['WKS042 is the workstation name']))

    start = T0 + 260 * MINUTE
    for i in range(5):
        t = start + i * 4 * MINUTE
        d.failed('EX01', t, 'p.wong', 8, W3WP, ip='10.1.9.5', port=str(61000 + i))
        d.ntlm('DC02', t + 10 * MS, 'p.wong', 'EX01')
    d.locked_out(start + 16 * MINUTE + SECOND, 'p.wong', 'EX01', dcs=('DC02',), **expect(
        'exchange', source_ip='10.1.9.5', via='EX01', process=W3WP, logon_type=8,
        next_step=['10.1.9.5', 'mail profile']))

    start = T0 + 300 * MINUTE
    for i in range(5):
        t = start + i * 10 * SECOND
        d.failed('WKS050', t, 'a.kim', 2, SVCHOST, logon_process='User32 ', ip='127.0.0.1', port='0')
        d.kerberos('DC01', t + 10 * MS, 'a.kim', ADDRESS['WKS050'])
    d.locked_out(start + 40 * SECOND + SECOND, 'a.kim', 'WKS050', **expect(
        'interactive', source_host='WKS050', process=SVCHOST, logon_type=2, next_step=['WKS050']))

    start = T0 + 310 * MINUTE
    for i in range(5):
        t = start + i * 10 * SECOND
        d.failed('WKS051', t, 'b.ross', 9, RUNAS, logon_process='seclogo', ip='::1', port='0')
        d.kerberos('DC01', t + 10 * MS, 'b.ross', ADDRESS['WKS051'])
    d.locked_out(start + 40 * SECOND + SECOND, 'b.ross', 'WKS051', **expect(
        'other', source_host='WKS051', process=RUNAS, logon_type=9, next_step=['WKS051', 'logon type 9']))


def adfs_and_unknown(d):
    """ADFS09: r.diaz sprayed through AD FS (2016+ events, 4625 from its service host); t.nguyen locked out by
    LAPTOP7 whose log is missing; u.berg by a client with no name."""
    start = T0 + 330 * MINUTE
    adfs = d.log('ADFS09')
    for i in range(5):
        t = start + i * 15 * SECOND
        d.farm.attempt_2016(adfs, t, 'r.diaz@corp.contoso.com', '203.0.113.200')
        d.ntlm('DC01', t + 5 * MS, 'r.diaz', 'ADFS09')
    d.locked_out(start + 60 * SECOND + SECOND, 'r.diaz', 'ADFS09', **expect(
        'adfs', source_ip='203.0.113.200', via='ADFS09', process=mk.SERVICE_HOST, logon_type=3,
        user_agent='Mozilla/5.0', next_step=['203.0.113.200', 'ADFS09']))

    start = T0 + 350 * MINUTE
    for i in range(5):
        d.kerberos('DC01', start + i * 30 * SECOND, 't.nguyen', ADDRESS['LAPTOP7'])
    d.locked_out(start + 2 * MINUTE + SECOND, 't.nguyen', 'LAPTOP7', **expect(
        'unknown', next_step=['LAPTOP7', '10.1.9.77']))
    for i in range(5):
        d.ntlm('DC02', start + 5 * MINUTE + i * 30 * SECOND, 'u.berg', '')
    d.locked_out(start + 7 * MINUTE + SECOND, 'u.berg', '', dcs=('DC02',), **expect(
        'unknown', next_step=['no caller computer']))


def guessing(d):
    """Password guessing that locks nothing: a compromised desktop (10.1.7.66, DESKTOP-X1) tries 60 passwords of
    Administrator on FS01's share in 3 minutes, and DC01 checks each by NTLM (the same passwords, seen twice);
    10.1.7.67 sprays 15 accounts by Kerberos at DC01 in a minute, 12 real ones and 3 unknown, which the PDC (DC02)
    re-checks. Neither reaches a 4740: the built-in Administrator does not lock, and each account is tried once."""
    start = T0 + 400 * MINUTE
    for i in range(60):
        t = start + i * 3 * SECOND
        d.failed('FS01', t, 'Administrator', 3, '-', 'NtLmSsp ', 'NTLM', 'DESKTOP-X1', '10.1.7.66', str(52000 + i))
        d.ntlm('DC01', t + 10 * MS, 'Administrator', 'DESKTOP-X1')
    start = T0 + 420 * MINUTE
    for i in range(15):
        d.kerberos('DC01', start + i * 4 * SECOND, 'user%02d' % i, '10.1.7.67', status=0x6 if i >= 12 else 0x18)
    # WKS060, compromised: the intern's session sends 12 accounts' passwords to DC01's shares (explicit credentials,
    # 4648, logged by the sender); beside it, on RDS01, 15 users each connect onward with their own account
    start = T0 + 430 * MINUTE
    for i in range(12):
        d.explicit('WKS060', start + i * 5 * SECOND, 'intern', 'svc%02d' % i, 'DC01', ADDRESS['DC01'])
    for i in range(15):
        user = 'rdsuser%02d' % i
        d.explicit('RDS01', start + i * 7 * SECOND, user, user, 'FS01', '10.1.3.1', MSTSC)
    d.guessing = [
        dict(kind='logon_brute_force', subject='10.1.7.66', attempts=60, users=1, server='FS01' + FQDN,
             wrong_passwords=60),
        dict(kind='logon_spray', subject='10.1.7.67', attempts=15, users=15, server='DC01' + FQDN,
             wrong_passwords=12, unknown_accounts=3),
        dict(kind='logon_spray', subject='WKS060' + FQDN + ' as CORP\\intern (explicit credentials)', attempts=12,
             users=12, server=ADDRESS['DC01']),
    ]


def noise(d):
    """Tickets and logons that have nothing to do with a lockout, on both DCs."""
    for i in range(60):
        t = T0 + i * 6 * MINUTE + 7 * SECOND
        account = ('admin.ops', 'k.lee', 'p.wong', 'svc-backup')[i % 4]
        d.log(('DC01', 'DC02')[i % 2]).security(t, 4768, F4768, [
            account, 'CORP.CONTOSO.COM', rid(account), 'krbtgt', DOMAIN_SID + '-502', 0x40810010, 0, 0x12, '2',
            '::ffff:10.1.9.%d' % (20 + i % 7), str(50000 + i), '', '', ''])
        d.logged_on(('DC01', 'DC02')[i % 2], t + SECOND, account, 3, '10.1.9.%d' % (20 + i % 7))


def write_xml(path, events):
    with open(path, 'w', encoding='utf-8') as f:
        f.write(''.join(events))


def write_forwarded(out, logs):
    """One file holding several computers' events in time order, numbered anew, as a WEF collector has them."""
    merged = []
    for log in logs:
        merged += zip(log.records(), log.xml_events())
    merged.sort(key=lambda pair: pair[0][0])
    records, events = [], []
    for n, ((ft, template, values), xml) in enumerate(merged, 1):
        values = list(values)
        values[10] = (UINT64, n)
        records.append((ft, template, values))
        events.append(re.sub(r'<EventRecordID>\d+</EventRecordID>', f'<EventRecordID>{n}</EventRecordID>', xml))
    write_file(os.path.join(out, 'DOMAIN-FORWARDED.evtx'), records)
    write_xml(os.path.join(out, 'DOMAIN-FORWARDED.xml'), events)


def build(out):
    d = Domain()
    for scenario in (service_and_application, scheduled_task, rdp, forwarded_hosts, adfs_and_unknown, guessing,
                     noise):
        scenario(d)
    forwarded = ('FS01', 'EX01', 'WKS050', 'WKS051', 'WKS060')
    for server, log in d.farm.logs.items():
        short = server.split('.')[0]
        if short in forwarded:
            continue
        write_file(os.path.join(out, f'DOMAIN-{short}.evtx'), log.records())
        write_xml(os.path.join(out, f'DOMAIN-{short}.xml'), log.xml_events())
    for host, log in d.system_logs.items():
        write_file(os.path.join(out, f'DOMAIN-{host}-System.evtx'), log.records())
        write_xml(os.path.join(out, f'DOMAIN-{host}-System.xml'), log.xml_events())
    write_forwarded(out, [d.log(h) for h in forwarded])
    lockouts = sorted(d.lockouts, key=lambda e: (e['locked_at'], e['account']))
    with open(os.path.join(out, 'lockouts.json'), 'w') as f:
        json.dump({'lockouts': lockouts, 'attempts': d.farm.expected, 'guessing': d.guessing}, f, indent=1)


if __name__ == '__main__':
    build(sys.argv[1])
