/* outputs.c: the reports a command line names (--output, --html), checked before anything is read: a name that
 * cannot be a file, an output that would replace an event log (a SOURCE file, or an EVTX log wherever it is) and
 * two outputs that are one file are usage errors. */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "badcreds/compat.h"
#include "badcreds/report.h"
#include "badcreds/source.h"
#include "cli.h"

/* The outputs named on the command line being read (--output, --html), for cli_outputs_apart. */
static struct {
	const char *option;
	char name[4096];
} outputs[2];
static size_t noutputs;

void cli_outputs_forget(void) { noutputs = 0; }

int cli_output_option(const struct cli_command *cmd, const char *option, const char *arg, const char **out)
{
	char err[512], name[4096];
	if (!out_name_expand(arg, name, sizeof name, err, sizeof err))
		return cli_usage_error(cmd, "--%s: %s", option, err), -1;
	size_t i = 0;
	while (i < noutputs && strcmp(outputs[i].option, option))
		i++;
	if (i < sizeof outputs / sizeof outputs[0]) {
		outputs[i].option = option;
		snprintf(outputs[i].name, sizeof outputs[i].name, "%s", name);
		noutputs += i == noutputs;
	}
	*out = arg;
	return 1;
}

/* Whether two stat'ed paths are one file or directory (device and file number; volume and file index on Windows). */
static bool same_id(const char *a, const struct stat *sa, const char *b, const struct stat *sb)
{
	uint64_t ia[2], ib[2];
	return bc_file_id(a, sa, ia) && bc_file_id(b, sb, ib) && ia[0] == ib[0] && ia[1] == ib[1];
}

/* Whether an output and another path name the same existing regular file. A symbolic link at the output's name is
 * replaced, not followed (out_file.c): it names no file here. "-" is standard output or input, not a file. */
static bool same_file(const char *output, const char *b)
{
	struct stat sa, sb;
	return strcmp(output, "-") && strcmp(b, "-") && bc_lstat(output, &sa) == 0 && bc_stat(b, &sb) == 0 &&
	       S_ISREG(sa.st_mode) && S_ISREG(sb.st_mode) && same_id(output, &sa, b, &sb);
}

/* Whether two output names are one place, written or not yet: the same name in the same directory (./s.txt, s.txt). */
static bool same_place(const char *a, const char *b)
{
	if (!strcmp(a, b) || same_file(a, b))
		return true;
	const char *sa = strrchr(a, '/'), *sb = strrchr(b, '/');
#ifdef _WIN32
	const char *ba = strrchr(a, '\\'), *bb = strrchr(b, '\\');
	sa = ba && (!sa || ba > sa) ? ba : sa;
	sb = bb && (!sb || bb > sb) ? bb : sb;
#endif
	const char *na = sa ? sa + 1 : a, *nb = sb ? sb + 1 : b;
	if (strcmp(na, nb) || !strcmp(a, "-") || !strcmp(b, "-"))
		return false;
	char da[4096], db[4096];
	snprintf(da, sizeof da, "%.*s", sa ? (int)(sa - a + 1) : 1, sa ? a : ".");
	snprintf(db, sizeof db, "%.*s", sb ? (int)(sb - b + 1) : 1, sb ? b : ".");
	struct stat s1, s2;
	return bc_stat(da, &s1) == 0 && bc_stat(db, &s2) == 0 && same_id(da, &s1, db, &s2);
}

int cli_outputs_apart(const struct cli_command *cmd, char **sources, int nsources)
{
	for (size_t i = 0; i < noutputs; i++) {
		const char *name = outputs[i].name;
		for (int k = 0; k < nsources; k++)
			if (same_file(name, sources[k]))
				return cli_usage_error(cmd, "--%s %s is also a SOURCE: not replacing an event log with a report",
						       outputs[i].option, name);
		if (strcmp(name, "-") && source_is_event_log(name)) /* in a SOURCE directory, or a log not given */
			return cli_usage_error(cmd, "--%s %s is an event log (EVTX, an XML export, or gzip of one): not "
					       "replacing it with a report", outputs[i].option, name);
		for (size_t k = 0; k < i; k++)
			if (same_place(name, outputs[k].name))
				return cli_usage_error(cmd, "--%s and --%s both write to %s", outputs[k].option,
						       outputs[i].option, strcmp(name, "-") ? name : "standard output");
	}
	return -1;
}
