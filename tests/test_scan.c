/* test_scan.c: the pieces of scan: IP parsing, formatting, classes and CIDR; outcome rules and localized message tables; what
 * a 411 says about the user (cmocka). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#ifdef _WIN32
#include <ws2tcpip.h>
#else
#include <arpa/inet.h>
#endif

#include "badcreds/attempt.h"
#include "badcreds/ip.h"

static struct ip_addr ip(const char *s)
{
	struct ip_addr a;
	assert_true(ip_parse(s, strlen(s), &a));
	return a;
}

static const char *fmt(const char *s)
{
	static char out[64];
	struct ip_addr a = ip(s);
	ip_format(&a, out);
	return out;
}

static void addresses(void **state)
{
	(void)state;
	struct ip_addr a;
	assert_string_equal(fmt("203.0.113.5"), "203.0.113.5");
	assert_string_equal(fmt(" [2001:DB8:0:0::1234] "), "2001:db8::1234");
	assert_string_equal(fmt("198.51.100.7:50123"), "198.51.100.7");
	assert_string_equal(fmt("::ffff:10.23.123.11"), "10.23.123.11"); /* 4771's IpAddress form */
	assert_string_equal(fmt("fe80::1%12"), "fe80::1");
	assert_false(ip_parse("N/A", 3, &a));
	assert_false(ip_parse("-", 1, &a));
	assert_false(ip_parse("", 0, &a));
	assert_false(ip_parse("300.1.1.1", 9, &a));
	a = ip("10.1.2.3"), assert_string_equal(ip_class(&a), "private");
	a = ip("172.31.0.1"), assert_string_equal(ip_class(&a), "private");
	a = ip("172.32.0.1"), assert_string_equal(ip_class(&a), "public");
	a = ip("192.168.1.1"), assert_string_equal(ip_class(&a), "private");
	a = ip("127.0.0.1"), assert_string_equal(ip_class(&a), "loopback");
	a = ip("169.254.3.4"), assert_string_equal(ip_class(&a), "link-local");
	a = ip("::1"), assert_string_equal(ip_class(&a), "loopback");
	a = ip("fe80::5"), assert_string_equal(ip_class(&a), "link-local");
	a = ip("fd00::5"), assert_string_equal(ip_class(&a), "private");
	a = ip("2001:db8::1234"), assert_string_equal(ip_class(&a), "public");
}

/* IPv4 addresses are formatted without inet_ntop: the same text for every octet value in every place, and for
 * 100,000 random addresses. */
static void v4_as_inet_ntop(void **state)
{
	(void)state;
	uint32_t seed = 1;
	for (unsigned i = 0; i < 4 * 256 + 100000; i++) {
		uint8_t v[4] = {1, 22, 133, 4};
		if (i < 4 * 256)
			v[i / 256] = (uint8_t)(i % 256);
		else
			for (int k = 0; k < 4; k++)
				v[k] = (uint8_t)((seed = seed * 1103515245u + 12345u) >> 16);
		struct ip_addr a = {.v4 = true, .bytes = {[10] = 0xff, [11] = 0xff}};
		memcpy(a.bytes + 12, v, 4);
		char ours[64], theirs[64];
		ip_format(&a, ours);
		assert_non_null(inet_ntop(AF_INET, v, theirs, sizeof theirs));
		assert_string_equal(ours, theirs);
	}
}

static void networks(void **state)
{
	(void)state;
	struct cidr c;
	struct ip_addr a;
	assert_true(cidr_parse("10.0.0.0/8", &c));
	a = ip("10.200.1.1"), assert_true(cidr_contains(&c, &a));
	a = ip("11.0.0.1"), assert_false(cidr_contains(&c, &a));
	a = ip("::ffff:10.0.0.9"), assert_true(cidr_contains(&c, &a));
	assert_true(cidr_parse("2001:db8::/32", &c));
	a = ip("2001:db8:ffff::1"), assert_true(cidr_contains(&c, &a));
	a = ip("2001:db9::1"), assert_false(cidr_contains(&c, &a));
	assert_true(cidr_parse("203.0.113.7", &c));
	a = ip("203.0.113.7"), assert_true(cidr_contains(&c, &a));
	a = ip("203.0.113.8"), assert_false(cidr_contains(&c, &a));
	assert_true(cidr_parse("172.16.0.0/12", &c));
	a = ip("172.31.255.255"), assert_true(cidr_contains(&c, &a));
	assert_false(cidr_parse("10.0.0.0/33", &c));
	assert_false(cidr_parse("10.0.0.0/", &c));
	assert_false(cidr_parse("nonsense", &c));
}

static void collect(void *ctx, const struct ip_addr *a)
{
	char t[64];
	ip_format(a, t);
	strcat(ctx, t);
	strcat(ctx, "|");
}

static void lists(void **state)
{
	(void)state;
	char out[256] = "";
	ip_list_each("2001:db8::1234,40.92.0.10; N/A - 10.0.0.1", collect, out);
	assert_string_equal(out, "2001:db8::1234|40.92.0.10|10.0.0.1|");
}

/* ASCII text goes through the tables' ASCII alternatives (outcome.c): the same text with a non-ASCII word after it
 * (which no message ends with) goes through the whole tables, and must say the same, on random texts of message
 * pieces in every language, mixed case, user names and line breaks. */
static void outcomes_ascii_path(void **state)
{
	(void)state;
	static const char *const pieces[] = {
		"The user name or password is incorrect", "account is currently locked out", "account has been disabled",
		"password for this account has expired", "Das Konto ist zurzeit gesperrt", "Kennwort ist abgelaufen",
		"nom d'utilisateur ou le mot de passe est incorrect", "Benutzername oder Kennwort ist falsch",
		"Konto ist deaktiviert", "compte est desactive", "user7@contoso.com-", "MSIS7068: ", "\n", " ", "xyz",
		"password is", "locked", "nombre de usuario o contrasena son incorrectos",
	};
	uint32_t r = 2463534242u;
	char text[600];
	for (int round = 0; round < 5000; round++) {
		size_t len = 0;
		for (int k = (int)(r % 5) + 1; k > 0; k--) {
			r ^= r << 13, r ^= r >> 17, r ^= r << 5;
			const char *p = pieces[r % (sizeof pieces / sizeof *pieces)];
			for (; *p && len < 500; p++) { /* some letters in the other case */
				r ^= r << 13, r ^= r >> 17, r ^= r << 5;
				char c = *p;
				text[len++] = r % 7 == 0 && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) ? (char)(c ^ 0x20) : c;
			}
		}
		text[len] = 0;
		enum outcome ascii = outcome_from_text(text);
		strcpy(text + len, " \xc3\xa9t\xc3\xa9");
		assert_int_equal(outcome_from_text(text), ascii);
	}
}

static void outcomes(void **state)
{
	(void)state;
	assert_int_equal(outcome_from_status(0xC000006D, 0xC000006A), OUTCOME_BAD_PASSWORD);
	assert_int_equal(outcome_from_status(0xC000006D, 0xC0000064), OUTCOME_UNKNOWN_USER);
	assert_int_equal(outcome_from_status(0xC0000234, 0), OUTCOME_AD_LOCKED_OUT);
	assert_int_equal(outcome_from_status(0xC000006E, 0xC0000072), OUTCOME_DISABLED);
	assert_int_equal(outcome_from_status(0xC000006E, 0xC000006F), OUTCOME_RESTRICTED);
	assert_int_equal(outcome_from_status(0xC000006D, 0xC0000071), OUTCOME_EXPIRED);
	assert_int_equal(outcome_from_status(0xC0000133, 0), OUTCOME_OTHER);
	assert_int_equal(outcome_from_reason("%%2307"), OUTCOME_AD_LOCKED_OUT);
	assert_int_equal(outcome_from_reason("%%2310"), OUTCOME_DISABLED);
	assert_int_equal(outcome_from_reason("x"), OUTCOME_NONE);
	assert_int_equal(outcome_from_text("a-The user name or password is incorrect"), OUTCOME_BAD_PASSWORD);
	assert_int_equal(outcome_from_text("a-Le nom d'utilisateur ou le mot de passe est incorrect"), OUTCOME_BAD_PASSWORD);
	assert_int_equal(outcome_from_text("a-Der Benutzername oder das Kennwort ist falsch"), OUTCOME_BAD_PASSWORD);
	assert_int_equal(outcome_from_text("a-El nombre de usuario o la contrase\xc3\xb1" "a no son correctos"),
			 OUTCOME_BAD_PASSWORD);
	assert_int_equal(outcome_from_text("a-\xe3\x83\xa6\xe3\x83\xbc\xe3\x82\xb6\xe3\x83\xbc\xe5\x90\x8d\xe3\x81\xbe"
					   "\xe3\x81\x9f\xe3\x81\xaf\xe3\x83\x91\xe3\x82\xb9\xe3\x83\xaf\xe3\x83\xbc"
					   "\xe3\x83\x89\xe3\x81\x8c\xe6\xad\xa3\xe3\x81\x97\xe3\x81\x8f\xe3\x81\x82"
					   "\xe3\x82\x8a\xe3\x81\xbe\xe3\x81\x9b\xe3\x82\x93"),
			 OUTCOME_BAD_PASSWORD);
	assert_int_equal(outcome_from_text("The referenced account is currently locked out and may not be logged on to"),
			 OUTCOME_AD_LOCKED_OUT);
	assert_int_equal(outcome_from_text("Le compte r\xc3\xa9" "f\xc3\xa9" "renc\xc3\xa9 est actuellement verrouill"
					   "\xc3\xa9"), OUTCOME_AD_LOCKED_OUT);
	assert_int_equal(outcome_from_text("Das Konto ist derzeit gesperrt"), OUTCOME_AD_LOCKED_OUT);
	assert_int_equal(outcome_from_text("La cuenta a la que se hace referencia est\xc3\xa1 bloqueada"), OUTCOME_AD_LOCKED_OUT);
	assert_int_equal(outcome_from_text("alice@contoso.com"), OUTCOME_NONE);
	/* the table that comes first in precedence wins wherever it is in the text; case does not matter; a message
	 * after non-ASCII text is still found */
	assert_int_equal(outcome_from_text("bob-The user name or password is incorrect\nWin32Exception: The account "
					   "is currently disabled"), OUTCOME_DISABLED);
	assert_int_equal(outcome_from_text("\xe3\x83\xa6 USER NAME OR PASSWORD IS INCORRECT; password has expired; "
					   "account is currently locked out"), OUTCOME_AD_LOCKED_OUT);
	assert_int_equal(outcome_from_text("Kennwort ist abgelaufen und Benutzername oder Kennwort falsch"),
			 OUTCOME_EXPIRED);
	assert_int_equal(outcome_parse("ad_locked_out", 13), OUTCOME_AD_LOCKED_OUT);
	assert_int_equal(outcome_parse("nope", 4), OUTCOME_NONE);
}

/* A classic AD FS audit as the event builder would hand it over: its Data items by position. */
static bool adfs_fact(uint32_t id, const char *const *texts, uint32_t n, struct arena *a, struct fact *f)
{
	static struct event_data items[12];
	for (uint32_t i = 0; i < n; i++)
		items[i] = (struct event_data){.name = "", .value = {.type = EVTX_UTF8, .size = (uint32_t)strlen(texts[i]),
								     .data = (const uint8_t *)texts[i]}};
	struct event ev = {.has = EV_HAS_EVENT_ID, .event_id = id, .data = items, .ndata = n};
	ev.provider_name = (struct evtx_value){.type = EVTX_UTF8, .size = 14, .data = (const uint8_t *)"AD FS Auditing"};
	ev.computer = (struct evtx_value){.type = EVTX_UTF8, .size = 6, .data = (const uint8_t *)"ADFS01"};
	return fact_from_event(&ev, a, f);
}

static bool fact_411(const char *data2, const char *data3, struct arena *a, struct fact *f)
{
	const char *texts[5] = {"2f2b1c7d-0000-4000-8000-000000000001",
				"http://schemas.microsoft.com/ws/2006/05/identitymodel/tokens/UserName", data2, data3,
				"203.0.113.5"};
	return adfs_fact(411, texts, 5, a, f);
}

/* A 403 whose query (Data[6]) is `query`: the relying party it names, or NULL. */
static const char *relying_party_403(const char *query, struct arena *a)
{
	const char *texts[11] = {"2f2b1c7d-0000-4000-8000-000000000002", "2f2b1c7d-0000-4000-8000-000000000003",
				 "2026-11-20 08:00:00", "203.0.113.5", "GET", "/adfs/ls/", query, "443", "10.0.0.5",
				 "Mozilla/5.0", "0"};
	struct fact f;
	assert_true(adfs_fact(403, texts, 11, a, &f));
	return f.relying_party;
}

static void relying_parties(void **state)
{
	(void)state;
	struct arena a = {0};
	assert_string_equal(relying_party_403("?wa=wsignin1.0&wtrealm=urn%3afederation%3aMicrosoftOnline&wctx=x", &a),
			    "urn:federation:MicrosoftOnline");
	assert_string_equal(relying_party_403("client_id=c1&resource=https%3A%2F%2Fapp.contoso.com%2Fa+b", &a),
			    "https://app.contoso.com/a b");
	assert_string_equal(relying_party_403("?LoginToRP=urn:app&wtrealm=", &a), "urn:app");
	/* decoding that would give a NUL or bytes that are not UTF-8 leaves the value as it is */
	assert_string_equal(relying_party_403("wtrealm=x%00y", &a), "x%00y");
	assert_string_equal(relying_party_403("wtrealm=%FF%FE", &a), "%FF%FE");
	assert_string_equal(relying_party_403("wtrealm=caf%C3%A9%2", &a), "caf\xc3\xa9%2");
	assert_null(relying_party_403("wa=wsignout1.0", &a));
	assert_null(relying_party_403("", &a));
	const char *issued[4] = {"2f2b1c7d-0000-4000-8000-000000000002", "2f2b1c7d-0000-4000-8000-000000000003",
				 "http://schemas.microsoft.com/ws/2006/05/identitymodel/tokens/UserName",
				 "urn:federation:MicrosoftOnline"};
	struct fact f;
	assert_true(adfs_fact(412, issued, 4, &a, &f));
	assert_string_equal(f.relying_party, "urn:federation:MicrosoftOnline");
	arena_free(&a);
}

static void users(void **state)
{
	(void)state;
	struct arena a = {0};
	struct fact f;
	assert_true(fact_411("bob.o-neil@contoso-corp.com-The user name or password is incorrect",
			     "System.IdentityModel.Tokens.SecurityTokenValidationException: bob.o-neil@contoso-corp.com "
			     "---> System.ComponentModel.Win32Exception: The user name or password is incorrect",
			     &a, &f));
	assert_string_equal(f.user, "bob.o-neil@contoso-corp.com");
	assert_string_equal(f.user_guess, "bob.o-neil@contoso-corp.com");
	assert_string_equal(f.activity, "2f2b1c7d-0000-4000-8000-000000000001");
	/* no user in the exception: the message is cut off, hyphens in the name survive */
	assert_true(fact_411("jean-luc-The referenced account is currently locked out and may not be logged on to", "",
			     &a, &f));
	assert_null(f.user);
	assert_string_equal(f.user_guess, "jean-luc");
	/* an unknown message: split only where prose follows */
	assert_true(fact_411("jean-luc-Some message nobody translated", "", &a, &f));
	assert_string_equal(f.user_guess, "jean-luc");
	assert_true(fact_411("CONTOSO\\svc-sql", "", &a, &f));
	assert_string_equal(f.user_guess, "CONTOSO\\svc-sql");
	assert_true(fact_411("marie@fabrikam.fr-Le nom d'utilisateur ou le mot de passe est incorrect", "", &a, &f));
	assert_string_equal(f.user_guess, "marie@fabrikam.fr");
	arena_free(&a);
	outcome_free();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(addresses), cmocka_unit_test(v4_as_inet_ntop), cmocka_unit_test(networks), cmocka_unit_test(lists),
		cmocka_unit_test(outcomes), cmocka_unit_test(outcomes_ascii_path), cmocka_unit_test(users), cmocka_unit_test(relying_parties),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
