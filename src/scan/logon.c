/* logon.c: what the events behind a lockout say, by the named Data of the Security-Auditing events (4624, 4625,
 * 4740, 4767, 4771, 4776) and of the Service Control Manager's 7000 and 7038 in the System log (param1: the
 * service; 7038 param2: the account it logs on as). */
#include <stdlib.h>
#include <string.h>

#include "badcreds/event_ids.h"
#include "scan/logon.h"

static const char SECURITY[] = "Microsoft-Windows-Security-Auditing";
static const char SCM[] = "Service Control Manager";

bool logon_relevant(uint32_t event_id, const struct evtx_value *provider)
{
	if (!id_set_has(&LOGON_IDS, event_id))
		return false;
	return evtx_value_equals_nocase(provider, event_id >= 7000 ? SCM : SECURITY);
}

/* A field's text in the arena; "" when absent, empty or "-". */
static const char *field(const struct event *ev, struct arena *a, struct strbuf *sb, const char *name)
{
	const struct evtx_value *v = event_data_get(ev, name);
	if (!v)
		return "";
	sb->len = 0;
	evtx_value_render(sb, v);
	const char *s = sb_cstr(sb);
	if (!strcmp(s, "-"))
		return "";
	return arena_copy(a, s, sb->len + 1);
}

static uint32_t number(const struct event *ev, const char *name)
{
	const struct evtx_value *v = event_data_get(ev, name);
	uint64_t x;
	return v && evtx_value_u64(v, &x) ? (uint32_t)x : 0;
}

/* "::ffff:10.1.5.11" (a Kerberos client) as 10.1.5.11. */
static const char *plain_ip(const char *ip)
{
	return strncmp(ip, "::ffff:", 7) == 0 && strchr(ip + 7, '.') ? ip + 7 : ip;
}

static void host_logon(const struct event *ev, struct arena *a, struct strbuf *sb, struct logon *l)
{
	l->domain = field(ev, a, sb, "TargetDomainName");
	l->logon_type = event_data_get(ev, "LogonType") ? (int)number(ev, "LogonType") : -1;
	l->process = field(ev, a, sb, "ProcessName");
	l->logon_process = field(ev, a, sb, "LogonProcessName");
	l->auth_package = field(ev, a, sb, "AuthenticationPackageName");
	l->workstation = field(ev, a, sb, "WorkstationName");
	l->ip = plain_ip(field(ev, a, sb, "IpAddress"));
	const char *port = field(ev, a, sb, "IpPort");
	l->ip_port = *port ? strtol(port, NULL, 10) : -1;
	l->status = number(ev, "Status");
	l->substatus = number(ev, "SubStatus");
}

bool logon_from_event(const struct event *ev, struct arena *a, struct logon *l)
{
	if (!(ev->has & EV_HAS_EVENT_ID) || !logon_relevant(ev->event_id, &ev->provider_name))
		return false;
	struct strbuf sb = {0};
	*l = (struct logon){.event_id = ev->event_id, .time = ev->time_created, .logon_type = -1, .ip_port = -1,
			    .file = ev->source, .record_id = ev->record_id, .domain = "", .caller = "", .process = "",
			    .logon_process = "", .auth_package = "", .workstation = "", .ip = "", .service = ""};
	evtx_value_render(&sb, &ev->computer);
	l->computer = arena_copy(a, sb_cstr(&sb), sb.len + 1);
	l->account = field(ev, a, &sb, ev->event_id >= 7000 ? "param2" : "TargetUserName");
	switch (ev->event_id) {
	case 4624: case 4625:
		host_logon(ev, a, &sb, l);
		break;
	case 4740: case 4767:
		l->caller = field(ev, a, &sb, "TargetDomainName");
		l->domain = field(ev, a, &sb, "SubjectDomainName");
		break;
	case 4771:
		l->status = number(ev, "Status");
		l->ip = plain_ip(field(ev, a, &sb, "IpAddress"));
		break;
	case 4776:
		l->status = number(ev, "Status");
		l->workstation = field(ev, a, &sb, "Workstation");
		break;
	default: /* 7000, 7038 */
		l->service = field(ev, a, &sb, "param1");
		if (ev->event_id == 7000)
			l->account = "";
		break;
	}
	sb_free(&sb);
	return true;
}

bool logon_bad_password(const struct logon *l)
{
	return l->event_id == 4625 && (l->substatus == NT_BAD_PASSWORD || l->status == NT_BAD_PASSWORD);
}

bool logon_refused_locked(const struct logon *l)
{
	switch (l->event_id) {
	case 4625: return l->status == NT_LOCKED || l->substatus == NT_LOCKED;
	case 4771: return l->status == KERB_REVOKED;
	case 4776: return l->status == NT_LOCKED;
	default: return false;
	}
}

const char *host_short_name(struct arena *a, const char *name)
{
	size_t n = strcspn(name, ".$");
	char *s = arena_alloc(a, n + 1);
	memcpy(s, name, n);
	s[n] = 0;
	return s;
}

void logon_describe(const struct logon *l, struct strbuf *sb)
{
	switch (l->event_id) {
	case 4740: sb_printf(sb, "account locked out; caller computer %s", *l->caller ? l->caller : "(none)"); break;
	case 4767: sb_adds(sb, "account unlocked"); break;
	case 4771:
		sb_printf(sb, "Kerberos pre-authentication failed, status 0x%x, asked by %s", l->status,
			  *l->ip ? l->ip : "-");
		break;
	case 4776:
		sb_printf(sb, "NTLM validation failed, status 0x%X, workstation %s", l->status,
			  *l->workstation ? l->workstation : "-");
		break;
	case 4624: case 4625:
		sb_printf(sb, "%s, LogonType %d", l->event_id == 4624 ? "logon" : "failed logon", l->logon_type);
		if (l->event_id == 4625)
			sb_printf(sb, ", status 0x%X/0x%X", l->status, l->substatus);
		sb_printf(sb, ", process %s, %s %s", *l->process ? l->process : "-", *l->logon_process ? l->logon_process
			  : "-", *l->auth_package ? l->auth_package : "-");
		if (*l->ip)
			sb_printf(sb, ", from %s", l->ip);
		if (*l->ip && l->ip_port >= 0)
			sb_printf(sb, " port %ld", l->ip_port);
		sb_printf(sb, ", workstation %s", *l->workstation ? l->workstation : "-");
		break;
	default: sb_printf(sb, "service %s could not log on%s%s", l->service, *l->account ? " as " : "", l->account); break;
	}
}
