/* input.c: the table of input formats, and the probe that picks one by a file's first bytes, not by its name (and
 * names the files given for logs that no format reads). */
#include "badcreds/compat.h"
#include "source/input.h"

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

const char *input_not_a_log(const uint8_t *head, size_t n)
{
	if (n >= 4 && (!memcmp(head, "PK\3\4", 4) || !memcmp(head, "PK\5\6", 4)))
		return "a ZIP archive, not read: extract it (unzip, Expand-Archive) and give the logs inside";
	if (n >= 8 && !memcmp(head + 4, "LfLe", 4)) /* the header record of the EVT format, 48 bytes */
		return "a legacy .evt log (Windows XP, Server 2003), not read: convert it on Windows (wevtutil epl FILE.evt "
		       "FILE.evtx /lf:true) and give the .evtx";
	return NULL;
}
