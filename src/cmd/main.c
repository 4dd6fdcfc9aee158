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

#include "cmd/model_live.h"
#include "cmd/repl.h"
#include "cmd/session.h"
#include "core/err.h"
#include "core/util.h"
#include "targets/live.h"
#include "targets/target_libvirt.h"
#include "targets/target_qmp.h"

enum {
	OPT_JSON = 0x100,
	OPT_PROFILE,
	OPT_PAGEFILE,
	OPT_DTB,
	OPT_FORMAT,
	OPT_VERSION,
	OPT_LIBVIRT,
	OPT_CONNECT,
	OPT_LIVE_ACCESS,
	OPT_QEMU_MONITOR,
	OPT_MODEL,
};

static const struct option long_opts[] = {
	{ "json", no_argument, NULL, OPT_JSON },
	{ "profile", required_argument, NULL, OPT_PROFILE },
	{ "pagefile", required_argument, NULL, OPT_PAGEFILE },
	{ "dtb", required_argument, NULL, OPT_DTB },
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ "libvirt", required_argument, NULL, OPT_LIBVIRT },
	{ "connect", required_argument, NULL, OPT_CONNECT },
	{ "live-access", required_argument, NULL, OPT_LIVE_ACCESS },
	{ "qemu-monitor", required_argument, NULL, OPT_QEMU_MONITOR },
	{ "model", required_argument, NULL, OPT_MODEL },
	{ NULL, 0, NULL, 0 },
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: mmkd [OPTIONS] [DUMP...]\n"
		"  -z FILE              open a dump (same as a positional DUMP)\n"
		"  -c \"CMD; CMD\"        run the commands, then exit (-c may be repeated)\n"
		"  -s FILE | -s -       run commands from a file or stdin, then exit\n"
		"  --json               one JSON object per command on stdout (JSON Lines)\n"
		"  --profile FILE       type layout profile (ISF JSON); default: built-in Win7 x64\n"
		"  --pagefile [N=]FILE  paging file image N (default 0); <dump>.pagefile.sys is found\n"
		"                       beside a dump\n"
		"  --dtb HEX            kernel page-table root (physical address of the PML4)\n"
		"  --format NAME        force a dump format (raw, elf, crashdump, lime, kdump)\n"
		"  --libvirt DOMAIN     attach read-only to a running libvirt guest\n"
		"  --connect URI        libvirt URI for --libvirt (default: libvirt's default)\n"
		"  --qemu-monitor SOCK  attach read-only to a QEMU through its QMP socket\n"
		"  --live-access MODE   auto, peek or shared: how a live guest's memory is read\n"
		"  --model SCENARIO     run the reference VMM in-process (.model step, .model do)\n"
		"  -h, --help           this help;  --version\n"
		"Several DUMPs open a snapshot series. Without -c/-s and with a terminal, mmkd opens an\n"
		"interactive shell (type .help); without a terminal it reads commands from stdin.\n"
		"Exit status: 0 all commands succeeded, 1 a command failed, 2 usage or open error.\n");
}

/*
 * --libvirt DOMAIN [--connect URI] or --qemu-monitor SOCKET, with --live-access MODE: the
 * live target as the session's snapshot.
 */
static struct err *open_live(struct session *s, const char *domain, const char *uri,
			     const char *qmp, const char *access)
{
	struct live_opts opts = { .access = LIVE_ACCESS_AUTO };
	struct target *t = NULL;
	struct err *err;

	if (access && !live_access_parse(access, &opts.access))
		return err_create(ERR_INVALID_ARG, "--live-access takes auto, peek or shared, not '%s'",
				  access);
	if (domain && qmp)
		return err_create(ERR_INVALID_ARG, "--libvirt and --qemu-monitor exclude each other");
	if (qmp) {
		err = target_qmp_open(qmp, &opts, &t);
	} else {
#ifdef HAVE_LIBVIRT
		err = target_libvirt_open(domain, uri, &opts, &t);
#else
		return err_create(ERR_UNSUPPORTED,
				  "this mmkd was built without libvirt (--with-libvirt)");
#endif
	}
	if (err)
		return err;
	return session_add_target(s, t, t->path);
}

int main(int argc, char **argv)
{
	const char *cmds = NULL, *script = NULL, *profile = NULL, *format = NULL;
	const char *libvirt = NULL, *connect_uri = NULL, *live_access = NULL, *qmp = NULL;
	const char *model = NULL;
	char *cmds_buf = NULL;
	const char **dumps = NULL;
	size_t ndumps = 0, i;
	enum out_mode mode = OUT_TEXT;
	struct session s;
	struct err *err;
	bool ok = true, have_dtb = false;
	uint64_t dtb = 0;
	const char *pagefiles[64];
	size_t npagefiles = 0;
	int c, status;

	dumps = calloc((size_t)argc + 1, sizeof(*dumps));
	if (!dumps)
		return 2;
	while ((c = getopt_long(argc, argv, "z:c:s:h", long_opts, NULL)) != -1) {
		switch (c) {
		case 'z':
			dumps[ndumps++] = optarg;
			break;
		case 'c': {
			/* -c A -c B runs A, then B */
			char *joined = NULL;

			if (asprintf(&joined, "%s%s%s", cmds ? cmds : "", cmds ? "; " : "", optarg) < 0) {
				free(dumps);
				free(cmds_buf);
				return 2;
			}
			free(cmds_buf);
			cmds = cmds_buf = joined;
			break;
		}
		case OPT_MODEL:
			model = optarg;
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
			if (npagefiles < ARRAY_SIZE(pagefiles))
				pagefiles[npagefiles++] = optarg;
			break;
		case OPT_FORMAT:
			format = optarg;
			break;
		case OPT_LIBVIRT:
			libvirt = optarg;
			break;
		case OPT_CONNECT:
			connect_uri = optarg;
			break;
		case OPT_LIVE_ACCESS:
			live_access = optarg;
			break;
		case OPT_QEMU_MONITOR:
			qmp = optarg;
			break;
		case OPT_DTB: {
			char *end;

			errno = 0;
			dtb = strtoull(optarg, &end, 16);
			if (errno || *end || end == optarg) {
				fprintf(stderr, "mmkd: --dtb takes a hex physical address, not '%s'\n",
					optarg);
				free(dumps);
				free(cmds_buf);
				return 2;
			}
			have_dtb = true;
			break;
		}
		case 'h':
			usage(stdout);
			free(dumps);
			free(cmds_buf);
			return 0;
		case OPT_VERSION:
			printf("mmkd %s\n", PACKAGE_VERSION);
			free(dumps);
			free(cmds_buf);
			return 0;
		default:
			usage(stderr);
			free(dumps);
			free(cmds_buf);
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
		free(cmds_buf);
		return 2;
	}
	s.have_user_dtb = have_dtb;
	s.user_dtb = dtb;
	for (i = 0; i < npagefiles; i++) {
		/* --pagefile FILE is paging file 0; --pagefile N=FILE names the index */
		const char *eq = strchr(pagefiles[i], '=');
		char *end;
		unsigned long n = 0;

		if (eq) {
			n = strtoul(pagefiles[i], &end, 10);
			if (end != eq || end == pagefiles[i]) {
				eq = NULL; /* a file name with '=' in it */
				n = 0;
			}
		}
		err = session_add_pagefile(&s, (unsigned)n, eq ? eq + 1 : pagefiles[i]);
		if (err)
			goto open_error;
	}
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
	if (model && (ndumps || libvirt || qmp)) {
		err = err_create(ERR_INVALID_ARG,
				 "--model is a target of its own: no dumps, --libvirt or --qemu-monitor with it");
		goto open_error;
	}
	if (model) {
		err = model_live_open(&s, model);
		if (err)
			goto open_error;
	}
	if (libvirt || qmp) {
		err = open_live(&s, libvirt, connect_uri, qmp, live_access);
		if (err)
			goto open_error;
	} else if (connect_uri || live_access) {
		err = err_create(ERR_INVALID_ARG,
				 "--connect and --live-access need --libvirt or --qemu-monitor");
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
	free(cmds_buf);
	return status;

open_error:
	fprintf(stderr, "mmkd: %s\n", err->message);
	err_destroy(err);
	session_deinit(&s);
	free(dumps);
	free(cmds_buf);
	return 2;
}
