#!/usr/bin/python3
"""badcreds trace on the generated farm: the requests it shows are those scan reports for the same selection, each
with every event the request holds (the evidence scan names) and all their fields.

usage: trace_fixtures.py BADCREDS FIXTURE_DIR
"""
import datetime
import json
import os
import re
import subprocess
import sys

BADCREDS, FIX = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
UNDER_WINE = os.environ.get('BADCREDS_UNDER_WINE') == '1'  # set by tests/meson.build for the Windows build
FILES = [os.path.join(FIX, f) for f in ('ADFS01.evtx', 'ADFS02.evtx', 'ADFS-OLD.evtx')]
FAILURES = []


def check(name, cond, detail=''):
    print(f'{"ok" if cond else "FAIL"} {name}' + (f': {detail}' if detail and not cond else ''))
    if not cond:
        FAILURES.append(name)


def run(args):
    p = subprocess.run([BADCREDS] + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False)
    return p.returncode, p.stdout.decode('utf-8'), p.stderr.decode('utf-8')


def jsonl(text):
    return [json.loads(line) for line in text.splitlines()]


def tokyo(text):
    """An expected.json time as --tz local writes it under TZ=Asia/Tokyo (UTC+9, no daylight saving time)."""
    d = datetime.datetime.strptime(text[:23], '%Y-%m-%dT%H:%M:%S.%f') + datetime.timedelta(hours=9)
    return d.strftime('%Y-%m-%dT%H:%M:%S.%f')[:23] + '+09:00'


def check_filters_and_local_time():
    """The new selection options choose trace's requests as they do scan's, and --tz local shows local times: the
    requests' own times are the generator's (expected.json)."""
    expected = json.load(open(os.path.join(FIX, 'expected.json'), encoding='utf-8'))['attempts']
    servers = ('ADFS01.', 'ADFS02.', 'ADFS-OLD.')
    svc = sorted(e['time'] for e in expected if e['user'] == 'CONTOSO\\svc-sql')
    env = dict(os.environ, TZ='JST-9' if UNDER_WINE else 'Asia/Tokyo')  # the Windows C runtime's TZ syntax
    p = subprocess.run([BADCREDS, 'trace', '-q', '--tz', 'local', '--user', 'svc-sql'] + FILES, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, env=env, check=False)
    text = p.stdout.decode()
    heads = re.findall(r'^Request on \S+ at (\S+):', text, re.M)
    check('trace --tz local: the requests at the generator\'s times, in local time',
          p.returncode == 0 and heads == [tokyo(t) for t in svc], str(heads[:2]))
    lines = re.findall(r'^  (\d{4}-\S+)  \d+  ', text, re.M)
    check('... and every event\'s time too', lines and all(t.endswith('+09:00') for t in lines))
    p = subprocess.run([BADCREDS, 'trace', '-q', '--tz', 'local', '--format', 'jsonl', '--user', '^jean-luc',
                        '--outcome', 'locked_out'] + FILES + [os.path.join(FIX, 'DC01.evtx')],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, check=False)
    lockout = [e for e in jsonl(p.stdout.decode()) if 'lockout' in e]
    check('trace --tz local: the lockout\'s events in local time',
          lockout and all(e['time'].endswith('+09:00') for e in lockout))
    exo = [e for e in expected if e['client_app']]
    for args, pred in ((['--client-app', 'ActiveSync'], lambda e: e['client_app']),
                       (['--endpoint', 'usernamemixed'], lambda e: 'usernamemixed' in e['endpoint']),
                       (['--server', '^adfs-old'], lambda e: e['server'].startswith('ADFS-OLD.')),
                       (['--ip', '40.92.0.10'], lambda e: '40.92.0.10' in e['addresses']),
                       (['--submitter-ip', '40.92.0.10'], lambda e: e['ip'] == '40.92.0.10')):
        status, out, err = run(['trace', '-q', '--format', 'jsonl'] + args + FILES)
        got = sorted({(e['server'], e['user'], e['request']) for e in jsonl(out)})
        want = [e for e in expected if e['server'].startswith(servers) and pred(e)]
        check(f'trace {" ".join(args)} alone chooses the requests', status == 0 and len(got) == len(want) and
              {(u, s) for s, u, _ in got} == {(e['user'], e['server']) for e in want}, f'{got[:3]} {err[-200:]}')
    check('the Exchange Online requests are there to choose', len(exo) == 13)


def check_empty_explained():
    """When nothing matches, trace says why, as scan does: no AD FS audit events in the inputs (a warning, exit 1),
    the time window, or the options that left every attempt out."""
    status, out, err = run(['trace', '--ip', '203.0.113.50', os.path.join(FIX, 'DC01.evtx')])
    check('trace of logs without AD FS audit events: a warning says so, exit 1',
          status == 1 and not out and 'they hold no AD FS audit events' in err, err)
    status, out, err = run(['trace', '--user', 'alice', '--since', '2030-01-01'] + FILES)
    check('trace with a window after the records: a note says the events fell outside it',
          status == 0 and not out and 'fell outside the time window' in err, err)
    import tempfile
    with tempfile.TemporaryDirectory() as tmp:
        named = os.path.join(tmp, 'trace.jsonl')
        run(['trace', '-q', '--user', 'svc-sql', '-o', named] + FILES)
        text = open(named, encoding='utf-8').read()
    check('trace -o NAME.jsonl without --format: JSON lines, as --format jsonl writes them',
          text and text == run(['trace', '-q', '--format', 'jsonl', '--user', 'svc-sql'] + FILES)[1], text[:80])
    status, out, err = run(['trace', '--user', '^nobody-at-all$'] + FILES)
    check('trace --user matching nobody: a note says --user kept none of the attempts',
          status == 0 and not out and '--user kept none of the' in err, err)


def main():
    _, out, _ = run(['scan', '-q', '-o', '-', '--format', 'jsonl'] + FILES)
    attempts = jsonl(out)
    svc = [a for a in attempts if 'svc-sql' in a['user']]
    status, out, _ = run(['trace', '-q', '--format', 'jsonl', '--user', 'svc-sql'] + FILES)
    events = jsonl(out)
    requests = sorted({e['request'] for e in events})
    check('--user: one request per attempt scan reports', status == 0 and len(requests) == len(svc) == 6)
    per_request = [[e['event'] for e in events if e['request'] == r] for r in requests]
    check('each request holds the events scan names as evidence, in time order',
          [' '.join(str(e['EventID']) for e in evs) for evs in per_request] == [a['events'] for a in svc])
    check('each event comes whole (the 4625 with its 21 named fields)',
          all(len(e['EventData']) == 21 for evs in per_request for e in evs if e['EventID'] == 4625))
    target = next(a for a in attempts if a['user'] == 'jean-luc@contoso.com' and a['outcome'] == 'ad_locked_out')
    status, out, _ = run(['trace', '-q', '--format', 'jsonl', '--activity',
                          '{' + target['activity_id'].upper() + '}'] + FILES)
    evs = jsonl(out)
    check('--activity (braces and case ignored) finds that one request',
          status == 0 and {e['request'] for e in evs} == {1} and
          ' '.join(str(e['event']['EventID']) for e in evs) == target['events'])
    status, out, _ = run(['trace', '-q', '--format', 'jsonl', '--instance', target['instance_id']] + FILES)
    check('--instance finds it too', status == 0 and ' '.join(str(e['event']['EventID']) for e in jsonl(out)) ==
          target['events'])
    status, out, _ = run(['trace', '-q', '--format', 'jsonl', '--user', '^jean-luc', '--outcome', 'locked_out'] + FILES +
                         [os.path.join(FIX, 'DC01.evtx')])
    evs = [e for e in jsonl(out) if 'request' in e]
    check('a request that locked the account in AD ends with the DC\'s 4740',
          status == 0 and evs and evs[-1]['event']['EventID'] == 4740 and
          evs[-1]['event']['Computer'] == 'DC01.contoso.com')
    lockout = [e for e in jsonl(out) if 'lockout' in e]
    check('then the lockout itself, explained: AD FS on ADFS02, its 4740',
          lockout and all(e['cause'] == 'adfs' for e in lockout) and
          [e['event_id'] for e in lockout] == [4740])
    success = json.load(open(os.path.join(FIX, 'expected.json')))['successes'][0]
    status, out, _ = run(['trace', '-q', '--format', 'jsonl', '--user', '^alice@'] + FILES)
    evs = jsonl(out)
    check('--user shows the success after the failures, its events in time order',
          status == 0 and [e['outcome'] for e in evs if e['event']['EventID'] == 412] == ['success'] and
          [e['request'] for e in evs][-1] == 2 and evs[-1]['event']['Computer'] == 'ADFS01.contoso.com')
    summary = subprocess.run([BADCREDS, 'summary', '-q', '-f', 'jsonl'] + FILES, capture_output=True).stdout
    compromise = [r for r in map(json.loads, summary.decode().splitlines()) if r['type'] == 'compromise']
    status, out, _ = run(['trace', '-q', '--format', 'jsonl', '--instance', compromise[0]['instance_id']] + FILES)
    check('--instance of the compromise finding shows the successful request (403 1202 412 501)',
          status == 0 and ' '.join(str(e['event']['EventID']) for e in jsonl(out)) == '403 1202 412 501' and
          success['user'] == 'alice@contoso.com')
    status, out, _ = run(['trace', '-q', '--ip', '2001:db8::1234'] + FILES)
    check('--ip, text form', status == 0 and out.count('Request on ADFS01.contoso.com') == 3 and
          'x-ms-forwarded-client-ip' in out)
    check_filters_and_local_time()
    status, _, err = run(['trace', FILES[0]])
    check('no selection is a usage error', status == 2 and 'say which requests' in err)
    for option, value in (('--activity', 'nothing'), ('--instance', '{1234}'),
                          ('--activity', '7b2e4c1a-9f3d-4e8b-a1c2-3d4e5f60718')):
        status, out, err = run(['trace', option, value, FILES[0]])
        check(f'{option} {value}: not a GUID, a usage error', status == 2 and not out and option in err, err)
    check_empty_explained()
    print(f'{len(FAILURES)} failures')
    return 1 if FAILURES else 0


if __name__ == '__main__':
    sys.exit(main())
