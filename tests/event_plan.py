#!/usr/bin/python3
"""Events filled from their template's plan (src/event/event_plan.c) are the events the Binary XML walk gives: for
every EVTX file among the fixtures (the AD FS farm, its damaged, hostile and carved logs, the domain, the PRT logs),
the shipped testdata and the real samples, `dump --format jsonl` (every field of every event, with the messages
about records skipped, cut or recovered) and `scan` (the attempts and the closing line) are byte-identical with the
plans on and off (BADCREDS_EVENT_WALK=1), on one thread and on three (under wine, where each run starts wine
anew: dump on three threads only; the plans are the same C there).

usage: event_plan.py BADCREDS FIXTURE_DIR TESTDATA_DIR SAMPLES_DIR
"""
import glob
import os
import subprocess
import sys

WALK = {'BADCREDS_EVENT_WALK': '1'}
UNDER_WINE = os.environ.get('BADCREDS_UNDER_WINE') == '1'  # set by tests/meson.build for the Windows build


def run(badcreds, args, env=None):
    p = subprocess.run([badcreds] + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       env=dict(os.environ, **(env or {})), check=False, timeout=600)
    if p.returncode < 0 or p.returncode > 2:
        raise SystemExit(f'{" ".join(args)}: exit {p.returncode}: {p.stderr.decode(errors="replace")[-2000:]}')
    return p.returncode, p.stdout, p.stderr


def main():
    badcreds, fixtures, testdata, samples = sys.argv[1:5]
    files = sorted(glob.glob(os.path.join(fixtures, '**', '*.evtx'), recursive=True) +
                   glob.glob(os.path.join(testdata, '*.evtx')) + glob.glob(os.path.join(samples, '*.evtx')))
    if len(files) < 20:
        raise SystemExit(f'only {len(files)} EVTX files found: the fixtures are missing')
    failed = checked = 0
    for path in files:
        runs = [['dump', '--format', 'jsonl', '-j3', path]]
        if not UNDER_WINE:
            runs += [['dump', '--format', 'jsonl', '-j1', path], ['scan', '-o', '-', '-j1', path]]
        for args in runs:
            planned, walked = run(badcreds, args), run(badcreds, args, WALK)
            checked += 1
            if planned != walked:
                failed += 1
                print(f'FAIL {" ".join(args[:-1])} {os.path.basename(path)}: differs with BADCREDS_EVENT_WALK=1')
    print(f'{checked} runs over {len(files)} files compared, {failed} differ')
    sys.exit(1 if failed else 0)


main()
