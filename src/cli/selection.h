/* selection.h: what scan and summary share: the options that choose inputs and attempts, and reading the
 * SOURCEs into correlated, filtered attempts. */
#ifndef BADCREDS_SELECTION_H
#define BADCREDS_SELECTION_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "badcreds/attempt.h"
#include "badcreds/ip.h"
#include "badcreds/source.h"
#include "cli.h"

enum {
	SEL_PAST_DAYS = 512, SEL_PAST_HOURS, SEL_SINCE, SEL_UNTIL, SEL_IP, SEL_EXCLUDE_IP, SEL_OUTCOME,
	SEL_USER = 'u', SEL_THREADS = 'j', SEL_QUIET = 'q',
	SEL_MAX_CIDRS = 64,
};

extern const struct cli_option selection_options[];
extern const size_t selection_noptions;

struct selection {
	int64_t since, until;            /* FILETIME ticks; INT64_MIN / INT64_MAX when open */
	pcre2_code *user_re;
	struct cidr ips[SEL_MAX_CIDRS], excluded[SEL_MAX_CIDRS];
	unsigned nips, nexcluded;
	bool outcomes[OUTCOME_COUNT], any_outcome;
	unsigned threads;
	bool quiet;
	/* results */
	struct correlator *corr;
	struct attempt *kept;
	size_t nkept;
	struct diag diag;
	struct source_stats stats;
};

void selection_init(struct selection *s);
/* A shared option: 1 if handled, 0 if not one of them, -1 after a usage error (already reported). */
int selection_option(struct selection *s, const struct cli_command *cmd, int opt, const char *arg);
/* Checks what the options say together; EXIT_OK or EXIT_USAGE (reported). */
int selection_check(const struct selection *s, const struct cli_command *cmd, int nsources);
/* Reads, correlates and filters; the attempts are in s->kept (time order). */
void selection_collect(struct selection *s, char **sources, int nsources);
void selection_free(struct selection *s);

size_t count_distinct_users(const struct attempt *a, size_t n);
size_t count_distinct_ips(const struct attempt *a, size_t n);

#endif
