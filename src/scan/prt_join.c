/* prt_join.c: the AD FS side of a federated PRT credential failure: the user's bad passwords at the farm on WS-Trust
 * endpoints (or where the events name no endpoint, as 411 alone does) within a window around the acquisition. The
 * link is a hypothesis (reference §6: supported, not confirmed on real logs): users match by account (UPN, or the
 * DOMAIN\sam of 1203 and the 501 claims), never by the CloudAP correlation ID. */
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

/* The first attempt at or after `from` (they are in time order). */
static size_t first_from(const struct attempt *a, size_t n, int64_t from)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (a[mid].time < from)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

void prt_join_adfs(struct prt_row *r, const struct attempt *a, size_t n, int64_t window)
{
	if (!*r->user)
		return;
	int64_t from = r->start - window, until = (r->end ? r->end : r->start) + window;
	for (size_t i = first_from(a, n, from); i < n && a[i].time <= until; i++) {
		if (a[i].outcome != OUTCOME_BAD_PASSWORD || !same_account(a[i].user, r->user))
			continue;
		if (a[i].endpoint && *a[i].endpoint && !prt_wstrust_url(a[i].endpoint))
			continue;
		if (!r->adfs_attempts++)
			r->adfs_first = &a[i];
	}
}
