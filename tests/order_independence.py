#!/usr/bin/python3
"""Reports do not depend on how the inputs are given or on how the correlation cuts its work (issue 13): scan,
summary, trace, lockouts and prt write byte-identical reports for the generated logs (the AD FS farm and the domain)
given in their order, reversed, shuffled, each file twice, and with the correlation grouping segments of a single
event and spilling its sorted runs every 4 KiB, the lockout finder writing out every event and the summary spilling
its runs of attempts and user rows every 4 KiB (BADCREDS_SEGMENT_FACTS, BADCREDS_FACT_RUN_BYTES, BADCREDS_LOGON_RUN,
BADCREDS_SUMMARY_RUN_BYTES: what a log of millions of attempts does, on logs small enough to check), each file twice
that way too; the AD FS logs alone (attempts handed out while the
correlation goes, no 4740 to wait for), their report and closing line; every fixture (with names of megabytes) with each event in
a run of its own, and the summary (text, CSV, JSON lines, HTML) with each attempt and user row in a run of its own;
without a temporary folder (the runs stay in memory, a note says so) the same report; and the same
logs split into pieces (XML exports cut between events, given shuffled) give the same attempts, summary, trace and
lockouts as the whole logs (the file names aside, which name the pieces).

usage: order_independence.py BADCREDS FIXTURE_DIR DOMAIN_DIR
"""
import csv
import datetime
import io
import os
import random
import re
import subprocess
import sys
import tempfile

SMALL = {'BADCREDS_SEGMENT_FACTS': '1', 'BADCREDS_FACT_RUN_BYTES': '4096', 'BADCREDS_LOGON_RUN': '1',
         'BADCREDS_SUMMARY_RUN_BYTES': '4096'}
COMMANDS = (('scan', ['scan', '-q', '-o', '-']),
            ('summary', ['summary', '-q', '--format', 'jsonl', '-o', '-']),
            ('trace', ['trace', '-q', '--user', '.']),
            ('lockouts', ['lockouts', '-q', '-f', 'jsonl']),
            ('prt', ['prt', '-q', '--format', 'jsonl']))


def run(badcreds, args, files, env=None):
    p = subprocess.run([badcreds] + args + files, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       env=dict(os.environ, **(env or {})), check=False)
    if p.returncode not in (0, 1):
        raise SystemExit(f'{args[0]} exited {p.returncode}: {p.stderr.decode(errors="replace")[-2000:]}')
    return p.stdout


def without_sources(report):
    rows = list(csv.reader(io.StringIO(report.decode())))
    k = rows[0].index('Sources')
    return [r[:k] + r[k + 1:] for r in rows]


def unnamed(report):
    """The report with the names of the XML files (whole or pieces) masked: lockouts and trace name each event's."""
    return re.sub(rb'[^\s"]+?\.xml(\.\d+\.xml)?', b'FILE', report)


def slowed(m, delays):
    """An event of an XML export, later by delays[its EventRecordID] seconds."""
    event = m.group(0)
    record = int(re.search(r'<EventRecordID>(\d+)<', event).group(1))
    delay = delays.get(record)
    if not delay:
        return event
    def later(t):
        when = datetime.datetime.strptime(t.group(1)[:19], '%Y-%m-%dT%H:%M:%S') + datetime.timedelta(seconds=delay)
        return f'SystemTime="{when:%Y-%m-%dT%H:%M:%S}{t.group(1)[19:]}"'
    return re.sub(r'SystemTime="([^"]+)"', later, event, count=1)


def split_xml(path, pieces, out_dir):
    """The export's events in `pieces` files, cut between events (an export of fewer events stays whole)."""
    text = open(path, encoding='utf-8').read()
    starts = [m.start() for m in re.finditer(r'<Event[ >]', text)]
    if len(starts) < pieces or starts[0] != 0:
        return [path]
    bounds = [starts[len(starts) * i // pieces] for i in range(pieces)] + [len(text)]
    names = []
    for i in range(pieces):
        name = os.path.join(out_dir, f'{os.path.basename(path)}.{i}.xml')
        with open(name, 'w', encoding='utf-8') as f:
            f.write(text[bounds[i]:bounds[i + 1]])
        names.append(name)
    return names


def main():
    badcreds, fixtures, domain = sys.argv[1:4]
    logs = sorted(os.path.join(d, n) for d in (fixtures, domain) for n in os.listdir(d)
                  if n.endswith('.evtx') and not n.startswith('HOSTILE-FANOUT'))
    shuffled = logs[:]
    random.Random(13).shuffle(shuffled)
    failures, checks = [], 0
    for name, args in COMMANDS:
        base = run(badcreds, args, logs)
        if not base.strip() and name != 'prt':
            failures.append(f'{name}: an empty report on the fixtures (the test would prove nothing)')
        variants = (('reversed', list(reversed(logs)), None), ('shuffled', shuffled, None),
                    ('each file twice', logs + shuffled, None), ('one-event segments, 4 KiB runs', logs, SMALL),
                    ('shuffled, one-event segments', shuffled, SMALL),
                    ('each file twice, one-event segments', logs + shuffled, SMALL))
        for label, files, env in variants:
            checks += 1
            if run(badcreds, args, files, env) != base:
                failures.append(f'{name}: {label}: the report differs from the inputs in order')
    # AD FS logs alone (no 4740 to join): scan hands attempts out while it correlates; its closing line too
    adfs = [l for l in logs if os.path.basename(l).startswith(('ADFS', 'LOCALE'))]
    def closing(files, env=None):
        p = subprocess.run([badcreds, 'scan', '-o', '-'] + files, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           env=dict(os.environ, **(env or {})), check=False)
        return p.stdout, p.stderr.decode(errors='replace').strip().splitlines()[-1:]
    base = closing(adfs)
    if len(base[0].splitlines()) < 20 or not base[1] or ' attempts by ' not in base[1][0]:
        failures.append(f'scan of the AD FS logs alone: too little to compare ({base[1]!r})')
    for label, files, env in (('reversed', list(reversed(adfs)), None), ('one-event segments, 4 KiB runs', adfs, SMALL),
                              ('shuffled, one-event segments', sorted(adfs, key=lambda x: random.Random(x).random()),
                               SMALL)):
        checks += 1
        if closing(files, env) != base:
            failures.append(f'scan of the AD FS logs alone: {label}: the report or the closing line differs')
    # AD FS logs and a DC's 4740s logged 25 minutes late (still within the 30 minutes that join a lockout to the
    # attempt before it): scan streams, holding the attempts of the locked accounts until their 4740s are decided
    with tempfile.TemporaryDirectory() as tmp:
        dc = os.path.join(tmp, 'DC01-late.xml')
        text = open(os.path.join(fixtures, 'DC01.xml'), encoding='utf-8').read()
        late = {int(m.group(2)): 1500 for m in re.finditer(r'EventID[^>]*>4740<.*?<EventRecordID>(\s*)(\d+)<', text,
                                                             flags=re.S)}
        with open(dc, 'w', encoding='utf-8') as f:
            f.write(re.sub(r'<Event[ >].*?</Event>', lambda m: slowed(m, late), text, flags=re.S))
        with_dc = [os.path.join(fixtures, 'ADFS01.evtx'), os.path.join(fixtures, 'ADFS02.evtx'), dc]
        whole = run(badcreds, COMMANDS[0][1], with_dc)
        rows = list(csv.reader(io.StringIO(whole.decode())))
        checks += 2
        if not late or not any(r[rows[0].index('DC Lockout')] for r in rows[1:]):
            failures.append(f'scan: AD FS logs and DC01 ({len(late)} 4740s moved): no attempt names its DC lockout')
        if run(badcreds, COMMANDS[0][1], list(reversed(with_dc)), SMALL) != whole:
            failures.append('scan: AD FS logs and DC01 with one-event segments: the report differs')
    # a slow request (AD FS waited on a DC: its 1203 100 s and its 411 and 501 200 s after its 403) still open at
    # cuts while the requests after it (every 20-30 s) end: they must wait for it, as the report is in time order
    export = os.path.join(fixtures, 'ADFS01.xml')
    rows = list(csv.reader(io.StringIO(run(badcreds, COMMANDS[0][1], [export]).decode())))
    col = {name: k for k, name in enumerate(rows[0])}
    at = [r for r in rows[1:] if r[col['Time']].startswith('2026-11-20T08:30:00')]
    ids = [int(x) for x in at[0][col['Record IDs']].split()] if at else []
    with tempfile.TemporaryDirectory() as tmp:
        slow = os.path.join(tmp, 'ADFS01-slow.xml')
        delays = dict(zip(ids[2:], (100, 200, 200)))
        with open(slow, 'w', encoding='utf-8') as f:
            f.write(re.sub(r'<Event[ >].*?</Event>', lambda m: slowed(m, delays),
                           open(export, encoding='utf-8').read(), flags=re.S))
        files = [slow, os.path.join(fixtures, 'ADFS02.evtx')]
        whole, cut = run(badcreds, COMMANDS[0][1], files), run(badcreds, COMMANDS[0][1], files, SMALL)
        rows = list(csv.reader(io.StringIO(whole.decode())))
        first = [r for r in rows[1:] if ids and r[col['Record IDs']] == ' '.join(map(str, ids))]
        checks += 2
        if len(ids) != 5 or not first or first[0][col['Events']] != '403 4625 1203 411 501' or \
                not first[0][col['Time']].startswith('2026-11-20T08:30:00'):
            failures.append(f'scan: the slow request is not one attempt of five events at 08:30: {first!r}')
        if cut != whole:
            failures.append('scan: the slow request across cuts: the report differs with one-event segments')
    # a forged log: one request's 411 again every 100 s for an hour (the same activity ID); a request ends 30 minutes
    # after its first event, so the attempts after it do not wait for ever; the same report however it is cut
    with tempfile.TemporaryDirectory() as tmp:
        forged = os.path.join(tmp, 'ADFS01-forged.xml')
        text = open(export, encoding='utf-8').read()
        events = re.findall(r'<Event[ >].*?</Event>', text, flags=re.S)
        again = [e for e in events if ids and re.search(rf'<EventRecordID>{ids[3]}<', e)]
        with open(forged, 'w', encoding='utf-8') as f:
            f.write(text)
            for k in range(1, 37):
                e = re.sub(r'<EventRecordID>\d+<', f'<EventRecordID>{90000 + k}<', again[0]) if again else ''
                f.write(slowed(re.match(r'.*', e, flags=re.S), {90000 + k: 100 * k}))
        whole = run(badcreds, COMMANDS[0][1], [forged])
        checks += 1
        if not again or len(whole.splitlines()) <= len(run(badcreds, COMMANDS[0][1], [export]).splitlines()) or \
                run(badcreds, COMMANDS[0][1], [forged], SMALL) != whole:
            failures.append('scan: a request forged to last an hour: not split, or the report depends on the cuts')
    # a copy of a host's events naming another account (the same computer, time and EventRecordID): of one event's
    # copies the one read first is the one kept, in memory or written out by the lockout finder and read back
    with tempfile.TemporaryDirectory() as tmp:
        text = open(os.path.join(domain, 'DOMAIN-APP02.xml'), encoding='utf-8').read()
        other = os.path.join(tmp, 'APP02-other.xml')
        with open(other, 'w', encoding='utf-8') as f:
            f.write(re.sub(r'(<Data Name="TargetUserName">)[^<]*<', r'\1nobody<', text))
        dcs = [os.path.join(domain, n) for n in ('DOMAIN-DC01.xml', 'DOMAIN-DC02.xml')]
        for files in ([os.path.join(domain, 'DOMAIN-APP02.xml'), other], [other, os.path.join(domain, 'DOMAIN-APP02.xml')]):
            checks += 1
            if run(badcreds, COMMANDS[3][1], dcs + files, {'BADCREDS_LOGON_RUN': '1'}) != \
                    run(badcreds, COMMANDS[3][1], dcs + files):
                failures.append(f'lockouts: copies naming another account, {os.path.basename(files[0])} first: the '
                                'report differs when the finder writes its events out')
    # every fixture (XML exports with names of megabytes among them): each event in a run of its own on disk
    everything = [fixtures, domain]
    checks += 1
    if run(badcreds, COMMANDS[0][1], everything, {'BADCREDS_SEGMENT_FACTS': '1', 'BADCREDS_FACT_RUN_BYTES': '1'}) != \
            run(badcreds, COMMANDS[0][1], everything):
        failures.append('scan: every fixture, each event its own run: the report differs')
    with tempfile.TemporaryDirectory() as tmp:
        for form in (['--format', 'text'], ['--format', 'csv'], ['--format', 'jsonl'],
                     ['--html', os.path.join(tmp, 'page.html'), '-o', os.path.join(tmp, 'summary.txt')]):
            pages = []
            for env in ({'BADCREDS_SUMMARY_RUN_BYTES': '1'}, None):
                out = run(badcreds, ['summary', '-q'] + form, everything, env)
                pages.append(open(os.path.join(tmp, 'page.html'), 'rb').read() if '--html' in form else out)
            checks += 1
            if pages[0] != pages[1] or len(pages[1]) < 1000:
                failures.append(f'summary {form[0]}: every fixture, each attempt and user row its own run: the report '
                                'differs')
    if os.environ.get('BADCREDS_UNDER_WINE') != '1':  # wine takes its temporary folder from TMP/TEMP, not TMPDIR
        checks += 1
        p = subprocess.run([badcreds] + COMMANDS[0][1][:1] + ['-o', '-'] + logs, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, env=dict(os.environ, TMPDIR='/nonexistent', **SMALL), check=False)
        if p.stdout != run(badcreds, COMMANDS[0][1], logs) or \
                b'kept its events in memory: cannot create a temporary file in /nonexistent' not in p.stderr:
            failures.append('scan: no temporary folder: the same report and a note expected, got '
                            f'{p.stderr.decode(errors="replace")[-300:]!r}')
        checks += 1
        p = subprocess.run([badcreds, 'lockouts', '-f', 'jsonl'] + logs, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           env=dict(os.environ, TMPDIR='/nonexistent', **SMALL), check=False)
        if p.stdout != run(badcreds, COMMANDS[3][1], logs) or \
                b'lockouts kept their events in memory: cannot create a temporary file' not in p.stderr:
            failures.append('lockouts: no temporary folder: the same report and a note expected, got '
                            f'{p.stderr.decode(errors="replace")[-300:]!r}')
        checks += 1
        p = subprocess.run([badcreds, 'summary', '--format', 'jsonl'] + logs, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, env=dict(os.environ, TMPDIR='/nonexistent', **SMALL), check=False)
        if p.stdout != run(badcreds, COMMANDS[1][1], logs) or \
                b'the summary kept its attempts and user rows in memory: cannot create a temporary file' not in p.stderr:
            failures.append('summary: no temporary folder: the same report and a note expected, got '
                            f'{p.stderr.decode(errors="replace")[-300:]!r}')
    with tempfile.TemporaryDirectory() as tmp:
        exports = sorted(os.path.join(d, n) for d in (fixtures, domain) for n in os.listdir(d)
                         if n.endswith('.xml') and os.path.exists(os.path.join(d, n[:-4] + '.evtx'))
                         and not n.startswith('HOSTILE-FANOUT'))
        pieces = [p for x in exports for p in split_xml(x, 3, tmp)]
        random.Random(7).shuffle(pieces)
        for name, args in COMMANDS[:4]:
            whole, cut = run(badcreds, args, exports), run(badcreds, args, pieces, SMALL)
            checks += 1
            if name == 'scan':
                same = without_sources(whole) == without_sources(cut) and len(without_sources(whole)) > 10
            else:
                same = unnamed(whole) == unnamed(cut)
            if not same:
                failures.append(f'{name}: the logs split into {len(pieces)} pieces (shuffled) differ from the whole logs')
    for f in failures:
        print('FAIL', f)
    print(f'{checks - len(failures)} of {checks} checks passed')
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
