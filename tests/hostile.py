#!/usr/bin/python3
"""badcreds against hostile input and a careless or malicious environment: what user names typed at a login page
do to every output, damaged and hostile files (gzip, carved slack, a template that names one value thousands of
times, XML that is not well-formed), and where a report is written. The inputs are written by tools/mkfixtures.py
(HOSTILE-*, hostile.json says what must come out) or made here from the farm's files.

usage: hostile.py BADCREDS FIXTURE_DIR
"""
import csv
import datetime
import gzip
import io
import json
import os
import random
import re
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time
import unicodedata
import xml.dom.minidom
from xml.sax.saxutils import escape as xml_escape
import zlib

BADCREDS, FIX = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
UNDER_WINE = os.environ.get('BADCREDS_UNDER_WINE') == '1'
HOSTILE = json.load(open(os.path.join(FIX, 'hostile.json'), encoding='utf-8'))
FAILURES = []
csv.field_size_limit(sys.maxsize)
# peak memory allowed for the fan-out file (the build before the bound took 3 GiB): sanitizer runtimes (ASan, TSan
# builds run these tests too) multiply what a process takes
SANITIZED = any(marker in open(BADCREDS, 'rb').read() for marker in (b'__asan_init', b'__tsan_init'))
MEMORY_BOUND = (2048 if SANITIZED else 400) * 1024  # KiB
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'tools'))


def check(name, cond, detail=''):
    print(f'{"ok" if cond else "FAIL"} {name}' + (f': {detail}' if detail and not cond else ''))
    if not cond:
        FAILURES.append(name)


def run(args, stdin=None, env=None, cwd=None, timeout=120):
    """One run; a run that does not end in time counts as exit status -1 (and fails the check that made it)."""
    try:
        p = subprocess.run([BADCREDS] + args, input=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           env=env, cwd=cwd, timeout=timeout, check=False)
    except subprocess.TimeoutExpired as e:
        return subprocess.CompletedProcess(e.cmd, -1, e.stdout or b'', (e.stderr or b'') + b'(timed out)')
    sanitized(args, p.stderr)
    return p


def sanitized(args, err):
    """A sanitizer report (the ASan+UBSan build runs these tests too) fails the run whatever it returned."""
    if b'runtime error' in err or b'Sanitizer' in err:
        check(f'no sanitizer report from {" ".join(args)[:80]}', False, err.decode('utf-8', 'replace')[:1500])


def f(name):
    return os.path.join(FIX, name)


def formula(text):
    """The guard's rule, restated: the first character after blanks is = + - @ (ASCII, full-width, small) or the
    minus sign, or the text starts with a tab or a carriage return."""
    if text[:1] in ('\t', '\r'):
        return True
    stripped = text.lstrip(' \t\r\n\v\f\u00a0\u1680\u180e\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008'
                           '\u2009\u200a\u200b\u2028\u2029\u202f\u205f\u3000\ufeff')
    return stripped[:1] in ('=', '+', '-', '@', '\uff1d', '\uff0b', '\uff0d', '\uff20', '\ufe66', '\ufe62', '\ufe63',
                            '\ufe6b', '\u2212')


def csv_rows(text):
    return list(csv.DictReader(io.StringIO(text, newline='')))


def expected(server, xml_export=False):
    """The attempts of a server; from an XML export, a typed CR reads as LF (XML parsers turn line ends into LF)."""
    lf = (lambda u: u.replace('\r\n', '\n').replace('\r', '\n')) if xml_export else (lambda u: u)
    return sorted((e['time'][:23], lf(e['user']), e['ip'], e['outcome'], e['client_supplied'])
                  for e in HOSTILE['attempts'] if e['server'] == server)


def from_csv(rows):
    out = []
    for r in rows:
        user = r['UserPrincipalName']
        if formula(user[1:] if user.startswith("'") else user):
            if not user.startswith("'"):
                return None  # a formula got through unguarded
            user = user[1:]
        out.append((r['Time'][:23], user, r['IP Address'], r['Outcome'], r.get('Client-Supplied IPs', '')))
    return sorted(out)


def shows_controls(data):
    """Bytes that would act on a terminal: C0 controls but LF, DEL, and C1 controls encoded in UTF-8."""
    return re.search(rb'[\x00-\x09\x0b-\x1f\x7f]|\xc2[\x80-\x9f]', data) is not None


def names():
    """User names: every output of every form of the same requests."""
    for src in ('HOSTILE-NAMES.evtx', 'HOSTILE-NAMES.xml'):
        want = expected('ADFS-HOSTILE.contoso.com', src.endswith('.xml'))
        p = run(['scan', '-o', '-', f(src)])
        got = from_csv(csv_rows(p.stdout.decode('utf-8')))
        check(f'{src}: one row per request, every user as typed, formulas guarded', got == want,
              f'exit {p.returncode}; {sorted(set(got or []) ^ set(want))[:3]}')
        p = run(['scan', '-q', '-o', '-', '--format', 'jsonl', f(src)])
        rows = [json.loads(line) for line in p.stdout.decode('utf-8', 'replace').splitlines()]
        check(f'{src}: JSON lines carry the names exactly', sorted(r['user'] for r in rows) == [w[1] for w in
                                                                                              sorted(want, key=lambda w: w[1])])
        check(f'{src}: a 4625 whose user holds a line break joins its request',
              all('4625' in r['events'].split() and r['ip'] for r in rows))
    # the NUL file: every reader stops at the NUL, in every event, so the request stays one
    p = run(['scan', '-q', '-o', '-', '--format', 'jsonl', f('HOSTILE-NUL.evtx')])
    rows = [json.loads(line) for line in p.stdout.decode('utf-8', 'replace').splitlines()]
    check('a NUL in a user name does not split its request', len(rows) == 1 and rows[0]['user'] == 'nul' and
          rows[0]['ip'] == '203.0.113.5' and '4625' in rows[0]['events'].split(), str(rows)[:300])
    p = run(['scan', '-o', '-', f('HOSTILE-NUL.evtx')])
    check('singular words: "1 attempt by 1 user from 1 IP"', b'1 attempt by 1 user from 1 IP;' in p.stderr,
          p.stderr.decode('utf-8', 'replace')[-300:])
    # a user name of 1 MiB (XML export only: an EVTX value holds 64 KiB)
    big = next(e['user'] for e in HOSTILE['attempts'] if e['server'] == 'ADFS-BIG.contoso.com')
    p = run(['summary', '-q', '--format', 'csv', f('HOSTILE-BIG.xml')])
    cells = [r['subject'] for r in csv_rows(p.stdout.decode('utf-8')) if r['type'] == 'user']
    check('summary CSV: a 1 MiB user name is one cell, its first 64 KiB and a mark (more than any Windows event '
          'value holds: a crafted file)', len(cells) == 1 and len(cells[0].encode()) == 65535 and
          cells[0].endswith('[cut]') and big.startswith(cells[0][:-5]), f'{[len(c) for c in cells]}')
    with tempfile.TemporaryDirectory() as tmp:  # events of 100 KiB and of over 1 MiB: trace's JSON lines stay JSON
        mid = os.path.join(tmp, 'mid.xml')
        with open(mid, 'w', encoding='utf-8') as out:
            out.write(open(f('HOSTILE-BIG.xml'), encoding='utf-8').read().replace(big, big[:100 * 1024]))
        for path in (mid, f('HOSTILE-BIG.xml')):
            lines = run(['trace', '-q', '-f', 'jsonl', '--user', '.', path]).stdout.decode('utf-8').splitlines()
            try:
                events = [json.loads(line)['event'] for line in lines]
            except ValueError as e:
                events = [str(e)]
            check(f'trace JSON lines of events of {os.path.getsize(path) >> 10} KiB are JSON, none cut inside',
                  len(events) >= 4 and all(isinstance(e, dict) and ('EventData' in e or 'EventDataLeftOut' in e)
                                           for e in events), str(events)[:300])
    for command in (['scan', '-o', '-'], ['trace']):  # a pattern that backtracks on every character of it
        status, out, err, rss = run_measured(command + ['--user', r'^(\w|\.)+@contoso\.com$', f('HOSTILE-BIG.xml')])
        check(f'{command[0]} --user that backtracks on a 1 MiB name: bounded memory, the value left out with a warning '
              '(exit 1)', status == 1 and b'--client-app gave up' in err and b'which was left out' in err and
              (UNDER_WINE or SANITIZED or rss < 100 * 1024),
              f'exit {status}, {rss} KiB, {err.decode("utf-8", "replace")[-300:]}')
    # text for people: nothing acts on a terminal, no line is forged
    p = run(['summary', f('HOSTILE-NAMES.evtx')])
    text = p.stdout.decode('utf-8')
    check('summary text shows no control character', not shows_controls(p.stdout) and
          not shows_controls(p.stderr.replace(b'\r\n', b'\n')))  # standard error is text on Windows: CR LF
    check('summary text: a line break in a name forges no finding line',
          [line for line in text.splitlines() if line.lstrip().startswith('password_spray') or
           'FORGED' in line.split(':')[0]] == [])
    users = [e['user'] for e in HOSTILE['attempts'] if e['server'] == 'ADFS-HOSTILE.contoso.com']
    lines = text.split('Users (most attempts first)\n')[1].split('\n\n')[0].splitlines()[1:]
    rows = [line for line in lines if not line.startswith(' ' * 42)]  # a name over 40 columns: its counts below
    check('summary text: one row per user', len(rows) == len(set(u.lower() for u in users)), f'{len(rows)} rows')
    def width(text):
        return sum(2 if unicodedata.east_asian_width(c) in 'WF' else 0 if unicodedata.combining(c) else 1
                   for c in text)

    def attempts_end(line):  # where the attempts column ends, in display columns
        m = re.search(r'\s+(\d+)(\s+\d+){8}\s+\d{4}-', line)
        return width(line[:m.end(1)]) if m else None
    wrapped = [i for i, line in enumerate(lines) if attempts_end(line) is None]
    check('summary text: a name wider than its column is whole, its counts on the next line',
          wrapped and all(i + 1 < len(lines) and lines[i + 1].startswith(' ' * 42) and
                          width(lines[i][2:]) > 40 for i in wrapped), str([lines[i] for i in wrapped]))
    starts = {attempts_end(line) for line in lines} - {None}
    check('summary text: columns aligned by display width (müller, 山田太郎, full-width forms, long names)',
          len(starts) == 1, str(starts))
    p = run(['trace', '--user', '.', f('HOSTILE-NAMES.evtx')])
    check('trace text shows no control character', p.returncode == 0 and not shows_controls(p.stdout) and
          b'\xe2\x90\x9b]0;pwned' in p.stdout, p.stderr.decode('utf-8', 'replace')[-200:])
    lines = p.stdout.decode('utf-8').splitlines()
    fields = [line for line in lines if re.match(r'      [A-Za-z]+(\[\d+\])?: ', line)]
    check('trace text: a line break typed into a user name continues after a bar, never as a field of its own',
          '        | line2@contoso.com' in lines and not any('line2@' in line for line in fields), '\n'.join(lines[:5]))
    with tempfile.TemporaryDirectory() as tmp:
        page = os.path.join(tmp, 'page.html')
        p = run(['summary', '-q', '--html', page, f('HOSTILE-NAMES.evtx')])
        html = open(page, 'rb').read() if os.path.exists(page) else b'\x1b'
        check('HTML page shows no control character', p.returncode == 0 and not shows_controls(html.replace(b'\n', b'')))
    # dump's XML is well-formed, and what badcreds reads back from it is what the EVTX file holds
    with tempfile.TemporaryDirectory() as tmp:
        p = run(['dump', '-q', f('HOSTILE-NAMES.evtx')])
        try:
            xml.dom.minidom.parseString(b'<all>' + p.stdout + b'</all>')
            well_formed = True
        except Exception as e:  # noqa: BLE001 (any parser error)
            well_formed = False
            print(e)
        check('dump --format xml is well-formed with control characters in the values', well_formed)
        check('dump --format xml sends no DEL or C1 control (CSI) raw: character references',
              not re.search(rb'\xc2[\x80-\x9f]|\x7f', p.stdout) and b'csi&#x9B;2Jx@' in p.stdout)
        back = os.path.join(tmp, 'back.xml')
        with open(back, 'wb') as out:
            out.write(p.stdout)
        a = run(['scan', '-q', '-o', '-', '--format', 'jsonl', '--columns', 'compat', f('HOSTILE-NAMES.evtx')]).stdout
        b = run(['scan', '-q', '-o', '-', '--format', 'jsonl', '--columns', 'compat', back]).stdout
        check('dump XML read back gives the same users, addresses and times', a == b and a)
        text = open(f('ADFS-JP.xml'), encoding='utf-8').read()
        at = text.index('>', text.index('<Data')) + 1
        export = os.path.join(tmp, 'c1.xml')
        with open(export, 'w', encoding='utf-8') as out:
            out.write(text[:at] + 'c1\u009bx\x7fy\u202ez\u2066w\u061cv' + text[at:])
        p = run(['dump', '-q', export])
        check('dump --format xml of an XML export: DEL, C1 and bidi controls as references too', p.returncode == 0 and
              not re.search(rb'\xc2[\x80-\x9f]|\x7f|\xe2\x80\xae|\xe2\x81\xa6|\xd8\x9c', p.stdout) and
              b'c1&#x9B;x&#x7F;y&#x202E;z&#x2066;w&#x61C;v' in p.stdout)
        p = run(['dump', '-q', '--format', 'jsonl', export])
        check('dump --format jsonl: DEL, C1 and bidi controls escaped (\\u007f, \\u009b, \\u202e)', p.returncode == 0 and
              b'c1\\u009bx\\u007fy\\u202ez\\u2066w\\u061cv' in p.stdout and
              json.loads(p.stdout.splitlines()[0])['EventData'][0].startswith('c1\u009bx\x7fy\u202ez\u2066w\u061cv'),
              p.stdout[:300].decode(errors='replace'))
    if not UNDER_WINE:  # file names on standard error (Windows allows no control character in a file name)
        with tempfile.TemporaryDirectory() as tmp:
            evil = os.path.join(tmp, 'evil\x1b[2J\x1b]0;x\x07.evtx')
            shutil.copy(f('ADFS-JP.evtx'), evil)
            p = run(['scan', '-o', '-', evil, os.path.join(tmp, 'gone\x1b[31m\r\n.evtx')])
            check('file names on standard error show no control character', p.returncode == 1 and
                  not shows_controls(p.stderr.replace(b'\n', b'')) and b'gone\xe2\x90\x9b[31m' in p.stderr,
                  p.stderr.decode(errors='replace'))
    if not UNDER_WINE:  # a file name that is not UTF-8 (Linux allows any bytes): JSON lines stay UTF-8, so JSON
        with tempfile.TemporaryDirectory() as tmp:
            name = os.path.join(tmp.encode(), b'latin\xe9\xff.evtx')
            shutil.copy(f('ADFS-JP.evtx'), name)
            for args in (['scan', '-q', '-f', 'jsonl', '-o', '-'], ['dump', '-q', '-f', 'jsonl'],
                         ['trace', '-q', '-f', 'jsonl', '--user', '.']):
                p = subprocess.run([BADCREDS.encode()] + [a.encode() for a in args] + [name], stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, timeout=120, check=False)
                sanitized(args, p.stderr)
                try:
                    rows = [json.loads(line) for line in p.stdout.splitlines()]  # bytes: must be UTF-8
                except ValueError as e:
                    rows = [str(e)]
                check(f'{args[0]} --format jsonl of a file whose name is not UTF-8: every line is JSON, the name '
                      'with U+FFFD', p.returncode == 0 and len(rows) > 1 and
                      all(isinstance(r, dict) and 'latin\ufffd\ufffd.evtx' in json.dumps(r, ensure_ascii=False)
                          for r in rows), str(rows[:1])[:300])
    if not UNDER_WINE:  # output names and option values on standard error
        with tempfile.TemporaryDirectory() as tmp:
            name = os.path.join(tmp, 'o\u202e\u009bvsc.csv')
            p = run(['scan', '-o', name, f('ADFS-JP.evtx')])
            check('an output name with bidi and C1 characters is written, and named visibly', p.returncode == 0 and
                  os.path.exists(name) and not shows_controls(p.stderr) and '\u202e'.encode() not in p.stderr and
                  b'o<U+202E><U+009B>vsc.csv' in p.stderr, p.stderr.decode(errors='replace'))
        for command in ('scan', 'coverage', 'lockouts', 'summary', 'prt'):
            p = run([command, '-o', '/dev/full', f('ADFS-JP.evtx')])
            check(f'{command} -o /dev/full: exit 3, and the closing line says nothing was written',
                  p.returncode == 3 and b'cannot write /dev/full' in p.stderr and b'wrote /dev/full' not in p.stderr and
                  re.search(rb'badcreds: %s: read \d+ records? .*; wrote nothing\n' % command.encode(), p.stderr),
                  p.stderr.decode(errors='replace'))
        with open('/dev/full', 'wb') as full:
            p = subprocess.run([BADCREDS, 'prt', '--explain', '0xc000006d'], stdout=full, stderr=subprocess.PIPE,
                               check=False)
        check('prt --explain to a full disk: exit 3 and a message, not an answer taken as given',
              p.returncode == 3 and b'writing output' in p.stderr, p.stderr.decode(errors='replace'))
        for bad in (['-o', ''], ['-o', 'a\x1b[2Jb'], ['--format', '\x1b[2J\u009b']):
            p = run(['summary'] + bad + [f('ADFS-JP.evtx')])
            check(f'summary {bad!r}: a usage error naming the option, no control character shown',
                  p.returncode == 2 and bad[0].encode() in p.stderr and
                  not shows_controls(p.stderr.replace(b'\n', b'')),
                  p.stderr.decode(errors='replace'))
        p = run(['--version\x1bc'])
        check('badcreds --version with a control character: "did you mean", the option shown visibly',
              p.returncode == 2 and b"did you mean '--version'" in p.stderr and b'\xe2\x90\x9b' in p.stderr and
              not shows_controls(p.stderr.replace(b'\n', b'')), p.stderr.decode(errors='replace')[:200])
        for words in (['help', 'x\x1b[2J\u202ey'], ['--help', '\x1b]0;t\x07\u009b'], ['help', 'sca\x1b[2J']):
            p = run(words)
            check(f'badcreds {words[0]} naming no command: a usage error, the name shown visibly',
                  p.returncode == 2 and b"no command '" in p.stderr and b'\xe2\x90\x9b' in p.stderr and
                  not shows_controls(p.stderr.replace(b'\n', b'')) and '\u202e'.encode() not in p.stderr,
                  p.stderr.decode(errors='replace')[:200])
    if not UNDER_WINE:  # a CSV report on a terminal shows control characters visibly
        import pty
        pid, fd = pty.fork()
        if pid == 0:
            os.execv(BADCREDS, [BADCREDS, 'scan', '-q', '-o', '-', f('HOSTILE-NAMES.evtx')])
        out = b''
        while True:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                break
            if not chunk:
                break
            out += chunk
        os.waitpid(pid, 0)
        out = out.replace(b'\r\r\n', b'\n').replace(b'\r\n', b'\n')  # CSV's and the terminal's line ends
        check('CSV on a terminal shows control characters visibly', b'\xe2\x90\x9b]0;pwned' in out and
              not shows_controls(out.replace(b'\n', b'')) and b'"cr\xe2\x90\x8d' in out)


def addresses():
    rows = [json.loads(line) for line in run(['scan', '-q', '-o', '-', '--format', 'jsonl', f('HOSTILE-NAMES.evtx')])
            .stdout.decode('utf-8', 'replace').splitlines()]
    victim = [r for r in rows if r['user'] == 'victim@contoso.com']
    check('a private address the client put in X-Forwarded-For is reported as such, not as the submitter',
          len(victim) == 6 and all(r['ip'] == '198.51.100.77' and r['ip_class'] == 'public' and
                                   r.get('client_supplied_ips') == '10.0.0.1' for r in victim), str(victim[:1]))
    p = run(['summary', '-q', '--format', 'jsonl', f('HOSTILE-NAMES.evtx')])
    findings = [json.loads(line) for line in p.stdout.decode('utf-8', 'replace').splitlines()]
    check('... and cannot hide the brute force', any(x['type'] == 'brute_force' and x['subject'] == 'victim@contoso.com'
                                                     for x in findings))
    p = run(['scan', '-q', '-o', '-', '--format', 'jsonl', '--trusted-proxy', '198.51.100.77/32',
             f('HOSTILE-NAMES.evtx')])
    victim = [json.loads(line) for line in p.stdout.decode('utf-8', 'replace').splitlines() if 'victim' in line]
    check('--trusted-proxy: the address a trusted proxy forwards is the submitter',
          victim and all(r['ip'] == '10.0.0.1' and r.get('client_supplied_ips') == '' for r in victim), str(victim[:1]))


def carved_and_fanout():
    c = HOSTILE['carved']
    p = run(['dump', '--format', 'jsonl', f('HOSTILE-CARVED.evtx')])
    records = [json.loads(line) for line in p.stdout.decode('utf-8', 'replace').splitlines()]
    check('carved remnants that hold no plausible record are left out, a plausible one kept',
          len(records) == c['live'] + len(c['carved_kept']) and
          [r['RecordNumber'] for r in records if r['Recovered']] == c['carved_kept'] and
          b'2 carved remnants left out' in p.stderr, p.stderr.decode('utf-8', 'replace')[-300:])
    with tempfile.TemporaryDirectory() as tmp:  # the file name goes into a comment before each recovered record
        name = os.path.join(tmp, 'x--y-' + ('' if UNDER_WINE else '\x1b\udcff') + '-.evtx')
        shutil.copy(f('HOSTILE-CARVED.evtx'), name.encode('utf-8', 'surrogateescape'))
        p = run(['dump', '-q', name.encode('utf-8', 'surrogateescape')])
        try:
            xml.dom.minidom.parseString(b'<Events>' + p.stdout + b'</Events>')
            well_formed = b'<!-- recovered record: ' in p.stdout
        except Exception as e:  # pylint: disable=broad-except
            well_formed = False
            print(e)
        check('a file name with "--", controls or bytes that are not UTF-8 keeps dump\'s XML well-formed', well_formed)
    p = run(['scan', '-o', '-', f('HOSTILE-CARVED.evtx')])
    check('scan counts the records decoded, remnants apart',
          f'read {c["live"] + len(c["carved_kept"])} records from 1 input, and {c["remnants"]} carved remnants left '
          f'out'.encode() in p.stderr, p.stderr.decode('utf-8', 'replace')[-300:])
    # the correlating commands first: a child's peak memory counts this process's before it runs dump's output in
    for args in (['scan', '-q', '-j1', '-o', '-'], ['trace', '-q', '-j1', '--user', '.'], ['summary', '-q', '-j1'],
                 ['lockouts', '-q', '-j1'], ['dump', '--format', 'jsonl', '-q'], ['dump', '-q']):
        status, out, err, rss = run_measured(args + [f('HOSTILE-FANOUT.evtx')])
        bound = MEMORY_BOUND if args[0] == 'dump' or SANITIZED else 100 * 1024  # the correlation keeps 64 KiB a text
        check(f'{" ".join(args[:2])}: a template that repeats one value 7,900 times is cut, memory stays bounded',
              status == 1 and b'cut: its template repeats values beyond what a record (8 MiB)' in err and (UNDER_WINE or rss < bound),
              f'exit {status}, {rss} KiB, {err.decode("utf-8", "replace")[-200:]}')
        if args == ['dump', '-q']:
            try:
                xml.dom.minidom.parseString(b'<all>' + out + b'</all>')
                ok = len(re.findall(rb'<Event[ >]', out)) == HOSTILE['fanout']['records']
            except Exception:  # noqa: BLE001 (any parser error)
                ok = False
            check('a cut record is still well-formed XML', ok)


def run_measured(args):
    """Exit status, output, errors and peak memory (KiB) of one run."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        pid = os.fork()
        if pid == 0:
            os.dup2(out.fileno(), 1)
            os.dup2(err.fileno(), 2)
            os.execv(BADCREDS, [BADCREDS] + args)
        _, status, usage = os.wait4(pid, 0)
        out.seek(0)
        err.seek(0)
        output, errors = out.read(), err.read()
        sanitized(args, errors)
        return os.waitstatus_to_exitcode(status), output, errors, usage.ru_maxrss


def spray(tmp, n=1500):
    """Two servers' logs of an n-attempt spray (about 9 MB for 1500), the attempts of the first."""
    import mkfixtures
    from evtx_writer import write_file
    farm = mkfixtures.Farm()
    log = farm.log('ADFS01.contoso.com')
    for i in range(n):
        farm.attempt_2016(log, mkfixtures.BASE + datetime.timedelta(seconds=3 * i), f'user{i}@contoso.com',
                          f'203.0.{i >> 8 & 255}.{i & 255}')
    path = os.path.join(tmp, 'spray.evtx')
    write_file(path, log.records())
    return path


def scan_users(args, stdin=None, env=None):
    p = run(['scan', '-o', '-', '--format', 'jsonl'] + args, stdin=stdin, env=env)
    return p, {json.loads(line)['user'] for line in p.stdout.decode("utf-8", "replace").splitlines()}


def gzip_with_junk(log, junk, mib):
    """A gzip of the log followed by `mib` MiB of junk (the block repeated), compressed as it streams."""
    c = zlib.compressobj(1, zlib.DEFLATED, 31)
    block = junk * ((1 << 20) // len(junk))
    return b''.join([c.compress(log)] + [c.compress(block) for _ in range(mib)] + [c.flush()])


def gzip_bombs(tmp, env, path, everyone):
    """A log followed by 300 MiB of junk in a small .gz: the log is read, the junk is not decompressed further than
    64 MiB past the log's last sign (the spool stays within a 100 MiB --spool-limit, the reader never reads it), and
    the error names the file and the offset in the decompressed data where the junk starts."""
    raw = open(path, 'rb').read()
    gz = os.path.join(tmp, 'bomb.gz')
    for what, junk in (('zeros', bytes(4096)), ('a repeated random block', random.Random(7).randbytes(4096))):
        with open(gz, 'wb') as out:
            out.write(gzip_with_junk(raw, junk, 300))
        p, users = scan_users(['--spool-limit', '100M', gz], env=env)
        said = f'{gz}: error: the decompressed data holds no EVTX chunk or record from offset 0x{len(raw):x} on'
        check(f'a gzip bomb of {what} behind a log: its attempts, then the junk named and not decompressed (exit 1)',
              p.returncode == 1 and users == everyone and said.encode() in p.stderr and b'spool-limit' not in
              p.stderr and b'chunk signature missing' not in p.stderr, p.stderr.decode('utf-8', 'replace')[-600:])
    xml = open(f('ADFS01.xml'), 'rb').read()
    _, exported = scan_users([f('ADFS01.xml')])
    for what, junk in (('zeros', bytes(4096)), ('markup', b'<' * 4096)):
        with open(gz, 'wb') as out:
            out.write(gzip_with_junk(xml, junk, 300))
        p, users = scan_users(['--spool-limit', '100M', gz], env=env)
        said = (f'{gz}: error: the decompressed data holds no end of an XML event from offset '
                f'0x{xml.rfind(b"Event>") + 6:x} on')
        check(f'a gzip bomb of {what} behind an XML export: its attempts, then the junk named and not decompressed '
              '(exit 1)', p.returncode == 1 and users == exported and exported and said.encode() in p.stderr and
              b'spool-limit' not in p.stderr, p.stderr.decode('utf-8', 'replace')[-600:])
    os.unlink(gz)


def compressed():
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, TMPDIR=tmp)
        path = spray(tmp)
        raw = open(path, 'rb').read()
        _, everyone = scan_users([path])
        one = gzip.compress(raw)
        gz = os.path.join(tmp, 'one.gz')

        def variant(name, data):
            with open(gz, 'wb') as out:
                out.write(data)
            return scan_users([gz], env=env)

        p, users = variant('trailer', one[:-8] + bytes(b ^ 0xff for b in one[-8:-4]) + one[-4:])
        check('gzip with a wrong CRC-32 trailer: every attempt, a warning, exit 0',
              users == everyone and len(everyone) == 1500 and p.returncode == 0 and b'CRC-32' in p.stderr,
              f'{len(users)} of 1500, exit {p.returncode}')
        p, users = variant('cut', one[:len(one) * 3 // 4])
        check('gzip cut short: what came before is kept (exit 1)', p.returncode == 1 and users < everyone and
              len(users) > 1000 and b'ends early' in p.stderr, f'{len(users)}, exit {p.returncode}')
        damaged = bytearray(one)
        for i in range(len(one) // 2, len(one) // 2 + 64):
            damaged[i] ^= 0x5a
        p, users = variant('middle', bytes(damaged))
        check('gzip damaged in the middle: the attempts before the damage are kept, none made up (exit 1)',
              p.returncode == 1 and users <= everyone and len(users) > 500, f'{len(users)}, exit {p.returncode}')
        members = b''.join(gzip.compress(raw[i:i + (1 << 20)]) for i in range(0, len(raw), 1 << 20))
        damaged = bytearray(members)
        at = len(gzip.compress(raw[:1 << 20])) * 5 // 2
        for i in range(at, at + 64):
            damaged[i] ^= 0x5a
        p, users = variant('members', bytes(damaged))
        check('gzip of several members damaged in one: the chunks of the others are found again',
              p.returncode == 1 and users <= everyone and len(users) > 1300 and b'chunk' in p.stderr,
              f'{len(users)}, exit {p.returncode}')
        p, users = scan_users(['-'], stdin=one, env=env)
        check('gzip on standard input', users == everyone and p.returncode == 0, p.stderr.decode('utf-8', 'replace')[-200:])
        gzip_bombs(tmp, env, path, everyone)
        p = run(['scan', '-o', '-', '--spool-limit', '64M', '-'], stdin=gzip.compress(bytes(200 << 20)), env=env)
        check('a gzip bomb of zeros is refused after one block (long before a 64 MiB --spool-limit)',
              p.returncode == 1 and b'neither EVTX nor event XML' in p.stderr and b'spool-limit' not in p.stderr,
              p.stderr.decode('utf-8', 'replace')[-200:])
        p = run(['scan', '-o', '-', '--spool-limit', '16M', '-'], stdin=raw[:4096] + bytes(64 << 20), env=env)
        check('--spool-limit stops an endless EVTX stream with a message', p.returncode == 1 and
              b'--spool-limit' in p.stderr, p.stderr.decode('utf-8', 'replace')[-300:])
        p = run(['scan', '-o', '-', '--spool-limit', '100K', '-'], stdin=raw[:4096] + bytes(1 << 20), env=env)
        check('--spool-limit below 1 MiB is named as given (100 KiB), not as 0 MiB', p.returncode == 1 and
              b'stopped after 100 KiB, the --spool-limit' in p.stderr, p.stderr.decode('utf-8', 'replace')[-300:])
        if not UNDER_WINE:  # Windows takes TMP or TEMP
            check('the temporary copies live in TMPDIR and are gone afterwards', sorted(os.listdir(tmp)) ==
                  ['one.gz', 'spray.evtx'])
        if not UNDER_WINE:  # Windows takes TMP or TEMP
            p = run(['scan', '-o', '-', '-'], stdin=one, env=dict(os.environ, TMPDIR=os.path.join(tmp, 'none')))
            check('TMPDIR is where the copy goes (a missing one is named)', p.returncode == 1 and b'none' in p.stderr)
        if not UNDER_WINE:
            p = subprocess.run(['bash', '-c', f'head -c 1000000000 /dev/zero | "{BADCREDS}" scan --spool-limit 64M '
                                f'-o - -'], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, timeout=60,
                               check=False)
            check('/dev/zero on standard input is refused at once (long before a 64 MiB --spool-limit)',
                  p.returncode == 1 and b'neither EVTX nor event XML' in p.stderr and b'spool-limit' not in p.stderr,
                  p.stderr.decode('utf-8', 'replace')[-200:])
            walk = os.path.join(tmp, 'walk')
            os.mkdir(walk)
            fifo = os.path.join(walk, 'pipe')
            os.mkfifo(fifo)
            with open(os.path.join(walk, 'spray.evtx.gz'), 'wb') as out:
                out.write(one)
            p = subprocess.run(['bash', '-c', f'timeout 50 cat "{path}" > "{fifo}" 2>/dev/null & '
                                f'"{BADCREDS}" scan -o - --format jsonl '
                                f'"{fifo}" <(gzip -c "{path}") /dev/stdin < "{path}"'], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, env=env, timeout=60, check=False)
            users = [json.loads(line)['user'] for line in p.stdout.decode('utf-8', 'replace').splitlines()]
            check('a named pipe, <(...) and /dev/stdin are read as streams (the same log thrice: its attempts once)',
                  p.returncode == 0 and set(users) == everyone and len(users) == 1500 and b'from 3 inputs' in p.stderr,
                  p.stderr.decode('utf-8', 'replace')[-300:])
            p, users = scan_users(['-q', walk], env=env)
            check('a pipe met in a directory walk is passed over (reading it would wait for a writer)',
                  p.returncode == 0 and users == everyone, p.stderr.decode('utf-8', 'replace')[-300:])
            os.unlink(fifo)
            os.unlink(os.path.join(walk, 'spray.evtx.gz'))
            os.rmdir(walk)


def xml_exports():
    text = open(f('ADFS-JP.xml'), encoding='utf-8').read()
    events = re.findall(r'<Event .*?</Event>', text, re.S)
    with tempfile.TemporaryDirectory() as tmp:  # an event with 20,000 attributes (libxml2 spends quadratic time)
        path = os.path.join(tmp, 'attrs.xml')
        with open(path, 'w', encoding='utf-8') as out:
            out.write(events[0].replace('<Event ', '<Event ' + ' '.join(f'a{i}="1"' for i in range(20000)) + ' ', 1) +
                      ''.join(events[1:]))
        if not UNDER_WINE:  # dump FILE >> FILE: it would read what it writes, for ever
            own = os.path.join(tmp, 'own.xml')
            shutil.copy(f('ADFS-JP.xml'), own)
            size = os.path.getsize(own)
            with open(own, 'ab') as out:
                q = subprocess.run([BADCREDS, 'dump', own], stdout=out, stderr=subprocess.PIPE, timeout=60,
                                   check=False)
            check('dump FILE >> FILE: a usage error, nothing written', q.returncode == 2 and
                  os.path.getsize(own) == size and b'standard output is the SOURCE' in q.stderr,
                  q.stderr.decode(errors='replace'))
            walked = os.path.join(tmp, 'walked')  # dump DIR > DIR/out.xml: the walk passes its own output over
            os.mkdir(walked)
            shutil.copy(f('ADFS-JP.xml'), walked)
            with open(os.path.join(walked, 'out.xml'), 'wb') as out:
                q = subprocess.run([BADCREDS, 'dump', '-q', '--format', 'jsonl', walked], stdout=out,
                                   stderr=subprocess.PIPE, timeout=60, check=False)
            check('dump DIR > DIR/out: its own output is not read back', q.returncode == 0 and
                  len(open(os.path.join(walked, 'out.xml'), 'rb').read().splitlines()) == len(events),
                  q.stderr.decode(errors='replace'))
            q = run(['dump', '-o', own, own], timeout=60)
            check('dump -o FILE FILE: a usage error, the log left as it was', q.returncode == 2 and
                  os.path.getsize(own) == size and b'is also a SOURCE' in q.stderr, q.stderr.decode(errors='replace'))
            packed = os.path.join(tmp, 'out.jsonl.gz')
            q = run(['dump', '--format', 'jsonl', '-o', packed, f('ADFS-JP.xml')], timeout=60)
            check('dump -o NAME.gz: every record, compressed, and the closing line says where', q.returncode == 0 and
                  len(gzip.open(packed).read().splitlines()) == len(events) and
                  q.stderr.endswith(f'; wrote {packed}\n'.encode()), q.stderr.decode(errors='replace'))
        p = run(['dump', '-q', '--format', 'jsonl', path], timeout=60)
        check('an event with 20,000 attributes is skipped with a message, the others read', p.returncode == 1 and
              b'offset 0x0: error: event with more than 10000 attributes skipped' in p.stderr and
              len(p.stdout.splitlines()) == len(events) - 1, p.stderr.decode(errors='replace')[-300:])
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, 'jp.xml')
        want = run(['dump', '-q', '--format', 'jsonl', f('ADFS-JP.xml')]).stdout.decode('utf-8', 'replace').splitlines()
        bad = events[:2] + ['<Event xmlns="x"><System><EventID>1</EventID></Sys>'] + events[2:5] + \
            ['<Event><System><EventID>2</EventID></System><EventData><Data>\x1b[2J &#x1B; \x01</Data></EventData>'
             '</Event>'] + events[5:]
        data = ''.join(bad).encode('utf-8')
        cut = data.index(events[3].encode()[:40]) + 30
        data = data[:cut] + b'\xff\xfe\xc0' + data[cut:]  # bytes that are not UTF-8, inside an event
        with open(path, 'wb') as out:
            out.write(data)
        p = run(['dump', '--format', 'jsonl', path])
        got = p.stdout.decode('utf-8', 'replace').splitlines()
        ids = [json.loads(line).get('EventID') for line in got]
        check('XML export: a broken element and bad bytes cost only their events, the rest is read',
              len(got) == len(want) + 2 and p.returncode == 1 and 2 in ids and b'offset 0x' in p.stderr,
              f'{len(got)} of {len(want) + 2}; {p.stderr.decode("utf-8", "replace")[-300:]}')
        same = [dict(json.loads(line), File='') for line in want]
        for junk in ('<!-- ', '<?pi ', '<![CDATA[ ', '<!DOCTYPE x [ '):  # opened between events, never closed
            with open(path, 'w', encoding='utf-8') as out:
                out.write(''.join(events[:3]) + junk + ''.join(events[3:]))
            p = run(['dump', '--format', 'jsonl', path])
            check(f'XML export: {junk.strip()!r} never closed does not swallow the events after it (exit 1, said)',
                  [dict(json.loads(line), File='') for line in p.stdout.decode('utf-8', 'replace').splitlines()] ==
                  same and p.returncode == 1 and b'passed over' in p.stderr,
                  f'exit {p.returncode}, {len(p.stdout.splitlines())} of {len(same)} events; '
                  f'{p.stderr.decode("utf-8", "replace")[-300:]}')
        for junk in ('<!-- ', '<?pi ', '<![CDATA[ ', '<!DOCTYPE x [ '):  # opened again and again, never closed
            with open(path, 'w', encoding='utf-8') as out:
                out.write(''.join(events[:3]) + junk * 40000 + ''.join(events[3:]) + junk * 40000)
            took = time.monotonic()
            p = run(['dump', '--format', 'jsonl', path])
            took = time.monotonic() - took
            check(f'XML export: {junk.strip()!r} opened 80,000 times, never closed: every event read, in linear time',
                  [dict(json.loads(line), File='') for line in p.stdout.decode('utf-8', 'replace').splitlines()] ==
                  same and p.returncode == 1 and (UNDER_WINE or took < (60 if SANITIZED else 5)),
                  f'exit {p.returncode}, {len(p.stdout.splitlines())} of {len(same)} events, {took:.1f} s')
        control = [json.loads(line) for line in got if json.loads(line).get('EventID') == 2]
        check('XML export: control characters, raw or as references, read as the characters',
              control and control[0]['EventData'] == ['\x1b[2J \x1b \x01'], str(control))
        for enc, bom in (('utf-16-be', b''), ('utf-16-be', b'\xfe\xff'), ('utf-16-le', b''), ('utf-16-le', b'\xff\xfe')):
            with open(path, 'wb') as out:
                out.write(bom + text.encode(enc))
            p = run(['dump', '-q', '--format', 'jsonl', path])
            check(f'XML export in {enc}{" with a byte order mark" if bom else ""}',
                  [dict(json.loads(line), File='') for line in p.stdout.decode('utf-8', 'replace').splitlines()] ==
                  [dict(json.loads(line), File='') for line in want])


def outputs():
    with tempfile.TemporaryDirectory() as tmp:  # a report never replaces an input, nor another output
        log = os.path.join(tmp, 'ADFS-JP.evtx')
        shutil.copy(f('ADFS-JP.evtx'), log)
        evidence = open(log, 'rb').read()
        for command, extra in (('scan', ['-o', log]), ('summary', ['-o', os.path.join(tmp, '.', 'ADFS-JP.evtx')]),
                               ('lockouts', ['--output', log]), ('coverage', ['-o', log]), ('prt', ['-o', log]),
                               ('trace', ['--user', '.', '-o', log]), ('summary', ['--html', log])):
            p = run([command] + extra + [f('ADFS-JP.xml'), log])
            check(f'{command} {extra[-2]} naming a SOURCE: a usage error, the log untouched', p.returncode == 2 and
                  open(log, 'rb').read() == evidence and b'also a SOURCE' in p.stderr,
                  p.stderr.decode(errors='replace'))
        p = run(['scan', '-o', log, tmp])
        check('-o naming an EVTX log inside a SOURCE directory: a usage error, the log untouched', p.returncode == 2 and
              open(log, 'rb').read() == evidence and b'is an event log' in p.stderr, p.stderr.decode(errors='replace'))
        logs = os.path.join(tmp, 'logs')  # event logs in other forms: in a SOURCE directory, or not read at all
        os.mkdir(logs)
        kept = {}
        export = open(f('ADFS-JP.xml'), 'rb').read()
        for name, data in (('export.xml', export), ('export16.xml', export.decode('utf-8').encode('utf-16')),
                           ('log.evtx.gz', gzip.compress(evidence))):
            kept[name] = data
            with open(os.path.join(logs, name), 'wb') as out:
                out.write(data)
        for name in kept:
            for command, extra in (('scan', ['-o']), ('summary', ['-q', '--html'])):
                for sources in ([logs], [log]):
                    p = run([command] + extra + [os.path.join(logs, name)] + sources)
                    check(f'{command} {extra[-1]} naming {name} ({"in a SOURCE directory" if sources == [logs] else "not a SOURCE"}): '
                          'a usage error, the log untouched', p.returncode == 2 and b'is an event log' in p.stderr and
                          open(os.path.join(logs, name), 'rb').read() == kept[name], p.stderr.decode(errors='replace'))
        page = os.path.join(tmp, 'again.html')
        statuses = [run(['summary', '-q', '-o', '-', '--html', page, log]).returncode for _ in range(2)]
        check('summary --html replaces its own earlier page', statuses == [0, 0] and os.path.getsize(page) > 0,
              str(statuses))
        p = run(['summary', '-q', '-o', 'text.txt', '--html', os.path.join('.', 'text.txt'), log], cwd=tmp)
        check('summary -o text.txt --html ./text.txt (one file not yet written, spelt twice): a usage error',
              p.returncode == 2 and not os.path.exists(os.path.join(tmp, 'text.txt')),
              p.stderr.decode(errors='replace'))
        shutil.copy(log, os.path.join(tmp, '-'))  # a file named "-" is not standard output or input
        p = run(['scan', '-q', '-o', '-', '-'], stdin=evidence, cwd=tmp)
        check('-o - with a file named "-" in the current directory writes to standard output',
              p.returncode == 0 and p.stdout.count(b'\n') > 1, p.stderr.decode(errors='replace'))
        os.unlink(os.path.join(tmp, '-'))
        p = run(['query', '--since', '2026-11-01', '--past-days', '3'])
        check('query: a usage error of the selection options is one (exit 2, no query printed)', p.returncode == 2 and
              not p.stdout, p.stderr.decode(errors='replace'))
        page = os.path.join(tmp, 'page')
        p = run(['summary', '-o', page, '--html', page, log])
        check('summary -o and --html naming one file: a usage error', p.returncode == 2 and not os.path.exists(page),
              p.stderr.decode(errors='replace'))
        p = run(['summary', '--html', '-', log])
        check('summary --html - with the text summary on standard output too: a usage error', p.returncode == 2 and
              not p.stdout, p.stderr.decode(errors='replace'))
        if not UNDER_WINE:
            link = os.path.join(tmp, 'link.evtx')
            os.symlink(log, link)
            p = run(['scan', '-q', '-o', link, log])
            check('-o naming a symbolic link to a SOURCE replaces the link, not the log', p.returncode == 0 and
                  open(log, 'rb').read() == evidence and not os.path.islink(link), p.stderr.decode(errors='replace'))
        if not UNDER_WINE:  # 254 bytes: the temporary name beside it must fit too (Windows paths end at 260)
            long = os.path.join(tmp, 'x' * 250 + '.csv')
            p = run(['scan', '-q', '-o', long, log])
            check('a report name of 254 bytes is written', p.returncode == 0 and os.path.getsize(long) > 0,
                  p.stderr.decode(errors='replace'))
        upper = os.path.join(tmp, 'r.CSV.GZ')
        p = run(['scan', '-q', '-o', upper, log])
        check('a name ending in .GZ is gzip-compressed like .gz', p.returncode == 0 and
              open(upper, 'rb').read(2) == b'\x1f\x8b', p.stderr.decode(errors='replace'))
    with tempfile.TemporaryDirectory() as tmp:
        src = f('ADFS-JP.xml')
        report = os.path.join(tmp, 'report.csv')
        run(['scan', '-q', '-o', report, src])
        good = open(report, 'rb').read()
        empty = os.path.join(tmp, 'empty')
        os.mkdir(empty)
        for label, path in (('a missing file', os.path.join(tmp, 'nosuch.evtx')), ('a text file', __file__),
                            ('a directory without logs', empty)):
            p = run(['scan', '-o', report, path])
            check(f'a run that reads nothing ({label}) keeps the report (exit 1)', p.returncode == 1 and
                  open(report, 'rb').read() == good and b'not written' in p.stderr, p.stderr.decode('utf-8', 'replace')[-300:])
        p = run(['scan', '-o', report, src, os.path.join(tmp, 'nosuch.evtx')])
        check('a run that reads some inputs writes the report and names the others', p.returncode == 1 and
              open(report, 'rb').read() == good and b'could not read 1 input: ' in p.stderr)
        p = run(['scan', '-o', report, src, __file__])
        check('... an input it could not read is not also counted as a damaged one it read',
              p.returncode == 1 and b'from 1 input;' in p.stderr and b'damaged' not in p.stderr,
              p.stderr.decode('utf-8', 'replace')[-300:])
        for pattern in ('%n', '%t'):
            p = run(['scan', '-o', os.path.join(tmp, f'r{pattern}.csv'), src])
            check(f'{pattern} in -o is refused (a usage error)', p.returncode == 2 and
                  sorted(os.listdir(tmp)) == ['empty', 'report.csv'],
                  p.stderr.decode('utf-8', 'replace'))
        if UNDER_WINE:
            return
        victim = os.path.join(tmp, 'victim')
        with open(victim, 'w') as v:
            v.write('keep me\n')
        for target in (victim, '/dev/null'):  # a file, or a device that would be written in place
            link = os.path.join(tmp, 'link.csv')
            os.symlink(target, link)
            p = run(['scan', '-q', '-o', link, src])
            check(f'a symbolic link at the report name is replaced, its target ({target}) untouched',
                  p.returncode == 0 and open(victim).read() == 'keep me\n' and not os.path.islink(link) and
                  open(link, 'rb').read() == good)
            os.unlink(link)
        os.chmod(report, 0o600)
        run(['scan', '-q', '-o', report, src])
        check('a replaced report keeps its mode', stat.S_IMODE(os.stat(report).st_mode) == 0o600)
        new = os.path.join(tmp, 'new.csv')
        p = subprocess.run(['sh', '-c', f'umask 027; exec "{BADCREDS}" scan -q -o "{new}" "{src}"'], check=False)
        check('a new report gets the mode the umask allows', stat.S_IMODE(os.stat(new).st_mode) == 0o640)
        fifo = os.path.join(tmp, 'fifo')
        os.mkfifo(fifo)
        start = time.time()
        p = run(['scan', '-q', '-o', fifo, src], timeout=30)
        check('a pipe nobody reads is refused, not waited for forever', p.returncode == 3 and
              time.time() - start < 30 and b'no program is reading' in p.stderr, p.stderr.decode('utf-8', 'replace'))
        block = os.path.join(tmp, 'block')
        try:
            os.mknod(block, 0o600 | stat.S_IFBLK, os.makedev(7, 250))
        except OSError:
            print('skip: cannot make a block device here')
        else:
            p = run(['scan', '-q', '-o', block, src])
            check('a block device is never written', p.returncode == 3 and b'block device' in p.stderr)
        # interrupted while writing: the temporary file goes, the old report stays
        big = os.path.join(tmp, 'big.xml')
        template = re.findall(r'<Event .*?</Event>', open(f('ADFS-JP.xml'), encoding='utf-8').read(), re.S)
        one = [e for e in template if '>1203</EventID>' in e][0]
        with open(big, 'w', encoding='utf-8') as out:
            for i in range(150000):
                out.write(re.sub(r'<Data>[0-9a-f-]{36}</Data>', f'<Data>{i:08x}-0000-0000-0000-000000000001</Data>',
                                 one.replace('taro@', f'u{i}@').replace('<EventRecordID>', f'<EventRecordID>{i}0'), 1))
        proc = subprocess.Popen([BADCREDS, 'scan', '-q', '-j1', '-o', report, big], stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        temp = None
        deadline = time.time() + 450  # under ThreadSanitizer on a slow machine the log takes minutes to read
        while proc.poll() is None and time.time() < deadline and temp is None:
            temp = next((n for n in os.listdir(tmp) if n.startswith('.report.csv.')), None)
            time.sleep(0.001)
        if temp:
            proc.send_signal(signal.SIGTERM)
        proc.wait()
        check('SIGTERM while writing removes the temporary file and keeps the old report',
              temp is not None and proc.returncode == -signal.SIGTERM and
              not any(n.startswith('.report.csv.') for n in os.listdir(tmp)) and open(report, 'rb').read() == good,
              f'temp {temp}, exit {proc.returncode}')


def walks_and_windows():
    with tempfile.TemporaryDirectory() as tmp:
        loop = os.path.join(tmp, 'logs')
        os.makedirs(os.path.join(loop, 'a'))
        shutil.copy(f('ADFS-JP.evtx'), loop)
        if not UNDER_WINE:
            os.symlink('..', os.path.join(loop, 'a', 'up1'))
            os.symlink('..', os.path.join(loop, 'a', 'up2'))
        start = time.time()
        p = run(['scan', '-o', '-', loop], timeout=60)
        rows = csv_rows(p.stdout.decode('utf-8', 'replace'))
        check('a directory with links back to itself is walked once', p.returncode == 0 and len(rows) == 2 and
              time.time() - start < 30 and b'duplicate' not in p.stderr, p.stderr.decode('utf-8', 'replace')[-300:])
        sep = '\\' if UNDER_WINE else '/'
        check('paths in a directory are joined with the platform\'s separator',
              rows and all(r['Sources'].endswith(f'logs{sep}ADFS-JP.evtx') for r in rows), str([r['Sources'] for r in rows]))
    with tempfile.TemporaryDirectory() as tmp:  # non-ASCII names: on Windows, whatever the code page
        folder = os.path.join(tmp, 'журнал ログ')
        os.mkdir(folder)
        shutil.copy(f('ADFS-JP.evtx'), os.path.join(folder, '日本-ログ.evtx'))
        shutil.copy(f('ADFS01.evtx'), os.path.join(tmp, 'Übersicht.evtx'))
        report = os.path.join(tmp, '報告-ü.csv')
        p = run(['scan', '-q', '-o', report, folder, os.path.join(tmp, 'Übersicht.evtx')])
        rows = csv_rows(open(report, encoding='utf-8').read()) if os.path.exists(report) else []
        check('files, folders and reports with non-ASCII names are read and written', p.returncode == 0 and
              any('日本-ログ.evtx' in r['Sources'] for r in rows) and
              any('Übersicht.evtx' in r['Sources'] for r in rows), p.stderr.decode('utf-8', 'replace')[-300:])
        p = run(['scan', '-o', '-', os.path.join(tmp, 'нет.evtx')])
        check('a missing non-ASCII file is named in the message as typed', p.returncode == 1 and
              'нет.evtx' in p.stderr.decode('utf-8', 'replace'), p.stderr.decode('utf-8', 'replace')[-300:])
    p = run(['scan', '-o', '-', '--since', '2030-01-01', f('ADFS01.evtx')])
    check('an empty window says how many events fell outside it and what the records cover',
          re.search(rb'\d+ AD FS and domain controller events fell outside the time window', p.stderr) and
          b'cover 2026-11-20T08:00:00' in p.stderr, p.stderr.decode('utf-8', 'replace'))
    forms = ['2026-11-20T08:30:00Z', '2026-11-20T08:30', '2026-11-20 09:30+01:00', '2026-11-20T09:30+0100',
             '2026-11-20T03:30-05', '2026-11-20T08:30:00.000Z']
    outs = {run(['scan', '-q', '-o', '-', '--since', t, f('ADFS01.evtx')]).stdout for t in forms}
    check('--since takes ISO 8601 with minutes, offsets and fractions', len(outs) == 1 and b'2026' in outs.pop())
    with tempfile.TemporaryDirectory() as tmp:  # chunks the file header counts in the log but the file lacks
        raw = open(f('ADFS01.evtx'), 'rb').read()  # its header: chunks 0 and 1 hold the log
        whole = run(['scan', '-q', '-o', '-', f('ADFS01.evtx')]).stdout
        variants = {'cut': raw[:4096 + 65536], 'zeroed': raw[:4096] + bytes(65536) + raw[4096 + 65536:],
                    'grown': raw + bytes(3 * 65536)}  # zero slots past the header's chunks: a log not yet there
        for name, data in variants.items():
            path = os.path.join(tmp, name + '.evtx')
            with open(path, 'wb') as out:
                out.write(data)
            variants[name] = run(['scan', '-q', '-o', '-', path])
        p = variants['cut']
        check('a copy cut before the chunks its header counts: said, with the offset, exit 1', p.returncode == 1 and
              b'offset 0x11000: error: the file ends after 1 chunk, though its header counts 2' in p.stderr,
              p.stderr.decode('utf-8', 'replace')[-300:])
        p = variants['zeroed']
        check('a zeroed chunk inside the log: said, with the offset, exit 1; the other chunk still read',
              p.returncode == 1 and b'offset 0x1000: error: chunk 0 is all zero, though the file header counts 2'
              in p.stderr and len(p.stdout.splitlines()) > 1, p.stderr.decode('utf-8', 'replace')[-300:])
        p = variants['grown']
        check('zero slots past the chunks the header counts are no error', p.returncode == 0 and
              b'all zero' not in p.stderr and len(p.stdout.splitlines()) == len(whole.splitlines()) > 1,
              p.stderr.decode('utf-8', 'replace')[-300:])
    if shutil.which('man') and not UNDER_WINE:
        page = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'man', 'badcreds.1')
        text = subprocess.run(['man', '-l', page], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                              env=dict(os.environ, MANWIDTH='120'), check=False).stdout.decode('utf-8', 'replace')
        check('the man page shows the UNC path with two backslashes', ' \\\\ADFS01\\Logs-Archive' in text)


def spoofed_exchange():
    """An attacker at 198.51.100.200 talks to AD FS itself (real activity IDs) but sends the headers of Exchange
    Online's relay: x-ms-client-application Microsoft.Exchange.ActiveSync and X-Forwarded-For 10.1.1.1. The request
    is not Exchange Online's: the submitter stays the attacker's public address and the burst is a brute force."""
    from xml_events import CLAIMS as rc, event_xml

    def event(rid, t, provider, event_id, data):
        return event_xml(rid, t, provider, event_id, data, 'ADFS-SP.contoso.com')

    def items(values):
        return ''.join(f'<Data>{v}</Data>' for v in values)

    events, rid = [], 0
    for i in range(8):
        t = datetime.datetime(2026, 11, 20, 8, 0, 0) + datetime.timedelta(seconds=15 * i)
        at = [(t + datetime.timedelta(milliseconds=k)).strftime('%Y-%m-%dT%H:%M:%S.%f') for k in range(4)]
        activity, instance = f'8a7e489c-fbd4-5ab3-afd9-{i:012d}', f'c77e16d3-0564-5769-bb78-{i:012d}'
        forwarded = '10.1.1.1,198.51.100.200'
        user = 'ceo@contoso.com'
        fields = {'TargetUserName': user, 'TargetDomainName': '', 'Status': '0xc000006d', 'SubStatus': '0xc000006a',
                  'FailureReason': '%%2313', 'LogonType': '3', 'IpAddress': '-',
                  'ProcessName': 'C:\\Windows\\ADFS\\Microsoft.IdentityServer.ServiceHost.exe'}
        events += [
            event(rid + 1, at[0], 'AD FS Auditing', 403, items([instance, activity, '2026-11-20 08:00:00',
                                                                '198.51.100.200', 'POST', '/adfs/ls/', '', '443',
                                                                '10.0.0.5', 'python-requests/2.31', '1234'])),
            event(rid + 2, at[1], 'Microsoft-Windows-Security-Auditing', 4625,
                  ''.join(f'<Data Name="{k}">{v}</Data>' for k, v in fields.items())),
            event(rid + 3, at[2], 'AD FS Auditing', 411, items([
                activity, 'http://schemas.microsoft.com/ws/2006/05/identitymodel/tokens/UserName',
                f'{user}-The user name or password is incorrect',
                f'System.IdentityModel.Tokens.SecurityTokenValidationException: {user} ---&gt; '
                'System.ComponentModel.Win32Exception: The user name or password is incorrect', forwarded])),
            event(rid + 4, at[3], 'AD FS Auditing', 501, items([
                instance, rc + 'x-ms-client-ip', '198.51.100.200', rc + 'x-ms-forwarded-client-ip', forwarded,
                rc + 'x-ms-client-application', 'Microsoft.Exchange.ActiveSync'] + ['-'] * 14))]
        rid += 4
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, 'SPOOF.xml')
        with open(path, 'w', encoding='utf-8') as out:
            out.write(''.join(events))
        rows = [json.loads(line) for line in run(['scan', '-q', '-f', 'jsonl', '-o', '-', '--exclude-ip', '10.0.0.0/8',
                                                   path]).stdout.decode('utf-8').splitlines()]
        check('an Exchange client application sent to AD FS directly: the submitter is the public address, '
              '--exclude-ip 10.0.0.0/8 hides nothing', len(rows) == 8 and
              all(r['ip'] == '198.51.100.200' and r['ip_class'] == 'public' for r in rows), str(rows[:1]))
        findings = [json.loads(line) for line in run(['summary', '-q', '-f', 'jsonl', path]).stdout.decode(
            'utf-8').splitlines()]
        dc = os.path.join(tmp, 'DC.xml')  # the DC locks ceo, the caller computer the AD FS server
        with open(dc, 'w', encoding='utf-8') as out:
            out.write(''.join(event_xml(k + 1, t, 'Microsoft-Windows-Security-Auditing', eid, ''.join(
                f'<Data Name="{n}">{v}</Data>' for n, v in fields), 'DC01.contoso.com') for k, (t, eid, fields) in
                enumerate([('2026-11-20T08:01:45.010', 4776, [('TargetUserName', 'ceo'), ('Workstation', 'ADFS-SP'),
                                                              ('Status', '0xc000006a')]),
                           ('2026-11-20T08:01:46.000', 4740, [('TargetUserName', 'ceo'),
                                                              ('TargetDomainName', 'ADFS-SP')])])))
        locks = [json.loads(line) for line in run(['lockouts', '-q', '-f', 'jsonl', path, dc]).stdout.decode(
            'utf-8').splitlines()]
        check('... and the lockout it causes is to be blocked at the firewall, not blamed on Exchange Online',
              len(locks) == 1 and locks[0]['cause'] == 'adfs' and 'block the address' in locks[0]['next_step'] and
              'Exchange Online' not in locks[0]['next_step'], str(locks)[:400])
        check('... and 8 bad passwords in 105 s from it are a brute force, not legacy authentication',
              [(r['type'], r['subject']) for r in findings if r.get('severity') == 'high'] ==
              [('brute_force', 'ceo@contoso.com')] and
              not any(r['type'] == 'legacy_auth_spray' for r in findings), str(findings[:2]))


def names_2012r2():
    """AD FS 2012 R2 writes no 1203: the name as typed comes from 411's exception text ("...Exception: <user> --->
    ..."), and the 4625 when there is one. A name typed with an arrow or a line break of its own must come out whole,
    not cut there: 'victim@contoso.com ---> x' reported as victim@contoso.com would let an attacker choose whom
    the attempts are counted against."""
    import mkfixtures
    from evtx_writer import write_file
    typed = mkfixtures.HOSTILE_USERS + ['victim@contoso.com ---> x', 'victim@contoso.com\n---> System.X: y',
                                        'boss@contoso.com --->']
    with tempfile.TemporaryDirectory() as tmp:
        for with_4625 in (True, False):
            farm = mkfixtures.Farm()
            log = farm.log('ADFS-R2H.contoso.com')
            for i, name in enumerate(typed):
                farm.attempt_2012r2(log, mkfixtures.BASE + i * datetime.timedelta(minutes=1), name,
                                    f'198.51.100.{100 + i}', with_4625=with_4625)
            path = os.path.join(tmp, 'R2.evtx')
            write_file(path, log.records())
            rows = [json.loads(line) for line in run(['scan', '-q', '-f', 'jsonl', '-o', '-', path]).stdout.decode(
                'utf-8').splitlines()]
            got = sorted((r['ip'], r['user']) for r in rows)
            want = sorted((f'198.51.100.{100 + i}', name) for i, name in enumerate(typed))
            check(f'AD FS 2012 R2{"" if with_4625 else " without 4625"}: every hostile name one attempt, as typed '
                  '(an arrow or line break typed in it does not cut it)', got == want,
                  str(sorted(set(got) ^ set(want))[:4]))


def names_in_commands():
    """Next steps that are commands to copy (wevtutil sl "LOG", sc config "SERVICE", schtasks /RU ACCOUNT) hold a
    name from the logs only when no shell would act on any of its characters: a crafted log's channel, service or
    account name with quotes, & or % would make the suggested command run something else. The same steps from the
    untouched logs keep their commands."""
    evil = 'Security" /e:false & calc & rem "'
    with tempfile.TemporaryDirectory() as tmp:
        text = open(f('COV-FS-WRAPPED.xml'), encoding='utf-8').read()
        path = os.path.join(tmp, 'chan.xml')
        with open(path, 'w', encoding='utf-8') as out:
            out.write(text.replace('<Channel>Security</Channel>', f'<Channel>{xml_escape(evil)}</Channel>'))
        steps = {}
        for label, source in (('plain', f('COV-FS-WRAPPED.xml')), ('evil', path)):
            p = run(['coverage', '-q', '-f', 'jsonl', '--since', '2026-11-01', source])
            steps[label] = [step for line in p.stdout.decode('utf-8').splitlines()
                            for step in json.loads(line)['next_steps']]
        check('coverage: a channel name with a quote and & is named in words, never in wevtutil sl "..."',
              any(s.startswith('wevtutil sl "Security" /ms:') for s in steps['plain']) and
              not any('wevtutil' in s for s in steps['evil']) and
              any('maximum size' in s and evil in s for s in steps['evil']), str(steps)[:600])
        domain = os.path.join(tmp, 'domain')
        os.mkdir(domain)
        for name in os.listdir(f('domain')):
            if name.endswith('.xml'):
                text = open(os.path.join(f('domain'), name), encoding='utf-8').read()
                with open(os.path.join(domain, name), 'w', encoding='utf-8') as out:
                    out.write(text.replace('BackupSvc', 'Backup&quot; &amp; calc &amp; &quot;')
                              .replace('svc-report', 'svc%COMSPEC%&amp;calc'))
        rows = {}
        for label, source in (('plain', f('domain')), ('evil', domain)):
            p = run(['lockouts', '-q', '-f', 'jsonl', source])
            rows[label] = {r['cause']: r['next_step'] for r in map(json.loads, p.stdout.decode('utf-8').splitlines())
                           if r['cause'] in ('service', 'scheduled_task')}
        check('lockouts: a service and an account named with quotes, & and % are named in words, not put into '
              'sc config and schtasks', 'sc config "BackupSvc"' in rows['plain'].get('service', '') and
              'schtasks /Change /RU "svc-report"' in rows['plain'].get('scheduled_task', '') and
              'Backup" & calc & "' in rows['evil'].get('service', '') and
              'sc config' not in rows['evil']['service'] and
              'svc%COMSPEC%&calc' in rows['evil'].get('scheduled_task', '') and
              'schtasks' not in rows['evil']['scheduled_task'], str(rows))


def repeated_names():
    """dump --format jsonl keys EventData by Name. A crafted event that repeats one name 28,000 times (an array
    under a named <Data>) is written in time that grows with the count, not its square (the check of each name
    against all before it took 0.8 s a record); and no key comes twice, also when the event itself names one
    "TargetUserName#2" or 255 bytes long (a JSON reader keeps only the last value of a repeated key)."""
    import mkfixtures
    from evtx_writer import FILETIME, STRING, STRING_ARRAY, UINT16, Element, Sub, Template, write_file
    t = Template('named-array', Element('Event', [('xmlns', mkfixtures.NS)], [
        Element('System', children=[Element('Provider', [('Name', Sub(1, STRING))]),
                                    Element('EventID', children=[Sub(2, UINT16)]),
                                    Element('TimeCreated', [('SystemTime', Sub(3, FILETIME))]),
                                    Element('Computer', children=[Sub(4, STRING)])]),
        Element('EventData', children=[Element('Data', [('Name', 'Items')], [Sub(0, STRING_ARRAY, dependency=True)])])]))
    at = mkfixtures.filetime(mkfixtures.BASE)
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, 'repeated.evtx')
        write_file(path, [(at, t, [(STRING_ARRAY, [''] * 28000), (STRING, 'AD FS Auditing'), (UINT16, 411),
                                   (FILETIME, at), (STRING, 'ADFS01')])] * 32)
        start = time.time()
        p = run(['dump', '-q', '--format', 'jsonl', path], timeout=600)
        took = time.time() - start
        keys = [list(json.loads(line, object_pairs_hook=lambda pairs: pairs)[-1][1]) for line in p.stdout.splitlines()]
        check('dump --format jsonl of 32 records naming one <Data> 28,000 times each: every key once, in bounded time',
              p.returncode == 0 and len(keys) == 32 and all(len({k for k, _ in e}) == 28000 for e in keys) and
              (UNDER_WINE or took < (60 if SANITIZED else 5)), f'exit {p.returncode}, {took:.1f} s')
        text = open(f('ADFS-JP.xml'), encoding='utf-8').read()
        event = [e for e in re.findall(r'<Event .*?</Event>', text, re.S) if '>4625<' in e][0]
        long = 'N' * 255
        export = os.path.join(tmp, 'names.xml')
        with open(export, 'w', encoding='utf-8') as out:
            out.write(re.sub(r'<Data Name="TargetUserName">[^<]*</Data>',
                             '<Data Name="TargetUserName">a</Data><Data Name="TargetUserName">b</Data>'
                             '<Data Name="TargetUserName#2">c</Data>'
                             f'<Data Name="{long}">d</Data><Data Name="{long}">e</Data>', event))
        p = run(['dump', '-q', '--format', 'jsonl', export])
        pairs = json.loads(p.stdout, object_pairs_hook=lambda pairs: pairs)[-1][1] if p.returncode == 0 else []
        values = [v for k, v in pairs if k.startswith('TargetUserName') or k.startswith('NNN')]
        check('dump --format jsonl: Data names repeated or spelt like a numbered one never repeat a key, every value '
              'kept', values == ['a', 'b', 'c', 'd', 'e'] and len({k for k, _ in pairs}) == len(pairs), str(pairs)[:400])


def listed_names():
    """A finding lists its users as 'a (3), b (2)': a name typed with a comma and a count of its own ('x (999),
    ceo@contoso.com') must read as one item, not forge a second user with 999 attempts."""
    import mkfixtures
    from evtx_writer import write_file
    forged = 'x (999), ceo@contoso.com'
    typed = [forged] * 5 + ['say "hi" (2)'] * 3 + [forged + ' .' * 70] * 2 + [f'u{i}@contoso.com' for i in range(12)]
    with tempfile.TemporaryDirectory() as tmp:
        farm = mkfixtures.Farm()
        log = farm.log('ADFS-LIST.contoso.com')
        for i, name in enumerate(typed):
            farm.attempt_2012r2(log, mkfixtures.BASE + i * datetime.timedelta(seconds=20), name, '198.51.100.7',
                                with_4625=True)
        path = os.path.join(tmp, 'LIST.evtx')
        write_file(path, log.records())
        rows = [json.loads(line) for line in run(['summary', '-q', '-f', 'jsonl', path]).stdout.decode(
            'utf-8').splitlines()]
    spray = next((r for r in rows if r.get('type') == 'password_spray'), {})
    check('a finding\'s list of users quotes a name that holds a comma, a parenthesis or a quote (one item each); '
          'a long one is cut inside its quotes, its count kept',
          re.fullmatch(r'"x \(999\), ceo@contoso\.com" \(5\), "say ""hi"" \(2\)" \(3\), '
                       r'"x \(999\), ceo@contoso\.com( \.)+ ?\.\.\." \(2\)', spray.get('top_users', '')),
          str(spray.get('top_users')))


def typed_pictures():
    """Names typed with characters that stand for others elsewhere: Control Pictures (U+2400 for NUL, U+241B for
    ESC), the private U+E000 this reader shields them with, and U+FFFE/U+FFFF. Each request is one attempt, under
    the name as typed (the 1203's XML document used to read U+2400 as a NUL, cutting the name and splitting the
    request in two)."""
    import mkfixtures
    from evtx_writer import write_file
    farm = mkfixtures.Farm()
    log = farm.log('ADFS-PIC.contoso.com')
    typed = ['victim@contoso.com\u2400-attacker', 'x\u241b[2Jy@contoso.com', '\ue000\u2400e@contoso.com',
             'nc\ufffe\uffff@contoso.com']
    for i, name in enumerate(typed):
        farm.attempt_2016(log, mkfixtures.BASE + i * datetime.timedelta(minutes=1), name, f'198.51.100.{50 + i}')
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, 'PIC.evtx')
        write_file(path, log.records())
        rows = [json.loads(line) for line in run(['scan', '-q', '-f', 'jsonl', '-o', '-', path]).stdout.decode(
            'utf-8').splitlines()]
        check('names typed with Control Pictures, U+E000, U+FFFE/U+FFFF: one attempt each, as typed',
              sorted(r['user'] for r in rows) == sorted(typed) and all(r['ip'] for r in rows),
              str([(r['user'], r['ip']) for r in rows]))
        export = os.path.join(tmp, 'PIC.xml')  # as wevtutil writes it: U+2400 is printable, written as it is
        with open(export, 'w', encoding='utf-8') as out:
            out.write(''.join(log.xml_events()))
        rows = [json.loads(line) for line in run(['scan', '-q', '-f', 'jsonl', '-o', '-', export]).stdout.decode(
            'utf-8').splitlines()]
        check('... and from the XML export of the same events, a U+2400 typed in a name is not read as a NUL that '
              'cuts it', typed[0] in [r['user'] for r in rows] and 'victim@contoso.com' not in [r['user'] for r in rows],
              str([r['user'] for r in rows]))


def main():
    names()
    names_2012r2()
    listed_names()
    names_in_commands()
    repeated_names()
    addresses()
    spoofed_exchange()
    typed_pictures()
    carved_and_fanout()
    compressed()
    xml_exports()
    outputs()
    walks_and_windows()
    print(f'{len(FAILURES)} failures')
    return 1 if FAILURES else 0


if __name__ == '__main__':
    sys.exit(main())
