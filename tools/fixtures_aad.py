#!/usr/bin/python3
"""fixtures_aad.py: writes Entra PRT fixtures for `badcreds prt` into OUT_DIR/prt/: the Microsoft-Windows-AAD
Operational and Analytic logs of a few Windows devices (real EVTX, and the same events as wevtutil XML), an AD FS log
the federated device's stale password reaches, and prt-expected.json: every acquisition's fields, derived from the
scenario parameters below (not from badcreds' output).

Event layouts are the manifest ones of ../shared/reference/aad-prt-events.md §3 (field names and types exactly as
listed there; 1144's misnamed fields as they are: UPN in Method, authority in EndpointUri, domain hint in
CorrelationID, useUpn in value). Called from mkfixtures.py.

Devices (Analytic and Operational logs unless said):
  PC-FED01  federated, hybrid-joined: two acquisitions 1006 1018 1144 1022(AD FS usernamemixed)
            1088(FailedAuthentication) 1007 0xC000006A ten minutes apart, each with an AD FS bad password of the
            user on usernamemixed (one typed as CONTOSO\\greta) in ADFS-PRT.evtx; a browser bad password (/adfs/ls/),
            another user's and one 40 min later are not linked; then a success.
  PC-MGD01  managed domain: 1081 invalid_grant AADSTS50126, 1007 0xC000006D.
  PC-DEL01  device deleted in Entra: 1081 AADSTS50155, 1007 0xC000006D.
  PC-NET01  1084 12029 then 1007 0xC000023C; a second acquisition with 1084 as an HRESULT (0x80072EE7 as Int32);
            a 1084 outside any Analytic window.
  PC-UPN01  malformed UPN (1007 0xC004844C), then realm not found (1007 0xC000005F).
  PC-ODD01  a status no table knows (0xC0DE0001).
  PC-ALT01  (prt/alt/PC-ALT01.xml only) the layout alternatives the reference leaves open: Data without names or
            with other names (read by position), 1144's UPN in a field named UPN, statuses as unsigned and signed
            decimal, 1084's Result as an HRESULT in hex; an acquisition the log ends in; AAD events numbered 411 and 1203.
  PC-EVIL01 (prt/alt/PC-EVIL01-Analytic.evtx only) a UPN typed at an Entra-joined device's sign-in screen to act
            on a terminal and in a spreadsheet.
  PC-OPS01  Operational only: three bursts (AADSTS50034 naming the user + 1160; 1084 12002 + 1086 0xC000023C; 1104
            0x800484C1 alone, the 0x8004 form of a CloudAP code).
"""
import datetime
import json
import os
import sys
import uuid
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mkfixtures as mk  # noqa: E402
from evtx_writer import BINXML, FILETIME, GUID, HEXINT32, HEXINT64, INT32, SID, STRING, UINT8, UINT16, UINT32, \
    UINT64, write_file  # noqa: E402

AAD = 'Microsoft-Windows-AAD'
AAD_GUID = '{4de9bc9c-b27a-43c9-8994-0915f1a5e24f}'
OPERATIONAL, ANALYTIC = AAD + '/Operational', AAD + '/Analytic'
WSTRUST = 'https://sts.contoso.com/adfs/services/trust/13/usernamemixed'
TOKEN = 'https://login.microsoftonline.com/4d3c2b1a-0000-4000-8000-00000000c0de/oauth2/token'
SOAP = ('<s:Text xml:lang="en-US" xmlns:s="http://www.w3.org/2003/05/soap-envelope">ID3242: The security token '
        'could not be authenticated or authorized.</s:Text>')
SEC, MS = datetime.timedelta(seconds=1), datetime.timedelta(milliseconds=1)
T0 = mk.BASE + datetime.timedelta(hours=4)

# event ID -> (channel, level, opcode, [(field, type)]), as the reference lists them
LAYOUTS = {
    1006: (ANALYTIC, 4, 1, []),
    1007: (ANALYTIC, 4, 2, [('Status', HEXINT32)]),
    1018: (ANALYTIC, 4, 1, [('value', STRING)]),
    1022: (ANALYTIC, 4, 1, [('value', STRING)]),
    1081: (OPERATIONAL, 2, 0, [('Error', STRING), ('ErrorDescription', STRING), ('CorrelationID', STRING)]),
    1084: (OPERATIONAL, 2, 0, [('Result', INT32), ('Target', STRING)]),
    1086: (OPERATIONAL, 2, 0, [('Status', HEXINT32), ('CorrelationID', STRING)]),
    1088: (OPERATIONAL, 2, 0, [('Error', STRING), ('ErrorDescription', STRING)]),
    1104: (OPERATIONAL, 2, 0, [('API', STRING), ('Result', UINT32)]),
    1144: (ANALYTIC, 4, 0, [('value', INT32), ('Method', STRING), ('EndpointUri', STRING), ('CorrelationID', STRING)]),
    1160: (OPERATIONAL, 2, 0, [('Status', HEXINT32), ('CorrelationID', STRING)]),
}
TEMPLATES = {eid: mk.named_template(f'aad-{eid}', fields) for eid, (_, _, _, fields) in LAYOUTS.items()}


class AadLog:
    """One channel of one device, kept as (time, event ID, values)."""

    def __init__(self, device, channel):
        self.device, self.channel, self.events = device, channel, []

    def records(self):
        out = []
        for n, (t, eid, vals) in enumerate(sorted(self.events, key=lambda e: e[0]), 1):
            _, level, opcode, fields = LAYOUTS[eid]
            values = [(STRING, AAD), (GUID, AAD_GUID), (UINT16, None), (UINT16, eid), (UINT8, 0), (UINT8, level),
                      (UINT16, 101), (UINT8, opcode), (HEXINT64, 0x4000000000000000), (FILETIME, mk.filetime(t)),
                      (UINT64, n), (GUID, None), (UINT32, 1104), (UINT32, 2468), (STRING, self.channel),
                      (STRING, self.device), (SID, 'S-1-5-18'),
                      (BINXML, (TEMPLATES[eid], [(ft, v) for (_, ft), v in zip(fields, vals)]))]
            out.append((mk.filetime(t), mk.MODERN, values))
        return out

    def xml_events(self):
        """wevtutil qe /f:xml form."""
        out = []
        for n, (t, eid, vals) in enumerate(sorted(self.events, key=lambda e: e[0]), 1):
            ev = ET.Element('Event', xmlns=mk.NS)
            s = ET.SubElement(ev, 'System')
            ET.SubElement(s, 'Provider', Name=AAD, Guid=AAD_GUID.upper())
            ET.SubElement(s, 'EventID').text = str(eid)
            ET.SubElement(s, 'TimeCreated', SystemTime=mk.iso(t))
            ET.SubElement(s, 'EventRecordID').text = str(n)
            ET.SubElement(s, 'Channel').text = self.channel
            ET.SubElement(s, 'Computer').text = self.device
            ed = ET.SubElement(ev, 'EventData')
            for (name, ftype), v in zip(LAYOUTS[eid][3], vals):
                ET.SubElement(ed, 'Data', Name=name).text = f'0x{v:x}' if ftype == HEXINT32 else str(v)
            out.append(ET.tostring(ev, encoding='unicode'))
        return out


class Devices:
    def __init__(self):
        self.logs, self.rows = {}, []

    def log(self, device, channel):
        return self.logs.setdefault((device, channel), AadLog(device, channel))

    def event(self, device, t, eid, *vals):
        self.log(device, LAYOUTS[eid][0]).events.append((t, eid, list(vals)))

    def acquisition(self, device, t, upn, steps, status):
        """1006, 1018, 1144, then `steps` [(event ID, values...)] a second apart, then 1007; returns its end."""
        corr = str(uuid.uuid5(uuid.NAMESPACE_DNS, f'{device}{t}'))
        self.event(device, t, 1006)
        self.event(device, t + 10 * MS, 1018, corr)
        if upn:
            self.event(device, t + 20 * MS, 1144, 0, upn, 'https://login.microsoftonline.com',
                       upn.split('@')[-1])
        for i, step in enumerate(steps, 1):
            self.event(device, t + i * SEC, *step)
        end = t + (len(steps) + 1) * SEC
        self.event(device, end, 1007, status)
        return corr, end

    def expect(self, device, user, start, end, basis, status='', status_name='', server_error='', aadsts='', url='',
               network_error='', category='', fix='', adfs_attempts=None, adfs_first='', events=0):
        self.rows.append({'device': device, 'user': user, 'start': mk.iso(start), 'end': mk.iso(end) if end else '',
                          'basis': basis, 'status': status, 'status_name': status_name,
                          'server_error': server_error, 'aadsts': aadsts, 'url': url,
                          'network_error': network_error, 'category': category, 'fix': fix,
                          'adfs_attempts': adfs_attempts, 'adfs_first': adfs_first, 'events': events})


def wstrust_attempt(farm, log, t, user, ip):
    """An AD FS 2016 bad password on the WS-Trust usernamemixed endpoint (the Farm's request, endpoint changed)."""
    first = len(log.events)
    farm.attempt_2016(log, t, user, ip)
    for k in range(first, len(log.events)):
        t_, kind, eid, data, failure = log.events[k]
        if kind == 'adfs':
            data = [d.replace('/adfs/ls/', '/adfs/services/trust/13/usernamemixed') for d in data]
            log.events[k] = (t_, kind, eid, data, failure)


def federated(d, farm, adfs):
    fed, minute = 'PC-FED01.contoso.com', datetime.timedelta(minutes=1)
    for k in range(2):
        t = T0 + k * 10 * minute
        _, end = d.acquisition(fed, t, 'greta@contoso.com', [(1022, WSTRUST), (1088, 'FailedAuthentication', SOAP)],
                               0xC000006A)
        wstrust_attempt(farm, adfs, t + 2 * SEC, 'greta@contoso.com' if k == 0 else 'CONTOSO\\greta', '10.20.30.40')
        d.expect(fed, 'greta@contoso.com', t, end, 'analytic', '0xC000006A', 'STATUS_WRONG_PASSWORD',
                 'FailedAuthentication', url=WSTRUST, category='credentials', fix='lock and unlock',
                 adfs_attempts=1, adfs_first=mk.iso(t + 2 * SEC), events=6)
    farm.attempt_2016(adfs, T0 + 3 * minute, 'greta@contoso.com', '203.0.113.5')          # browser: /adfs/ls/
    wstrust_attempt(farm, adfs, T0 + SEC, 'otto@contoso.com', '10.20.30.41')               # another user
    wstrust_attempt(farm, adfs, T0 + 40 * minute, 'greta@contoso.com', '10.20.30.40')      # long after
    t = T0 + 60 * minute
    _, end = d.acquisition(fed, t, 'greta@contoso.com', [(1022, WSTRUST)], 0)
    d.expect(fed, 'greta@contoso.com', t, end, 'analytic', '0x00000000', 'STATUS_SUCCESS', url=WSTRUST, events=5)


def entra(d):
    mgd, dele, net = 'PC-MGD01.contoso.com', 'PC-DEL01.contoso.com', 'PC-NET01.contoso.com'
    t = T0 + datetime.timedelta(minutes=5)
    _, end = d.acquisition(mgd, t, 'hans@contoso.com', [(1022, TOKEN), (1081, 'invalid_grant', (
        'AADSTS50126: Error validating credentials due to invalid username or password. Trace ID: 0f1e2d3c'), 'c1')],
        0xC000006D)
    d.expect(mgd, 'hans@contoso.com', t, end, 'analytic', '0xC000006D', 'STATUS_LOGON_FAILURE', 'invalid_grant',
             'AADSTS50126', TOKEN, category='credentials', fix='Entra Connect', events=6)
    t = T0 + datetime.timedelta(minutes=6)
    _, end = d.acquisition(dele, t, 'ines@contoso.com', [(1022, TOKEN), (1081, 'invalid_grant', (
        'AADSTS50155: Device authentication failed. Trace ID: 9a8b7c6d'), 'c2')], 0xC000006D)
    d.expect(dele, 'ines@contoso.com', t, end, 'analytic', '0xC000006D', 'STATUS_LOGON_FAILURE', 'invalid_grant',
             'AADSTS50155', TOKEN, category='device_registration', fix='Re-register the device', events=6)
    t = T0 + datetime.timedelta(minutes=7)
    corr = str(uuid.uuid5(uuid.NAMESPACE_DNS, f'{net}{t}'))
    _, end = d.acquisition(net, t, 'jonas@contoso.com', [(1022, TOKEN), (1084, 12029, corr)], 0xC000023C)
    d.expect(net, 'jonas@contoso.com', t, end, 'analytic', '0xC000023C', 'STATUS_NETWORK_UNREACHABLE', url=TOKEN,
             network_error='12029 ERROR_WINHTTP_CANNOT_CONNECT', category='network', fix='netsh trace', events=6)
    t = T0 + datetime.timedelta(minutes=8)
    _, end = d.acquisition(net, t, 'jonas@contoso.com', [(1022, TOKEN), (1084, -2147012889, corr)], 0xC000023C)
    d.expect(net, 'jonas@contoso.com', t, end, 'analytic', '0xC000023C', 'STATUS_NETWORK_UNREACHABLE', url=TOKEN,
             network_error='0x80072EE7 ERROR_WINHTTP_NAME_NOT_RESOLVED', category='network', fix='netsh trace',
             events=6)
    t = T0 + datetime.timedelta(minutes=50)  # an Operational error outside any 1006 ... 1007 window
    d.event(net, t, 1084, 12007, corr)
    d.expect(net, '', t, t, 'operational burst (outside the Analytic log)',
             network_error='12007 ERROR_WINHTTP_NAME_NOT_RESOLVED', category='network', fix='netsh trace', events=1)


def realm_and_unknown(d):
    upn, odd = 'PC-UPN01.contoso.com', 'PC-ODD01.contoso.com'
    t = T0 + datetime.timedelta(minutes=9)
    _, end = d.acquisition(upn, t, 'jdoe', [], 0xC004844C)
    d.expect(upn, 'jdoe', t, end, 'analytic', '0xC004844C', 'AAD_CLOUDAP_E_OAUTH_USERNAME_IS_MALFORMED',
             category='user_realm', fix='Internet-style name', events=4)
    t = T0 + datetime.timedelta(minutes=11)
    _, end = d.acquisition(upn, t, 'jdoe@contoso.local', [], 0xC000005F)
    d.expect(upn, 'jdoe@contoso.local', t, end, 'analytic', '0xC000005F', 'STATUS_NO_SUCH_LOGON_SESSION',
             category='user_realm', fix='custom domain', events=4)
    t = T0 + datetime.timedelta(minutes=12)
    _, end = d.acquisition(odd, t, 'kai@contoso.com', [], 0xC0DE0001)
    d.expect(odd, 'kai@contoso.com', t, end, 'analytic', '0xC0DE0001', category='unknown',
             fix="Not in badcreds' tables", events=4)


def operational_only(d):
    ops = 'PC-OPS01.contoso.com'
    t = T0 + datetime.timedelta(minutes=20)
    d.event(ops, t, 1081, 'invalid_grant', 'AADSTS50034: The user account ops.user@contoso.com does not exist in '
            'the contoso.com directory.', 'c3')
    d.event(ops, t + SEC, 1160, 0xC000006D, 'c3')
    d.expect(ops, 'ops.user@contoso.com', t, t + SEC, 'operational burst (no Analytic log)', '0xC000006D',
             'STATUS_LOGON_FAILURE', 'invalid_grant', 'AADSTS50034', category='user_realm', fix='synchronised',
             events=2)
    t = T0 + datetime.timedelta(minutes=25)
    d.event(ops, t, 1084, 12002, 'c4')
    d.event(ops, t + 2 * SEC, 1086, 0xC000023C, 'c4')
    d.expect(ops, '', t, t + 2 * SEC, 'operational burst (no Analytic log)', '0xC000023C',
             'STATUS_NETWORK_UNREACHABLE', network_error='12002 ERROR_WINHTTP_TIMEOUT', category='network',
             fix='netsh trace', events=2)
    t = t + 90 * SEC  # more than 60 s after the burst's first error: a new burst
    d.event(ops, t, 1104, 'AcquireToken', 0x800484C1)
    d.expect(ops, '', t, t, 'operational burst (no Analytic log)', '0x800484C1',
             'AAD_CLOUDAP_E_WSTRUST_SAML_TOKENS_ARE_EMPTY', category='federation', fix='1088', events=1)


def alternative(t, eid, channel, items):
    """One event as an XML export might render it: `items` [(name or None, text)]."""
    ev = ET.Element('Event', xmlns=mk.NS)
    s = ET.SubElement(ev, 'System')
    ET.SubElement(s, 'Provider', Name=AAD, Guid=AAD_GUID)
    ET.SubElement(s, 'EventID').text = str(eid)
    ET.SubElement(s, 'TimeCreated', SystemTime=mk.iso(t))
    ET.SubElement(s, 'EventRecordID').text = str(eid)
    ET.SubElement(s, 'Channel').text = channel
    ET.SubElement(s, 'Computer').text = 'PC-ALT01.contoso.com'
    ed = ET.SubElement(ev, 'EventData')
    for name, text in items:
        (ET.SubElement(ed, 'Data', Name=name) if name else ET.SubElement(ed, 'Data')).text = text
    return ET.tostring(ev, encoding='unicode')


def alternatives(out):
    """prt/alt/PC-ALT01.xml and the rows it must give."""
    t, u = T0 + datetime.timedelta(minutes=30), T0 + datetime.timedelta(minutes=31)
    events = [
        alternative(t, 1006, ANALYTIC, []),
        alternative(t + SEC, 1144, ANALYTIC, [(None, '1'), (None, 'lena@contoso.com'),
                                              (None, 'https://login.microsoftonline.com'), (None, 'contoso.com')]),
        alternative(t + 2 * SEC, 1022, ANALYTIC, [(None, TOKEN)]),
        alternative(t + 3 * SEC, 1084, OPERATIONAL, [('Result', '0x80072EFD'), ('Target', 'c5')]),
        alternative(t + 4 * SEC, 1007, ANALYTIC, [('Status', '3221226044')]),
        alternative(u, 1006, ANALYTIC, []),
        alternative(u + SEC, 1144, ANALYTIC, [('UPN', 'lena@contoso.com'),
                                              ('Authority', 'https://login.microsoftonline.com')]),
        alternative(u + 2 * SEC, 1081, OPERATIONAL, [('ErrorCode', 'invalid_grant'), ('Description', (
            'AADSTS50126: Error validating credentials due to invalid username or password.')), ('Correlation', 'c6')]),
        alternative(u + 3 * SEC, 1007, ANALYTIC, [(None, '-1073741715')]),
        alternative(u + 60 * SEC, 1006, ANALYTIC, []),  # the log ends before its 1007
        # IDs AD FS uses, under the AAD provider: neither attempts for scan nor acquisitions for prt
        alternative(u + 2 * SEC, 411, OPERATIONAL, [(None, str(uuid.uuid5(uuid.NAMESPACE_DNS, 'alt411'))),
                                                    (None, mk.USERNAME_TOKEN),
                                                    (None, 'lena@contoso.com-The user name or password is incorrect'),
                                                    (None, 'System.ComponentModel.Win32Exception: The user name or '
                                                           'password is incorrect'), (None, '203.0.113.9')]),
        alternative(u + 2 * SEC, 1203, OPERATIONAL, [(None, 'x'), (None, '<AuditBase/>')]),
    ]
    os.makedirs(os.path.join(out, 'alt'), exist_ok=True)
    with open(os.path.join(out, 'alt', 'PC-ALT01.xml'), 'w', encoding='utf-8') as f:
        f.write('<?xml version="1.0" encoding="utf-8" standalone="yes"?>\n<Events>' + ''.join(events) + '</Events>')
    d = Devices()
    d.expect('PC-ALT01.contoso.com', 'lena@contoso.com', t, t + 4 * SEC, 'analytic', '0xC000023C',
             'STATUS_NETWORK_UNREACHABLE', url=TOKEN, network_error='0x80072EFD ERROR_WINHTTP_CANNOT_CONNECT',
             category='network', fix='netsh trace', events=5)
    d.expect('PC-ALT01.contoso.com', 'lena@contoso.com', u, u + 3 * SEC, 'analytic', '0xC000006D',
             'STATUS_LOGON_FAILURE', 'invalid_grant', 'AADSTS50126', category='credentials', fix='Entra Connect',
             events=4)
    d.expect('PC-ALT01.contoso.com', '', u + 60 * SEC, None, 'analytic', category='unknown', fix='no 1007', events=1)
    return d.rows


HOSTILE_UPN = '=HYPERLINK("http://x.example/")\x1b]0;pwned\x07\x1b[2J@contoso.com'


def hostile(out):
    """prt/alt/PC-EVIL01-Analytic.evtx: one acquisition whose UPN is hostile; returns the UPN."""
    d = Devices()
    d.acquisition('PC-EVIL01.contoso.com', T0 + datetime.timedelta(minutes=40), HOSTILE_UPN, [], 0xC004844C)
    write_file(os.path.join(out, 'alt', 'PC-EVIL01-Analytic.evtx'), d.logs[('PC-EVIL01.contoso.com', ANALYTIC)]
               .records())
    return HOSTILE_UPN


def build(out):
    out = os.path.join(out, 'prt')
    os.makedirs(out, exist_ok=True)
    farm, d = mk.Farm(), Devices()
    adfs = farm.log('ADFS-PRT.contoso.com')
    federated(d, farm, adfs)
    entra(d)
    realm_and_unknown(d)
    operational_only(d)
    files = {}
    for (device, channel), log in sorted(d.logs.items()):
        name = f'{device.split(".")[0]}-{channel.split("/")[1]}'
        write_file(os.path.join(out, name + '.evtx'), log.records())
        with open(os.path.join(out, name + '.xml'), 'w', encoding='utf-8') as f:
            f.write(''.join(log.xml_events()))
        files[name + '.evtx'] = len(log.events)
    write_file(os.path.join(out, 'ADFS-PRT.evtx'), adfs.records())
    with open(os.path.join(out, 'ADFS-PRT.xml'), 'w', encoding='utf-8') as f:
        f.write(''.join(adfs.xml_events()))
    rows = sorted(d.rows, key=lambda r: (r['start'], r['device']))
    with open(os.path.join(out, 'prt-expected.json'), 'w') as f:
        json.dump({'rows': rows, 'files': files, 'adfs_attempts': farm.expected, 'alt_rows': alternatives(out),
                   'hostile_upn': hostile(out)}, f,
                  indent=1)


if __name__ == '__main__':
    build(sys.argv[1])
