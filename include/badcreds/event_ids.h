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
/* What lockouts reads on top of them: 4624 (logons: RDP hosts), 4767 (account unlocked) from the Security log, and
 * the Service Control Manager's 7000 and 7038 (a service that cannot log on) from the System log. */
extern const struct id_set LOGON_IDS;
/* Both: what lockouts asks a live channel for. */
extern const struct id_set LOCKOUT_IDS;
/* The CloudAP events of provider Microsoft-Windows-AAD that prt reads (Operational and Analytic channels): 1006,
 * 1007, 1018, 1022, 1025, 1081, 1084, 1086, 1088, 1104, 1144, 1160. */
extern const struct id_set AAD_IDS;
/* Those and CORRELATION_IDS: what prt asks a live channel for. */
extern const struct id_set PRT_IDS;

#endif
