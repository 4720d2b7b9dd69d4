#!/usr/bin/python3
"""Builds two AD FS servers' Security logs holding a long password spray (for measuring the correlation's memory,
not a test): N attempts, each a different user from a different address, alternating between ADFS01 and ADFS02,
three seconds apart, every one the full set of events tools/mkfixtures.py writes for an AD FS 2016+ bad password
(4625, 1203, 411, 501...).

usage: make_spray.py OUT_PREFIX N     (writes OUT_PREFIX-0.evtx and OUT_PREFIX-1.evtx)
"""
import datetime
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'tools'))
import mkfixtures  # noqa: E402
from evtx_writer import write_file  # noqa: E402


def main():
    prefix, n = sys.argv[1], int(sys.argv[2])
    farm = mkfixtures.Farm()
    servers = [farm.log('ADFS01.contoso.com'), farm.log('ADFS02.contoso.com')]
    for i in range(n):
        farm.attempt_2016(servers[i % 2], mkfixtures.BASE + datetime.timedelta(seconds=3 * i), f'user{i}@contoso.com',
                          f'203.{i >> 16 & 255}.{i >> 8 & 255}.{i & 255}')
    for k, log in enumerate(servers):
        write_file(f'{prefix}-{k}.evtx', log.records())


if __name__ == '__main__':
    main()
