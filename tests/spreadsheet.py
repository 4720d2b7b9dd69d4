#!/usr/bin/python3
"""The formula guard in a real spreadsheet: LibreOffice Calc opens badcreds' report of the hostile user names (CSV
import with formulas evaluated) and saves what its cells show; every cell must show the text badcreds wrote.
The same report with the guard's apostrophes taken off must change (LibreOffice does run such cells), or the check
would prove nothing. (Calc 7.4 runs only cells that start with '='; the guard also covers what other spreadsheets
run: + - @, blanks before them, full-width and small forms, see badcreds(1).)

usage: spreadsheet.py BADCREDS FIXTURE_DIR (skipped when LibreOffice's soffice is not installed)
"""
import csv
import os
import shutil
import subprocess
import sys
import tempfile

csv.field_size_limit(sys.maxsize)


def calc(soffice, path, tmp):
    """The cells of a CSV file as LibreOffice shows them after importing it with formulas evaluated."""
    out = os.path.join(tmp, 'shown')
    # import: comma, double quote, UTF-8, from line 1, ..., evaluate formulas (token 13); export: the same CSV form
    subprocess.run([soffice, '--headless', '--norestore', '--nolockcheck', f'-env:UserInstallation=file://{tmp}/profile',
                    '--infilter=CSV:44,34,76,1,,1033,false,true,false,false,false,-1,true',
                    '--convert-to', 'csv:Text - txt - csv (StarCalc):44,34,76,1', '--outdir', out, path],
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=300, check=False)
    with open(os.path.join(out, os.path.basename(path)), encoding='utf-8', newline='') as f:
        return list(csv.reader(f))


def main():
    badcreds, fixtures = sys.argv[1], sys.argv[2]
    soffice = shutil.which('soffice')
    if not soffice:
        print('SKIP: LibreOffice (soffice) is not installed')
        return 77
    with tempfile.TemporaryDirectory() as tmp:
        report = os.path.join(tmp, 'report.csv')
        subprocess.run([badcreds, 'scan', '-q', '--columns', 'compat', '-o', report,  # ADFS02: =HYPERLINK(...)
                        os.path.join(fixtures, 'HOSTILE-NAMES.evtx'), os.path.join(fixtures, 'ADFS02.evtx')],
                       check=True)
        with open(report, encoding='utf-8', newline='') as f:
            written = list(csv.reader(f))
        guarded = sum(row[0].startswith("'") for row in written[1:])
        unguarded = os.path.join(tmp, 'unguarded.csv')
        with open(unguarded, 'w', encoding='utf-8', newline='') as f:
            csv.writer(f, quoting=csv.QUOTE_ALL, lineterminator='\r\n').writerows(
                [[c[1:] if c.startswith("'") else c for c in row] for row in written])
        shown = calc(soffice, report, tmp)
        lf = lambda c: c.replace('\r\n', '\n').replace('\r', '\n')  # Calc keeps line breaks in cells as LF
        changed = [(a, b) for r1, r2 in zip(written, shown) for a, b in zip(r1, r2) if lf(a) != b]
        ok = shown and len(shown) == len(written) and not changed and guarded >= 10
        print(f'{"ok" if ok else "FAIL"} LibreOffice shows every cell of the report as written ({guarded} guarded)'
              + (f': {changed[:3]}' if changed else ''))
        control = calc(soffice, unguarded, tmp)
        ran = [(a, b) for r1, r2 in zip([[c[1:] if c.startswith("'") else c for c in row] for row in written], control)
               for a, b in zip(r1, r2) if lf(a) != b]
        print(f'{"ok" if ran else "FAIL"} without the guard LibreOffice runs formulas ({ran[:2]})')
        return 0 if ok and ran else 1


if __name__ == '__main__':
    sys.exit(main())
