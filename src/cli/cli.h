/* cli.h: commands and their options, each option declared once in a table that drives parsing and --help
 * (the man page documents the same names). */
#ifndef BADCREDS_CLI_H
#define BADCREDS_CLI_H

#include "badcreds/compat.h"
#include "badcreds/event_ids.h"
#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum exit_status {
	EXIT_OK = 0,
	EXIT_SKIPPED = 1,   /* done, but some input could not be read (named on stderr), or (scan, summary) the inputs
			     * cannot answer: selection_warn_unanswerable */
	EXIT_USAGE = 2,
	EXIT_OUTPUT = 3,    /* the output could not be written */
};

struct cli_option {
	const char *name;
	int key;            /* short option letter, or a value >= 256 for long-only options */
	const char *arg;    /* argument name, NULL for a flag */
	const char *help;
};

struct cli_command {
	const char *name;
	const char *args;   /* what follows the options in the synopsis */
	const char *summary;
	const struct cli_option *options;
	size_t noptions;
	const struct cli_option *shared;  /* options shared with other commands (selection.c), ending with a NULL
					   * name; or NULL */
	int (*run)(const struct cli_command *cmd, int argc, char **argv);
};

/* getopt_long over a command's table, every option of it (the arrays are sized from the table); cli_next returns
 * the option's key, -1 at the end, '?' on a usage error. cli_parser_free gives the arrays back. */
struct cli_parser {
	struct option *longopts;
	char *shortopts;
};
void cli_parser_init(struct cli_parser *p, const struct cli_command *cmd);
int cli_next(struct cli_parser *p, int argc, char **argv);
void cli_parser_free(struct cli_parser *p);

void cli_help(const struct cli_command *cmd, FILE *out);
/* Help text that fits a terminal of 80 columns: `text` written from column `col`, word by word, each line that would
 * pass HELP_WIDTH continued at column `indent` (a word longer than a line is written whole), then a line end. */
enum { HELP_WIDTH = 79 };
void cli_help_wrap(FILE *out, const char *text, size_t col, size_t indent);
int cli_usage_error(const struct cli_command *cmd, const char *fmt, ...) BC_PRINTF(2, 3);
/* Edits (insert, delete, replace one letter) from a to b, counted up to 3; for "did you mean". */
unsigned cli_edits(const char *a, const char *b);
/* "unknown option '--formt' (did you mean '--format'?)": a usage error naming the nearest long option of the command
 * within two edits, if any. */
int cli_unknown_option(const struct cli_command *cmd, const char *arg);

/* A list of event IDs and ranges: "4625,4771-4776". Windows event IDs are 16 bits. */
enum { EVENT_ID_MAX = 65535 };
struct id_list {
	uint32_t lo[64], hi[64];
	unsigned n;
};
bool id_list_parse(struct id_list *l, const char *text);
/* --event-id (dump, query): the list added to *l; 1, or -1 after a usage error. */
int cli_event_id_option(const struct cli_command *cmd, const char *arg, struct id_list *l);
bool id_list_has(const struct id_list *l, uint32_t id);
/* The list as a set of sorted, merged ranges, stored in `ranges` (room for 64). */
struct id_set id_list_set(const struct id_list *l, struct id_range *ranges);

/* --threads: 1 to 64. */
bool cli_parse_threads(const char *text, unsigned *out);
/* A size: "64G", "512M", "100k", "0"; K, M, G and T are powers of 1024. */
bool cli_parse_size(const char *text, uint64_t *out);
/* A duration: a number of minutes, or with s, m, h or d; into FILETIME ticks. */
bool cli_parse_duration(const char *text, int64_t *ticks);
/* --output (or --html): the pattern checked by out_name_expand (a bad one is a usage error, -1), then kept in *out
 * and noted for cli_outputs_apart; 1 when kept. */
int cli_output_option(const struct cli_command *cmd, const char *option, const char *arg, const char **out);
/* After the options: a usage error (EXIT_USAGE) when an output of this command line is one of the SOURCE files or
 * an EVTX log (the report would replace the evidence), or two outputs are one file or both standard output; -1 when
 * apart. */
int cli_outputs_apart(const struct cli_command *cmd, char **sources, int nsources);
/* A new command line: the outputs noted so far are forgotten (cli_parser_init does it). */
void cli_outputs_forget(void);
/* After the options: a usage error (EXIT_USAGE) when a SOURCE is channel: without a name; -1 when each has one. */
int cli_channels_named(const struct cli_command *cmd, char **sources, int nsources);
/* --remote HOST (dump and the selection's commands): one more server in remotes[*n] (room for max, the last NULL
 * after them), not an empty name; 1, or -1 after a usage error. */
int cli_remote_option(const struct cli_command *cmd, const char *arg, const char **remotes, unsigned *n,
		      unsigned max);
/* --tz utc|local (scan, summary, trace, lockouts): 1 taken, -1 a bad value (reported with cli_usage_error). */
int cli_tz_option(const struct cli_command *cmd, const char *arg, bool *local);
/* --format text|csv|jsonl of the row reports: *format an enum row_format; 1, or -1 after a usage error. */
int cli_format_option(const struct cli_command *cmd, const char *arg, int *format);
/* The format an output's name asks for when --format is not given: "csv" for NAME.csv, "jsonl" for NAME.jsonl or
 * NAME.json (either with .gz, any case), else NULL. */
const char *cli_format_of_name(const char *name);
/* `format` as cli_format_option set it, or -1 (not given): then FORMAT_CSV or FORMAT_JSONL when the output's name
 * asks for one, else -1 still (decided by where the rows go). */
int cli_format_or_name(int format, const char *output);

int cmd_dump(const struct cli_command *cmd, int argc, char **argv);
int cmd_scan(const struct cli_command *cmd, int argc, char **argv);
int cmd_summary(const struct cli_command *cmd, int argc, char **argv);
int cmd_trace(const struct cli_command *cmd, int argc, char **argv);
int cmd_query(const struct cli_command *cmd, int argc, char **argv);
int cmd_lockouts(const struct cli_command *cmd, int argc, char **argv);
int cmd_coverage(const struct cli_command *cmd, int argc, char **argv);
int cmd_prt(const struct cli_command *cmd, int argc, char **argv);

#endif
