/* outcome.h: why an attempt failed, decided without relying on English text where the logs allow it. */
#ifndef BADCREDS_OUTCOME_H
#define BADCREDS_OUTCOME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum outcome {
	OUTCOME_NONE = 0,      /* not decided (yet) */
	OUTCOME_BAD_PASSWORD,
	OUTCOME_AD_LOCKED_OUT,        /* Active Directory refused: the account is locked (0xC0000234, %%2307, 411 text) */
	OUTCOME_EXTRANET_LOCKED_OUT,  /* AD FS refused without asking a DC: extranet lockout (516, 1210) */
	OUTCOME_UNKNOWN_USER,
	OUTCOME_DISABLED,
	OUTCOME_EXPIRED,
	OUTCOME_RESTRICTED,
	OUTCOME_OTHER,
	OUTCOME_COUNT,
};

const char *outcome_name(enum outcome o);
/* Either kind of lockout. */
static inline bool outcome_is_lockout(enum outcome o)
{
	return o == OUTCOME_AD_LOCKED_OUT || o == OUTCOME_EXTRANET_LOCKED_OUT;
}
enum outcome outcome_parse(const char *name, size_t len); /* OUTCOME_NONE if unknown */

/* 4625 Status / SubStatus (0xC000006D and 0xC000006E read the SubStatus). */
enum outcome outcome_from_status(uint32_t status, uint32_t substatus);
/* 4625 FailureReason tokens (%%2307 ...), locale-independent. */
enum outcome outcome_from_reason(const char *token);
/* Win32 message text in 411 events, in English, French, German, Spanish or Japanese: the last resort. */
enum outcome outcome_from_text(const char *text);
/* The length of a known message at the end of "user-message", 0 if none (for the user name). */
bool outcome_message_suffix(const char *text, size_t *user_len);

/* Compiles the patterns of the two functions above, which otherwise compile them on first use: call it before they
 * run on several threads at once. */
void outcome_init(void);
void outcome_free(void);

#endif
