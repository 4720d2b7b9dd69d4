/* evtx_format.h: the fixed on-disk EVTX structures (file header, chunk header, event record header), each declared
 * once, field by field (offset, size in bytes). All integers are little-endian, unaligned, and read with
 * le16/le32/le64 (le.h); text is UTF-16LE. The rest of the format is described next to the code that reads it:
 * Binary XML tokens and the dependency-id trap in binxml_compile.c, template instances and their values at
 * bx_instance_read there; names in name.c; template definitions in template_cache.c; value types in
 * badcreds/evtx_value.h (decoded in value.c); CRC-32s in format.c; carving and what makes a record valid in chunk.c. */
#ifndef BADCREDS_EVTX_FORMAT_H
#define BADCREDS_EVTX_FORMAT_H

#include <stdbool.h>
#include <stdint.h>

/* A file is a 4096-byte header block, then 64 KiB chunks: chunk i at file offset 4096 + i * 65536. A record never
 * spans chunks, and every offset stored inside a chunk (records, names, templates) is relative to the chunk's
 * start, so each chunk is read on its own. */
enum {
	EVTX_FILE_HEADER_BLOCK = 4096, /* the file header block; chunk 0 starts right after it */
	EVTX_CHUNK_SIZE = 65536,
	EVTX_CHUNK_HEADER_SIZE = 512,  /* 128-byte header + 64 name-table and 32 template-table offsets */
	EVTX_RECORD_HEADER_SIZE = 24,
	EVTX_RECORD_MIN_SIZE = 28,     /* header + trailing copy of the size */
};

/* The chunk header's template table and the definitions it leads to. Each entry is the chunk offset of the first
 * definition of its bucket (0: none); a definition starts with the offset of the next one in its bucket. */
enum {
	EVTX_TEMPLATE_TABLE = 384,        /* chunk offset of the template table */
	EVTX_TEMPLATE_TABLE_BUCKETS = 32, /* its u32 entries */
	EVTX_TEMPLATE_HEADER_SIZE = 24,   /* a definition's header (laid out in template_cache.c); the body follows */
};

/* Flags of the file header (offset 120) and of the chunk header (offset 120). The code acts on NO_CRC32 only: set in
 * either, the checksums are not stored (zero) and are not compared. */
enum { EVTX_FLAG_DIRTY = 0x1, EVTX_FLAG_FULL = 0x2, EVTX_FLAG_NO_CRC32 = 0x4 };

/* File header: the first 128 bytes of the 4096-byte header block. */
struct evtx_file_header {
	                        /*   0  8  signature "ElfFile\0" */
	uint64_t first_chunk;   /*   8  8  oldest chunk number (greater than last_chunk when the log wrapped) */
	uint64_t last_chunk;    /*  16  8  current chunk number */
	uint64_t next_record_id;/*  24  8  next EventRecordID to be written (stale when dirty) */
	uint32_t header_size;   /*  32  4  128 */
	uint16_t minor_version; /*  36  2  1 or 2 */
	uint16_t major_version; /*  38  2  3 */
	uint16_t block_size;    /*  40  2  4096: offset of the first chunk */
	uint16_t chunk_count;   /*  42  2  number of chunks; unreliable (dirty files, > 65535 chunks): the reader
	                         *         counts chunk slots from the file size instead (reader.c) */
	                        /*  44 76  unknown, zero */
	uint32_t flags;         /* 120  4  EVTX_FLAG_* */
	uint32_t checksum;      /* 124  4  CRC-32 of bytes [0, 120) */
};

/* Chunk header: the first 128 bytes of each 64 KiB chunk, followed by the two offset tables; the records follow
 * from offset 512 (EVTX_CHUNK_HEADER_SIZE) up to the free space offset. */
struct evtx_chunk_header {
	                         /*   0  8  signature "ElfChnk\0" */
	uint64_t first_number;   /*   8  8  first event record number (log-wide sequence) */
	uint64_t last_number;    /*  16  8  last event record number */
	uint64_t first_id;       /*  24  8  first EventRecordID */
	uint64_t last_id;        /*  32  8  last EventRecordID */
	uint32_t header_size;    /*  40  4  128 */
	uint32_t last_record_off;/*  44  4  chunk offset of the last record */
	uint32_t free_space_off; /*  48  4  chunk offset of the end of the last record (may be too large) */
	uint32_t data_checksum;  /*  52  4  CRC-32 of chunk bytes [512, free_space_off) */
	                         /*  56 64  unknown, zero */
	uint32_t flags;          /* 120  4  EVTX_FLAG_* */
	uint32_t header_checksum;/* 124  4  CRC-32 of bytes [0, 120) and [128, 512) */
	                         /* 128 256 name table: 64 x u32 chunk offsets (bucket = name hash % 64); unused:
	                          *         names are read at the offsets tokens give (name.c) */
	                         /* 384 128 template table: 32 x u32 chunk offsets */
};

/* Event record, at a chunk offset >= 512: a 24-byte header, the Binary XML, a copy of the size. */
struct evtx_record_header {
	                         /*  0  4  signature "**\0\0" */
	uint32_t size;           /*  4  4  whole record (header, Binary XML, size copy): >= 28, multiple of 8 */
	uint64_t record_id;      /*  8  8  EventRecordID as written in this file */
	uint64_t written_time;   /* 16  8  FILETIME when the record was written (not System/TimeCreated) */
	                         /* 24  .  Binary XML document, size - 28 bytes: a fragment header, a template
	                          *        instance and EOF; forwarded events have an element tree instead of the
	                          *        instance (binxml_compile.c) */
	                         /* size-4 4  copy of size */
};

extern const uint8_t EVTX_FILE_SIGNATURE[8];
extern const uint8_t EVTX_CHUNK_SIGNATURE[8];
extern const uint8_t EVTX_RECORD_SIGNATURE[4];

bool evtx_file_header_read(const uint8_t *p, struct evtx_file_header *h);   /* false if the signature is wrong */
bool evtx_chunk_header_read(const uint8_t *p, struct evtx_chunk_header *h); /* false if the signature is wrong */
void evtx_record_header_read(const uint8_t *p, struct evtx_record_header *h);

uint32_t evtx_file_header_crc(const uint8_t *p);
uint32_t evtx_chunk_header_crc(const uint8_t *p);
uint32_t evtx_chunk_data_crc(const uint8_t *p, uint32_t end);

#endif
