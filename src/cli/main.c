/* main.c: badcreds entry point: picks the command (scan when none is named) and reports the version. */
#include <stdio.h>
#include <string.h>

#include "badcreds/compat.h"
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
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		fprintf(out, "  %-10s %s\n", commands[i]->name, commands[i]->summary);
	fputs("\n'badcreds COMMAND --help' lists a command's options; badcreds(1) documents them all.\n", out);
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
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage(stdout);
		return EXIT_OK;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("badcreds %s\n", BADCREDS_VERSION);
		return EXIT_OK;
	}
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		if (!strcmp(argv[1], commands[i]->name))
			return commands[i]->run(commands[i], argc - 1, argv + 1);
	/* no command named: scan, with everything as its arguments */
	return scan_command.run(&scan_command, argc, argv);
}
