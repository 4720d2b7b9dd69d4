#!/usr/bin/python3
"""evtx_writer.py: writes real EVTX files (file header, chunks, records, Binary XML templates and substitutions)
for badcreds' test fixtures. Follows the format as src/evtx/evtx_format.h and the files it names describe it; every
file it writes is read back by python-evtx and libevtx in the tests. Standard library only (zlib for CRC-32).

A template is a tree of (name, attributes, children) where attribute values and children may be Sub(index, type,
optional) placeholders. Each chunk holds a template definition inline at its first use and refers back to it after.
"""
import struct
import uuid
import zlib

HEADER, CHUNK = 4096, 65536

# value types
NULL, STRING, UINT8, UINT16, UINT32, UINT64, GUID, FILETIME, SID, HEXINT32, HEXINT64, BINXML = (
    0x00, 0x01, 0x04, 0x06, 0x08, 0x0a, 0x0f, 0x11, 0x13, 0x14, 0x15, 0x21)
STRING_ARRAY = 0x81
INT32 = 0x07


class Sub:
    """A substitution in a template: value `index` of the instance, declared `vtype`, optional (0x0e) or not."""

    def __init__(self, index, vtype, optional=False, dependency=False):
        self.index, self.vtype, self.optional, self.dependency = index, vtype, optional, dependency


class Element:
    def __init__(self, name, attrs=(), children=()):
        self.name, self.attrs, self.children = name, list(attrs), list(children)


class Template:
    """A template definition: a name (its GUID is derived from it, so files are reproducible; the first 4 bytes are
    the template id) and the root element."""

    def __init__(self, name, root):
        self.root = root
        self.guid = uuid.uuid5(uuid.NAMESPACE_URL, 'badcreds-fixture:' + name).bytes_le


def name_hash(s):
    """Low 16 bits of h = h * 65599 + code unit over the UTF-16 code units."""
    data = s.encode('utf-16-le')
    h = 0
    for (unit,) in struct.iter_unpack('<H', data):
        h = (h * 65599 + unit) & 0xffffffff
    return h & 0xffff


class Out:
    """Bytes that will sit at chunk offset `base`, so that offsets written into them are chunk-relative."""

    def __init__(self, base):
        self.base, self.b = base, bytearray()

    def here(self):
        return self.base + len(self.b)

    def u8(self, v): self.b += struct.pack('<B', v)
    def u16(self, v): self.b += struct.pack('<H', v)
    def u32(self, v): self.b += struct.pack('<I', v)

    def name(self, s):
        """Name offset pointing right behind itself, then the name structure inline."""
        self.u32(self.here() + 4)
        data = s.encode('utf-16-le')
        self.u32(0)
        self.u16(name_hash(s))
        self.u16(len(s))
        self.b += data + b'\0\0'

    def text(self, s):
        self.u8(0x05)
        self.u8(0x01)
        self.u16(len(s))
        self.b += s.encode('utf-16-le')


def write_element(o, el, in_template):
    has_attrs = bool(el.attrs)
    o.u8(0x41 if has_attrs else 0x01)
    if in_template:
        dep = 0xffff
        for c in el.children:
            if isinstance(c, Sub) and c.dependency:
                dep = c.index
        o.u16(dep)
    size_at = len(o.b)
    o.u32(0)
    o.name(el.name)
    if has_attrs:
        attr_at = len(o.b)
        o.u32(0)
        for i, (aname, aval) in enumerate(el.attrs):
            o.u8(0x46 if i + 1 < len(el.attrs) else 0x06)
            o.name(aname)
            write_content(o, aval)
        struct.pack_into('<I', o.b, attr_at, len(o.b) - attr_at - 4)
    if el.children:
        o.u8(0x02)
        for c in el.children:
            if isinstance(c, Element):
                write_element(o, c, in_template)
            else:
                write_content(o, c)
        o.u8(0x04)
    else:
        o.u8(0x03)
    # data size: bytes after the size field up to and including the end token
    struct.pack_into('<I', o.b, size_at, len(o.b) - (size_at + 4))


def write_content(o, c):
    if isinstance(c, Sub):
        o.u8(0x0e if c.optional else 0x0d)
        o.u16(c.index)
        o.u8(c.vtype)
    else:
        o.text(c)


def encode_value(vtype, v):
    """Bytes of one substitution value; None is Null."""
    if v is None:
        return NULL, b''
    if vtype == STRING:
        return vtype, v.encode('utf-16-le')
    if vtype == STRING_ARRAY:
        return vtype, b''.join(s.encode('utf-16-le') + b'\0\0' for s in v)
    if vtype in (UINT8, UINT16, UINT32, UINT64, HEXINT32, HEXINT64, FILETIME, INT32):
        fmt = {UINT8: '<B', UINT16: '<H', UINT32: '<I', UINT64: '<Q', HEXINT32: '<I', HEXINT64: '<Q',
               FILETIME: '<Q', INT32: '<i'}[vtype]
        return vtype, struct.pack(fmt, v)
    if vtype == GUID:
        return vtype, uuid.UUID(v).bytes_le
    if vtype == SID:
        parts = v.split('-')
        rev, auth, subs = int(parts[1]), int(parts[2]), [int(x) for x in parts[3:]]
        return vtype, struct.pack('<BB', rev, len(subs)) + auth.to_bytes(6, 'big') + b''.join(
            struct.pack('<I', s) for s in subs)
    raise ValueError(f'type {vtype:#x}')


class Chunk:
    def __init__(self, first_number, first_id):
        self.buf = bytearray(CHUNK)
        self.pos = 512
        self.defs = {}  # template GUID -> definition offset
        self.first_number, self.first_id = first_number, first_id
        self.records = 0
        self.last_record_off = 0

    def instance(self, base, template, values):
        """Template instance token at chunk offset `base`; values are (type, python value) pairs."""
        o = Out(base)
        o.u8(0x0c)
        o.u8(0x01)
        o.u32(struct.unpack_from('<I', template.guid)[0])
        def_off = self.defs.get(template.guid)
        inline = def_off is None
        if inline:
            def_off = o.here() + 4
        o.u32(def_off)
        if inline:
            self.defs[template.guid] = def_off
            o.u32(0)
            o.b += template.guid
            size_at = len(o.b)
            o.u32(0)
            body_start = len(o.b)
            o.b += b'\x0f\x01\x01\x00'
            write_element(o, template.root, True)
            o.u8(0x00)
            struct.pack_into('<I', o.b, size_at, len(o.b) - body_start)
        encoded = []
        data_at = o.here() + 4 + 4 * len(values)
        for vtype, v in values:
            if vtype == BINXML:
                nested_template, nested_values = v
                nested = self.fragment(data_at, nested_template, nested_values)
                encoded.append((BINXML, nested))
            else:
                encoded.append(encode_value(vtype, v))
            data_at += len(encoded[-1][1])
        o.u32(len(values))
        for vtype, data in encoded:
            o.u16(len(data))
            o.u8(vtype)
            o.u8(0)
        for _, data in encoded:
            o.b += data
        return bytes(o.b)

    def fragment(self, base, template, values):
        inst = self.instance(base + 4, template, values)
        return b'\x0f\x01\x01\x00' + inst + b'\x00'

    def add(self, record_id, filetime, template, values):
        """Appends a record; False if it does not fit (the caller starts a new chunk)."""
        saved = dict(self.defs)
        body = self.fragment(self.pos + 24, template, values)
        size = 24 + len(body) + 4
        size += (-size) % 8
        if self.pos + size > CHUNK:
            self.defs = saved
            return False
        rec = bytearray(size)
        rec[0:4] = b'**\0\0'
        struct.pack_into('<IQQ', rec, 4, size, record_id, filetime)
        rec[24:24 + len(body)] = body
        struct.pack_into('<I', rec, size - 4, size)
        self.buf[self.pos:self.pos + size] = rec
        self.last_record_off = self.pos
        self.pos += size
        self.records += 1
        return True

    def finish(self):
        b = self.buf
        b[0:8] = b'ElfChnk\0'
        last_number = self.first_number + self.records - 1
        last_id = self.first_id + self.records - 1
        struct.pack_into('<QQQQIII', b, 8, self.first_number, last_number, self.first_id, last_id, 128,
                         self.last_record_off, self.pos)
        struct.pack_into('<I', b, 52, zlib.crc32(bytes(b[512:self.pos])))
        struct.pack_into('<I', b, 120, 0)
        struct.pack_into('<I', b, 124, zlib.crc32(bytes(b[:120]) + bytes(b[128:512])))
        return bytes(b)


def write_file(path, records):
    """records: iterable of (filetime, template, values); EventRecordIDs are numbered from 1."""
    chunks, chunk, rid = [], Chunk(1, 1), 1
    for filetime, template, values in records:
        if not chunk.add(rid, filetime, template, values):
            chunks.append(chunk.finish())
            chunk = Chunk(rid, rid)
            if not chunk.add(rid, filetime, template, values):
                raise ValueError('record larger than a chunk')
        rid += 1
    if chunk.records:
        chunks.append(chunk.finish())
    hdr = bytearray(HEADER)
    hdr[0:8] = b'ElfFile\0'
    struct.pack_into('<QQQIHHHH', hdr, 8, 0, len(chunks) - 1, rid, 128, 1, 3, HEADER, len(chunks))
    struct.pack_into('<I', hdr, 124, zlib.crc32(bytes(hdr[:120])))
    with open(path, 'wb') as f:
        f.write(hdr)
        for c in chunks:
            f.write(c)
