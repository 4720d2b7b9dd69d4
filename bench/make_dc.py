#!/usr/bin/python3
"""make_dc.py: builds a large domain controller Security log for benchmarking `badcreds lockouts` (issue 15's speed
criterion: a 1 GiB DC log, mostly 4624/4634/4768/4769 noise, with 10,000 lockout-related events). For benchmarks,
not tests.

usage: make_dc.py OUT SIZE_MIB [--lockout-events N] [--pool-mib M] [--hours H] [--seed S]

The noise, in the proportions of a busy DC (by record): ~35% 4624 (network logons, type 3; about 1 in 5,000 a type
10 RDP logon of an administrator on the DC), ~30% 4634, ~20% 4769, ~15% 4768, for 20,000 users and 4,000
workstations of CORP. Writing 1 GiB record by record in Python is slow, so a pool of M MiB (default 64) of distinct
noise chunks is written once with tools/evtx_writer.py and repeated; each copy gets its own EventRecordIDs and
times (record header, System/EventRecordID and TimeCreated patched, chunk header and CRC-32s recomputed), so the
whole file counts up in record number and time over H hours (default 24).

The N lockout-related events (default 10,000) sit in fresh chunks (noise around them) spread evenly across the file:
bursts of 5 wrong passwords seen by the DC (4771 status 0x18, or 4776 status 0xC000006A, half each) within a few
seconds, then the 4740 that locks the account, for about 1,600 accounts (an account locked twice is locked hours
apart); N - 6 * (N // 6) single 4771s under the threshold make up the count. Expected from `badcreds lockouts`:
N // 6 rows, all cause `unknown` (the DC's log alone names no host log). Field lists: those of tools/fixtures_domain.py
and tools/mkfixtures.py (4624 full, 4768, 4771, 4776, 4740) and, from Microsoft's documented layouts, 4634 and 4769.
"""
import argparse
import os
import random
import struct
import sys
import uuid
import zlib

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), 'tools'))
import fixtures_domain as fd  # noqa: E402
import mkfixtures as mk  # noqa: E402
from evtx_writer import (BINXML, CHUNK, FILETIME, GUID, HEADER, HEXINT32, HEXINT64, SID, STRING, UINT8,  # noqa: E402
                         UINT16, UINT32, UINT64, Chunk)

F4634 = [('TargetUserSid', SID), ('TargetUserName', STRING), ('TargetDomainName', STRING),
         ('TargetLogonId', HEXINT64), ('LogonType', UINT32)]
F4769 = [('TargetUserName', STRING), ('TargetDomainName', STRING), ('ServiceName', STRING), ('ServiceSid', SID),
         ('TicketOptions', HEXINT32), ('TicketEncryptionType', HEXINT32), ('IpAddress', STRING), ('IpPort', STRING),
         ('Status', HEXINT32), ('LogonGuid', GUID), ('TransmittedServices', STRING)]
TEMPLATES = {4624: mk.named_template('4624-full', fd.F4624), 4634: mk.named_template('4634', F4634),
             4768: mk.named_template('4768', fd.F4768), 4769: mk.named_template('4769', F4769),
             4771: mk.named_template('4771', fd.F4771), 4776: mk.named_template('4776', mk.F4776),
             4740: mk.named_template('4740', mk.F4740)}
FIELDS = {4624: fd.F4624, 4634: F4634, 4768: fd.F4768, 4769: F4769, 4771: fd.F4771, 4776: mk.F4776, 4740: mk.F4740}
DC = 'DC01.corp.contoso.com'
REALM = 'CORP.CONTOSO.COM'
SID_BASE = fd.DOMAIN_SID
USERS, WORKSTATIONS = 20000, 4000
SERVICES = ['FS01$', 'FS02$', 'EX01$', 'SQL01$', 'APP01$', 'APP02$', 'DC01$', 'DC02$', 'krbtgt', 'RDS01$']
T0 = mk.filetime(fd.T0)
SECOND = 10**7


def user(i):
    return f'user{i:05d}'


def ws(i):
    return f'WKS{i:04d}'


def user_sid(i):
    return f'{SID_BASE}-{10000 + i}'


def ws_ip(i):
    return f'10.2.{i // 250}.{i % 250 + 2}'


def record_values(event_id, ft, rid, data):
    """The System values and the nested EventData, as mk.Log.records lays them out."""
    p = mk.SECURITY
    return [(STRING, p.name), (GUID, p.guid), (UINT16, None), (UINT16, event_id), (UINT8, 0), (UINT8, 0),
            (UINT16, p.task), (UINT8, 0), (HEXINT64, p.keywords(event_id)), (FILETIME, ft), (UINT64, rid),
            (GUID, None), (UINT32, 708), (UINT32, 1488), (STRING, 'Security'), (STRING, DC), (SID, None),
            (BINXML, (TEMPLATES[event_id], [(t, v) for (_, t), v in zip(FIELDS[event_id], data)]))]


def noise_event(rng):
    """(event_id, EventData values) of one noise record."""
    r = rng.random()
    u = rng.randrange(USERS)
    w = rng.randrange(WORKSTATIONS)
    machine = rng.random() < 0.4  # computer accounts log on to the DC as much as users
    name = ws(w) + '$' if machine else user(u)
    sid = f'{SID_BASE}-{30000 + w}' if machine else user_sid(u)
    logon_id = rng.randrange(0x100000, 0xffffffff)
    guid = str(uuid.UUID(int=rng.getrandbits(128)))
    port = str(rng.randrange(49152, 65535))
    ip = ws_ip(w)
    if r < 0.35:
        if rng.random() < 0.0002:  # an administrator's RDP session on the DC
            return 4624, ['S-1-5-18', 'DC01$', 'CORP', 0x3e7, user_sid(7), 'admin.ops', 'CORP', logon_id, 10,
                          'User32 ', 'Negotiate', 'DC01', guid, '-', '-', 0, 0x1c4,
                          'C:\\Windows\\System32\\svchost.exe', ip, '0', '%%1833', '%%1843', '-', '-', '%%1843', 0,
                          '%%1842']
        return 4624, ['S-1-0-0', '-', '-', 0, sid, name, 'CORP', logon_id, 3, 'Kerberos', 'Kerberos', '-', guid, '-',
                      '-', 0, 0, '-', ip, port, '%%1833', '-', '-', '-', '%%1843', 0, '%%1842']
    if r < 0.65:
        return 4634, [sid, name, 'CORP', logon_id, 3]
    if r < 0.85:
        return 4769, [name + '@' + REALM, REALM, rng.choice(SERVICES), f'{SID_BASE}-{1000 + rng.randrange(10)}',
                      0x40810000, 0x12, '::ffff:' + ip, port, 0, guid, '-']
    return 4768, [name, REALM, sid, 'krbtgt', SID_BASE + '-502', 0x40810010, 0, 0x12, '2', '::ffff:' + ip, port, '',
                  '', '']


class DcChunk(Chunk):
    """A chunk whose last record ends before the chunk's last byte: libevtx (20181227) does not read a record that
    ends exactly there, and evtxexport is measured on this file too."""

    def add(self, record_id, filetime, template, values):
        saved = (dict(self.defs), self.pos, self.records, self.last_record_off)
        if not super().add(record_id, filetime, template, values):
            return False
        if self.pos <= CHUNK - 8:
            return True
        self.buf[saved[1]:] = bytes(CHUNK - saved[1])
        self.defs, self.pos, self.records, self.last_record_off = saved
        return False


def value_offsets(buf, rec_off):
    """Chunk offsets of the TimeCreated (value 9) and EventRecordID (value 10) data of a record the writer wrote."""
    p = rec_off + 24 + 4
    assert buf[p] == 0x0c
    def_off = struct.unpack_from('<I', buf, p + 6)[0]
    p += 10
    if def_off == p:  # the definition is inline
        p += 24 + struct.unpack_from('<I', buf, p + 20)[0]
    n = struct.unpack_from('<I', buf, p)[0]
    sizes = [struct.unpack_from('<H', buf, p + 4 + 4 * i)[0] for i in range(n)]
    data = p + 4 + 4 * n
    return data + sum(sizes[:9]), data + sum(sizes[:10])


class Writer:
    """Chunks in file order, numbered from record 1; record n's time is T0 + n * dt (plus jitter)."""

    def __init__(self, f, dt, rng):
        self.f, self.dt, self.rng, self.next_id, self.chunks = f, dt, rng, 1, 0

    def time_of(self, n):
        return T0 + n * self.dt + self.rng.randrange(self.dt)

    def fresh(self, events):
        """A chunk of noise with `events` ((event_id, data), in order) spread through it; returns its bytes and the
        patch points (record header offset, TimeCreated offset, EventRecordID offset) of its records."""
        c = DcChunk(self.next_id, self.next_id)
        points = []
        n = self.next_id
        every = 5
        i = 0
        pending = list(events)
        while True:
            if pending and i % every == every - 1:
                ev = pending[0]
            else:
                ev = noise_event(self.rng)
            ft = self.time_of(n)
            if not c.add(n, ft, mk.MODERN, record_values(ev[0], ft, n, ev[1])):
                break
            if pending and ev is pending[0]:
                pending.pop(0)
            points.append((c.last_record_off,) + value_offsets(c.buf, c.last_record_off))
            n += 1
            i += 1
        if pending:
            raise ValueError('lockout events do not fit in one chunk')
        self.next_id = n
        return c.finish(), points

    def write_fresh(self, events):
        data, _ = self.fresh(events)
        self.f.write(data)
        self.chunks += 1

    def write_copy(self, data, points):
        """A pool chunk renumbered to follow the file so far: ids and times shifted by the same offsets."""
        b = bytearray(data)
        first = struct.unpack_from('<Q', b, 8)[0]
        d_id = self.next_id - first
        d_t = d_id * self.dt
        for rec, t_off, id_off in points:
            rid, ft = struct.unpack_from('<QQ', b, rec + 8)
            struct.pack_into('<QQ', b, rec + 8, rid + d_id, ft + d_t)
            struct.pack_into('<Q', b, t_off, struct.unpack_from('<Q', b, t_off)[0] + d_t)
            struct.pack_into('<Q', b, id_off, struct.unpack_from('<Q', b, id_off)[0] + d_id)
        f_num, l_num, f_id, l_id = struct.unpack_from('<QQQQ', b, 8)
        struct.pack_into('<QQQQ', b, 8, f_num + d_id, l_num + d_id, f_id + d_id, l_id + d_id)
        free = struct.unpack_from('<I', b, 48)[0]
        struct.pack_into('<I', b, 52, zlib.crc32(bytes(b[512:free])))
        struct.pack_into('<I', b, 124, zlib.crc32(bytes(b[:120]) + bytes(b[128:512])))
        self.f.write(b)
        self.next_id = l_id + d_id + 1
        self.chunks += 1


def lockout_plan(n_events, rng):
    """The lockout-related events, grouped by the chunk they go in: a list of bursts, each a list of events."""
    bursts = []
    n_lockouts = n_events // 6
    accounts = 1600
    for b in range(n_lockouts):
        u = b % accounts
        w = rng.randrange(WORKSTATIONS)
        events = []
        kerberos = b % 2 == 0
        for _ in range(5):
            if kerberos:
                events.append((4771, [user(u), user_sid(u), 'krbtgt/' + REALM, 0x40810010, 0x18, '2',
                                      '::ffff:' + ws_ip(w), str(rng.randrange(49152, 65535)), '', '', '']))
            else:
                events.append((4776, ['MICROSOFT_AUTHENTICATION_PACKAGE_V1_0', user(u), ws(w), 0xC000006A]))
        events.append((4740, [user(u), ws(w), user_sid(u), 'S-1-5-18', 'DC01$', 'CORP', 0x3e7]))
        bursts.append(events)
    for k in range(n_events - 6 * n_lockouts):  # one wrong password each, under the threshold
        u = accounts + k
        w = rng.randrange(WORKSTATIONS)
        bursts.append([(4771, [user(u), user_sid(u), 'krbtgt/' + REALM, 0x40810010, 0x18, '2', '::ffff:' + ws_ip(w),
                               '50000', '', '', ''])])
    return bursts


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('out')
    ap.add_argument('size_mib', type=int)
    ap.add_argument('--lockout-events', type=int, default=10000)
    ap.add_argument('--pool-mib', type=int, default=64)
    ap.add_argument('--hours', type=float, default=24)
    ap.add_argument('--seed', type=int, default=15)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    total = a.size_mib * 1024 * 1024 // CHUNK
    bursts = lockout_plan(a.lockout_events, rng)
    if len(bursts) > total:
        sys.exit('make_dc.py: more lockout bursts than chunks')
    at = {int((i + 0.5) * total / len(bursts)): b for i, b in enumerate(bursts)} if bursts else {}
    records_guess = total * 106  # about 106 records a chunk: the time step so that the file spans the hours asked
    dt = max(1, int(a.hours * 3600 * SECOND / records_guess))
    tmp = a.out + '.tmp'
    with open(tmp, 'wb') as f:
        f.write(b'\0' * HEADER)
        w = Writer(f, dt, rng)
        pool_size = min(a.pool_mib * 1024 * 1024 // CHUNK, total)
        pool = []
        for slot in range(total):
            if slot in at:
                w.write_fresh(at[slot])
            elif len(pool) < pool_size:
                data, points = w.fresh([])
                pool.append((data, points))
                f.write(data)
                w.chunks += 1
            else:
                w.write_copy(*pool[slot % pool_size])
        hdr = bytearray(HEADER)
        hdr[0:8] = b'ElfFile\0'
        struct.pack_into('<QQQIHHHH', hdr, 8, 0, total - 1, w.next_id, 128, 1, 3, HEADER, min(total, 0xffff))
        struct.pack_into('<I', hdr, 124, zlib.crc32(bytes(hdr[:120])))
        f.seek(0)
        f.write(hdr)
    os.replace(tmp, a.out)
    print(f'{a.out}: {total} chunks, {w.next_id - 1} records, {len([b for b in bursts if len(b) == 6])} lockouts '
          f'({a.lockout_events} lockout-related events)')


if __name__ == '__main__':
    main()
