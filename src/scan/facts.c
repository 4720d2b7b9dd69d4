/* facts.c: what each AD FS audit, each AD FS 4625 and each domain controller event says, and how the account names
 * they carry compare (same_account, account_key, user_account_key: case folded, DOMAIN\ and @suffix forms of one
 * account alike). The AD FS audits are
 * classic events whose Data items have no names; the code reads them by position:
 *   411   [0] activity ID, [1] token type, [2] the user or "user-<localized message>", [3] the exception text (it
 *         names the user as typed: "...Exception: <user> ---> ..."), [4] the client addresses (x-ms-client-ip,
 *         then each proxy's)
 *   501   [0] instance ID, then (claim type, value) pairs: the request-context claims .../x-ms-client-ip,
 *         x-ms-forwarded-client-ip, x-ms-proxy, x-ms-endpoint-absolute-path, x-ms-client-user-agent,
 *         x-ms-client-application, and the identity claims (upn, windowsaccountname, name)
 *         and relyingpartytrustid (the relying party)
 *   403   [0] instance ID, [1] activity ID, [3] the client address, [6] the query (its wtrealm, loginToRp or
 *         resource parameter names the relying party), [9] the user agent
 *   412   [0] instance ID, [1] activity ID, [3] the relying party (a token was issued)        410  [0] activity ID
 *   512, 515, 516   [0] activity ID, [1] the user, [2] the client addresses (516: extranet lockout)
 *   1200-1210   [0] activity ID, [1] the AuditBase XML document (UserId, RelyingParty, IpAddress, ...),
 *         read with libxml2
 * Security-Auditing events name their Data: 4625 TargetUserName, TargetDomainName, Status, SubStatus,
 * FailureReason, IpAddress, ProcessName (AD FS: Microsoft.IdentityServer.ServiceHost.exe); 4740 TargetUserName and
 * TargetDomainName (the caller computer); 4771 TargetUserName, Status, IpAddress; 4776 TargetUserName, Status,
 * Workstation. */
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "badcreds/attempt.h"
#include "badcreds/event_ids.h"
#include "event/xml_event.h"
#include "event/xml_text.h"
#include "badcreds/text.h"

static const char SERVICE_HOST[] = "microsoft.identityserver.servicehost.exe";
static const char CLAIMS[] = "/requestcontext/claims/";
static const char *const IDENTITY_CLAIMS[] = { /* who a successful request authenticated */
	"http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn",
	"http://schemas.microsoft.com/ws/2008/06/identity/claims/windowsaccountname",
	"http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name",
};

/* An event's values as text in the arena, rendered through one buffer; a classic event's Data items only when
 * first asked for (most facts need a few of them). */
struct texts {
	struct arena *a;
	struct strbuf sb;
	const struct event *ev;
	const char **item;
};

/* A value's text in the buffer only, valid until the next rendering: for a comparison. */
static const char *scratch_text(struct texts *t, const struct evtx_value *v)
{
	t->sb.len = 0;
	evtx_value_render(&t->sb, v);
	return sb_cstr(&t->sb);
}

/* A value's text, the first 256 KiB of it: four times what a fact keeps of any string (fact_store.c cuts at 64 KiB,
 * with a mark), so that a name taken from inside a longer text is cut as the same name elsewhere is, and an event of
 * a crafted file (a value repeated into megabytes) costs no more while it waits to be added. */
enum { TEXT_READ_MAX = 256 * 1024 };

static const char *text_of(struct texts *t, const struct evtx_value *v)
{
	char *text = (char *)scratch_text(t, v);
	if (t->sb.len > TEXT_READ_MAX) {
		t->sb.len = utf8_cut(text, TEXT_READ_MAX);
		text[t->sb.len] = 0;
	}
	return arena_copy(t->a, text, t->sb.len + 1);
}

/* Data[i] of a classic event, "" past the last. */
static const char *item(struct texts *t, uint32_t i)
{
	if (i >= t->ev->ndata)
		return "";
	if (!t->item[i])
		t->item[i] = text_of(t, &t->ev->data[i].value);
	return t->item[i];
}

static bool adfs_id(uint32_t id) { return id_set_has(&ADFS_AUDIT_IDS, id); }

/* The next character of an account name, case folded (fold_case), with CR LF and CR read as LF: an XML parser turns
 * the line breaks of a typed name into LF (1200-1210 documents), the other events keep them. A byte that is no
 * UTF-8 stands for itself, apart from every character (INVALID + the byte). -1 at the end. */
enum { INVALID = 0x110000 };
static int32_t account_char(const char **p, const char *end)
{
	if (*p == end)
		return -1;
	int32_t c = (unsigned char)**p;
	if (c < 0x80) {
		(*p)++;
		if (c == '\r') {
			if (*p < end && **p == '\n')
				(*p)++;
			return '\n';
		}
		return c >= 'A' && c <= 'Z' ? c + 32 : c;
	}
	size_t len;
	uint32_t u = utf8_decode(*p, (size_t)(end - *p), &len);
	*p += len;
	return u == 0xfffd && len == 1 ? INVALID + c : (int32_t)fold_case(u);
}

/* Where the account part of a name starts and ends: after the last backslash, before the first @ after it. */
static const char *account_part(const char *name, const char **end)
{
	const char *slash = strrchr(name, '\\');
	const char *p = slash ? slash + 1 : name;
	*end = p + strcspn(p, "@");
	return p;
}

bool same_account(const char *a, const char *b)
{
	if (!a || !b)
		return false;
	const char *ea, *eb;
	a = account_part(a, &ea);
	b = account_part(b, &eb);
	for (;;) {
		int32_t x = account_char(&a, ea), y = account_char(&b, eb);
		if (x != y)
			return false;
		if (x < 0)
			return true;
	}
}

/* Appends the text [p, end) case folded (account_char); returns out's text. */
static const char *folded(struct strbuf *out, const char *p, const char *end)
{
	for (int32_t c; (c = account_char(&p, end)) >= 0;) {
		if (c < 0x80 || c >= INVALID)
			sb_addc(out, (char)(c < 0x80 ? c : c - INVALID));
		else
			utf8_put(out, (uint32_t)c);
	}
	return sb_cstr(out);
}

const char *account_key(struct strbuf *out, const char *name)
{
	out->len = 0;
	const char *end, *p = account_part(name, &end);
	return folded(out, p, end);
}

const char *user_account_key(struct strbuf *out, const char *name)
{
	if (!*account_key(out, name)) {
		out->len = 0;
		return folded(out, name, name + strlen(name));
	}
	const char *slash = strrchr(name, '\\'), *domain = NULL;
	if (slash)
		domain = name;
	else if ((domain = strchr(name, '@')))
		domain++;
	if (domain && *domain && domain != slash) {
		sb_addc(out, '@');
		folded(out, domain, domain + strcspn(domain, ".\\@"));
	}
	return sb_cstr(out);
}

static bool security_id(uint32_t id) { return id_set_has(&SECURITY_IDS, id); }

bool fact_relevant(uint32_t event_id, const struct evtx_value *provider)
{
	if (security_id(event_id))
		return evtx_value_equals_nocase(provider, "Microsoft-Windows-Security-Auditing");
	return adfs_id(event_id) && (evtx_value_equals_nocase(provider, "AD FS Auditing") ||
				     evtx_value_equals_nocase(provider, "AD FS 2.0 Auditing"));
}

static const char *present(const char *s)
{
	if (!s || !*s || (s[0] == '-' && !s[1]) || ((s[0] | 0x20) == 'n' && !strcasecmp(s, "N/A")))
		return NULL;
	return s;
}

/* GUID text as "xxxxxxxx-...", lower case, braces removed; the zero GUID becomes ""; text not of a GUID's shape (36
 * characters, dashes at 8, 13, 18 and 23) is no ID (NULL): AD FS writes only GUIDs there. */
static const char *activity_id(struct arena *a, const char *s)
{
	if (!present(s))
		return NULL;
	size_t n = strlen(s);
	if (s[0] == '{' && n > 2 && s[n - 1] == '}')
		s++, n -= 2;
	if (n != 36 || s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-')
		return NULL;
	char *out = arena_alloc(a, n + 1);
	unsigned other = 0; /* characters other than '0' and '-' */
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		out[i] = (char)(c | (unsigned char)((unsigned)(c - 'A') < 26u) << 5);
		other |= c != '0' && c != '-';
	}
	out[n] = 0;
	return other ? out : "";
}

/* The length of the user's name at p (the text after the exception's key) that Data[2] confirms: the text before an
 * arrow that `said` holds whole, followed by its "-" or its end; 0 when none does. */
static size_t confirmed_user(const char *p, const char *arrow, const char *said)
{
	for (const char *at = arrow; at && said; at = strstr(at + 1, " --->")) {
		size_t k = (size_t)(at - p);
		if (k && !strncmp(said, p, k) && (said[k] == '-' || !said[k]))
			return k;
	}
	return 0;
}

/* 411 Data[3]: "...SecurityTokenValidationException: <user> ---> ..." names the user as typed. Data[2] (`said`)
 * is "<user>" or "<user>-<message>": the text before an arrow that Data[2] holds whole, followed by its "-" or its
 * end, is the user, whatever it holds (a typed name may hold spaces, line breaks and arrows of its own, so that
 * "victim@contoso.com ---> x" is not taken for victim@contoso.com: a cut before the typed arrow leaves a space, not
 * a "-", in Data[2] after it). Without that agreement: up to the first arrow when no space comes before it, else to
 * the end of the line. */
static const char *user_from_exception(struct arena *a, const char *text, const char *said)
{
	static const char key[] = "SecurityTokenValidationException: ";
	const char *p = text ? strstr(text, key) : NULL;
	if (!p)
		return NULL;
	p += sizeof key - 1;
	const char *arrow = strstr(p, " --->");
	size_t n = confirmed_user(p, arrow, said);
	if (!n) {
		n = arrow && !memchr(p, ' ', (size_t)(arrow - p)) ? (size_t)(arrow - p) : strcspn(p, "\r\n");
		while (n && p[n - 1] == ' ')
			n--;
		if (n == 0 || memchr(p, ' ', n)) /* a sentence, not a user name */
			return NULL;
	}
	char *u = arena_alloc(a, n + 1);
	memcpy(u, p, n);
	u[n] = 0;
	return u;
}

/* 411 Data[2] is "<user>" or "<user>-<localized message>": cut a known message, or else at a "-" behind which
 * only prose follows (spaces, no "@"); user names themselves contain hyphens. */
static const char *user_from_data2(struct arena *a, const char *s)
{
	size_t n = strlen(s);
	if (!outcome_message_suffix(s, &n)) {
		n = strlen(s);
		for (const char *dash = strchr(s, '-'); dash; dash = strchr(dash + 1, '-'))
			if (strchr(dash + 1, ' ') && !strchr(dash + 1, '@') && !strchr(dash + 1, '-')) {
				n = (size_t)(dash - s);
				break;
			}
	}
	char *u = arena_alloc(a, n + 1);
	memcpy(u, s, n);
	u[n] = 0;
	return u;
}

/* The AuditBase document is cleaned for libxml2 (xml_text_clean: a control character a user typed becomes its
 * Control Picture U+2400 + c, U+FFFE and U+FFFF become U+FFFD) and its texts restored after. What the user typed
 * must come back as typed, or a name would read one way here and another in the request's other events (two
 * attempts of one request): before cleaning, every U+2400-U+241F and U+E000 of the document gets a U+E000 before
 * it, and U+FFFE and U+FFFF become U+E000 U+E001 and U+E000 U+E002. */
static const char SHIELD[] = "\xee\x80\x80"; /* U+E000, a private use character */
static const char NONCHAR[2][4] = {"\xef\xbf\xbe", "\xef\xbf\xbf"};       /* U+FFFE, U+FFFF */
static const char NONCHAR_SHIELDED[2][4] = {"\xee\x80\x81", "\xee\x80\x82"}; /* U+E001, U+E002 */

static bool shielded(const unsigned char *p, size_t n)
{
	return n >= 3 && ((p[0] == 0xe2 && p[1] == 0x90 && p[2] >= 0x80 && p[2] <= 0x9f) ||
			  (p[0] == 0xee && p[1] == 0x80 && p[2] == 0x80));
}

static void shield(struct strbuf *out, const char *s)
{
	for (size_t n = strlen(s), i = 0; i < n; i++) {
		int nonchar = n - i >= 3 ? !memcmp(s + i, NONCHAR[0], 3) ? 0 : !memcmp(s + i, NONCHAR[1], 3) ? 1 : -1 : -1;
		if (nonchar >= 0) {
			sb_adds(out, SHIELD);
			sb_adds(out, NONCHAR_SHIELDED[nonchar]);
			i += 2;
			continue;
		}
		if (shielded((const unsigned char *)s + i, n - i))
			sb_adds(out, SHIELD);
		sb_addc(out, s[i]);
	}
}

/* An element's text: shielded characters as they were, the pictures xml_text_clean made the controls again. */
static const char *element_text(struct arena *a, xmlNodePtr n)
{
	xmlChar *t = xmlNodeGetContent(n);
	const char *s = NULL;
	if (t) {
		const unsigned char *p = t;
		size_t len = strlen((const char *)t), k = 0;
		char *out = arena_alloc(a, len + 1);
		for (size_t i = 0; i < len;) {
			if (len - i >= 6 && !memcmp(p + i, SHIELD, 3)) { /* as typed */
				const char *typed = shielded(p + i + 3, 3) ? (const char *)p + i + 3
						  : !memcmp(p + i + 3, NONCHAR_SHIELDED[0], 3) ? NONCHAR[0]
						  : !memcmp(p + i + 3, NONCHAR_SHIELDED[1], 3) ? NONCHAR[1] : NULL;
				if (typed) {
					memcpy(out + k, typed, 3);
					k += 3;
					i += 6;
					continue;
				}
			}
			size_t run = 1; /* a picture alone: xml_text_restore turns it into its control */
			while (i + run < len && !(p[i + run] == 0xe2 || p[i + run] == 0xee))
				run++;
			size_t m = run;
			const char *r = xml_text_restore(a, (const char *)p + i, &m, true);
			memcpy(out + k, r, m);
			k += m;
			i += run;
		}
		out[k] = 0;
		s = out;
	}
	xmlFree(t);
	return present(s);
}

static void audit_elements(struct arena *a, xmlNodePtr n, struct fact *f, int depth)
{
	const char *s;
	for (; n; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		const char *name = (const char *)n->name; /* local name: prefixes vary (a "zxsi:type" was seen) */
		if (!strcmp(name, "UserId"))
			f->user = element_text(a, n);
		else if (!strcmp(name, "IpAddress"))
			f->ips = element_text(a, n);
		else if (!strcmp(name, "ForwardedIpAddress"))
			f->forwarded = element_text(a, n);
		else if (!strcmp(name, "ProxyServer"))
			f->proxy = element_text(a, n);
		else if (!strcmp(name, "UserAgentString"))
			f->user_agent = element_text(a, n);
		else if (!strcmp(name, "Endpoint"))
			f->endpoint = element_text(a, n);
		else if (!strcmp(name, "RelyingParty"))
			f->relying_party = element_text(a, n);
		else if (!strcmp(name, "FailureType"))
			f->failure_type = element_text(a, n);
		else if (!strcmp(name, "AuditResult"))
			f->success = (s = element_text(a, n)) && !strcmp(s, "Success");
		else if (depth < 16)
			audit_elements(a, n->children, f, depth + 1);
	}
}

/* Data[1] of 1200-1210: the AuditBase document. Its declaration says utf-16 over text that is not: dropped. A user
 * name typed with control characters holds references to them (&#x1B;) that XML cannot carry: cleaned first. */
static void audit_document(struct arena *a, const char *xml, struct fact *f)
{
	const char *p = xml;
	if (strncmp(p, "<?xml", 5) == 0) {
		const char *end = strstr(p, "?>");
		if (end)
			p = end + 2;
	}
	struct strbuf shielded_xml = {0}, clean = {0};
	shield(&shielded_xml, p);
	xml_text_clean(&clean, (const uint8_t *)sb_cstr(&shielded_xml), shielded_xml.len, XML_UTF8);
	sb_free(&shielded_xml);
	xmlDocPtr doc = xmlReadMemory(clean.data ? clean.data : "", (int)clean.len, "audit.xml", "UTF-8",
				      XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	sb_free(&clean);
	if (!doc)
		return;
	audit_elements(a, xmlDocGetRootElement(doc), f, 0);
	xmlFreeDoc(doc);
}

static int hex_digit(int c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10
											      : -1;
}

/* A query parameter's value URL-decoded ("+" is a space); as it stands when decoding would give a NUL or text that
 * is not UTF-8. */
static const char *url_decoded(struct arena *a, const char *s, size_t n)
{
	char *out = arena_alloc(a, n + 1);
	size_t k = 0;
	bool ok = true;
	for (size_t i = 0; i < n; i++) {
		int hi = -1, lo = -1;
		if (s[i] == '%' && i + 2 < n)
			hi = hex_digit(s[i + 1]), lo = hex_digit(s[i + 2]);
		if (hi >= 0 && lo >= 0) {
			out[k++] = (char)(hi << 4 | lo);
			ok &= hi || lo;
			i += 2;
		} else {
			out[k++] = s[i] == '+' ? ' ' : s[i];
		}
	}
	for (size_t i = 0, len; ok && i < k; i += len)
		ok = !(utf8_decode(out + i, k - i, &len) == 0xFFFD && len == 1);
	if (!ok) {
		memcpy(out, s, n);
		k = n;
	}
	out[k] = 0;
	return present(out);
}

/* 403 Data[6], the request's query: the relying party a sign-in is for, as WS-Federation (wtrealm), an
 * IdP-initiated sign-on (loginToRp) or OAuth (resource) names it. SAML's is inside the encoded SAMLRequest: not
 * read. */
static const char *query_relying_party(struct arena *a, const char *query)
{
	static const char *const keys[] = {"wtrealm=", "loginToRp=", "resource="};
	for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++)
		for (const char *p = query; *p; p += strcspn(p, "&")) {
			p += *p == '?' || *p == '&';
			size_t len = strlen(keys[k]);
			const char *v = strncasecmp(p, keys[k], len) ? NULL : url_decoded(a, p + len, strcspn(p + len, "&"));
			if (v)
				return v;
		}
	return NULL;
}

/* "a,b": the values of a claim that has several (one pair each), in their order. */
static const char *joined(struct arena *a, const char *x, const char *y)
{
	size_t n = strlen(x) + strlen(y) + 2;
	char *both = arena_alloc(a, n);
	snprintf(both, n, "%s,%s", x, y);
	return both;
}

/* Which field of a fact a 501 claim type fills: an identity claim (who a successful request authenticated) or a
 * request-context claim; NULL for the others. Texts are compared only with those of their length. */
static const char **claim_field(struct fact *f, const char *type)
{
	size_t n = strlen(type);
	for (size_t k = 0; !f->user && k < sizeof IDENTITY_CLAIMS / sizeof IDENTITY_CLAIMS[0]; k++)
		if (n == strlen(IDENTITY_CLAIMS[k]) && !memcmp(type, IDENTITY_CLAIMS[k], n))
			return &f->user;
	const char *claim = strstr(type, CLAIMS);
	if (!claim)
		return NULL;
	claim += sizeof CLAIMS - 1;
	n -= (size_t)(claim - type);
#define FIELD(name, field) {name, sizeof name - 1, offsetof(struct fact, field)}
	static const struct { const char *name; size_t len, offset; } fields[] = {
		FIELD("x-ms-client-ip", client_ip), FIELD("x-ms-forwarded-client-ip", forwarded),
		FIELD("x-ms-proxy", proxy), FIELD("x-ms-endpoint-absolute-path", endpoint),
		FIELD("x-ms-client-user-agent", user_agent), FIELD("x-ms-client-application", client_app),
		FIELD("relyingpartytrustid", relying_party),
	};
#undef FIELD
	for (size_t k = 0; k < sizeof fields / sizeof fields[0]; k++)
		if (n == fields[k].len && !memcmp(claim, fields[k].name, n))
			return (const char **)((char *)f + fields[k].offset);
	return NULL;
}

/* 501: Data[1..] are (claim type, value) pairs; the request-context claims carry the client addresses
 * (x-ms-forwarded-client-ip may come several times: what Exchange Online forwarded, then what the proxy saw). The
 * values of the other claims are not rendered. */
static void claims(struct texts *t, struct fact *f)
{
	for (uint32_t i = 1; i + 1 < t->ev->ndata; i += 2) {
		const char **field = claim_field(f, scratch_text(t, &t->ev->data[i].value));
		const char *v = field ? present(item(t, i + 1)) : NULL;
		if (!v)
			continue;
		if (field == &f->forwarded && f->forwarded)
			f->forwarded = joined(t->a, f->forwarded, v);
		else
			*field = v;
	}
}

static bool security_4625(const struct event *ev, struct texts *t, struct fact *f)
{
	const struct evtx_value *process = event_data_get(ev, "ProcessName");
	if (!process)
		return false;
	const char *path = text_of(t, process);
	size_t n = strlen(path), k = sizeof SERVICE_HOST - 1;
	if (n < k || strcasecmp(path + n - k, SERVICE_HOST) != 0)
		return false; /* a failed logon that did not come through AD FS */
	const struct evtx_value *v;
	const char *user = (v = event_data_get(ev, "TargetUserName")) ? text_of(t, v) : "";
	const char *domain = (v = event_data_get(ev, "TargetDomainName")) ? present(text_of(t, v)) : NULL;
	if (domain && *user) {
		size_t len = strlen(domain) + strlen(user) + 2;
		char *both = arena_alloc(t->a, len);
		snprintf(both, len, "%s\\%s", domain, user);
		user = both;
	}
	f->user = present(user);
	uint64_t x;
	if ((v = event_data_get(ev, "Status")) && evtx_value_u64(v, &x)) {
		f->has_status = true;
		f->status = (uint32_t)x;
	}
	if ((v = event_data_get(ev, "SubStatus")) && evtx_value_u64(v, &x))
		f->substatus = (uint32_t)x;
	if ((v = event_data_get(ev, "FailureReason")))
		f->failure_reason = text_of(t, v);
	if ((v = event_data_get(ev, "IpAddress")))
		f->ips = present(text_of(t, v));
	return true;
}

/* 4740 (account locked out: TargetDomainName is the caller computer), 4771 (Kerberos pre-authentication failed)
 * and 4776 (NTLM credential validation) on domain controllers. */
static bool dc_event(const struct event *ev, struct texts *t, struct fact *f)
{
	const struct evtx_value *v;
	f->user = (v = event_data_get(ev, "TargetUserName")) ? present(text_of(t, v)) : NULL;
	uint64_t x;
	if ((v = event_data_get(ev, "Status")) && evtx_value_u64(v, &x)) {
		f->has_status = true;
		f->status = (uint32_t)x;
	}
	if (ev->event_id == 4740)
		f->caller = (v = event_data_get(ev, "TargetDomainName")) ? present(text_of(t, v)) : NULL;
	else if (ev->event_id == 4776)
		f->caller = (v = event_data_get(ev, "Workstation")) ? present(text_of(t, v)) : NULL;
	else
		f->ips = (v = event_data_get(ev, "IpAddress")) ? present(text_of(t, v)) : NULL;
	return f->user != NULL;
}

/* An AD FS audit: its Data items by position (see the top of this file). */
static void adfs_audit(struct texts *t, struct fact *f)
{
	struct arena *a = t->a;
	switch (f->event_id) {
	case 411: {
		f->activity = activity_id(a, item(t, 0));
		f->token_type = present(item(t, 1));
		const char *said = item(t, 2), *exception = item(t, 3);
		f->user = user_from_exception(a, exception, said);
		f->user_guess = present(said) ? user_from_data2(a, said) : NULL;
		f->ips = t->ev->ndata > 4 ? present(item(t, 4)) : NULL;
		size_t n1 = strlen(said), n2 = strlen(exception);
		char *both = arena_alloc(a, n1 + n2 + 2); /* "said\nexception" */
		memcpy(both, said, n1);
		both[n1] = '\n';
		memcpy(both + n1 + 1, exception, n2 + 1);
		f->said = outcome_from_text(both);
		break;
	}
	case 501:
		f->instance = activity_id(a, item(t, 0));
		claims(t, f);
		break;
	case 403:
		f->instance = activity_id(a, item(t, 0));
		f->activity = activity_id(a, item(t, 1));
		f->ips = present(item(t, 3));
		f->relying_party = query_relying_party(a, item(t, 6));
		f->user_agent = present(item(t, 9));
		break;
	case 412:
		f->instance = activity_id(a, item(t, 0));
		f->activity = activity_id(a, item(t, 1));
		f->relying_party = present(item(t, 3));
		f->success = true;
		break;
	case 410:
		f->activity = activity_id(a, item(t, 0));
		break;
	case 512: case 515: case 516:
		f->activity = activity_id(a, item(t, 0));
		f->user = present(item(t, 1));
		f->ips = present(item(t, 2));
		break;
	default: /* 1200-1210 */
		f->activity = activity_id(a, item(t, 0));
		if (t->ev->ndata > 1)
			audit_document(a, item(t, 1), f);
		break;
	}
}

bool fact_from_event(const struct event *ev, struct arena *a, struct fact *f)
{
	memset(f, 0, sizeof *f);
	struct texts t = {.a = a, .ev = ev};
	f->event_id = ev->event_id;
	f->time = ev->time_created;
	f->server = text_of(&t, &ev->computer);
	f->source = ev->source;
	f->record_id = ev->record_id;
	bool ok = true;
	if (ev->event_id == 4625) {
		f->security = true;
		ok = security_4625(ev, &t, f);
	} else if (security_id(ev->event_id)) {
		f->security = f->dc = true;
		ok = dc_event(ev, &t, f);
	} else {
		t.item = arena_alloc(a, (ev->ndata + 1) * sizeof *t.item);
		memset(t.item, 0, (ev->ndata + 1) * sizeof *t.item);
		adfs_audit(&t, f);
	}
	sb_free(&t.sb);
	return ok;
}
