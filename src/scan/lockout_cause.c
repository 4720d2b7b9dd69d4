/* lockout_cause.c: the cause of a lockout and what to change, from the host failures that received the bad
 * passwords (badcreds(1), "lockouts"): AD FS when scan's attempts or the AD FS service host explain it; IIS or a
 * cleartext logon is Exchange; RemoteInteractive is RDP, and so is an NTLM network logon on a host that serves RDP
 * when its port is 0 or it comes from outside; a service, a batch job, a console; a network logon from another
 * machine is a share; a named process is an application; without host evidence the cause is unknown and the next
 * step names the log to collect. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "badcreds/text.h"
#include "scan/findings.h"
#include "scan/lockout_cause.h"

static const char *const names[CAUSE_COUNT] = {
	"adfs", "exchange", "rdp", "service", "scheduled_task", "network_share", "interactive", "application", "other",
	"unknown",
};

const char *lockout_cause_name(enum lockout_cause c) { return c < CAUSE_COUNT ? names[c] : "unknown"; }

void lockout_source_words(struct strbuf *out, const struct lockout *l)
{
	out->len = 0;
	bool supplied = l->cause == CAUSE_NETWORK_SHARE || l->cause == CAUSE_RDP; /* see source_of */
	if (supplied && *l->source_host && *l->source_ip)
		sb_printf(out, "%s (calls itself %s)", l->source_ip, l->source_host);
	else if (*l->source_host || *l->source_ip)
		sb_printf(out, "%s%s%s", l->source_host, *l->source_host && *l->source_ip ? " " : "", l->source_ip);
	else
		sb_addc(out, '-');
}

static bool ends_with(const char *s, const char *tail)
{
	size_t n = strlen(s), k = strlen(tail);
	return n >= k && strcasecmp(s + n - k, tail) == 0;
}

/* An address of the organisation: private, loopback, link-local or one of --internal. */
static bool internal_address(const char *ip, const struct lockout_settings *s)
{
	struct ip_addr a;
	if (!ip_parse(ip, strlen(ip), &a))
		return true; /* no address: nothing says it came from outside */
	if (strcmp(ip_class(&a), "public"))
		return true;
	for (unsigned i = 0; i < s->ninternal; i++)
		if (cidr_contains(&s->internal[i], &a))
			return true;
	return false;
}

static const char *text(struct arena *a, const char *s) { return arena_copy(a, s, strlen(s) + 1); }

/* The cause from the host's last failure; for an NTLM network logon, the signs of RDP with NLA go to `why`. */
static enum lockout_cause cause_of(const struct lockout_case *c, const struct lockout_settings *s, struct strbuf *why)
{
	const struct logon *l = c->latest;
	if (c->attempt || (l && ends_with(l->process, "\\Microsoft.IdentityServer.ServiceHost.exe")))
		return CAUSE_ADFS;
	if (!l)
		return CAUSE_UNKNOWN;
	if (ends_with(l->process, "\\w3wp.exe") || (l->logon_type == 8 && !*l->process))
		return CAUSE_EXCHANGE;
	switch (l->logon_type) {
	case 10: return CAUSE_RDP;
	case 5: return CAUSE_SERVICE;
	case 4: return CAUSE_SCHEDULED_TASK;
	case 2: case 7: case 11: return CAUSE_INTERACTIVE;
	case 3: case 8:
		if (*l->process)
			return CAUSE_APPLICATION;
		break;
	default: return CAUSE_OTHER;
	}
	bool ntlm = !strcasecmp(l->auth_package, "NTLM") || !strncasecmp(l->logon_process, "NtLmSsp", 7);
	bool outside = !internal_address(l->ip, s);
	if (ntlm && c->rdp_host && (l->ip_port == 0 || outside)) {
		sb_adds(why, "; an RDP host (it logs RemoteInteractive logons)");
		if (l->ip_port == 0)
			sb_adds(why, ", IpPort 0 (the NLA handshake)");
		if (outside)
			sb_adds(why, ", from outside the organisation's networks");
		return CAUSE_RDP;
	}
	return CAUSE_NETWORK_SHARE;
}

/* Where the password comes from, and through which server. */
static void source_of(const struct lockout_case *c, struct lockout *row, struct arena *a)
{
	const struct logon *l = c->latest;
	row->source_host = row->source_ip = row->via = row->user_agent = row->attempt_user = "";
	switch (row->cause) {
	case CAUSE_ADFS:
		row->via = c->host ? c->host : c->caller_short;
		row->source_ip = c->attempt ? c->attempt->ip : l ? l->ip : "";
		row->user_agent = c->attempt && c->attempt->user_agent ? c->attempt->user_agent : "";
		row->attempt_user = c->attempt ? c->attempt->user : "";
		break;
	case CAUSE_SERVICE: case CAUSE_SCHEDULED_TASK: case CAUSE_INTERACTIVE: case CAUSE_OTHER:
		row->source_host = c->host;
		break;
	case CAUSE_UNKNOWN:
		break;
	default: /* the client behind the server that received it */
		row->via = c->host;
		row->source_ip = l->ip;
		if (row->cause != CAUSE_EXCHANGE && (row->cause != CAUSE_RDP || l->logon_type == 3))
			row->source_host = host_short_name(a, l->workstation);
		break;
	}
}

/* Whether an AD FS lockout's latest attempt is taken for the stale password of the device whose federated PRT
 * refresh failed at that moment (prt_join.c): not when it came from outside the organisation's networks (where an
 * attacker's guesses may coincide with a device's refresh), nor through Exchange Online's relay. After from_outside
 * is known. */
static bool device_sent(const struct lockout_case *c, const struct lockout *row)
{
	return row->cause == CAUSE_ADFS && c->attempt && c->attempt->prt_device && !row->from_outside &&
	       !attempt_relayed(c->attempt);
}

static void basis_of(const struct lockout_case *c, struct lockout *row, const char *why, struct strbuf *sb)
{
	const struct logon *l = c->latest;
	if (c->attempt)
		sb_printf(sb, "AD FS attempts of the account on %s from %s", row->via, *row->source_ip ? row->source_ip :
			  "an unknown address");
	else if (l)
		sb_printf(sb, "%u failed logon%s (4625) of the account on %s%s: LogonType %d%s%s%s", c->host_failures,
			  c->host_failures == 1 ? "" : "s", c->host,
			  strcasecmp(c->host, c->caller_short) ? "" : ", the caller computer", l->logon_type,
			  *l->process ? ", " : "", l->process, why);
	else if (*c->caller && c->caller_log == CALLER_LOG_FAILURES)
		sb_printf(sb, "the log of %s is among the inputs, but none of its failed logons is a wrong password of the "
			  "account in the window before the lockout, nor is one on any other host among the inputs",
			  c->caller);
	else if (*c->caller && c->caller_log == CALLER_LOG_NO_FAILURES)
		sb_printf(sb, "the log of %s is among the inputs but holds no failed logon (4625) at all: logon-failure "
			  "auditing is off there; no other host among the inputs has one of the account", c->caller);
	else
		sb_printf(sb, "no failed logon of the account on %s or any other host among the inputs",
			  *c->caller ? c->caller : "the caller computer");
	if (*row->source_host && (row->cause == CAUSE_NETWORK_SHARE || row->cause == CAUSE_RDP))
		sb_printf(sb, "; %s is the workstation name the client supplied", row->source_host);
	if (c->attempt && c->attempt->prt_device)
		sb_printf(sb, "; the AAD log of %s shows a federated PRT refresh failing with this user's password at "
			  "the same moment (a hypothesis: badcreds prt shows the evidence)%s", c->attempt->prt_device,
			  device_sent(c, row) ? "" : row->from_outside ? ", but the attempts came from outside the "
			  "organisation's networks" : ", but the attempts came through Exchange Online's relay");
	if (c->failures)
		sb_printf(sb, "; %u wrong password%s on the DCs", c->failures, c->failures == 1 ? "" : "s");
}

/* The machines the DCs saw asking, for an unknown cause: 4771 IpAddress, 4776 Workstation. */
static const char *asking(const struct lockout_case *c)
{
	const struct logon *d = c->dc_failure;
	if (!d)
		return "";
	return *d->ip ? d->ip : d->workstation;
}

/* After source_of: row->from_outside says whether the source is outside the organisation's networks. */
static void next_step_of(const struct lockout_case *c, const struct lockout *row, struct strbuf *sb)
{
	const char *account = c->account, *host = c->host ? c->host : "";
	switch (row->cause) {
	case CAUSE_ADFS:
		if (c->attempt && attempt_relayed(c->attempt)) /* AD FS saw Exchange Online, not the client */
			sb_printf(sb, "legacy authentication relayed by Exchange Online (%s) from %s: a firewall block does "
				  "nothing here; block basic authentication in Exchange Online for %s "
				  "(New-AuthenticationPolicy -AllowBasicAuth...:$false, Set-User -AuthenticationPolicy), or "
				  "update the mail profile if it is the user's own device", c->attempt->client_app ?
				  c->attempt->client_app : "an Exchange client", *row->source_ip ? row->source_ip :
				  "an unknown address", account);
		else if (device_sent(c, row))
			sb_printf(sb, "sign in on %s with %s's new password (or run dsregcmd /refreshprt there): its PRT "
				  "refresh sends the old one to AD FS on %s", c->attempt->prt_device, account, row->via);
		else if (!row->from_outside)
			sb_printf(sb, "update the password stored in the device or application at %s that signs in as %s "
				  "through AD FS on %s", row->source_ip, account, row->via);
		else {
			sb_printf(sb, "attempts from %s reach AD FS on %s: enable extranet smart lockout below the AD "
				  "threshold and block the address", row->source_ip, row->via);
			if (c->attempt && c->attempt->prt_device)
				sb_printf(sb, "; if it is the network of %s, whose PRT refresh failed then, sign in on that "
					  "device with the new password instead", c->attempt->prt_device);
		}
		break;
	case CAUSE_EXCHANGE:
		sb_printf(sb, "reconfigure the mail profile of the device behind %s (Exchange ActiveSync, Outlook) on %s "
			  "with %s's new password", row->source_ip, row->via, account);
		if (row->from_outside) /* from the internet: maybe not the user's device at all */
			sb_printf(sb, "; if %s is not the user's, it is guessing passwords through Exchange on %s: block it "
				  "and require MFA or block basic authentication there", row->source_ip, row->via);
		break;
	case CAUSE_RDP:
		if (!row->from_outside && c->latest && c->latest->logon_type == 10)
			sb_printf(sb, "wrong passwords typed in an RDP session on %s from %s (no NLA: the password is asked "
				  "after the session opens): check with the user, or a saved credential there; require NLA",
				  row->via, *row->source_ip ? row->source_ip : "an internal client");
		else if (!row->from_outside) /* a client of the organisation: its saved credential */
			sb_printf(sb, "remove or update the saved RDP credential of %s on %s that connects to %s "
				  "(Credential Manager, cmdkey /list, the .rdp file); if nobody there connects as %s, "
				  "find who does", account, *row->source_host ? row->source_host : *row->source_ip ?
				  row->source_ip : "the client", row->via, account);
		else if (c->latest && c->latest->logon_type != 10) /* a network logon: NLA is on, the handshake tries it */
			sb_printf(sb, "block %s at the firewall; NLA is on already: put RDP on %s behind an RD Gateway or "
				  "VPN with MFA", row->source_ip, row->via);
		else
			sb_printf(sb, "block %s at the firewall; require NLA and MFA on %s", row->source_ip, row->via);
		break;
	case CAUSE_SERVICE:
		if (c->service && text_fits_command(c->service))
			sb_printf(sb, "update the password of the service %s running as %s on %s (services.msc or "
				  "sc config \"%s\" password=...)", c->service, account, host, c->service);
		else if (c->service) /* a name no command should hold (a crafted log's): services.msc only */
			sb_printf(sb, "update the password of the service %s running as %s on %s (services.msc)", c->service,
				  account, host);
		else
			sb_printf(sb, "update the password of the service running as %s on %s (services.msc: the services "
				  "that log on as %s)", account, host, account);
		break;
	case CAUSE_SCHEDULED_TASK:
		sb_printf(sb, "the scheduled task on %s runs as %s with an old password: update it (Task Scheduler", host,
			  account);
		if (text_fits_command(account))
			sb_printf(sb, ", or schtasks /Change /RU \"%s\" /RP", account);
		sb_addc(sb, ')');
		break;
	case CAUSE_NETWORK_SHARE:
		sb_printf(sb, "remove the stored credential or mapped drive of %s on %s (cmdkey /list, net use) that "
			  "connects to %s", account, *row->source_host ? row->source_host : row->source_ip, row->via);
		break;
	case CAUSE_INTERACTIVE:
		sb_printf(sb, "wrong passwords typed at %s (console or lock screen): check with the user; a cached "
			  "password after a change clears after a logon with the new one", host);
		break;
	case CAUSE_APPLICATION:
		sb_printf(sb, "update the password %s uses for %s on %s", row->process, account, host);
		break;
	case CAUSE_OTHER:
		sb_printf(sb, "logon type %d by %s on %s: find what runs as %s there", row->logon_type,
			  *row->process ? row->process : "an unnamed process", host, account);
		break;
	default:
		if (*c->caller && c->caller_log == CALLER_LOG_NO_FAILURES)
			sb_printf(sb, "turn on logon-failure auditing on %s (auditpol /set /subcategory:\"Logon\" "
				  "/failure:enable): its log holds no failed logon; the next lockout will show the source",
				  c->caller);
		else if (*c->caller && c->caller_log == CALLER_LOG_FAILURES)
			sb_printf(sb, "the log of %s has no wrong password of %s before the lockout: the password reached "
				  "the DCs from that machine without a failed logon there (a Kerberos request or an LDAP bind "
				  "of its own): find what on %s runs as %s", c->caller, account, c->caller, account);
		else if (*c->caller)
			sb_printf(sb, "no evidence: collect the Security log of %s (if it is among the inputs, it logs no "
				  "failed logon: turn on logon-failure auditing there, auditpol /set /subcategory:\"Logon\" "
				  "/failure:enable)", c->caller);
		else
			sb_adds(sb, "no evidence and no caller computer: collect the Security logs of the hosts the DCs "
				    "saw asking, or enable Netlogon debug logging on the DCs");
		if (*asking(c) && strcasecmp(asking(c), c->caller) && strcasecmp(asking(c), c->caller_short))
			sb_printf(sb, "%s %s (the machine the DCs saw asking)", !*c->caller ? ":" : c->caller_log ==
				  CALLER_LOG_MISSING ? " and of" : "; collect the Security log of", asking(c));
		break;
	}
}

static int by_time(const void *a, const void *b)
{
	const struct lockout_evidence *x = a, *y = b;
	if (x->time != y->time)
		return (x->time > y->time) - (x->time < y->time);
	return (x->record_id > y->record_id) - (x->record_id < y->record_id);
}

void lockout_decide(const struct lockout_case *c, const struct lockout_settings *s, struct arena *a,
		    struct lockout *row)
{
	struct strbuf why = {0}, sb = {0};
	*row = (struct lockout){.account = c->account, .domain = c->domain, .locked_at = c->locked_at,
				.dcs = arena_copy(a, c->dcs.data, c->dcs.len + 1), .caller = c->caller,
				.caller_log = c->caller_log,
				.failures = c->failures, .first_failure = c->first_failure,
				.still_failing = c->still_failing, .logon_type = c->latest ? c->latest->logon_type : -1,
				.process = c->latest ? c->latest->process : ""};
	row->cause = cause_of(c, s, &why);
	source_of(c, row, a);
	row->from_outside = *row->source_ip && !internal_address(row->source_ip, s);
	if (device_sent(c, row)) /* its own AAD log failed a PRT refresh then (a hypothesis) */
		row->source_host = host_short_name(a, c->attempt->prt_device);
	basis_of(c, row, sb_cstr(&why), &sb);
	row->basis = text(a, sb_cstr(&sb));
	sb.len = 0;
	next_step_of(c, row, &sb);
	row->next_step = text(a, sb_cstr(&sb));
	row->evidence = c->nevidence ? arena_copy(a, c->evidence, c->nevidence * sizeof *c->evidence) : NULL;
	row->nevidence = c->nevidence;
	if (row->nevidence > 1)
		qsort((void *)row->evidence, row->nevidence, sizeof *row->evidence, by_time);
	sb_free(&why);
	sb_free(&sb);
}
