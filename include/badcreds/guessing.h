/* guessing.h: password guessing outside AD FS. The hosts' failed logons that did not come through AD FS (4625: RDP,
 * SMB, a console) and the domain controllers' failed Kerberos and NTLM checks (4771, 4776) with a wrong password, an
 * unknown, locked or disabled account, are kept per source (the address, else the workstation the client named,
 * else the host itself) in sorted runs, so that memory does not grow with the failures; once read, each source's
 * failures are gone through in time order for the summary's spray and brute-force rules (guessing.c). */
#ifndef BADCREDS_GUESSING_H
#define BADCREDS_GUESSING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "badcreds/event.h"

/* How a source's failures reached the logs (a bit each). */
enum guessing_way {
	WAY_NETWORK = 1,      /* 4625 logon type 3: a share, SMB, WinRM */
	WAY_RDP = 2,          /* 4625 logon type 10 */
	WAY_CONSOLE = 4,      /* 4625 logon type 2, 7, 11 */
	WAY_OTHER_LOGON = 8,  /* 4625 of another logon type */
	WAY_KERBEROS = 16,    /* 4771 */
	WAY_NTLM = 32,        /* 4776 */
	WAY_EXPLICIT = 64,    /* 4648: explicit credentials sent from the source (tries: whether they worked is the
			       * target's to log) */
};

enum { GUESSING_TOP = 3 };

/* A name and how many failures name it. */
struct guessing_count {
	const char *name;             /* NULL past the last */
	unsigned count;
};

/* What one source did, as guessing_each gives it (its texts valid during the call). */
struct guessing_source {
	const char *source;           /* the address, the workstation name (not the host's own) or the host */
	enum {
		SOURCE_ADDRESS,           /* the client's address */
		SOURCE_WORKSTATION,       /* the name the client gave (no address) */
		SOURCE_HOST,              /* the host itself: its own name or a loopback address (a program there) */
		SOURCE_UNNAMED,           /* a DC's check that names no client: source is the DC */
		SOURCE_SENDER,            /* 4648: the computer and the account that sent the credentials ("WKS as
					   * CORP\\jo"): the targets are the hosts, the tries the failures */
	} kind;
	const char *ip_class;         /* an address's class (ip.h), "" for a name */
	unsigned failures, accounts, hosts;
	unsigned wrong_passwords, unknown_accounts, refused_locked; /* refused_locked: locked or disabled accounts */
	unsigned ways;                /* enum guessing_way bits */
	const char *process;          /* the process most of its 4625s name (ProcessName), "" when none */
	int64_t first, last;
	struct guessing_count top_accounts[GUESSING_TOP], top_hosts[GUESSING_TOP]; /* the most failures first */
	unsigned burst;               /* the most failures of one account within the brute-force window ... */
	const char *burst_account;    /* ... of this account */
	unsigned spread;              /* the most accounts within the spray window */
};

struct guessing;
/* keep (NULL: all): whether the command's options keep a failure, by its account, address ("" when none), host and
 * time; asked once the failures a host and a DC both logged are paired (a failure left out still pairs). */
struct guessing *guessing_new(bool (*keep)(void *ctx, const char *account, const char *address, const char *host,
					   int64_t time), void *ctx);
/* Whether a record can be one guessing_add reads besides the lockout finder's: a 4648 (explicit credentials). */
bool guessing_relevant(uint32_t event_id, const struct evtx_value *provider);
/* An event the lockout finder reads (`prepared`: what lockout_finder_prepare returned for it, NULL: read here), or a
 * 4648; through_adfs: a 4625 of AD FS itself (the correlator took it), which the AD FS findings count instead. */
void guessing_add(struct guessing *g, const struct event *ev, const void *prepared, bool through_adfs);
/* An AD FS attempt (user as typed, time), after every failure is added: the DCs' failures of its account (4771,
 * 4776) within a minute of it are the farm's own checks of its password, which the AD FS findings count:
 * guessing_each leaves them out. */
void guessing_adfs_attempt(struct guessing *g, const char *user, int64_t time);
/* After the reading: each source that has failures, by source, with the brute-force and spray windows given
 * (FILETIME ticks). A failure read twice (the same log given twice) counts once. Returns how many failures (4648 tries not among them). */
size_t guessing_each(struct guessing *g, int64_t brute_window, int64_t spray_window,
		   void (*fn)(void *ctx, const struct guessing_source *s), void *ctx);
/* Why the failures stayed in memory (no temporary file in TMPDIR), NULL when they did not; bytes of them that could
 * not be read back. */
const char *guessing_spill_error(const struct guessing *g);
uint64_t guessing_lost_bytes(const struct guessing *g);
void guessing_free(struct guessing *g);

#endif
