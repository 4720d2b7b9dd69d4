/* input.c: the table of input formats, and the probe that picks one by a file's first bytes, not by its name (and
 * names the files given for logs that no format reads). */
#include "badcreds/compat.h"
#include "source/input.h"

#include <stdbool.h>
#include <string.h>

static const struct input_format *const formats[] = {&input_evtx, &input_gzip, &input_xml};

const struct input_format *input_probe(int fd)
{
	uint8_t head[INPUT_PROBE_BYTES];
	long n = bc_pread(fd, head, sizeof head, 0);
	return n > 0 ? input_probe_head(head, (size_t)n) : NULL;
}

const struct input_format *input_probe_head(const uint8_t *head, size_t n)
{
	for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++)
		if (formats[i]->probe(head, n))
			return formats[i];
	return NULL;
}

/* Whether the first line of the input (UTF-8, with or without its BOM, or UTF-16LE with its BOM, as Event Viewer
 * writes them) is the header of Event Viewer's "Save All Events As" CSV or text export: "Level,Date and
 * Time,Source,Event ID,Task Category" (Keywords instead of Level for the Security log), commas or tabs. English
 * headers only; another language's export is an unknown format. */
static bool event_viewer_export(const uint8_t *head, size_t n)
{
	char line[256];
	size_t k = 0, step = 1, i = 0;
	if (n >= 2 && head[0] == 0xFF && head[1] == 0xFE)
		i = 2, step = 2; /* UTF-16LE: the ASCII of the header is every other byte */
	else if (n >= 3 && !memcmp(head, "\xEF\xBB\xBF", 3))
		i = 3;
	for (; i < n && k + 1 < sizeof line && head[i] != '\n' && head[i] != '\r'; i += step)
		line[k++] = (char)head[i];
	line[k] = 0;
	return strstr(line, "Date and Time") && strstr(line, "Event ID") && strstr(line, "Source") &&
	       (strchr(line, ',') || strchr(line, '\t'));
}

const char *input_not_a_log(const uint8_t *head, size_t n)
{
	if (event_viewer_export(head, n))
		return "an Event Viewer CSV or text export, not read: it keeps each event's message but not its fields; "
		       "save the events as .evtx (Save All Events As, Event Files) or XML, or copy the log itself "
		       "(wevtutil epl Security FILE.evtx)";
	if (n >= 4 && (!memcmp(head, "PK\3\4", 4) || !memcmp(head, "PK\5\6", 4)))
		return "a ZIP archive, not read: extract it (unzip, Expand-Archive) and give the logs inside";
	if (n >= 8 && !memcmp(head + 4, "LfLe", 4)) /* the header record of the EVT format, 48 bytes */
		return "a legacy .evt log (Windows XP, Server 2003), not read: convert it on Windows (wevtutil epl FILE.evt "
		       "FILE.evtx /lf:true) and give the .evtx";
	return NULL;
}
