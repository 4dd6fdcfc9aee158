// SPDX-License-Identifier: MIT
/*
 * mmkd: command line (DESIGN.md "Command line"), then batch or interactive shell.
 * Exit status: 0 every command succeeded, 1 a command failed, 2 usage or open error.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"

#include "cmd/repl.h"
#include "cmd/session.h"
#include "core/err.h"
#include "core/util.h"

enum {
	OPT_JSON = 0x100,
	OPT_PROFILE,
	OPT_PAGEFILE,
	OPT_DTB,
	OPT_FORMAT,
	OPT_VERSION,
};

static const struct option long_opts[] = {
	{ "json", no_argument, NULL, OPT_JSON },
	{ "profile", required_argument, NULL, OPT_PROFILE },
	{ "pagefile", required_argument, NULL, OPT_PAGEFILE },
	{ "dtb", required_argument, NULL, OPT_DTB },
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ NULL, 0, NULL, 0 },
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: mmkd [OPTIONS] [DUMP...]\n"
		"  -z FILE              open a dump (same as a positional DUMP)\n"
		"  -c \"CMD; CMD\"        run the commands, then exit\n"
		"  -s FILE | -s -       run commands from a file or stdin, then exit\n"
		"  --json               one JSON object per command on stdout (JSON Lines)\n"
		"  --profile FILE       type layout profile (ISF JSON); default: built-in Win7 x64\n"
		"  --pagefile FILE      paging file image\n"
		"  --dtb HEX            kernel page-table root (physical address of the PML4)\n"
		"  --format NAME        force a dump format (raw, elf, crashdump, lime, kdump)\n"
		"  -h, --help           this help;  --version\n"
		"Several DUMPs open a snapshot series. Without -c/-s and with a terminal, mmkd opens an\n"
		"interactive shell (type .help); without a terminal it reads commands from stdin.\n"
		"Exit status: 0 all commands succeeded, 1 a command failed, 2 usage or open error.\n");
}

int main(int argc, char **argv)
{
	const char *cmds = NULL, *script = NULL, *profile = NULL, *format = NULL;
	const char **dumps = NULL;
	size_t ndumps = 0, i;
	enum out_mode mode = OUT_TEXT;
	struct session s;
	struct err *err;
	bool ok = true, have_dtb = false;
	uint64_t dtb = 0;
	char *pagefile = NULL;
	int c, status;

	dumps = calloc((size_t)argc + 1, sizeof(*dumps));
	if (!dumps)
		return 2;
	while ((c = getopt_long(argc, argv, "z:c:s:h", long_opts, NULL)) != -1) {
		switch (c) {
		case 'z':
			dumps[ndumps++] = optarg;
			break;
		case 'c':
			cmds = optarg;
			break;
		case 's':
			script = optarg;
			break;
		case OPT_JSON:
			mode = OUT_JSON;
			break;
		case OPT_PROFILE:
			profile = optarg;
			break;
		case OPT_PAGEFILE:
			pagefile = optarg;
			break;
		case OPT_FORMAT:
			format = optarg;
			break;
		case OPT_DTB: {
			char *end;

			errno = 0;
			dtb = strtoull(optarg, &end, 16);
			if (errno || *end || end == optarg) {
				fprintf(stderr, "mmkd: --dtb takes a hex physical address, not '%s'\n",
					optarg);
				free(dumps);
				return 2;
			}
			have_dtb = true;
			break;
		}
		case 'h':
			usage(stdout);
			free(dumps);
			return 0;
		case OPT_VERSION:
			printf("mmkd %s\n", PACKAGE_VERSION);
			free(dumps);
			return 0;
		default:
			usage(stderr);
			free(dumps);
			return 2;
		}
	}
	for (; optind < argc; optind++)
		dumps[ndumps++] = argv[optind];

	err = session_init(&s, mode, stdout);
	if (err) {
		fprintf(stderr, "mmkd: %s\n", err->message);
		err_destroy(err);
		free(dumps);
		return 2;
	}
	s.have_user_dtb = have_dtb;
	s.user_dtb = dtb;
	if (pagefile && !(s.pagefile = strdup(pagefile)))
		goto oom;
	if (profile) {
		err = session_load_profile(&s, profile);
		if (err)
			goto open_error;
	}
	for (i = 0; i < ndumps; i++) {
		err = session_open_dump(&s, dumps[i], format);
		if (err)
			goto open_error;
	}

	if (cmds) {
		s.out.echo = (mode == OUT_TEXT);
		ok = session_run_line(&s, cmds);
	} else if (script) {
		FILE *f = strcmp(script, "-") ? fopen(script, "r") : stdin;

		if (!f) {
			err = err_os(errno, "cannot open '%s'", script);
			goto open_error;
		}
		s.out.echo = (mode == OUT_TEXT);
		ok = batch_run_file(&s, f);
		if (f != stdin)
			fclose(f);
	} else if (isatty(STDIN_FILENO) && mode == OUT_TEXT) {
		s.interactive = true;
		repl_run(&s);
	} else {
		s.out.echo = (mode == OUT_TEXT);
		ok = batch_run_file(&s, stdin);
	}
	status = ok && !s.failures ? 0 : 1;
	session_deinit(&s);
	free(dumps);
	return status;

oom:
	err = err_nomem;
open_error:
	fprintf(stderr, "mmkd: %s\n", err->message);
	err_destroy(err);
	session_deinit(&s);
	free(dumps);
	return 2;
}
