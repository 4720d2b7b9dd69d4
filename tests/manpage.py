#!/usr/bin/env python3
"""manpage.py: badcreds(1) documents every command and every option that `badcreds COMMAND --help` lists (the help
is generated from the option tables in the code, the page is written by hand, so this keeps them together), and
that every --help fits a terminal of 80 columns.
usage: manpage.py BADCREDS MANPAGE"""
import re
import subprocess
import sys


def main():
    badcreds, page = sys.argv[1], open(sys.argv[2], encoding='utf-8').read()
    commands_section = page[page.index('\n.SH COMMANDS\n'):]
    commands_section = commands_section[:commands_section.index('\n.SH ', 1)]
    documented = set(re.findall(r'\\-\\-([a-z][a-z0-9-]*(?:\\-[a-z0-9]+)*)', page))
    documented = {d.replace('\\-', '-') for d in documented}
    top = subprocess.run([badcreds, '--help'], stdout=subprocess.PIPE, check=True).stdout.decode()
    commands = re.findall(r'^  ([a-z]+)  ', top, re.M)
    failures = 0

    def fits(name, text):
        nonlocal failures
        wide = [line for line in text.splitlines() if len(line) > 79]
        if wide:
            print(f'FAIL: {name}: {len(wide)} lines wider than 79 columns, first: {wide[0]!r}')
            failures += 1

    fits('badcreds --help', top)
    if len(commands) < 4:
        print(f'FAIL: the command list was not found in --help:\n{top}')
        return 1
    for command in commands:
        if not re.search(rf'^\.TP\n\.B[IR] "{command} ', commands_section, re.M):
            print(f'FAIL: command {command} has no entry under COMMANDS')
            failures += 1
        text = subprocess.run([badcreds, command, '--help'], stdout=subprocess.PIPE, check=True).stdout.decode()
        fits(f'badcreds {command} --help', text)
        options = re.findall(r'^\s+(?:-\w, )?--([a-z][a-z0-9-]*)', text, re.M)
        if not options:
            print(f'FAIL: no option found in `badcreds {command} --help`')
            failures += 1
        for option in options:
            if option not in documented:
                print(f'FAIL: --{option} ({command}) is not documented in the page')
                failures += 1
        print(f'ok {command}: {len(options)} options documented')
    print(f'{failures} failures')
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
