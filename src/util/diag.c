/* diag.c: prints "badcreds: FILE: offset 0xN: message" for damaged input and counts what was skipped. */
#include "badcreds/diag.h"

#include <inttypes.h>
#include <stdarg.h>

void diag_begin_file(struct diag *d, const char *file)
{
	d->file = file;
	d->printed = 0;
}

void diag_report(struct diag *d, enum diag_level level, uint64_t offset, const char *fmt, ...)
{
	if (level == DIAG_ERROR)
		d->errors++;
	else if (level == DIAG_WARNING)
		d->warnings++;
	if (!d->stream || (d->max_messages && d->printed >= d->max_messages)) {
		d->printed++;
		return;
	}
	d->printed++;
	static const char *const names[] = {[DIAG_NOTE] = "note", [DIAG_WARNING] = "warning", [DIAG_ERROR] = "error"};
	if (offset == DIAG_NO_OFFSET)
		fprintf(d->stream, "badcreds: %s: %s: ", d->file ? d->file : "-", names[level]);
	else
		fprintf(d->stream, "badcreds: %s: offset 0x%" PRIx64 ": %s: ", d->file ? d->file : "-", offset,
			names[level]);
	va_list ap;
	va_start(ap, fmt);
	vfprintf(d->stream, fmt, ap);
	va_end(ap);
	fputc('\n', d->stream);
}

void diag_end_file(struct diag *d)
{
	if (d->stream && d->max_messages && d->printed > d->max_messages)
		fprintf(d->stream, "badcreds: %s: %u more messages not shown\n", d->file ? d->file : "-",
			d->printed - d->max_messages);
}
