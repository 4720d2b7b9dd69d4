/* event_ids.h: sets of event IDs as sorted ranges, and the one table of the IDs each reading command needs: what
 * decides whether a record is decoded, and what a live channel's server is asked for. */
#ifndef BADCREDS_EVENT_IDS_H
#define BADCREDS_EVENT_IDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct id_range {
	uint32_t lo, hi;
};

struct id_set {
	const struct id_range *r;   /* sorted, not overlapping */
	size_t n;
};

bool id_set_has(const struct id_set *s, uint32_t id);

/* AD FS audit events the correlation reads (provider "AD FS Auditing"): 403, 410-412, 501, 512, 515, 516,
 * 1200-1210. */
extern const struct id_set ADFS_AUDIT_IDS;
/* Security events it reads (provider Microsoft-Windows-Security-Auditing): 4625, 4740, 4771, 4776. */
extern const struct id_set SECURITY_IDS;
/* Both: what scan, summary and trace ask a live channel for. */
extern const struct id_set CORRELATION_IDS;

#endif
