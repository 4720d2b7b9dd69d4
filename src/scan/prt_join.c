/* prt_join.c: the AD FS side of a federated PRT credential failure: the user's bad passwords at the farm on WS-Trust
 * endpoints (or where the events name no endpoint, as 411 alone does) within a window around the acquisition. The
 * link is a hypothesis (reference §6: supported, not confirmed on real logs): users match by account (UPN, or the
 * DOMAIN\sam of 1203 and the 501 claims), never by the CloudAP correlation ID. The same test marks scan's
 * attempts (prt_annotate). */
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

void prt_join_adfs(struct prt_row *r, const struct attempt *a, size_t n, int64_t window)
{
	for (size_t i = first_from(a, n, r->start - window); i < n && a[i].time <= (r->end ? r->end : r->start) + window;
	     i++)
		if (prt_links(r, &a[i], window) && !r->adfs_attempts++)
			r->adfs_first = &a[i];
}

void prt_annotate(const struct prt_row *r, size_t n, struct attempt *a, size_t na, int64_t window)
{
	for (size_t k = 0; k < n; k++) {
		if (!r[k].adfs_attempts)
			continue;
		for (size_t i = first_from(a, na, r[k].start - window); i < na && a[i].time <= (r[k].end ? r[k].end
			     : r[k].start) + window; i++)
			if (!a[i].prt_device && prt_links(&r[k], &a[i], window))
				a[i].prt_device = r[k].device;
	}
}
