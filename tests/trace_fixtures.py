#!/usr/bin/python3
"""badcreds trace on the generated farm: the requests it shows are those scan reports for the same selection, each
with every event the request holds (the evidence scan names) and all their fields.

usage: trace_fixtures.py BADCREDS FIXTURE_DIR
"""
import json
import os
import subprocess
import sys

BADCREDS, FIX = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
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
    status, _, err = run(['trace', FILES[0]])
    check('no selection is a usage error', status == 2 and 'say which requests' in err)
    print(f'{len(FAILURES)} failures')
    return 1 if FAILURES else 0


if __name__ == '__main__':
    sys.exit(main())
