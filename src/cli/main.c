/* main.c: badcreds entry point: picks the command (scan when none is named, unless the first word looks like a
 * mistyped command, or a mistyped --version) and reports the version. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "badcreds/compat.h"
#include "badcreds/text.h"
#include "cli.h"

extern const struct cli_command scan_command, summary_command, trace_command, lockouts_command, dump_command,
	query_command;
extern const struct cli_command coverage_command, prt_command;

static const struct cli_command *const commands[] = {&scan_command, &summary_command, &trace_command,
						    &lockouts_command, &dump_command, &query_command,
						    &coverage_command, &prt_command};

static void usage(FILE *out)
{
	fputs("usage: badcreds [COMMAND] [options] SOURCE...\n\ncommands:\n", out);
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
		fprintf(out, "  %-10s ", commands[i]->name);
		cli_help_wrap(out, commands[i]->summary, 13, 13);
	}
	fputs("\n'badcreds COMMAND --help' (or 'badcreds help COMMAND') lists its options;\n"
	      "badcreds(1) documents them all. 'badcreds --version' prints the version.\n", out);
}

/* The command that `arg` begins, else the nearest within two edits, else NULL. */
static const char *nearest_command(const char *arg)
{
	const char *near = NULL;
	unsigned fewest = 3;
	for (size_t i = 0; i < sizeof commands / sizeof commands[0] && fewest; i++) {
		unsigned e = strncasecmp(commands[i]->name, arg, strlen(arg)) ? cli_edits(arg, commands[i]->name) : 0;
		if (e < fewest) {
			fewest = e;
			near = commands[i]->name;
		}
	}
	return near;
}

/* A first argument that is a plain word naming no file was meant as a command (badcreds summery DIR), not as a
 * SOURCE to scan: files and directories are taken as they are, and so is anything with a path's punctuation. */
static bool mistyped_command(const char *arg)
{
	for (const char *c = arg; *c; c++)
		if (!isalpha((unsigned char)*c))
			return false;
	struct stat st;
	if (!*arg || bc_stat(arg, &st) == 0)
		return false;
	const char *near = nearest_command(arg);
	if (near)
		fprintf(stderr, "badcreds: '%s' is neither a command nor a file (did you mean '%s'?)\n", arg, near);
	else
		fprintf(stderr, "badcreds: '%s' is neither a command nor a file (a live channel is channel:%s)\n", arg,
			arg);
	fputs("Try 'badcreds --help'.\n", stderr);
	return true;
}

int main(int argc, char **argv)
{
	bc_binary_stdio();
	bc_utf8_args(&argc, &argv);
#ifdef _WIN32
	if (argc < 2) /* on an AD FS server: the last day of the local Security log (see selection_parse) */
		return scan_command.run(&scan_command, argc, argv);
#else
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
#endif
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) { /* a file: ./help */
		for (size_t i = 0; argc > 2 && i < sizeof commands / sizeof commands[0]; i++)
			if (!strcmp(argv[2], commands[i]->name)) /* badcreds --help scan: as badcreds scan --help */
				return commands[i]->run(commands[i], 2, (char *[]){argv[2], "--help", NULL});
		if (argc > 2) { /* badcreds help nonsense: shown as typed, its control characters made visible */
			const char *near = *argv[2] ? nearest_command(argv[2]) : NULL;
			struct strbuf shown = {0};
			text_visible_str(&shown, argv[2]);
			if (near) {
				fprintf(stderr, "badcreds: no command '%s' (did you mean '%s'?)\n", sb_cstr(&shown), near);
				fputs("Try 'badcreds --help'.\n", stderr);
			} else {
				fprintf(stderr, "badcreds: no command '%s'\n", sb_cstr(&shown));
				usage(stderr);
			}
			sb_free(&shown);
			return EXIT_USAGE;
		}
		usage(stdout);
		return EXIT_OK;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("badcreds %s\n", BADCREDS_VERSION);
		return EXIT_OK;
	}
	if (!strncmp(argv[1], "--", 2) && cli_edits(argv[1] + 2, "version") < 3) { /* --verison: not scan's option */
		struct strbuf shown = {0};
		text_visible_str(&shown, argv[1]);
		fprintf(stderr, "badcreds: unknown option '%s' (did you mean '--version'?)\nTry 'badcreds --help'.\n",
			sb_cstr(&shown));
		sb_free(&shown);
		return EXIT_USAGE;
	}
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		if (!strcmp(argv[1], commands[i]->name))
			return commands[i]->run(commands[i], argc - 1, argv + 1);
	if (mistyped_command(argv[1]))
		return EXIT_USAGE;
	/* no command named: scan, with everything as its arguments */
	return scan_command.run(&scan_command, argc, argv);
}
