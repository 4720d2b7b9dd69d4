/* prt_join.c: the AD FS side of a federated PRT credential failure: the user's bad passwords at the farm on WS-Trust
 * endpoints (or where the events name no endpoint, as 411 alone does) within a window around the acquisition. The
 * link is a hypothesis (reference §6: supported, not confirmed on real logs): users match by account (UPN, or the
 * DOMAIN\sam of 1203 and the 501 claims), never by the CloudAP correlation ID. prt_finder_attempt (prt.c)
 * counts the attempts this test links, and marks scan's and summary's. */
#include <string.h>
#include <strings.h>

#include "badcreds/prt.h"

bool prt_wstrust_url(const char *url)
{
	if (!url)
		return false;
	for (const char *p = url; *p; p++)
		if (!strncasecmp(p, "/adfs/services/trust/", 21))
			return true;
	return false;
}

bool prt_links(const struct prt_row *r, const struct attempt *a, int64_t window)
{
	if (!r->federated_credential || !*r->user || a->outcome != OUTCOME_BAD_PASSWORD)
		return false;
	if (a->time < r->start - window || a->time > (r->end ? r->end : r->start) + window)
		return false;
	if (a->endpoint && *a->endpoint && !prt_wstrust_url(a->endpoint))
		return false;
	return same_account(a->user, r->user);
}
