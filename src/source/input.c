/* input.c: the table of input formats, and the probe that picks one by a file's first bytes, not by its name. */
#include "badcreds/compat.h"
#include "source/input.h"

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
