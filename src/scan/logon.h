/* logon.h: what the Security and System events behind a lockout say (logon.c): failed and successful logons on
 * hosts, the domain controllers' lockouts, unlocks and credential checks, services that cannot log on. Internal to
 * the lockouts (lockouts.c, lockout_cause.c). */
#ifndef BADCREDS_LOGON_H
#define BADCREDS_LOGON_H

#include <stdbool.h>
#include <stdint.h>

#include "badcreds/arena.h"
#include "badcreds/event.h"

struct logon {
	uint32_t event_id;
	int64_t time;                 /* FILETIME ticks */
	const char *computer;         /* the computer that logged it, as its Computer field says */
	const char *account;          /* TargetUserName; 7038: the account the service runs as */
	const char *domain;           /* 4625, 4624: TargetDomainName; 4740, 4767: SubjectDomainName (the DC's) */
	const char *caller;           /* 4740, 4767: TargetDomainName, the caller computer */
	uint32_t status, substatus;   /* 4625 Status and SubStatus, 4771 and 4776 Status */
	int logon_type;               /* 4624, 4625; -1 for the others */
	const char *process;          /* 4625 ProcessName */
	const char *logon_process;    /* 4625 LogonProcessName */
	const char *auth_package;     /* 4625 AuthenticationPackageName */
	const char *workstation;      /* 4625 WorkstationName, 4776 Workstation */
	const char *ip;               /* 4625, 4771 IpAddress (an IPv4-mapped address as IPv4) */
	long ip_port;                 /* 4625 IpPort, -1 when absent */
	const char *service;          /* 7000, 7038: the service's name */
	const char *file;             /* where it was read */
	uint64_t record_id;
	size_t order;                 /* lockouts.c: the order it was kept in */
};

/* Kerberos and NTLM results on the DCs, and the NTSTATUS codes of the hosts, that the lockouts look at. */
enum {
	KERB_BAD_PASSWORD = 0x18, KERB_REVOKED = 0x12,           /* 4771: wrong password; disabled, expired or locked */
	KERB_UNKNOWN_CLIENT = 0x6,                               /* 4771: no such account */
	NT_BAD_PASSWORD = 0xC000006A, NT_LOCKED = 0xC0000234, NT_LOGON_FAILURE = 0xC000006D,
};

/* Whether a record can be one, from its EventID and provider alone. */
bool logon_relevant(uint32_t event_id, const struct evtx_value *provider);
/* What the event says, strings in the arena; false when it is not one the lockouts use. */
bool logon_from_event(const struct event *ev, struct arena *a, struct logon *l);

/* A host 4625 of a wrong password, or one refused because the account was locked. */
bool logon_bad_password(const struct logon *l);
bool logon_refused_locked(const struct logon *l);
/* What the event says, in one line, for people: "Kerberos pre-authentication failed, status 0x18, asked by ...". */
void logon_describe(const struct logon *l, struct strbuf *sb);
/* "APP01.contoso.local" -> "APP01", "WKS042$" -> "WKS042", in the arena. */
const char *host_short_name(struct arena *a, const char *name);

#endif
