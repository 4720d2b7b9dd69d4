#!/usr/bin/python3
"""Builds two AD FS servers' Security logs of bad-password attempts, every record relevant (for measuring the heavy
path: speed, memory and the cost of each attempt; not a test). N attempts alternate between ADFS01 and ADFS02,
`--gap` seconds apart, each the full set of events tools/mkfixtures.py writes for that kind of attempt. Shapes:
  2016     a password spray on AD FS 2016+ at verbose level: 403, 4625, 1203, 411, 501; a different user and
           address each time
  2012r2   the same on AD FS 2012 R2: 403, 410, 4625, 411, 501 (no 1200-1210 audits)
  exo      2016+ requests proxied by Exchange Online (legacy authentication): zero activity ID, joined by server,
           user and time
  brute    2016+ brute force: one user from one address, one attempt every --gap seconds

With --ips K the sprays and exo come from K addresses (a spray from one address: --ips 1).

usage: make_spray.py OUT_PREFIX N [--shape 2016|2012r2|exo|brute] [--gap SECONDS] [--ips K]
       (writes OUT_PREFIX-0.evtx and OUT_PREFIX-1.evtx)
"""
import argparse
import datetime
import os
import sys
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'tools'))
import mkfixtures  # noqa: E402
from evtx_writer import write_file  # noqa: E402


def attempt_2012r2(farm, log, t, user, ip):
    """A 2012 R2 bad password at verbose level: the HTTP request (403), its headers (410), then what
    Farm.attempt_2012r2 writes (4625, 411, 501)."""
    activity = str(uuid.uuid5(uuid.NAMESPACE_DNS, f'{log.server}{t}{user}'))
    instance = str(uuid.uuid5(uuid.NAMESPACE_URL, f'{log.server}{t}{user}'))
    before = datetime.timedelta(milliseconds=2)
    log.adfs(t - before, 403, [instance, activity, t.strftime('%Y-%m-%d %H:%M:%S'), ip, 'POST', '/adfs/ls/', '',
                               '443', '10.0.0.5', 'Mozilla/5.0', '1234'])
    log.adfs(t - before / 2, 410, [activity, '-', 'Mozilla/5.0', '-', '/adfs/ls/', ip, 'WAP01', '-'])
    farm.attempt_2012r2(log, t, user, ip)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('prefix')
    ap.add_argument('n', type=int)
    ap.add_argument('--shape', choices=('2016', '2012r2', 'exo', 'brute'), default='2016')
    ap.add_argument('--gap', type=float, default=3.0)
    ap.add_argument('--ips', type=int, default=0, help='distinct source addresses (default: one per attempt)')
    a = ap.parse_args()
    farm = mkfixtures.Farm()
    servers = [farm.log('ADFS01.contoso.com'), farm.log('ADFS02.contoso.com')]
    for i in range(a.n):
        log = servers[i % 2]
        t = mkfixtures.BASE + datetime.timedelta(seconds=a.gap * i)
        k = i % a.ips if a.ips else i
        user, ip = f'user{i}@contoso.com', f'203.{k >> 16 & 255}.{k >> 8 & 255}.{k & 255}'
        if a.shape == '2016':
            farm.attempt_2016(log, t, user, ip)
        elif a.shape == '2012r2':
            attempt_2012r2(farm, log, t, user, ip)
        elif a.shape == 'exo':  # Exchange Online connects from its own address and forwards the client's
            farm.attempt_2016(log, t, user, '40.92.0.10', exo=True, forwarded=ip)
        else:
            farm.attempt_2016(log, t, 'victim@contoso.com', '198.51.100.66')
    for k, log in enumerate(servers):
        write_file(f'{a.prefix}-{k}.evtx', log.records())


if __name__ == '__main__':
    main()
