/* format.c: reads the fixed on-disk headers (file, chunk, record; evtx_format.h) and computes their CRC-32s with zlib.
 *
 * The three checksums are the CRC-32 that zlib's crc32(0, ...) computes (IEEE, reflected polynomial 0xedb88320,
 * initial value and final xor 0xffffffff). Each covers:
 *   file header checksum (file offset 124):    file bytes [0, 120), all of the header before its flags
 *   chunk header checksum (chunk offset 124):  chunk bytes [0, 120) then [128, 512): the header without its flags
 *                                              and checksum, and both offset tables
 *   chunk records checksum (chunk offset 52):  chunk bytes [512, free space offset): the records
 * NO_CRC32 means the checksums are not stored (zero): in the file's flags none is compared, in a chunk's flags that
 * chunk's two are not (reader.c). A mismatch is reported, never a reason to skip anything (reader.c, and
 * evtx_chunk_verify in chunk.c). */
#include "evtx/evtx_format.h"
#include "evtx/le.h"

#include <string.h>
#include <zlib.h>

const uint8_t EVTX_FILE_SIGNATURE[8] = {'E', 'l', 'f', 'F', 'i', 'l', 'e', 0};
const uint8_t EVTX_CHUNK_SIGNATURE[8] = {'E', 'l', 'f', 'C', 'h', 'n', 'k', 0};
const uint8_t EVTX_RECORD_SIGNATURE[4] = {'*', '*', 0, 0};

bool evtx_file_header_read(const uint8_t *p, struct evtx_file_header *h)
{
	h->first_chunk = le64(p + 8);
	h->last_chunk = le64(p + 16);
	h->next_record_id = le64(p + 24);
	h->header_size = le32(p + 32);
	h->minor_version = le16(p + 36);
	h->major_version = le16(p + 38);
	h->block_size = le16(p + 40);
	h->chunk_count = le16(p + 42);
	h->flags = le32(p + 120);
	h->checksum = le32(p + 124);
	return memcmp(p, EVTX_FILE_SIGNATURE, 8) == 0;
}

bool evtx_chunk_header_read(const uint8_t *p, struct evtx_chunk_header *h)
{
	h->first_number = le64(p + 8);
	h->last_number = le64(p + 16);
	h->first_id = le64(p + 24);
	h->last_id = le64(p + 32);
	h->header_size = le32(p + 40);
	h->last_record_off = le32(p + 44);
	h->free_space_off = le32(p + 48);
	h->data_checksum = le32(p + 52);
	h->flags = le32(p + 120);
	h->header_checksum = le32(p + 124);
	return memcmp(p, EVTX_CHUNK_SIGNATURE, 8) == 0;
}

void evtx_record_header_read(const uint8_t *p, struct evtx_record_header *h)
{
	h->size = le32(p + 4);
	h->record_id = le64(p + 8);
	h->written_time = le64(p + 16);
}

uint32_t evtx_file_header_crc(const uint8_t *p) { return (uint32_t)crc32(0, p, 120); }

uint32_t evtx_chunk_header_crc(const uint8_t *p)
{
	uLong c = crc32(0, p, 120);
	return (uint32_t)crc32(c, p + 128, EVTX_CHUNK_HEADER_SIZE - 128);
}

/* Records checksum up to `end` (the free space offset, at most the bytes present); no records: the CRC of nothing. */
uint32_t evtx_chunk_data_crc(const uint8_t *p, uint32_t end)
{
	if (end <= EVTX_CHUNK_HEADER_SIZE)
		return (uint32_t)crc32(0, Z_NULL, 0);
	return (uint32_t)crc32(0, p + EVTX_CHUNK_HEADER_SIZE, end - EVTX_CHUNK_HEADER_SIZE);
}
