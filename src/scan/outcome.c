/* outcome.c: outcome buckets from status codes, FailureReason tokens and, last, localized Win32 message tables
 * matched with PCRE2 (English, French, German, Spanish, Japanese). */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "badcreds/outcome.h"

#include <pcre2.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "badcreds/strbuf.h"

static const char *const names[OUTCOME_COUNT] = {
	"", "bad_password", "ad_locked_out", "extranet_locked_out", "unknown_user", "disabled", "expired", "restricted", "other",
};

const char *outcome_name(enum outcome o) { return o < OUTCOME_COUNT ? names[o] : "other"; }

enum outcome outcome_parse(const char *name, size_t len)
{
	for (int i = 1; i < OUTCOME_COUNT; i++)
		if (strlen(names[i]) == len && strncmp(names[i], name, len) == 0)
			return (enum outcome)i;
	return OUTCOME_NONE;
}

enum outcome outcome_from_status(uint32_t status, uint32_t substatus)
{
	/* the umbrella codes (bad user name or authentication information; account restriction) defer to SubStatus */
	uint32_t code = (status == 0xC000006D || status == 0xC000006E) && substatus ? substatus : status;
	switch (code) {
	case 0xC000006A: return OUTCOME_BAD_PASSWORD;
	case 0xC0000064: return OUTCOME_UNKNOWN_USER;
	case 0xC0000234: return OUTCOME_AD_LOCKED_OUT;
	case 0xC0000072: return OUTCOME_DISABLED;
	case 0xC000006F: case 0xC0000070: case 0xC000006E: case 0xC000015B: case 0xC0000413: return OUTCOME_RESTRICTED;
	case 0xC0000071: case 0xC0000224: case 0xC0000193: return OUTCOME_EXPIRED;
	case 0xC000006D: return OUTCOME_BAD_PASSWORD; /* umbrella code without a SubStatus */
	default: return OUTCOME_OTHER;
	}
}

enum outcome outcome_from_reason(const char *token)
{
	static const struct { const char *token; enum outcome o; } reasons[] = {
		{"%%2307", OUTCOME_AD_LOCKED_OUT}, {"%%2313", OUTCOME_BAD_PASSWORD}, {"%%2310", OUTCOME_DISABLED},
		{"%%2309", OUTCOME_EXPIRED},    {"%%2305", OUTCOME_EXPIRED},      {"%%2311", OUTCOME_RESTRICTED},
		{"%%2312", OUTCOME_RESTRICTED}, {"%%2308", OUTCOME_RESTRICTED},
	};
	for (size_t i = 0; token && i < sizeof reasons / sizeof reasons[0]; i++)
		if (strcmp(token, reasons[i].token) == 0)
			return reasons[i].o;
	return OUTCOME_NONE;
}

/* Win32 messages AD FS puts in 411 events, by outcome; the order is the order of precedence. */
static const struct { enum outcome o; const char *pattern; } tables[] = {
	{OUTCOME_AD_LOCKED_OUT,
	 "account is currently locked out"
	 "|compte r\xc3\xa9" "f\xc3\xa9" "renc\xc3\xa9 est actuellement verrouill\xc3\xa9"
	 "|Konto ist (zurzeit |derzeit )?gesperrt"
	 "|cuenta (a la que se hace referencia )?est\xc3\xa1 bloqueada"
	 "|\xe3\x83\xad\xe3\x83\x83\xe3\x82\xaf\xe3\x82\xa2\xe3\x82\xa6\xe3\x83\x88\xe3\x81\x95\xe3\x82\x8c\xe3\x81\xa6"},
	{OUTCOME_DISABLED,
	 "account is currently disabled|account has been disabled"
	 "|compte est (actuellement )?d\xc3\xa9sactiv\xc3\xa9"
	 "|Konto ist (zurzeit |derzeit )?deaktiviert"
	 "|cuenta est\xc3\xa1 deshabilitada"
	 "|\xe3\x82\xa2\xe3\x82\xab\xe3\x82\xa6\xe3\x83\xb3\xe3\x83\x88\xe3\x81\xaf\xe7\x84\xa1\xe5\x8a\xb9"},
	{OUTCOME_EXPIRED,
	 "password (for this account )?has expired|password has expired"
	 "|mot de passe (de ce compte )?a expir\xc3\xa9"
	 "|Kennwort ist abgelaufen"
	 "|contrase\xc3\xb1" "a ha (expirado|caducado)"
	 "|\xe3\x83\x91\xe3\x82\xb9\xe3\x83\xaf\xe3\x83\xbc\xe3\x83\x89\xe3\x81\xae\xe6\x9c\x89\xe5\x8a\xb9\xe6\x9c\x9f"
	 "\xe9\x99\x90\xe3\x81\x8c\xe5\x88\x87\xe3\x82\x8c"},
	{OUTCOME_BAD_PASSWORD,
	 "user name or password is incorrect"
	 "|nom d.utilisateur ou (le )?mot de passe (est )?incorrect"
	 "|Benutzername oder (das )?Kennwort (ist )?falsch"
	 "|nombre de usuario o (la )?contrase\xc3\xb1" "a (no son correctos|son incorrectos|es incorrecta)"
	 "|\xe3\x83\xa6\xe3\x83\xbc\xe3\x82\xb6\xe3\x83\xbc\xe5\x90\x8d\xe3\x81\xbe\xe3\x81\x9f\xe3\x81\xaf\xe3\x83\x91"
	 "\xe3\x82\xb9\xe3\x83\xaf\xe3\x83\xbc\xe3\x83\x89\xe3\x81\x8c\xe6\xad\xa3\xe3\x81\x97\xe3\x81\x8f\xe3\x81\x82"
	 "\xe3\x82\x8a\xe3\x81\xbe\xe3\x81\x9b\xe3\x82\x93"},
};

enum { NTABLES = sizeof tables / sizeof tables[0] };
static pcre2_code *compiled[NTABLES];
static pcre2_code *ascii_only[NTABLES]; /* each table's ASCII alternatives, byte by byte: for ASCII text, which only
					  * they can match, as no non-ASCII letter of the tables has an ASCII case
					  * (most 411 texts are ASCII; matching as UTF-8 was most of the cost) */
static pcre2_code *suffix; /* "-<any known message>..." at the end of 411 Data[2] */

static pcre2_code *compile(const char *pattern, uint32_t options)
{
	int err;
	PCRE2_SIZE off;
	pcre2_code *re = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED, PCRE2_CASELESS | options, &err, &off,
				       NULL);
	if (!re)
		abort(); /* the patterns are constants: a failure is a bug */
	pcre2_jit_compile(re, PCRE2_JIT_COMPLETE);
	return re;
}

/* The top-level alternatives of a table's pattern that are all ASCII, as one pattern (every table has some). */
static void ascii_alternatives(struct strbuf *out, const char *pattern)
{
	int depth = 0;
	const char *start = pattern;
	for (const char *p = pattern;; p++) {
		if (*p == '(')
			depth++;
		else if (*p == ')')
			depth--;
		if (*p && (*p != '|' || depth))
			continue;
		bool ascii = true;
		for (const char *q = start; q < p; q++)
			ascii &= (unsigned char)*q < 0x80;
		if (ascii) {
			sb_adds(out, out->len ? "|" : "");
			sb_add(out, start, (size_t)(p - start));
		}
		if (!*p)
			return;
		start = p + 1;
	}
}

void outcome_init(void)
{
	if (compiled[0])
		return;
	/* the message follows the "-" after at most three short words ("The referenced", "Le", Japanese runs) */
	struct strbuf all = {0};
	sb_adds(&all, "-(?:[^\\s@-]{1,20}\\s?){0,3}?(?:");
	for (int i = 0; i < NTABLES; i++) {
		compiled[i] = compile(tables[i].pattern, PCRE2_UTF);
		struct strbuf ascii = {0};
		ascii_alternatives(&ascii, tables[i].pattern);
		ascii_only[i] = compile(sb_cstr(&ascii), 0);
		sb_free(&ascii);
		sb_adds(&all, i ? "|" : "");
		sb_adds(&all, tables[i].pattern);
	}
	sb_addc(&all, ')');
	suffix = compile(sb_cstr(&all), PCRE2_UTF);
	sb_free(&all);
}

static bool find(pcre2_code *re, const char *text, size_t *start)
{
	pcre2_match_data *md = pcre2_match_data_create_from_pattern(re, NULL);
	int rc = pcre2_match(re, (PCRE2_SPTR)text, PCRE2_ZERO_TERMINATED, 0, 0, md, NULL);
	if (rc >= 0 && start)
		*start = pcre2_get_ovector_pointer(md)[0];
	pcre2_match_data_free(md);
	return rc >= 0;
}

/* The first table, in the order of precedence, whose pattern matches the text. Its UTF-8 is checked by the first
 * match only (text that is not UTF-8 matches no table); ASCII text goes through the tables' ASCII alternatives. */
enum outcome outcome_from_text(const char *text)
{
	if (!text)
		return OUTCOME_NONE;
	outcome_init();
	size_t len = 0;
	bool ascii = true;
	for (; text[len]; len++)
		ascii &= (unsigned char)text[len] < 0x80;
	pcre2_code *const *use = ascii ? ascii_only : compiled;
	pcre2_match_data *md = pcre2_match_data_create(1, NULL);
	enum outcome o = OUTCOME_NONE;
	for (int i = 0; i < NTABLES && o == OUTCOME_NONE; i++) {
		int rc = pcre2_match(use[i], (PCRE2_SPTR)text, len, 0, i || ascii ? PCRE2_NO_UTF_CHECK : 0, md, NULL);
		if (rc >= 0 || rc == PCRE2_ERROR_NOMATCH)
			o = rc >= 0 ? tables[i].o : OUTCOME_NONE;
		else
			break; /* not UTF-8 */
	}
	pcre2_match_data_free(md);
	return o;
}

bool outcome_message_suffix(const char *text, size_t *user_len)
{
	outcome_init();
	return find(suffix, text, user_len);
}

void outcome_free(void)
{
	for (int i = 0; i < NTABLES; i++) {
		pcre2_code_free(compiled[i]);
		pcre2_code_free(ascii_only[i]);
		compiled[i] = ascii_only[i] = NULL;
	}
	pcre2_code_free(suffix);
	suffix = NULL;
}
