#!/usr/bin/python3
"""badcreds scan on the generated AD FS farm: the report must hold exactly the attempts the generator wrote
(tools/mkfixtures.py -> expected.json: server, time, user as typed, submitter IP, outcome, relying party, client
application, endpoint, every address), whatever the input
form (EVTX, XML export, Event Viewer XML, gzip, stdin, a directory, the same log twice), and the options must do
what the man page says.

usage: scan_fixtures.py BADCREDS FIXTURE_DIR TESTDATA_DIR
"""
import csv
import datetime
import gzip
import io
import json
import os
import re
import shutil
import stat
import struct
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
import zipfile
import zlib

BADCREDS, FIX = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
UNDER_WINE = os.environ.get('BADCREDS_UNDER_WINE') == '1'  # set by tests/meson.build for the Windows build
EXPECTED = json.load(open(os.path.join(FIX, 'expected.json'), encoding='utf-8'))['attempts']
FAILURES = []


def t_ms(text):
    """'2026-11-20T08:00:00.0010000Z' or '2026-11-20T08:00:00.001+00:00' -> datetime (ms)."""
    if text.endswith('Z'):
        d = datetime.datetime.strptime(text[:23], '%Y-%m-%dT%H:%M:%S.%f').replace(tzinfo=datetime.timezone.utc)
    else:
        d = datetime.datetime.fromisoformat(text)
    return d.astimezone(datetime.timezone.utc)


def want(pred=lambda e: True):
    return sorted((e['server'], t_ms(e['time']), e['user'], e['ip'], e['outcome']) for e in EXPECTED if pred(e))


def run(args, stdin=None, env=None, cwd=None):
    """Scans to stdout run twice, on 1 and on 3 threads: the report must be the same."""
    p = subprocess.run([BADCREDS] + args, input=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       env=env, cwd=cwd, check=False)
    if args[:1] == ['scan'] and '-' in args[1:3] and p.returncode in (0, 1):
        one = subprocess.run([BADCREDS, 'scan', '--threads', '1'] + args[1:], input=stdin, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, env=env, cwd=cwd, check=False)
        three = subprocess.run([BADCREDS, 'scan', '--threads', '3'] + args[1:], input=stdin,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=cwd, check=False)
        check(f'same report on 1 and 3 threads: {args[1:]}'[:120], one.stdout == three.stdout == p.stdout)
    return p


def rows(text):
    r = list(csv.DictReader(io.StringIO(text)))
    out = []
    for row in r:
        user = row['UserPrincipalName']
        if user.startswith("'") and user[1:2] in ('=', '+', '-', '@'):
            user = user[1:]  # the formula guard
        out.append((row['Server'], t_ms(row['Time']), user, row['IP Address'], row['Outcome']))
    return sorted(out)


def check(name, cond, detail=''):
    print(f'{"ok" if cond else "FAIL"} {name}' + (f': {detail}' if detail and not cond else ''))
    if not cond:
        FAILURES.append(name)


def scan(name, args, expected, status=0, stdin=None):
    p = run(['scan', '-o', '-'] + args, stdin=stdin)
    got = rows(p.stdout.decode('utf-8'))
    diff = sorted(set(expected) ^ set(got))[:4]
    check(name, got == expected and p.returncode == status,
          f'exit {p.returncode} (want {status}), {len(got)} rows (want {len(expected)}), differing: {diff}; '
          f'stderr: {p.stderr.decode()[-300:]}')
    return p


def f(name):
    return os.path.join(FIX, name)


def adfs20_export(path):
    """AD FS 2.0 (no 411): each 4625 is a request of its own and takes the 501 events waiting on its server. Bob's
    request has more claims than one 501 holds (ten pairs; x-ms-forwarded-client-ip comes once per value), so the
    client application is in a second 501 of the same instance, logged after Carl's 501. Returns what the rows
    must say: user, submitter, client application, evidence."""
    from xml_events import CLAIMS as rc, event_xml

    def event(rid, ms, provider, event_id, data):
        return event_xml(rid, f'2026-11-20T08:00:00.{ms:03d}', provider, event_id, data, 'ADFS20')

    def failed(rid, ms, user):
        fields = {'TargetUserName': user, 'TargetDomainName': 'CONTOSO', 'Status': '0xc000006d',
                  'SubStatus': '0xc000006a', 'FailureReason': '%%2313', 'IpAddress': '-',
                  'ProcessName': 'C:\\Windows\\ADFSV2\\Microsoft.IdentityServer.ServiceHost.exe'}
        return event(rid, ms, 'Microsoft-Windows-Security-Auditing', 4625,
                     ''.join(f'<Data Name="{k}">{v}</Data>' for k, v in fields.items()))

    def claims(rid, ms, instance, pairs):
        items = [instance] + [x for pair in pairs for x in pair]
        items += ['-'] * (21 - len(items))
        return event(rid, ms, 'AD FS 2.0 Auditing', 501, ''.join(f'<Data>{x}</Data>' for x in items))

    bob, carl = '11111111-2222-3333-4444-555555555555', '99999999-2222-3333-4444-555555555555'
    groups = [('http://schemas.microsoft.com/ws/2008/06/identity/claims/groupsid', 'S-1-5-11')] * 7
    with open(path, 'w', encoding='utf-8') as out:
        out.write(failed(1, 0, 'bob') +
                  claims(2, 10, bob, [(rc + 'x-ms-client-ip', '203.0.113.9'), (rc + 'x-ms-forwarded-client-ip',
                                      '198.51.100.1'), (rc + 'x-ms-forwarded-client-ip', '203.0.113.9')] + groups) +
                  claims(3, 20, carl, [(rc + 'x-ms-client-ip', '192.0.2.1')]) +
                  claims(4, 30, bob, [(rc + 'x-ms-client-application', 'Microsoft.Exchange.Imap')]) +
                  failed(5, 40, 'carl'))
    return [('CONTOSO\\bob', '198.51.100.1', 'Microsoft.Exchange.Imap', '4625 501 501', '1 2 4'),
            ('CONTOSO\\carl', '192.0.2.1', '', '501 4625', '3 5')]


def main():
    farm = os.path.join(os.path.abspath(sys.argv[3]), 'adfs-farm')
    for name in sorted(os.listdir(farm)):
        check(f'testdata/adfs-farm/{name} is what the generator writes',
              open(os.path.join(farm, name), 'rb').read() == open(f(name), 'rb').read())
    evtx = sorted(f(n) for n in os.listdir(FIX) if n.endswith('.evtx') and not n.startswith(('HOSTILE-', 'COV-')))  # hostile.py, coverage_fixtures.py
    jp = want(lambda e: e['server'].startswith('ADFS-JP'))
    # every form of input
    p = scan('all EVTX files, one damaged (exit 1)', evtx, want(), status=1)
    check('damaged file named on stderr', b'ADFS03-damaged.evtx: offset 0x' in p.stderr)
    scan('the same logs twice and an overlapping XML export count once', evtx + evtx + [f('ADFS-JP.xml')], want(),
         status=1)
    scan('wevtutil XML export (no root)', [f('ADFS-JP.xml')], jp)
    scan('Event Viewer "Save as XML"', [f('ADFS-JP-saved.xml')], jp)
    with tempfile.TemporaryDirectory() as tmp:
        gz = os.path.join(tmp, 'ADFS01.evtx.gz')
        with open(f('ADFS01.evtx'), 'rb') as src, gzip.open(gz, 'wb') as dst:
            shutil.copyfileobj(src, dst)
        a1 = want(lambda e: e['server'].startswith('ADFS01'))
        scan('.evtx.gz', [gz], a1)
        plain = [dict(json.loads(l), File='') for l in run(['dump', '-q', '--format', 'jsonl', f('ADFS01.evtx')])
                 .stdout.decode().splitlines()]
        zipped = [dict(json.loads(l), File='') for l in run(['dump', '-q', '--format', 'jsonl', gz])
                  .stdout.decode().splitlines()]
        piped = [dict(json.loads(l), File='') for l in run(['dump', '-q', '--format', 'jsonl', '-'],
                                                           stdin=open(f('ADFS01.evtx'), 'rb').read())
                 .stdout.decode().splitlines()]
        check('dump reads .evtx.gz and stdin like the file', plain and plain == zipped == piped)
        p = run(['dump', '--format', 'jsonl', '--event-id', '4625', '--provider', 'AD FS Auditing', f('ADFS01.evtx')])
        check('dump with filters that keep nothing says how many records it read',
              p.returncode == 0 and not p.stdout and
              f'dump: 0 of {len(plain)} records read'.encode() in p.stderr, p.stderr.decode())
        p = run(['dump', '--format', 'jsonl', '--event-id', '411', f('ADFS01.evtx')])
        kept = sum(1 for e in plain if e['EventID'] == 411)
        check('... and how many of them it kept', kept and len(p.stdout.splitlines()) == kept and
              f'dump: {kept} of {len(plain)} records read'.encode() in p.stderr, p.stderr.decode())
        # a wrong records checksum in chunk 0 (its header checksum made to fit): scan compares the checksums of
        # the chunks it takes events from, dump those of every chunk; the records are read either way
        data = bytearray(open(f('ADFS01.evtx'), 'rb').read())
        struct.pack_into('<I', data, 4096 + 52, struct.unpack_from('<I', data, 4096 + 52)[0] ^ 1)
        struct.pack_into('<I', data, 4096 + 124, zlib.crc32(bytes(data[4096:4096 + 120] + data[4096 + 128:4096 + 512])))
        bad = os.path.join(tmp, 'ADFS01-checksum.evtx')
        with open(bad, 'wb') as out:
            out.write(data)
        mismatch = b'ADFS01-checksum.evtx: offset 0x1034: warning: chunk records checksum mismatch'
        p = scan('a chunk whose checksum is wrong is still read', [bad], a1)
        check('scan names the checksum mismatch of a chunk it takes events from', mismatch in p.stderr,
              p.stderr.decode()[-300:])
        p = run(['scan', '-o', '-', '--since', '2030-01-01', bad])
        check('scan does not compare the checksums of chunks it takes nothing from',
              p.returncode == 0 and b'checksum' not in p.stderr and b' 0 attempts' in p.stderr, p.stderr.decode())
        p = run(['dump', '--format', 'jsonl', bad])
        check('dump compares the checksums of every chunk', p.returncode == 0 and mismatch in p.stderr and
              len(p.stdout.splitlines()) == len(plain), p.stderr.decode())
        utf16 = os.path.join(tmp, 'jp-utf16.xml')
        with open(f('ADFS-JP.xml'), encoding='utf-8') as src, open(utf16, 'w', encoding='utf-16') as dst:
            dst.write(src.read())  # what PowerShell's "wevtutil qe ... > file" writes
        scan('UTF-16 XML export', [utf16], jp)
        sub = os.path.join(tmp, 'logs', 'farm')
        shutil.copytree(FIX, sub, ignore=shutil.ignore_patterns('HOSTILE-*', 'COV-*', 'domain', 'prt'))
        with open(os.path.join(tmp, 'logs', 'notes.txt'), 'w') as n:
            n.write('not a log\n')
        scan('a directory, searched recursively', [os.path.join(tmp, 'logs')], want(), status=1)
        scan('stdin', ['-'], want(lambda e: e['server'].startswith('ADFS02')), stdin=open(f('ADFS02.evtx'), 'rb').read())
        # bad input
        p = run(['scan', '-o', '-', os.path.join(tmp, 'missing.evtx'), f('ADFS-JP.xml')])
        check('a missing SOURCE is named, the others still read (exit 1)',
              p.returncode == 1 and b'missing.evtx' in p.stderr and len(rows(p.stdout.decode())) == len(jp))
        if not UNDER_WINE:  # there, C:\ is a drive
            p = run(['scan', '-o', '-', 'C:\\Logs\\ADFS01.evtx', '\\\\adfs01\\logs', 'missing.evtx'])
            said = p.stderr.decode(errors='replace')
            check('a Windows path that names nothing here says so, and where to look instead',
                  p.returncode == 1 and said.count('(a Windows path: here, give the path where it is mounted') == 2 and
                  'missing.evtx: error: cannot open: No such file or directory\n' in said, said)
        p = run(['scan', '-o', '-', '--since', '2026-11-20', '08:00', f('ADFS-JP.xml')])
        said = p.stderr.decode(errors='replace')
        check('the time of an option\'s date and time typed without quotes, taken for a SOURCE, is named as such',
              p.returncode == 1 and "08:00: error: cannot open: No such file or directory (a time of day? quote an "
              "option's date and time as one argument: --since 'YYYY-MM-DD 08:00')" in said, said)
        p = run(['scan', '-o', '-', os.path.join(tmp, 'logs', 'notes.txt')])
        check('unknown format named (exit 1)', p.returncode == 1 and b'notes.txt: error: unknown format' in p.stderr)
        open(os.path.join(tmp, 'zero.evtx'), 'wb').close()
        p = run(['scan', '-o', '-', os.path.join(tmp, 'zero.evtx')])
        q = run(['scan', '-o', '-', '-'], stdin=b'')
        check('an empty file is called empty, as empty standard input is (exit 1)',
              p.returncode == 1 == q.returncode and
              b'zero.evtx: error: empty input' in p.stderr and b'(stdin): error: empty input' in q.stderr,
              (p.stderr + q.stderr).decode(errors='replace'))
        jl = os.path.join(tmp, 'attempts.jsonl')
        p = run(['scan', '-q', '-o', jl, f('ADFS01.evtx')])
        q = run(['scan', '-q', '-o', '-', '-f', 'jsonl', f('ADFS01.evtx')])
        check('scan -o NAME.jsonl writes JSON lines (what --format jsonl writes), not CSV',
              p.returncode == 0 and q.stdout and open(jl, 'rb').read() == q.stdout, open(jl, 'rb').read()[:80])
        p = run(['scan', '-q', '--bom', '-o', jl, f('ADFS01.evtx')])
        check('... so --bom with an output named .jsonl is a usage error that says why',
              p.returncode == 2 and b'an output named .jsonl' in p.stderr, p.stderr.decode())
        zipped = os.path.join(tmp, 'logs.zip')  # what a colleague mails: the logs in a ZIP archive
        with zipfile.ZipFile(zipped, 'w', zipfile.ZIP_DEFLATED) as z:
            z.write(f('ADFS01.evtx'), 'ADFS01.evtx')
        p = run(['scan', '-o', '-', zipped])
        q = run(['scan', '-o', '-', '-'], stdin=open(zipped, 'rb').read())
        check('a ZIP archive is called one, with what to do, as a file and on stdin (exit 1)',
              p.returncode == 1 == q.returncode and b'logs.zip: error: a ZIP archive' in p.stderr and
              b'(stdin): error: a ZIP archive' in q.stderr and b'extract it' in p.stderr,
              (p.stderr + q.stderr).decode(errors='replace'))
        folder = os.path.join(tmp, 'mailed')
        os.mkdir(folder)
        shutil.copy(zipped, folder)
        shutil.copy(f('ADFS02.evtx'), folder)
        p = run(['scan', '-o', '-', folder])
        check('a ZIP archive in a directory gets a note, the logs beside it are read (exit 0)',
              p.returncode == 0 and b'logs.zip: note: a ZIP archive' in p.stderr and
              len(rows(p.stdout.decode())) == len(want(lambda e: e['server'].startswith('ADFS02'))),
              p.stderr.decode(errors='replace'))
        legacy = os.path.join(tmp, 'AppEvent.evt')  # Windows XP / 2003: a 48-byte header record, "LfLe" at 4
        with open(legacy, 'wb') as e:
            e.write(struct.pack('<I4sII', 48, b'LfLe', 1, 1) + bytes(32))
        p = run(['scan', '-o', '-', legacy])
        check('a legacy .evt log is called one, with the conversion to EVTX (exit 1)',
              p.returncode == 1 and b'AppEvent.evt: error: a legacy .evt log' in p.stderr and b'wevtutil epl' in p.stderr,
              p.stderr.decode(errors='replace'))
        # Event Viewer's "Save All Events As" CSV (UTF-8 with a BOM) and text (UTF-16LE with a BOM, tabs): the messages
        # without the fields; the UTF-16 one is no XML either
        header = 'Keywords,Date and Time,Source,Event ID,Task Category\r\n'
        exports = {'Security.csv': b'\xef\xbb\xbf' + header.encode(),
                   'Security.txt': b'\xff\xfe' + header.replace(',', '\t').encode('utf-16-le')}
        for name, data in exports.items():
            with open(os.path.join(tmp, name), 'wb') as e:
                e.write(data + b'Audit Failure,12/1/2026 10:00:00 AM,Microsoft-Windows-Security-Auditing,4625,Logon\r\n')
            p = run(['scan', '-o', '-', os.path.join(tmp, name)])
            check(f'an Event Viewer export ({name}) is called one, with what to save instead (exit 1)',
                  p.returncode == 1 and f'{name}: error: an Event Viewer CSV or text export'.encode() in p.stderr and
                  b'.evtx' in p.stderr, p.stderr.decode(errors='replace'))
        empty = os.path.join(tmp, 'empty.xml')
        with open(empty, 'w') as e:
            e.write('<?xml version="1.0"?><Events></Events>')
        p = run(['scan', '-o', '-', empty])
        check('XML without events is reported (exit 1)', p.returncode == 1 and b'holds no events' in p.stderr)
        adfs20 = os.path.join(tmp, 'adfs20.xml')
        wanted = adfs20_export(adfs20)
        p = run(['scan', '-q', '-o', '-', '--format', 'jsonl', adfs20])
        got = [(r['user'], r['ip'], r['client_application'], r['events'], r['record_ids'])
               for r in map(json.loads, p.stdout.decode().splitlines())]
        check('AD FS 2.0: a 4625 takes every 501 of one instance, and only those', got == wanted, str(got))
        bomb = os.path.join(tmp, 'bomb.xml')
        with open(bomb, 'w') as e:
            e.write('<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;'
                    '&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY x SYSTEM "file:///etc/passwd">]>'
                    '<Events><Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event"><System>'
                    '<Provider Name="AD FS Auditing"/><EventID>411</EventID><Computer>&c;&x;</Computer></System>'
                    '<EventData><Data>&c;</Data></EventData></Event></Events>')
        p = run(['scan', '-o', '-', bomb])
        check('XML entities are not expanded, external ones not loaded',
              p.returncode in (0, 1) and b'root:' not in p.stdout and b'aaaaaaaaaa' not in p.stdout)
        # output files
        out = os.path.join(tmp, 'out')
        os.mkdir(out)
        p = run(['scan', '-q', f('ADFS-JP.xml')], cwd=out)
        check('default output BadCredAttempts.csv in the current directory',
              p.returncode == 0 and os.path.exists(os.path.join(out, 'BadCredAttempts.csv')))
        p = run(['scan', '-q', '-o', os.path.join(out, 'BadCred-%Y%m%d.csv.gz'), f('ADFS-JP.xml')])
        name = os.path.join(out, datetime.date.today().strftime('BadCred-%Y%m%d.csv.gz'))
        check('strftime name and gzip output', p.returncode == 0 and os.path.exists(name) and
              rows(gzip.open(name).read().decode('utf-8-sig')) == jp)
        check('no temporary file left behind', sorted(os.listdir(out)) ==
              sorted(['BadCredAttempts.csv', os.path.basename(name)]))
        if not UNDER_WINE:  # a POSIX named pipe means nothing to badcreds.exe
            fifo = os.path.join(tmp, 'fifo')
            os.mkfifo(fifo)
            reader = subprocess.Popen(['cat', fifo], stdout=subprocess.PIPE)
            p = run(['scan', '-q', '-o', fifo, f('ADFS-JP.xml')])
            fifo_text = reader.communicate(timeout=30)[0].decode('utf-8')
            check('a pipe or device is written in place, not replaced',
                  p.returncode == 0 and rows(fifo_text) == jp and stat.S_ISFIFO(os.stat(fifo).st_mode))
        p = run(['scan', '-q', '-o', os.path.join(tmp, 'no-such-dir', 'x.csv'), f('ADFS-JP.xml')])
        check('unwritable output: exit 3', p.returncode == 3 and b'no-such-dir' in p.stderr)
    # the domain controller's lockout is linked to the AD FS attempt that caused it
    p = run(['scan', '-q', '-o', '-', '--format', 'jsonl', f('ADFS02.evtx'), f('DC01.evtx')])
    rows_ = [json.loads(l) for l in p.stdout.decode().splitlines()]
    want_dc = json.load(open(f('expected.json'), encoding='utf-8'))['dc_lockouts']
    linked = [(r['user'], r['server'], t_ms(r['time']), r['dc_lockout'].split(' ')[0]) for r in rows_ if r['dc_lockout']]
    check('a DC lockout (4740) names the attempt that caused it',
          linked == [(d['user'], d['server'], t_ms(d['attempt']), d['dc']) for d in want_dc], str(linked))
    # language: the same requests on English, French, German, Spanish and Japanese farms
    reports = {}
    for loc in ('en', 'fr', 'de', 'es', 'ja'):
        p = run(['scan', '-q', '-o', '-', f(f'LOCALE-{loc}.evtx')])
        table = list(csv.DictReader(io.StringIO(p.stdout.decode().replace(f'LOCALE-{loc}', 'LOCALE-xx'))))
        for row in table:  # the generator derives these IDs from the server name
            del row['Activity ID'], row['Instance ID']
        reports[loc] = json.dumps(table, sort_keys=True)
    check('five languages, one report (apart from the server names and request IDs)',
          len(set(reports.values())) == 1 and reports['en'].count('"UserPrincipalName"') == 4,
          str(reports['fr'])[:600])
    scan('language farms hold what the generator wrote', [f(f'LOCALE-{loc}.evtx') for loc in reports],
         want(lambda e: e['server'].startswith('LOCALE-')))
    # a live channel on a build without the Windows Event Log API (under wine: a remote host wine cannot reach):
    # named, the other sources still read
    p = run(['scan', '-q', '-o', '-', 'channel:Security', '--remote', 'ADFS09', f('ADFS-JP.xml')])
    check('channel:NAME that cannot be read is reported per server (exit 1), files still read',
          p.returncode == 1 and b'ADFS09:Security' in p.stderr and
          (b'cannot connect' if UNDER_WINE else b'Windows Event Log API') in p.stderr and
          rows(p.stdout.decode()) == jp, p.stderr.decode(errors='replace'))
    # dump of an XML export: JSON lines from the event model; event XML needs the Binary XML
    p = run(['dump', '-q', '--format', 'jsonl', f('ADFS-JP.xml')])
    check('dump --format jsonl of an XML export', p.returncode == 0 and len(p.stdout.decode().splitlines()) == 9)
    lines = [json.loads(l) for l in p.stdout.decode().splitlines()]
    p = run(['dump', '-q', f('ADFS-JP.xml')])
    ns = '{http://schemas.microsoft.com/win/2004/08/events/event}'
    try:
        events = ET.fromstring('<all>' + p.stdout.decode() + '</all>').findall(ns + 'Event')
    except ET.ParseError as e:
        events = []
        print('not XML:', e)
    check('dump --format xml of an XML export writes its events back as XML',
          p.returncode == 0 and [(int(e.find(f'{ns}System/{ns}EventID').text),
                                  int(e.find(f'{ns}System/{ns}EventRecordID').text)) for e in events] ==
          [(l['EventID'], l['EventRecordID']) for l in lines] and
          all(len(e.findall(f'{ns}EventData/{ns}Data')) == len(l['EventData']) for e, l in zip(events, lines)))
    saved = run(['dump', '-q', f('ADFS-JP-saved.xml')])
    check('... the same from Event Viewer\'s "Save as XML"', saved.returncode == 0 and saved.stdout == p.stdout)
    # columns and formats
    p = run(['scan', '-q', '-o', '-', '--columns', 'compat', f('ADFS-JP.xml')])
    check('compat columns', p.stdout.decode().splitlines()[0] == '"UserPrincipalName","IP Address","Time"')
    p = run(['scan', '-q', '-o', '-', '--bom', f('ADFS-JP.xml')])
    check('--bom', p.stdout.startswith(b'\xef\xbb\xbf"UserPrincipalName"'))
    p = run(['scan', '-q', '-o', '-', '--format', 'jsonl'] + evtx)
    got = sorted((r['server'], t_ms(r['time']), r['user'], r['ip'], r['outcome'])
                 for r in map(json.loads, p.stdout.decode().splitlines()))
    check('jsonl rows', got == want())
    p = run(['scan', '-q', '-o', '-'] + evtx)
    formula = [l for l in p.stdout.decode().splitlines() if 'HYPERLINK' in l]
    check('a user name that is a formula is neutralised', formula and formula[0].startswith('"\'=HYPERLINK'))
    env = dict(os.environ, TZ='CET-1' if UNDER_WINE else 'Europe/Paris')  # the Windows C runtime's TZ syntax
    p = run(['scan', '-q', '-o', '-', '--tz', 'local', f('ADFS-JP.xml')], env=env)
    times = [r['Time'] for r in csv.DictReader(io.StringIO(p.stdout.decode()))]
    check('--tz local writes the local offset', times and all(t.endswith('+01:00') for t in times) and
          sorted(t_ms(t) for t in times) == sorted(x[1] for x in jp))
    # enrichment: the relying party and client application each attempt's events name, the columns before them
    # where they were
    p = run(['scan', '-q', '-o', '-'] + evtx)
    header = next(csv.reader(io.StringIO(p.stdout.decode())))
    check('the full columns keep their places, then Relying Party and Possible PRT Refresh (prt_fixtures.py)',
          header == ['UserPrincipalName', 'IP Address', 'Time', 'Server', 'Outcome', 'User Key', 'IP Class', 'All IPs',
                     'Client-Supplied IPs', 'Proxy', 'Endpoint', 'User Agent', 'Client Application', 'Status',
                     'SubStatus', 'Activity ID', 'Instance ID', 'Events', 'Record IDs', 'Sources', 'DC Lockout',
                     'Relying Party', 'Possible PRT Refresh'], str(header))
    p = run(['scan', '-q', '-o', '-', '--format', 'jsonl'] + evtx)
    got = sorted((r['server'], t_ms(r['time']), r['user'], r.get('relying_party', ''), r['client_application'],
                  r['endpoint']) for r in map(json.loads, p.stdout.decode().splitlines()))
    wanted = sorted((e['server'], t_ms(e['time']), e['user'], e['relying_party'], e['client_app'], e['endpoint'])
                    for e in EXPECTED)
    check('relying party, client application and endpoint of every attempt', got == wanted,
          str(sorted(set(got) ^ set(wanted))[:4]))
    exo = [e for e in EXPECTED if e['client_app']]
    check('the 2016+ servers\' Exchange Online rows are among them (carol, and the legacy-auth spray)', len(exo) == 13 and
          all(e['server'].startswith(('ADFS01', 'ADFS02')) for e in exo))
    # filters
    scan('--server (PCRE2, case-insensitive)', ['--server', '^adfs-(old|JP)\\.'] + evtx,
         want(lambda e: e['server'].startswith(('ADFS-OLD.', 'ADFS-JP.'))), status=1)
    scan('--endpoint', ['--endpoint', 'trust/2005/USERNAMEMIXED$'] + evtx,
         want(lambda e: e['endpoint'] == '/adfs/services/trust/2005/usernamemixed'), status=1)
    scan('--client-app', ['--client-app', '^microsoft\\.exchange\\.'] + evtx,
         want(lambda e: e['client_app'].startswith('Microsoft.Exchange.')), status=1)
    scan('--server and --user together', ['--server', 'ADFS02', '--user', '^jean'] + evtx,
         want(lambda e: e['server'].startswith('ADFS02') and e['user'].startswith('jean')), status=1)
    relay = '40.92.0.10'  # Exchange Online's own address: in the request's lists, never the submitter
    scan('--ip matches any address of the request', ['--ip', relay] + evtx,
         want(lambda e: relay in e['addresses']), status=1)
    check('... here the Exchange Online relay, which submitted none of them',
          want(lambda e: relay in e['addresses']) and not want(lambda e: e['ip'] == relay))
    scan('--submitter-ip matches the submitter only', ['--submitter-ip', relay] + evtx, [], status=1)
    scan('--submitter-ip CIDR', ['--submitter-ip', '2001:db8::/32'] + evtx,
         want(lambda e: e['ip'].startswith('2001:db8:')), status=1)
    hostile = json.load(open(f('hostile.json'), encoding='utf-8'))['attempts']
    names = [e for e in hostile if e['server'] == 'ADFS-HOSTILE.contoso.com']

    def hostile_rows(args):
        p = run(['scan', '-q', '-o', '-', '--format', 'jsonl'] + args + [f('HOSTILE-NAMES.evtx')])
        return sorted((r['user'], r['ip'], r['client_supplied_ips'])
                      for r in map(json.loads, p.stdout.decode().splitlines()))

    def hostile_want(pred):
        return sorted((e['user'], e['ip'], e['client_supplied']) for e in names if pred(e))

    claimed = '10.0.0.1'  # what a brute force put in X-Forwarded-For itself
    check('--ip matches an address the client supplied', hostile_rows(['--ip', claimed]) ==
          hostile_want(lambda e: e['client_supplied'] == claimed) != [])
    check('--submitter-ip does not', hostile_rows(['--submitter-ip', claimed]) == [])
    check('--exclude-ip leaves in the attempts that only claim the address (an attacker adds any address)',
          hostile_rows(['--exclude-ip', claimed]) == hostile_want(lambda e: True) and
          hostile_rows(['--exclude-ip', '198.51.100.77']) == hostile_want(lambda e: e['ip'] != '198.51.100.77'))
    scan('--user (PCRE2, case-insensitive)', ['--user', '^contoso\\\\SVC-'] + evtx,
         want(lambda e: e['user'].lower().startswith('contoso\\svc-')), status=1)
    scan('--ip CIDR', ['--ip', '10.0.0.0/8'] + evtx, want(lambda e: e['ip'].startswith('10.')), status=1)
    scan('--ip IPv6 address', ['--ip', '2001:db8::1234'] + evtx, want(lambda e: e['ip'] == '2001:db8::1234'), status=1)
    scan('--exclude-ip', ['--exclude-ip', '203.0.113.0/24', '--exclude-ip', '10.0.0.0/8'] + evtx,
         want(lambda e: not e['ip'].startswith('203.0.113.') and not e['ip'].startswith('10.')), status=1)
    scan('--outcome', ['--outcome', 'locked_out,unknown_user'] + evtx,
         want(lambda e: e['outcome'] in ('ad_locked_out', 'extranet_locked_out', 'unknown_user')), status=1)
    # a window from the attempts' own times (same format throughout, so the text compares as the time does): the
    # attempt at --since is in, the one at --until out, and there are attempts on both sides
    times = sorted({e['time'] for e in EXPECTED})
    since, until = times[len(times) // 4], times[3 * len(times) // 4]
    inside = want(lambda e: since <= e['time'] < until)
    check('the window holds some attempts, not all', 0 < len(inside) < len(EXPECTED), f'{len(inside)} inside')
    scan(f'--since {since} --until {until}', ['--since', since, '--until', until] + evtx, inside, status=1)
    # --past-days counts back from today: enough days reach back past the oldest attempt (all reported), fewer
    # days than have passed since the newest one report none (when the newest is over a day old)
    now = datetime.datetime.now(datetime.timezone.utc)
    oldest, newest = min(t_ms(e['time']) for e in EXPECTED), max(t_ms(e['time']) for e in EXPECTED)
    days = max(1, (now - oldest).days + 1)
    scan(f'--past-days {days} reaches the oldest attempt', ['--past-days', str(days)] + evtx, want(), status=1)
    days = int(((now - newest).total_seconds() - 60) // 86400)  # a minute spare for the time badcreds starts
    if days >= 1:
        scan(f'--past-days {days} stops after the newest attempt', ['--past-days', str(days)] + evtx, [], status=1)
    else:
        print(f'skipped: --past-days leaving out the fixtures (the newest attempt, {newest}, is less than a day old)')
    for bad in [['--since', 'yesterday'], ['--user', '(unclosed'], ['--ip', '300.1.1.1'], ['--outcome', 'nope'],
                ['--server', '[a-'], ['--endpoint', '('], ['--client-app', '*x'], ['--submitter-ip', '10.0.0.0/33'],
                ['--past-days', '0'], ['--format', 'xls'], ['--since', '2026-11-20', '--past-days', '1'],
                ['--past-hours', '2', '--past-days', '20'], ['--until', '2026-02-30']] + ([] if UNDER_WINE else [[]]):
        p = run(['scan', '-o', '-'] + bad + ([f('ADFS-JP.xml')] if bad else []))
        check(f'usage error {bad}: exit 2 with a message', p.returncode == 2 and p.stderr.strip() != b'')
    p = run(['scan', '-o', '-', '--user', '^nobody@', '--submitter-ip', '192.0.2.1', f('ADFS-JP.xml')])
    check('filters that keep nothing say so, naming them, instead of a bare "0 attempts"', p.returncode == 0 and
          re.search(rb'note: --user, --submitter-ip kept none of the [1-9][0-9]* attempts in the inputs', p.stderr),
          p.stderr.decode(errors='replace'))
    p = run(['summery', '-o', '-', FIX])
    check('a mistyped command is a usage error naming the command meant, not a scan of the rest',
          p.returncode == 2 and not p.stdout and b"did you mean 'summary'" in p.stderr,
          p.stderr.decode(errors='replace'))
    p = run(['--since', '2026-11-13', '-o', '-', f('ADFS01.evtx')])
    check('--since a week before the log begins: a warning that the inputs do not reach back, exit 1',
          p.returncode == 1 and b'warning: the inputs begin at 2026-11-20T08:00:00.000+00:00, after the time window '
          b'starts (2026-11-13' in p.stderr, p.stderr.decode(errors='replace'))
    p = run(['--since', '2026-11-20T07:30:00Z', '-o', '-', f('ADFS01.evtx')])
    check('--since half an hour before the log begins: no warning', p.returncode == 0 and b'warning' not in p.stderr,
          p.stderr.decode(errors='replace'))
    p = run(['summ', '-o', '-', FIX])
    check('a command cut short is taken for the command it begins ("summ": summary, not dump)',
          p.returncode == 2 and b"did you mean 'summary'" in p.stderr, p.stderr.decode(errors='replace'))
    p = run(['--help', 'lockouts'])
    check('badcreds --help COMMAND is the command\'s help', p.returncode == 0 and
          p.stdout.startswith(b'usage: badcreds lockouts'), p.stdout.decode(errors='replace')[:200])
    p = run(['help', 'trace'])
    check('badcreds help COMMAND is the command\'s help too', p.returncode == 0 and
          p.stdout.startswith(b'usage: badcreds trace'), p.stderr.decode(errors='replace')[:200])
    p = run(['summary', '--sinse', '2026-11-20', FIX])
    check('a mistyped option names the option it is near', p.returncode == 2 and
          b"unknown option '--sinse' (did you mean '--since'?)" in p.stderr, p.stderr.decode(errors='replace')[:200])
    p = run(['--help', 'nonsense'])
    check('badcreds --help with no such command is a usage error naming it', p.returncode == 2 and
          b"no command 'nonsense'" in p.stderr, p.stderr.decode(errors='replace')[:200])
    p = run(['help', 'summery'])
    check('badcreds help with a mistyped command names the command meant', p.returncode == 2 and
          b"no command 'summery' (did you mean 'summary'?)" in p.stderr, p.stderr.decode(errors='replace')[:200])
    p = run(['--verison'])
    check('a mistyped --version is named as such, not as an unknown option of scan', p.returncode == 2 and
          b"unknown option '--verison' (did you mean '--version'?)" in p.stderr and b'badcreds scan' not in p.stderr,
          p.stderr.decode(errors='replace')[:200])
    with tempfile.TemporaryDirectory() as tmp:
        shutil.copy(f('ADFS-JP.xml'), os.path.join(tmp, 'summery'))
        p = run(['summery', '-q', '-o', '-'], cwd=tmp)
        check('a file whose name is a plain word is still a SOURCE',
              p.returncode in (0, 1) and p.stdout.count(b'\n') > 1,
              p.stderr.decode(errors='replace'))
    if UNDER_WINE:  # Windows with no SOURCE: the local Security channel, which wine's event log cannot read
        p = run(['scan', '-o', '-'])
        check('no SOURCE on Windows reads the local Security channel',
              p.returncode == 1 and b'localhost:Security' in p.stderr, p.stderr.decode(errors='replace'))
    print(f'{len(FAILURES)} failures')
    return 1 if FAILURES else 0


if __name__ == '__main__':
    sys.exit(main())
