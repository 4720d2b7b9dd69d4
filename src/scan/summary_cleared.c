/* summary_cleared.c: the summary's log_cleared findings: one per log-cleared event in the time window, before the
 * other findings (high severity: evidence destroyed), naming the computer, the log and who cleared it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "badcreds/summary.h"

void summary_add_cleared(struct summary *s, const struct log_clear *c, size_t n)
{
	if (!n)
		return;
	struct finding *all = malloc((n + s->nfindings) * sizeof *all);
	if (!all)
		abort();
	for (size_t i = 0; i < n; i++) {
		struct finding *f = &all[i];
		memset(f, 0, sizeof *f);
		f->kind = FINDING_LOG_CLEARED;
		f->subject = c[i].computer;
		snprintf(f->detail, sizeof f->detail, "the %s log was cleared by %s", c[i].log,
			 *c[i].who ? c[i].who : "an unknown account");
		f->first = f->last = c[i].time;
	}
	if (s->nfindings)
		memcpy(all + n, s->findings, s->nfindings * sizeof *all);
	free(s->findings);
	s->findings = all;
	s->nfindings += n;
}
