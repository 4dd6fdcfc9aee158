// SPDX-License-Identifier: MIT
/*
 * mmkd-model: the reference VMM's command line.
 *   mmkd-model pt DESC.ptd -o DIR [--format raw,...]   page-table description → DIR/<name>.<fmt>
 *                                                      and DIR/<name>.truth.json
 */
#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "config.h"

#include "core/err.h"
#include "core/util.h"
#include "model/vmm/ptdesc.h"
#include "targets/writer.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: mmkd-model pt DESC.ptd -o DIR [--format FMT[,FMT...]]\n"
		   "formats: %s\n",
		dump_write_formats());
}

static struct err *ensure_dir(const char *dir)
{
	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		return err_os(errno, "cannot create directory '%s'", dir);
	return NULL;
}

/* Base name of @path without its extension (caller frees). */
static char *stem(const char *path)
{
	_cleanup_free_ char *copy = strdup(path);
	char *b, *dot, *r;

	if (!copy)
		return NULL;
	b = basename(copy);
	dot = strrchr(b, '.');
	if (dot && dot != b)
		*dot = '\0';
	r = strdup(b);
	return r;
}

static struct err *write_formats(const struct dump_image *img, const char *dir, const char *name,
				 const char *formats)
{
	_cleanup_free_ char *list = strdup(formats);
	char *save = NULL, *fmt;

	if (!list)
		return err_nomem;
	for (fmt = strtok_r(list, ",", &save); fmt; fmt = strtok_r(NULL, ",", &save)) {
		_cleanup_free_ char *path = NULL;
		struct err *err;

		if (asprintf(&path, "%s/%s.%s", dir, name, fmt) < 0)
			return err_nomem;
		err = dump_write(img, fmt, path);
		if (err)
			return err;
	}
	return NULL;
}

static struct err *write_json(json_t *j, const char *path)
{
	if (json_dump_file(j, path, JSON_INDENT(1) | JSON_SORT_KEYS) < 0)
		return err_create(ERR_OS, "cannot write '%s'", path);
	return NULL;
}

static int cmd_pt(int argc, char **argv)
{
	const char *out = NULL, *formats = "raw";
	_cleanup_free_ char *name = NULL, *truth = NULL;
	struct dump_image img;
	struct ptdesc d;
	struct err *err;
	FILE *f;
	int c;

	optind = 1;
	while ((c = getopt(argc, argv, "o:f:")) != -1) {
		switch (c) {
		case 'o':
			out = optarg;
			break;
		case 'f':
			formats = optarg;
			break;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind + 1 != argc || !out) {
		usage(stderr);
		return 2;
	}
	f = fopen(argv[optind], "r");
	if (!f) {
		fprintf(stderr, "mmkd-model: cannot open '%s': %s\n", argv[optind], strerror(errno));
		return 2;
	}
	err = ptdesc_build(&d, f, argv[optind]);
	fclose(f);
	if (!err)
		err = ensure_dir(out);
	if (!err && !(name = stem(argv[optind])))
		err = err_nomem;
	if (!err) {
		memset(&img, 0, sizeof(img));
		img.mem = d.pm.ram;
		img.mem_size = d.pm.size;
		img.runs = d.runs;
		img.nruns = d.nruns;
		img.present = d.pm.touched;
		img.cpus = d.cpus;
		img.ncpus = d.ncpus;
		img.hints = d.hints;
		err = write_formats(&img, out, name, formats);
	}
	if (!err && asprintf(&truth, "%s/%s.truth.json", out, name) < 0)
		err = err_nomem;
	if (!err)
		err = write_json(d.truth, truth);
	ptdesc_deinit(&d);
	if (err) {
		fprintf(stderr, "mmkd-model: %s\n", err->message);
		err_destroy(err);
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("mmkd-model %s\n", PACKAGE_VERSION);
		return 0;
	}
	if (!strcmp(argv[1], "pt"))
		return cmd_pt(argc - 1, argv + 1);
	fprintf(stderr, "mmkd-model: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return 2;
}
