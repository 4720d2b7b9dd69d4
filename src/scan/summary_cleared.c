/* summary_cleared.c: the summary's log_cleared findings: one per log-cleared event in the time window (high
 * severity: evidence destroyed), naming the computer, the log and who cleared it; a moment, never still going on. */
#include <stdio.h>

#include "scan/findings.h"

void summary_add_cleared(struct summary *s, const struct log_clear *c, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct finding *f = finding_new(s, &s->capfindings, FINDING_LOG_CLEARED, c[i].computer);
		snprintf(f->detail, sizeof f->detail, "the %s log was cleared by %s", c[i].log,
			 *c[i].who ? c[i].who : "an unknown account");
		f->first = f->last = c[i].time;
	}
	if (n)
		findings_finish(s);
}
