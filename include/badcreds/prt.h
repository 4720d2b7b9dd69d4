/* prt.h: Entra Primary Refresh Token (PRT) acquisitions of Windows devices, read from the CloudAP events of
 * provider Microsoft-Windows-AAD (Operational and Analytic channels), each explained by one table of codes
 * (prt_codes.c), and federated credential failures joined to the AD FS bad-password attempts they may have caused
 * (a hypothesis, never a certainty: no public log shows a PRT request producing an AD FS 411). */
#ifndef BADCREDS_PRT_H
#define BADCREDS_PRT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "badcreds/attempt.h"
#include "badcreds/event.h"
#include "badcreds/strbuf.h"

enum prt_category {
	PRT_NONE, PRT_CREDENTIALS, PRT_FEDERATION, PRT_DEVICE_REGISTRATION, PRT_NETWORK, PRT_USER_REALM,
	PRT_CONFIGURATION, PRT_UNKNOWN, PRT_CATEGORY_COUNT,
};

/* "credentials", "federation", "device_registration", "network", "user_realm", "configuration", "unknown"; "" for
 * PRT_NONE (a success). */
const char *prt_category_name(enum prt_category c);

/* One entry of the code table: a numeric status (NTSTATUS, CloudAP, XML, WinHTTP) or a server code (AADSTS number,
 * WS-Trust fault name). */
struct prt_code {
	const char *server;          /* "AADSTS50126", "FailedAuthentication"; NULL for a numeric code */
	uint32_t value;              /* numeric codes: the canonical value (WinHTTP errors as the bare 12xxx number) */
	const char *name;            /* STATUS_WRONG_PASSWORD, ERROR_WINHTTP_CANNOT_CONNECT... */
	const char *group;           /* NTSTATUS, CloudAP plug-in, XML, WinHTTP, Entra server code, WS-Trust fault */
	enum prt_category category;
	const char *meaning, *causes, *fix;
	const char *detail;          /* which events carry the detail */
};

/* A numeric code in any form people and logs use: 0x-hex in either case, bare hex with a letter in it, signed or
 * unsigned decimal. */
bool prt_code_parse(const char *text, uint32_t *value);
/* The table's entry of a numeric code; HRESULT forms of WinHTTP errors (0x80072EFD) and the 0x8004 forms of the
 * 0xC004 CloudAP codes find their entry. NULL when unknown. */
const struct prt_code *prt_code_find(uint32_t value);
/* The entry of a server code: "AADSTS50126" (or the number alone), a WS-Trust fault name; NULL when unknown. */
const struct prt_code *prt_server_code_find(const char *code);
/* The first AADSTS number in a text (1081's ErrorDescription), 0 when none. */
unsigned prt_aadsts(const char *text);
/* A code as --explain is given it (numeric, AADSTS with or without the prefix, fault name); NULL when unknown. */
const struct prt_code *prt_code_explain(const char *text);
/* A numeric code as shown: WinHTTP numbers below 0x10000 in decimal, else 0x and 8 upper-case hex digits. */
void prt_code_text(struct strbuf *out, uint32_t value);
/* --explain's text for an entry (meaning, causes, what to do, where the detail is). */
void prt_code_describe(struct strbuf *out, const struct prt_code *c);

/* An event a row rests on. */
struct prt_evidence {
	const char *file;
	uint32_t event_id;
	uint64_t record_id;
};

/* One PRT acquisition: the Analytic 1006 ... 1007 window with the Operational errors in it, or, when the device has
 * no Analytic events, a burst of Operational errors (one device, within 60 s of the burst's first error). Strings are
 * "" when absent. */
struct prt_row {
	const char *device;              /* Computer */
	const char *user;                /* 1144's UPN, else a user named in the errors */
	int64_t start, end;              /* FILETIME ticks; end 0 when the acquisition did not end in the log */
	bool analytic;                   /* a 1006 ... 1007 window; else an Operational error burst */
	bool device_analytic;            /* the device's logs hold Analytic events (a burst is then outside them) */
	bool has_status;
	uint32_t status;                 /* 1007 Status; in a burst the first 1160/1086 Status or 1104 Result */
	const char *server_error;        /* 1081/1088 Error: invalid_grant, FailedAuthentication */
	const char *server_description;  /* their ErrorDescription */
	bool wstrust_error;              /* the server error came from a WS-Trust endpoint (1088) */
	unsigned aadsts;                 /* AADSTS number in 1081's description; 0 when none */
	const char *url;                 /* the 1022 nearest before the first error (else the last 1022) */
	bool has_network;
	uint32_t network_error;          /* 1084 Result */
	const char *correlation;         /* 1018 / 1081 correlation ID: shown, never joined on */
	const struct prt_code *why;      /* the entry that explains the row; NULL when its codes are unknown */
	enum prt_category category;
	bool federated_credential;       /* credential status with a 1088 or a WS-Trust URL: joined to AD FS */
	unsigned adfs_attempts;          /* AD FS bad passwords of the user on WS-Trust endpoints in the window */
	const struct attempt *adfs_first;
	const struct prt_evidence *evidence;
	size_t nevidence;
};

/* Whether a record is one of the CloudAP events prt reads, from its EventID and provider alone. */
bool prt_relevant(uint32_t event_id, const struct evtx_value *provider);

struct prt_finder;
struct prt_finder *prt_finder_new(void);
/* Keeps what a CloudAP event says (copied); the same event seen twice counts once. */
void prt_finder_add(struct prt_finder *f, const struct event *ev);
/* The acquisitions in time order, explained; prt_finder_attempt joins the AD FS attempts to them. The rows live as
 * long as the finder. */
size_t prt_finder_run(struct prt_finder *f, const struct prt_row **out);
/* Then each AD FS attempt, in time order: joined to the rows it links within `window` (FILETIME ticks) each way
 * (their AD FS counts, and the first); returns the device of the first row that links it, or NULL. */
const char *prt_finder_attempt(struct prt_finder *f, const struct attempt *a, int64_t window);
/* Whether any Analytic event (1006, 1007, 1018, 1022, 1144) was read. */
bool prt_finder_has_analytic(const struct prt_finder *f);
void prt_finder_free(struct prt_finder *f);

/* Whether an AD FS attempt may be one a federated credential failure of the row caused: the user's bad password on
 * a WS-Trust endpoint (or on an endpoint the events do not name) within `window` of the row's time span
 * (prt_join.c). */
bool prt_links(const struct prt_row *r, const struct attempt *a, int64_t window);
/* Whether a URL is an AD FS WS-Trust endpoint (/adfs/services/trust/...). */
bool prt_wstrust_url(const char *url);

#endif
