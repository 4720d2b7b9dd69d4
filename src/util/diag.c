/* diag.c: prints "badcreds: FILE: offset 0xN: message" for damaged input and counts what was skipped. File names
 * and messages may carry text from the input (or a hostile file name): control characters are shown visibly. */
#include "badcreds/diag.h"
#include "badcreds/progress.h"
#include "badcreds/strbuf.h"
#include "badcreds/text.h"

#include <inttypes.h>
#include <stdarg.h>
#include <string.h>

void diag_begin_file(struct diag *d, const char *file)
{
	d->file = file;
	d->printed = 0;
}

/* Whether a note printed to d->stream is shown: the first max_notes of the run are, then one line says the others
 * are not (a folder of exported logs has a note in every other file). */
static bool note_shown(struct diag *d)
{
	if (!d->max_notes || !d->stream || ++d->notes <= d->max_notes)
		return true;
	if (d->notes == (unsigned long)d->max_notes + 1) {
		progress_clear();
		fprintf(d->stream, "badcreds: note: the notes of further inputs are not shown (%u are; -q shows none); the "
			"closing line counts the carved remnants left out\n", d->max_notes);
	}
	return false;
}

void diag_report(struct diag *d, enum diag_level level, uint64_t offset, const char *fmt, ...)
{
	if (level == DIAG_ERROR)
		d->errors++;
	else if (level == DIAG_WARNING)
		d->warnings++;
	if (level == DIAG_NOTE && d->quiet_notes)
		return;
	if (level == DIAG_NOTE && !d->buffer && !note_shown(d))
		return;
	if ((!d->buffer && !d->stream) || (d->max_messages && d->printed >= d->max_messages)) {
		d->printed++; /* counted only (a buffer keeps up to max_messages too, when it has one) */
		return;
	}
	d->printed++;
	static const char *const names[] = {[DIAG_NOTE] = "note", [DIAG_WARNING] = "warning", [DIAG_ERROR] = "error"};
	char raw[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(raw, sizeof raw, fmt, ap);
	va_end(ap);
	struct strbuf msg = {0};
	text_visible_str(&msg, raw);
	if (d->buffer) { /* the file name is added when the message is merged; the level goes first, as a digit */
		if (offset == DIAG_NO_OFFSET)
			sb_printf(d->buffer, "%d%s: %s\n", (int)level, names[level], sb_cstr(&msg));
		else
			sb_printf(d->buffer, "%d%s 0x%" PRIx64 ": %s: %s\n", (int)level, d->offsets ? d->offsets : "offset",
				  offset, names[level], sb_cstr(&msg));
		sb_free(&msg);
		return;
	}
	struct strbuf file = {0};
	text_visible_str(&file, d->file ? d->file : "-");
	progress_clear();
	if (offset == DIAG_NO_OFFSET)
		fprintf(d->stream, "badcreds: %s: %s: %s\n", sb_cstr(&file), names[level], sb_cstr(&msg));
	else
		fprintf(d->stream, "badcreds: %s: %s 0x%" PRIx64 ": %s: %s\n", sb_cstr(&file),
			d->offsets ? d->offsets : "offset", offset, names[level], sb_cstr(&msg));
	sb_free(&msg);
	sb_free(&file);
}

void diag_merge(struct diag *into, struct diag *from)
{
	into->warnings += from->warnings;
	into->errors += from->errors;
	into->skipped_records += from->skipped_records;
	into->recovered_records += from->recovered_records;
	if (!from->buffer || !from->buffer->len)
		return;
	const char *p = from->buffer->data, *end = p + from->buffer->len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		bool note = *p == '0' + DIAG_NOTE;
		p++, n--; /* the level */
		if (note && !note_shown(into)) {
			p += n + 1;
			continue;
		}
		if (into->stream && (!into->max_messages || into->printed < into->max_messages)) {
			struct strbuf file = {0};
			text_visible_str(&file, into->file ? into->file : "-");
			progress_clear();
			fprintf(into->stream, "badcreds: %s: %.*s\n", sb_cstr(&file), (int)n, p);
			sb_free(&file);
		}
		into->printed++;
		p += n + 1;
	}
}

void diag_end_file(struct diag *d)
{
	if (d->stream && d->max_messages && d->printed > d->max_messages) {
		struct strbuf file = {0};
		text_visible_str(&file, d->file ? d->file : "-");
		progress_clear();
		fprintf(d->stream, "badcreds: %s: %u more messages not shown\n", sb_cstr(&file), d->printed - d->max_messages);
		sb_free(&file);
	}
}
