/* event_ids.c: the event IDs the correlation reads, in one table (see event_ids.h). */
#include "badcreds/event_ids.h"

bool id_set_has(const struct id_set *s, uint32_t id)
{
	size_t lo = 0, hi = s->n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (id < s->r[mid].lo)
			hi = mid;
		else if (id > s->r[mid].hi)
			lo = mid + 1;
		else
			return true;
	}
	return false;
}

static const struct id_range adfs[] = {{403, 403}, {410, 412}, {501, 501}, {512, 512}, {515, 516}, {1200, 1210}};
static const struct id_range security[] = {{4625, 4625}, {4740, 4740}, {4771, 4771}, {4776, 4776}};
static const struct id_range both[] = {{403, 403}, {410, 412}, {501, 501}, {512, 512}, {515, 516}, {1200, 1210},
				      {4625, 4625}, {4740, 4740}, {4771, 4771}, {4776, 4776}};

static const struct id_range logon[] = {{4624, 4625}, {4740, 4740}, {4767, 4767}, {4771, 4771}, {4776, 4776},
				       {7000, 7000}, {7038, 7038}};
static const struct id_range lockout[] = {{403, 403}, {410, 412}, {501, 501}, {512, 512}, {515, 516}, {1200, 1210},
					  {4624, 4625}, {4740, 4740}, {4767, 4767}, {4771, 4771}, {4776, 4776},
					  {7000, 7000}, {7038, 7038}};

const struct id_set ADFS_AUDIT_IDS = {adfs, sizeof adfs / sizeof adfs[0]};
const struct id_set SECURITY_IDS = {security, sizeof security / sizeof security[0]};
const struct id_set CORRELATION_IDS = {both, sizeof both / sizeof both[0]};
const struct id_set LOGON_IDS = {logon, sizeof logon / sizeof logon[0]};
const struct id_set LOCKOUT_IDS = {lockout, sizeof lockout / sizeof lockout[0]};

static const struct id_range aad[] = {{1006, 1007}, {1018, 1018}, {1022, 1022}, {1025, 1025}, {1081, 1081},
				      {1084, 1084}, {1086, 1086}, {1088, 1088}, {1104, 1104}, {1144, 1144},
				      {1160, 1160}};
static const struct id_range prt[] = {{403, 403}, {410, 412}, {501, 501}, {512, 512}, {515, 516},
				      {1006, 1007}, {1018, 1018}, {1022, 1022}, {1025, 1025}, {1081, 1081},
				      {1084, 1084}, {1086, 1086}, {1088, 1088}, {1104, 1104}, {1144, 1144},
				      {1160, 1160}, {1200, 1210}, {4625, 4625}, {4740, 4740}, {4771, 4771},
				      {4776, 4776}};
const struct id_set AAD_IDS = {aad, sizeof aad / sizeof aad[0]};
const struct id_set PRT_IDS = {prt, sizeof prt / sizeof prt[0]};
