/* prt_codes.c: the one table of PRT failure codes (Microsoft's "Troubleshoot primary refresh token issues", as
 * ../shared/reference/aad-prt-events.md condenses it): each code's name, category, meaning, causes, what to do and
 * where the detail is; numeric codes in every written form, server codes (AADSTS, WS-Trust faults) that refine them. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "badcreds/prt.h"

static const char *const category_names[PRT_CATEGORY_COUNT] = {
	"", "credentials", "federation", "device_registration", "network", "user_realm", "configuration", "unknown",
};

const char *prt_category_name(enum prt_category c) { return c < PRT_CATEGORY_COUNT ? category_names[c] : "unknown"; }

#define SERVER_FIX "Read the server error (1081 from Entra, 1088 from a WS-Trust endpoint such as AD FS) and follow " \
	"it; if an outbound proxy is mandatory, the computer account must discover it and authenticate to it silently."
#define NET_CAUSES "HTTP 4xx from Entra or the WS-Trust endpoint, or no connectivity to an endpoint the device needs"
#define NET_FIX "Read the server error (1081/1088) if there is one; else take the URL (1022) and the network " \
	"sub-error (1084) and fix the path to that endpoint (a mandatory proxy must serve the computer account silently)."
#define WINHTTP_FIX "Take the URL (1084 or 1022) and fix the path to it: a mandatory outbound proxy must be found " \
	"and must authenticate the computer account silently; a netsh trace (scenario=InternetClient_dbg) shows " \
	"where it stops."
#define CREDENTIAL_DETAIL "1081 (Entra) / 1088 (WS-Trust); URL in the 1022 before it"
#define NETWORK_DETAIL "1081 / 1088; URL in 1022 (Analytic); sub-error in 1084 (Operational)"

static const struct prt_code table[] = {
	{NULL, 0x00000000, "STATUS_SUCCESS", "NTSTATUS", PRT_NONE, "the PRT was obtained", "", "", "1007"},
	{NULL, 0xC000006D, "STATUS_LOGON_FAILURE", "NTSTATUS", PRT_CREDENTIALS,
	 "logon rejected (bad name or credential)",
	 "the device cannot reach the Entra authentication service, or got HTTP 400 from it or from the WS-Trust "
	 "endpoint of the federation", SERVER_FIX, CREDENTIAL_DETAIL},
	{NULL, 0xC000006A, "STATUS_WRONG_PASSWORD", "NTSTATUS", PRT_CREDENTIALS, "the password is not correct",
	 "the device cannot reach the Entra authentication service, or got HTTP 400 from it or from the WS-Trust "
	 "endpoint of the federation", SERVER_FIX, CREDENTIAL_DETAIL},
	{NULL, 0xC0000234, "STATUS_ACCOUNT_LOCKED_OUT", "NTSTATUS", PRT_CREDENTIALS,
	 "the account is locked out in Active Directory",
	 "too many wrong passwords within the domain's lockout window, from this device (an old password it keeps "
	 "trying) or from anywhere else",
	 "Find what sends the wrong passwords (badcreds lockouts on the domain controllers' logs), then unlock the "
	 "account and sign in on the device with the current password.", CREDENTIAL_DETAIL},
	{NULL, 0xC00000D0, "STATUS_REQUEST_NOT_ACCEPTED", "NTSTATUS", PRT_CONFIGURATION, "the request was refused",
	 "HTTP 400 from Entra or from the WS-Trust endpoint",
	 "Read the server error code and description (1081 from Entra, 1088 from WS-Trust) and follow it.",
	 CREDENTIAL_DETAIL},
	{NULL, 0xC000023C, "STATUS_NETWORK_UNREACHABLE", "NTSTATUS", PRT_NETWORK, "the remote network is unreachable",
	 NET_CAUSES, NET_FIX, NETWORK_DETAIL},
	{NULL, 0xC00000BE, "STATUS_BAD_NETWORK_PATH", "NTSTATUS", PRT_NETWORK, "the network path was not found",
	 NET_CAUSES, NET_FIX, NETWORK_DETAIL},
	{NULL, 0xC00000C4, "STATUS_UNEXPECTED_NETWORK_ERROR", "NTSTATUS", PRT_NETWORK, "an unexpected network failure",
	 NET_CAUSES, NET_FIX, NETWORK_DETAIL},
	{NULL, 0xC000005F, "STATUS_NO_SUCH_LOGON_SESSION", "NTSTATUS", PRT_USER_REALM,
	 "user realm discovery failed: Entra could not find the user's domain",
	 "the UPN suffix is not a custom domain in Entra, e.g. a non-routable suffix such as jdoe@contoso.local",
	 "Add the UPN's domain as a custom domain in Entra; for a non-routable suffix configure Alternate Login ID "
	 "(AltID).", "UPN in 1144"},
	{NULL, 0xC004844C, "AAD_CLOUDAP_E_OAUTH_USERNAME_IS_MALFORMED", "CloudAP plug-in", PRT_USER_REALM,
	 "the UPN is not in the expected format",
	 "Entra-joined: the text typed at sign-in; hybrid-joined: the UPN the domain controller returns at sign-in",
	 "Make the UPN an Internet-style name (user@domain); on a hybrid-joined device check what the DC returns "
	 "(whoami /upn), and for a non-routable suffix configure AltID.", "UPN in 1144"},
	{NULL, 0xC0048442, "AAD_CLOUDAP_E_OAUTH_USER_SID_IS_EMPTY", "CloudAP plug-in", PRT_NETWORK,
	 "the ID token from Entra holds no user SID", "a proxy altering the reply is what to rule out",
	 "Check that no network proxy intercepts or rewrites the server's reply.", "no event named"},
	{NULL, 0xC00484C1, "AAD_CLOUDAP_E_WSTRUST_SAML_TOKENS_ARE_EMPTY", "CloudAP plug-in", PRT_FEDERATION,
	 "the WS-Trust endpoint of the federation returned an error",
	 "the federation server rejected or failed the request; proxy interference",
	 "Rule out a proxy rewriting the traffic, then read the federation server's error in 1088 and follow it.",
	 "1088"},
	{NULL, 0xC004848B, "AAD_CLOUDAP_E_HTTP_PASSWORD_URI_IS_EMPTY", "CloudAP plug-in", PRT_FEDERATION,
	 "the Metadata Exchange (MEX) reply lacks the password endpoint URL", "the MEX endpoint is misconfigured",
	 "Rule out a proxy, then fix the federation server's MEX so that it returns a valid password endpoint URL.",
	 "none named; 1021 (MEX request status) may help"},
	{NULL, 0xC004848C, "AAD_CLOUDAP_E_HTTP_CERTIFICATE_URI_IS_EMPTY", "CloudAP plug-in", PRT_FEDERATION,
	 "the Metadata Exchange (MEX) reply lacks the certificate endpoint URL",
	 "the identity provider's MEX is misconfigured",
	 "Rule out a proxy, then fix the identity provider's MEX so that it returns a valid certificate endpoint URL.",
	 "none named"},
	{NULL, 0xC00CEE4F, "WC_E_DTDPROHIBITED", "XML", PRT_FEDERATION,
	 "the XML reply of the WS-Trust endpoint contained a DTD, which is not allowed",
	 "the identity provider's configuration",
	 "Reconfigure the identity provider so that its WS-Trust replies carry no DTD.", "URL in 1022"},
	{NULL, 12002, "ERROR_WINHTTP_TIMEOUT", "WinHTTP", PRT_NETWORK, "the request timed out",
	 "a general network problem", WINHTTP_FIX, "URL in 1084 / 1022"},
	{NULL, 12007, "ERROR_WINHTTP_NAME_NOT_RESOLVED", "WinHTTP", PRT_NETWORK, "the host name was not resolved (DNS)",
	 "a general network problem", WINHTTP_FIX, "URL in 1084 / 1022"},
	{NULL, 12029, "ERROR_WINHTTP_CANNOT_CONNECT", "WinHTTP", PRT_NETWORK,
	 "no connection to the server could be made", "a general network problem", WINHTTP_FIX, "URL in 1084 / 1022"},
	{NULL, 12030, "ERROR_WINHTTP_CONNECTION_ERROR", "WinHTTP", PRT_NETWORK,
	 "the connection was reset or terminated", "a general network problem", WINHTTP_FIX, "URL in 1084 / 1022"},
	{"AADSTS50155", 0, "AADSTS50155", "Entra server code", PRT_DEVICE_REGISTRATION,
	 "device authentication failed",
	 "Entra cannot authenticate the device: it may have been deleted or disabled in Entra",
	 "Re-register the device as its join type requires (Microsoft's FAQ \"I disabled or deleted my device, but "
	 "local state still shows registered\").", "1081"},
	{"AADSTS50034", 0, "AADSTS50034", "Entra server code", PRT_USER_REALM,
	 "the account does not exist in the tenant's directory", "Entra cannot find the user in the tenant",
	 "Check that the user typed the right UPN and that the on-premises account is synchronised to Entra.",
	 "1081; UPN in 1144"},
	{"AADSTS50053", 0, "AADSTS50053", "Entra server code", PRT_CREDENTIALS,
	 "the account is locked (Entra smart lockout), or the sign-in came from an address Entra blocks",
	 "too many wrong passwords for the account (from this device or elsewhere), or an IP address with malicious "
	 "activity",
	 "Find what sends the wrong passwords (badcreds summary and lockouts), wait for the lockout to end, then sign "
	 "in on the device with the current password.", "1081"},
	{"AADSTS50126", 0, "AADSTS50126", "Entra server code", PRT_CREDENTIALS,
	 "credential validation failed: invalid username or password",
	 "a wrong name or password typed at sign-in, or a new password not synchronised yet (password hash sync, "
	 "hybrid-joined device, password changed recently)",
	 "Wait for Entra Connect to synchronise the new password: the next PRT request then uses the new credential; "
	 "if it goes on, the password typed is wrong.", "1081"},
	{"FailedAuthentication", 0, "FailedAuthentication", "WS-Trust fault", PRT_CREDENTIALS,
	 "the federation server (e.g. AD FS) refused the credential the device sent to its WS-Trust endpoint",
	 "most likely a wrong or stale password: the user changed it and the device still sends the old one "
	 "(an inference; the AD FS attempts of the row are its evidence)",
	 "Have the user lock and unlock (or sign out and in) with the current password so that the device holds it; "
	 "the AD FS bad passwords of the row should then stop.", "1088; URL in the 1022 before it"},
};
enum { NCODES = sizeof table / sizeof table[0] };

static const struct prt_code *find_value(uint32_t v)
{
	for (size_t i = 0; i < NCODES; i++)
		if (!table[i].server && table[i].value == v)
			return &table[i];
	return NULL;
}

const struct prt_code *prt_code_find(uint32_t v)
{
	const struct prt_code *c = find_value(v);
	if (c)
		return c;
	if ((v & 0xFFFF0000u) == 0x80070000u && (v & 0xFFFFu) >= 12000 && (v & 0xFFFFu) < 12200)
		return find_value(v & 0xFFFFu);          /* HRESULT_FROM_WIN32 of a WinHTTP error */
	if ((v & 0xFFFF0000u) == 0x80040000u)
		return find_value(v | 0x40000000u);      /* the 0x8004 form of a 0xC004 CloudAP code */
	return NULL;
}

const struct prt_code *prt_server_code_find(const char *code)
{
	if (!code || !*code)
		return NULL;
	bool digits = code[strspn(code, "0123456789")] == 0;
	for (size_t i = 0; i < NCODES; i++) {
		const char *s = table[i].server;
		if (s && (!strcasecmp(s, code) || (digits && !strncmp(s, "AADSTS", 6) && !strcmp(s + 6, code))))
			return &table[i];
	}
	return NULL;
}

unsigned prt_aadsts(const char *text)
{
	for (const char *p = text ? strstr(text, "AADSTS") : NULL; p; p = strstr(p + 6, "AADSTS"))
		if (p[6] >= '0' && p[6] <= '9') {
			unsigned long n = strtoul(p + 6, NULL, 10);
			return n > 0 && n < 10000000 ? (unsigned)n : 0;
		}
	return 0;
}

static bool is_hex(char c) { return (c >= '0' && c <= '9') || ((c | 32) >= 'a' && (c | 32) <= 'f'); }

/* Up to 8 hex digits and nothing else. */
static bool parse_hex(const char *s, size_t n, uint32_t *v)
{
	if (!n || n > 8)
		return false;
	uint32_t x = 0;
	for (size_t i = 0; i < n; i++) {
		if (!is_hex(s[i]))
			return false;
		x = x * 16 + (uint32_t)(s[i] <= '9' ? s[i] - '0' : (s[i] | 32) - 'a' + 10);
	}
	*v = x;
	return true;
}

bool prt_code_parse(const char *text, uint32_t *value)
{
	while (*text == ' ' || *text == '\t')
		text++;
	size_t n = strlen(text);
	while (n && (text[n - 1] == ' ' || text[n - 1] == '\t' || text[n - 1] == '\r' || text[n - 1] == '\n'))
		n--;
	if (n > 2 && text[0] == '0' && (text[1] | 32) == 'x')
		return parse_hex(text + 2, n - 2, value);
	bool negative = n && text[0] == '-';
	size_t k = negative, digits = 0;
	unsigned long long x = 0;
	for (; k < n && text[k] >= '0' && text[k] <= '9' && x <= 0xFFFFFFFFull; k++, digits++)
		x = x * 10 + (unsigned)(text[k] - '0');
	if (digits && k == n && (negative ? x <= 0x80000000ull : x <= 0xFFFFFFFFull)) {
		*value = negative ? (uint32_t)(0u - (uint32_t)x) : (uint32_t)x;
		return true;
	}
	return !negative && strcspn(text, "abcdefABCDEF") < n && parse_hex(text, n, value);
}

const struct prt_code *prt_code_explain(const char *text)
{
	uint32_t v;
	const struct prt_code *c = prt_server_code_find(text);
	if (!c && prt_code_parse(text, &v))
		c = prt_code_find(v);
	return c;
}

/* 0x and 8 upper-case hex digits. */
static void hex8(struct strbuf *out, uint32_t v)
{
	static const char hex[] = "0123456789ABCDEF";
	sb_adds(out, "0x");
	for (int shift = 28; shift >= 0; shift -= 4)
		sb_addc(out, hex[(v >> shift) & 15]);
}

void prt_code_text(struct strbuf *out, uint32_t v)
{
	if (v && v < 0x10000)
		sb_add_u64(out, v);
	else
		hex8(out, v);
}

/* The forms a numeric code is written in: hex, signed and unsigned decimal, and those of its HRESULT or 0x8004
 * twin. */
static void forms(struct strbuf *out, const struct prt_code *c)
{
	uint32_t v = c->value, alt = 0;
	if (v >= 12000 && v < 12200)
		alt = 0x80070000u | v;
	else if ((v & 0xFFFF0000u) == 0xC0040000u)
		alt = v & ~0x40000000u;
	for (int i = 0; i < (alt ? 2 : 1); i++) {
		uint32_t x = i ? alt : v;
		sb_adds(out, i ? "; also " : "");
		hex8(out, x);
		sb_adds(out, " = ");
		sb_add_i64(out, (int32_t)x);
		if ((int32_t)x < 0) {
			sb_adds(out, " = ");
			sb_add_u64(out, x);
		}
	}
}

void prt_code_describe(struct strbuf *out, const struct prt_code *c)
{
	sb_adds(out, c->name);
	sb_adds(out, " (");
	sb_adds(out, c->group);
	sb_adds(out, ")\n");
	if (!c->server) {
		sb_adds(out, "  written as:  ");
		forms(out, c);
		sb_addc(out, '\n');
	}
	const char *labels[] = {"  category:    ", "  meaning:     ", "  causes:      ", "  what to do:  ", "  detail in:   "};
	const char *values[] = {prt_category_name(c->category), c->meaning, c->causes, c->fix, c->detail};
	for (size_t i = 0; i < 5; i++)
		if (*values[i]) {
			sb_adds(out, labels[i]);
			sb_adds(out, values[i]);
			sb_addc(out, '\n');
		}
}
