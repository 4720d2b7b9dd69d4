#!/usr/bin/python3
"""fixtures_coverage.py: the logs `badcreds coverage` is tested on (COV-*.evtx) and what it must say of each
(coverage.json), derived from the scenarios below, not from badcreds' output. Called by mkfixtures.py.

Scenarios, one computer each (the Security log unless said):
  ADFS-R2: AD FS 2012 R2 at verbose level (411 + 501 + 4625), two of its 411 without the client IP field;
  ADFS-BASIC: AD FS 2016+ at the default basic level (1202/1203 only) + 4625;
  ADFS-V16: AD FS 2016+ at verbose level (403, 4625, 1203, 411 with the IP field, 501);
  MEMBER: no auditing at all, only logons (4624);
  DC02: a domain controller: 4776, and 4740s whose caller computers are ADFS-V16 (among the inputs) and WKS042 (not);
  FS-CLEARED: Security cleared by CONTOSO\\mallory (1102, UserData/LogFileCleared), then logons with a 2.5-hour
    silence; its System log (COV-CLEARED-System.evtx) has a 104: CONTOSO\\eve cleared the Application log;
  FS-WRAPPED: 400 logons over two chunks, in a file whose header says the log went round (oldest chunk 1, current 0)
    and is full; with --since before its oldest record the log does not reach back either;
  WKS01: the Microsoft-Windows-AAD/Operational log only (1098), no Analytic log.
COV-*.xml: the events each file is meant to hold (fixtures_reference.py reads the files against them).
coverage.json holds runs: the arguments besides the files, the files, and the rows expected (next steps as the one
phrase each must contain, all of them): every file; FS-WRAPPED with --since before its oldest record; ADFS-R2 alone
(no domain controller among the inputs).
"""
import datetime
import json
import os
import struct
import xml.etree.ElementTree as ET
import zlib

from evtx_writer import (BINXML, Element, GUID, HEXINT32, HEXINT64, SID, STRING, Sub, Template, UINT16,  # noqa
                         UINT32, UINT64, UINT8, FILETIME, write_file)
import mkfixtures as m

EVENTLOG = ('Microsoft-Windows-Eventlog', '{fc65ddd8-d6ef-4962-83d5-6e5cfe9ce148}')
AAD = ('Microsoft-Windows-AAD', '{4de9bc9c-b27a-43c9-8994-0915f1a5e24f}')
CLEARED_NS = 'http://manifests.microsoft.com/win/2004/08/windows/eventlog'
SUBJECT = [('SubjectUserSid', SID), ('SubjectUserName', STRING), ('SubjectDomainName', STRING),
           ('SubjectLogonId', HEXINT64)]
F104 = [('SubjectUserName', STRING), ('SubjectDomainName', STRING), ('Channel', STRING), ('BackupPath', STRING)]
F1098 = [('Error', UINT32), ('ErrorMessage', STRING), ('AdditionalInformation', STRING)]
F7036 = [('param1', STRING), ('param2', STRING)]


def cleared_template(name, fields):
    return Template(name, Element('UserData', children=[Element('LogFileCleared', [('xmlns', CLEARED_NS)], [
        Element(n, children=[Sub(i, t)]) for i, (n, t) in enumerate(fields)])]))


T1102, T104 = cleared_template('1102', SUBJECT), cleared_template('104', F104)
T1098, T7036 = m.named_template('1098', F1098), m.named_template('7036', F7036)
AUDITPOL = 'auditpol /set /subcategory:"Application Generated" /success:enable /failure:enable'
NO_AUDIT_STEPS = [AUDITPOL, "'SuccessAudits','FailureAudits'", 'Generate security audits']
MS = datetime.timedelta(milliseconds=1)
MINUTE = datetime.timedelta(minutes=1)


class CoverageLog(m.Log):
    """A Log that also holds events of other providers and channels ('raw': a function of the EventRecordID that
    gives the template and values)."""

    def __init__(self, server, channel='Security'):
        super().__init__(server)
        self.channel = channel

    def raw(self, t, provider, event_id, level, task, keywords, tpl, fields, values, user_data=False):
        """fields: (name, type) of the template's values, in order; with user_data they are the leaves of
        UserData/LogFileCleared, else EventData's named Data."""
        def make(n):
            return (m.MODERN, [(STRING, provider[0]), (GUID, provider[1]), (UINT16, None), (UINT16, event_id),
                               (UINT8, 0), (UINT8, level), (UINT16, task), (UINT8, 0), (HEXINT64, keywords),
                               (FILETIME, m.filetime(t)), (UINT64, n), (GUID, None), (UINT32, 948), (UINT32, 5600),
                               (STRING, self.channel), (STRING, self.server), (SID, None),
                               (BINXML, (tpl, [(ft, v) for (_, ft), v in zip(fields, values)]))])
        self.events.append((t, 'raw', event_id, {'make': make, 'provider': provider[0], 'fields': fields,
                                                 'values': values, 'user_data': user_data}, True))

    def raw_xml(self, t, n, event_id, d):
        ev = ET.Element('Event', xmlns=m.NS)
        s = ET.SubElement(ev, 'System')
        ET.SubElement(s, 'Provider', Name=d['provider'])
        ET.SubElement(s, 'EventID').text = str(event_id)
        ET.SubElement(s, 'TimeCreated', SystemTime=m.iso(t))
        ET.SubElement(s, 'EventRecordID').text = str(n)
        ET.SubElement(s, 'Channel').text = self.channel
        ET.SubElement(s, 'Computer').text = self.server
        text = [hex(v) if ft in (HEXINT64, HEXINT32) else str(v) for (_, ft), v in zip(d['fields'], d['values'])]
        if d['user_data']:
            parent = ET.SubElement(ET.SubElement(ev, 'UserData'), 'LogFileCleared', xmlns=CLEARED_NS)
            for (name, _), v in zip(d['fields'], text):
                ET.SubElement(parent, name).text = v
        else:
            parent = ET.SubElement(ev, 'EventData')
            for (name, _), v in zip(d['fields'], text):
                ET.SubElement(parent, 'Data', Name=name).text = v
        return ET.tostring(ev, encoding='unicode')

    def xml_events(self):
        out = []
        for n, (t, kind, event_id, data, failure) in enumerate(sorted(self.events, key=lambda e: e[0]), 1):
            if kind == 'raw':
                out.append(self.raw_xml(t, n, event_id, data))
                continue
            one = m.Log(self.server, self.locale)
            one.events = [(t, kind, event_id, data, failure)]
            out.append(one.xml_events()[0].replace('<EventRecordID>1</EventRecordID>',
                                                   f'<EventRecordID>{n}</EventRecordID>'))
        return out

    def records(self):
        out = []
        for n, (t, kind, event_id, data, failure) in enumerate(sorted(self.events, key=lambda e: e[0]), 1):
            if kind == 'raw':
                out.append((m.filetime(t),) + data['make'](n))
                continue
            one = m.Log(self.server, self.locale)
            one.events = [(t, kind, event_id, data, failure)]
            ft, tpl, values = one.records()[0]
            values[10] = (UINT64, n)
            out.append((ft, tpl, values))
        return out


def ms_time(t):
    """filetime_format_ms in UTC."""
    return t.strftime('%Y-%m-%dT%H:%M:%S.') + f'{t.microsecond // 1000:03d}+00:00'


def logon(log, t, user='svc-backup'):
    log.security(t, 4624, m.F4624, ['S-1-5-18', log.server.split('.')[0] + '$', user, 3, '10.0.0.9'])


def row(log, audit='none', shape='', ip_less_411=0, dc=False, member_4625=False, aad='', wrapped=False,
        wrap_reason='', gaps=(), cleared=(), steps=()):
    times = sorted(e[0] for e in log.events)
    return {'computer': log.server, 'log': log.channel, 'first_record': ms_time(times[0]),
            'last_record': ms_time(times[-1]), 'records': len(times), 'wrapped': wrapped, 'wrap_reason': wrap_reason,
            'gaps': [f'{ms_time(a)} to {ms_time(b)}' for a, b in gaps],
            'cleared': [{'time': ms_time(t), 'log': lg, 'who': who} for t, lg, who in cleared],
            'adfs_audit': audit if log.channel == 'Security' else '', 'adfs_shape': shape,
            'ip_less_411': ip_less_411, 'dc_evidence': dc, 'member_4625': member_4625, 'aad_prt': aad,
            'next_steps': list(steps)}


def adfs_nodes(farm, base):
    r2, basic, v16 = CoverageLog('ADFS-R2.fabrikam.com'), CoverageLog('ADFS-BASIC.contoso.com'), \
        CoverageLog('ADFS-V16.contoso.com')
    for i in range(4):
        farm.attempt_2012r2(r2, base + i * MINUTE, f'user{i}@fabrikam.com', '192.0.2.10', ip_field=i % 2 == 0)
        farm.attempt_2016(v16, base + i * MINUTE, f'user{i}@contoso.com', '203.0.113.10')
        activity = f'00000000-0000-0000-0000-00000000000{i}'
        basic.adfs(base + i * MINUTE, 1203, [activity, m.audit_xml('FreshCredentialAudit', f'u{i}@contoso.com',
                                                                     '203.0.113.11')])
        logon_failure = [r for r in v16.events if r[2] == 4625][-1]
        basic.events.append((base + i * MINUTE - MS,) + logon_failure[1:])
    basic.adfs(base + 5 * MINUTE, 1202, ['00000000-0000-0000-0000-0000000000ff', m.audit_xml(
        'FreshCredentialAudit', 'ok@contoso.com', '203.0.113.12')], failure=False)
    return [(r2, row(r2, 'verbose', '2012 R2', ip_less_411=2, member_4625=True, steps=['KB 3134222'])),
            (basic, row(basic, 'basic', '2016+', member_4625=True, steps=['Set-AdfsProperties -AuditLevel Verbose'])),
            (v16, row(v16, 'verbose', '2016+', member_4625=True))]


def other_hosts(base):
    member, dc = CoverageLog('MEMBER.contoso.com'), CoverageLog('DC02.contoso.com')
    for i in range(10):
        logon(member, base + i * 10 * MINUTE)
        dc.security(base + i * MINUTE, 4776, m.F4776, ['MICROSOFT_AUTHENTICATION_PACKAGE_V1_0', 'bob', 'WKS042',
                                                        0xC000006A])
    for i, caller in enumerate(('WKS042', 'ADFS-V16', 'WKS042')):
        dc.security(base + (20 + i) * MINUTE, 4740, m.F4740, ['bob', caller, 'S-1-5-21-1-2-3-1105', 'S-1-5-18',
                                                              'DC02$', 'CONTOSO', 0x3e7])
    aad = CoverageLog('WKS01.contoso.com', 'Microsoft-Windows-AAD/Operational')
    for i in range(3):
        aad.raw(base + i * MINUTE, AAD, 1098, 2, 101, 0x4000000000000001, T1098, F1098,
                [0xCAA2000C, 'The request requires user interaction.', 'AADSTS50076'])
    return [(member, row(member, steps=NO_AUDIT_STEPS)),
            (dc, row(dc, dc=True, steps=['collect the Security log of WKS042'])),
            (aad, row(aad, aad='operational', steps=['wevtutil sl Microsoft-Windows-AAD/Analytic /e:true']))]


def cleared_host(base):
    sec, system = CoverageLog('FS-CLEARED.contoso.com'), CoverageLog('FS-CLEARED.contoso.com', 'System')
    sec.raw(base, EVENTLOG, 1102, 4, 104, 0x4020000000000000, T1102, SUBJECT,
            ['S-1-5-21-1-2-3-1111', 'mallory', 'CONTOSO', 0x3bf2653], user_data=True)
    for i in range(1, 7):
        logon(sec, base + i * 5 * MINUTE)
    for i in range(6):
        logon(sec, base + 3 * 60 * MINUTE + i * 5 * MINUTE)
    system.raw(base + MINUTE, EVENTLOG, 104, 4, 104, 0x8000000000000000, T104, F104,
               ['eve', 'CONTOSO', 'Application', 'C:\\Windows\\System32\\winevt\\Logs\\Archive-Application.evtx'],
               user_data=True)
    system.raw(base + 2 * MINUTE, ('Service Control Manager', '{555908d1-a6d7-4695-8e1e-26931d2012f4}'), 7036, 4, 0,
               0x8080000000000000, T7036, F7036, ['Windows Update', 'running'])
    gap = (base + 30 * MINUTE, base + 180 * MINUTE)
    return [(sec, row(sec, gaps=[gap], cleared=[(base, 'Security', 'CONTOSO\\mallory')],
                      steps=NO_AUDIT_STEPS + ['CONTOSO\\mallory cleared the Security log', '1 silence longer'])),
            (system, row(system, cleared=[(base + MINUTE, 'Application', 'CONTOSO\\eve')],
                         steps=['CONTOSO\\eve cleared the Application log']))]


def mark_wrapped(path):
    """The file header of a log that went round and is full: oldest chunk 1, current chunk 0, flags FULL."""
    with open(path, 'r+b') as f:
        hdr = bytearray(f.read(128))
        struct.pack_into('<QQ', hdr, 8, 1, 0)
        struct.pack_into('<I', hdr, 120, struct.unpack_from('<I', hdr, 120)[0] | 0x2)
        struct.pack_into('<I', hdr, 124, zlib.crc32(bytes(hdr[:120])))
        f.seek(0)
        f.write(hdr)


HEADER_REASON = 'file header: the log went round (oldest chunk after the current one); log full'


def build(out):
    base = m.BASE
    farm = m.Farm()
    wrapped = CoverageLog('FS-WRAPPED.contoso.com')
    for i in range(400):
        logon(wrapped, base + i * 30 * datetime.timedelta(seconds=1), f'user{i % 7}')
    logs = adfs_nodes(farm, base) + other_hosts(base) + cleared_host(base)
    logs.append((wrapped, row(wrapped, wrapped=True, wrap_reason=HEADER_REASON,
                              steps=NO_AUDIT_STEPS + ['wevtutil sl "Security" /ms:'])))
    files = []
    for log, _ in logs:
        name = 'COV-' + log.server.split('.')[0] + ('' if log.channel == 'Security' else '-System' if
                                                     log.channel == 'System' else '-AAD') + '.evtx'
        write_file(os.path.join(out, name), log.records())
        with open(os.path.join(out, name[:-5] + '.xml'), 'w', encoding='utf-8') as f:
            f.write(''.join(log.xml_events()))  # what the file is meant to hold, for fixtures_reference.py
        files.append(name)
    mark_wrapped(os.path.join(out, 'COV-FS-WRAPPED.evtx'))
    late = row(wrapped, wrapped=True, wrap_reason=HEADER_REASON + '; oldest record after --since',
               steps=NO_AUDIT_STEPS + ['wevtutil sl "Security" /ms:'])
    r2 = dict(logs[0][1], next_steps=['KB 3134222', "collect the domain controllers' Security logs"])
    runs = [{'args': [], 'files': files, 'rows': [r for _, r in logs]},
            {'args': ['--since', ms_time(base - MINUTE)], 'files': ['COV-FS-WRAPPED.evtx'], 'rows': [late]},
            {'args': [], 'files': ['COV-ADFS-R2.evtx'], 'rows': [r2]}]
    with open(os.path.join(out, 'coverage.json'), 'w') as f:
        json.dump({'runs': runs}, f, indent=1)
