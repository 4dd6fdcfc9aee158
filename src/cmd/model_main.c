// SPDX-License-Identifier: MIT
/*
 * mmkd-model: the reference VMM's command line.
 *   mmkd-model pt DESC.ptd -o DIR [--format raw,...]   page-table description → DIR/<name>.<fmt>
 *                                                      and DIR/<name>.truth.json
 *   mmkd-model run SCENARIO -o DIR [--format raw,...] [--check] [--no-pfns] [--no-ptes]
 *                                                      a scenario: DIR/<snap>.<fmt>,
 *                                                      DIR/<snap>.truth.json, DIR/trace.jsonl
 */
#include <errno.h>
#include <getopt.h>
#include <unistd.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "config.h"

#include "cmd/plant.h"
#include "core/err.h"
#include "core/util.h"
#include "model/vmm/ptdesc.h"
#include "model/vmm/scenario.h"
#include "model/vmm/vmm.h"
#include "targets/writer.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: mmkd-model pt DESC.ptd -o DIR [--format FMT[,FMT...]]\n"
		   "       mmkd-model run SCENARIO -o DIR [--format FMT[,FMT...]] [--check]\n"
		   "                  [--no-pfns] [--no-ptes]\n"
		   "       mmkd-model plant CORRUPTION IN.raw OUT.raw\n"
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

/* ---------------------------------------------------------------- run */

/* Files a run writes: all removed if the scenario fails, so that no partial output is left
 * claiming to be complete. Each file is written under a temporary name and renamed. */
struct outputs {
	char **paths;
	size_t n, cap;
};

static struct err *outputs_add(struct outputs *o, const char *path)
{
	if (o->n == o->cap) {
		size_t cap = o->cap ? o->cap * 2 : 16;
		char **a = realloc(o->paths, cap * sizeof(*a));

		if (!a)
			return err_nomem;
		o->paths = a;
		o->cap = cap;
	}
	o->paths[o->n] = strdup(path);
	if (!o->paths[o->n])
		return err_nomem;
	o->n++;
	return NULL;
}

static void outputs_deinit(struct outputs *o, bool remove_files)
{
	size_t i;

	for (i = 0; i < o->n; i++) {
		if (remove_files)
			unlink(o->paths[i]);
		free(o->paths[i]);
	}
	free(o->paths);
}

static struct err *commit_file(struct outputs *o, const char *tmp, const char *path)
{
	if (rename(tmp, path) < 0)
		return err_os(errno, "cannot rename '%s' to '%s'", tmp, path);
	return outputs_add(o, path);
}

static struct err *snapshot(struct vmm *v, const char *dir, const char *snap, const char *formats,
			    struct outputs *out)
{
	_cleanup_free_ char *list = strdup(formats), *path = NULL, *tmp = NULL;
	char *save = NULL, *fmt;
	struct dump_image img;
	json_t *truth = NULL;
	struct err *err;

	if (!list)
		return err_nomem;
	err = vmm_snapshot(v, snap, &img, &truth);
	for (fmt = strtok_r(list, ",", &save); fmt && !err; fmt = strtok_r(NULL, ",", &save)) {
		free(path);
		free(tmp);
		path = tmp = NULL;
		if (asprintf(&path, "%s/%s.%s", dir, snap, fmt) < 0 ||
		    asprintf(&tmp, "%s.tmp", path) < 0)
			err = err_nomem;
		if (!err)
			err = dump_write(&img, fmt, tmp);
		if (!err)
			err = commit_file(out, tmp, path);
	}
	free(path);
	free(tmp);
	path = tmp = NULL;
	if (!err && (asprintf(&path, "%s/%s.truth.json", dir, snap) < 0 ||
		     asprintf(&tmp, "%s.tmp", path) < 0))
		err = err_nomem;
	if (!err && json_dump_file(truth, tmp, JSON_COMPACT | JSON_SORT_KEYS) < 0)
		err = err_create(ERR_OS, "cannot write '%s'", tmp);
	if (!err)
		err = commit_file(out, tmp, path);
	json_decref(truth);
	if (err || !vmm_has_pagefile(v))
		return err;
	/* The paging file as of this snapshot, and as of the last one (pagefile.sys). */
	free(path);
	free(tmp);
	path = tmp = NULL;
	if (asprintf(&path, "%s/%s.pagefile.sys", dir, snap) < 0 || asprintf(&tmp, "%s.tmp", path) < 0)
		return err_nomem;
	err = vmm_save_pagefile(v, tmp);
	if (!err)
		err = commit_file(out, tmp, path);
	free(path);
	free(tmp);
	path = tmp = NULL;
	if (!err && (asprintf(&path, "%s/pagefile.sys", dir) < 0 || asprintf(&tmp, "%s.tmp", path) < 0))
		err = err_nomem;
	if (!err)
		err = vmm_save_pagefile(v, tmp);
	if (!err)
		err = commit_file(out, tmp, path);
	return err;
}

struct scenario {
	char **lines;
	size_t n;
};

static void scenario_free(struct scenario *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		free(s->lines[i]);
	free(s->lines);
}

/* Read and check every statement before anything is simulated or written. */
static struct err *scenario_load(const char *path, struct scenario *s)
{
	_cleanup_fclose_ FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0, alloc = 0, i, j;
	ssize_t len;
	struct stmt st;
	bool machine = false;
	struct err *err = NULL;

	memset(s, 0, sizeof(*s));
	if (!f)
		return err_os(errno, "cannot open '%s'", path);
	while ((len = getline(&line, &cap, f)) >= 0) {
		if (s->n == alloc) {
			char **a = realloc(s->lines, (alloc = alloc ? 2 * alloc : 256) * sizeof(*a));

			if (!a) {
				free(line);
				return err_nomem;
			}
			s->lines = a;
		}
		s->lines[s->n++] = line;
		line = NULL;
		cap = 0;
	}
	free(line);
	for (i = 0; i < s->n && !err; i++) {
		err = stmt_parse(s->lines[i], &st);
		if (!err && st.kind != ST_EMPTY && !machine && st.kind != ST_MACHINE)
			err = err_create(ERR_INVALID_ARG, "the first statement must be 'machine'");
		if (!err && st.kind == ST_MACHINE && machine)
			err = err_create(ERR_INVALID_ARG, "'machine' may appear only once");
		if (!err && st.kind == ST_MACHINE)
			machine = true;
		for (j = 0; !err && st.kind == ST_SNAPSHOT && j < i; j++) {
			struct stmt other;

			if (!stmt_parse(s->lines[j], &other) && other.kind == ST_SNAPSHOT &&
			    !strcmp(other.name, st.name))
				err = err_create(ERR_INVALID_ARG, "snapshot '%s' is taken twice", st.name);
		}
		if (err)
			err = err_prefix(err, "%s:%zu", path, i + 1);
	}
	if (!err && !machine)
		err = err_create(ERR_INVALID_ARG, "%s: no 'machine' statement", path);
	return err;
}

static struct err *run(const char *path, const char *dir, const char *formats,
		       const struct vmm_options *base, struct outputs *out)
{
	_cleanup_free_ char *trace_path = NULL, *trace_tmp = NULL, *name = stem(path);
	struct vmm_options o = *base;
	struct scenario s;
	struct vmm *v = NULL;
	struct err *err;
	size_t i;
	FILE *tf = NULL;

	err = scenario_load(path, &s);
	if (!err)
		err = ensure_dir(dir);
	if (!err && (asprintf(&trace_path, "%s/trace.jsonl", dir) < 0 ||
		     asprintf(&trace_tmp, "%s.tmp", trace_path) < 0 || !name))
		err = err_nomem;
	if (!err && !(tf = fopen(trace_tmp, "w")))
		err = err_os(errno, "cannot create '%s'", trace_tmp);
	o.trace = tf;
	o.name = name;
	for (i = 0; i < s.n && !err; i++) {
		struct stmt st;

		err = stmt_parse(s.lines[i], &st);
		if (err || st.kind == ST_EMPTY)
			continue;
		if (st.kind == ST_MACHINE)
			err = vmm_create(s.lines[i], (unsigned)i + 1, &o, &v);
		else if (st.kind == ST_SNAPSHOT)
			err = snapshot(v, dir, st.name, formats, out);
		else
			err = vmm_exec(v, s.lines[i], (unsigned)i + 1);
		if (err)
			err = err_prefix(err, "%s:%zu", path, i + 1);
	}
	vmm_destroy(v);
	if (tf && fclose(tf) != 0 && !err)
		err = err_os(errno, "cannot write '%s'", trace_tmp);
	if (tf && !err)
		err = commit_file(out, trace_tmp, trace_path);
	else if (tf)
		unlink(trace_tmp);
	scenario_free(&s);
	return err;
}

static int cmd_run(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "check", no_argument, NULL, 'c' },
		{ "no-pfns", no_argument, NULL, 'P' },
		{ "no-ptes", no_argument, NULL, 'T' },
		{ NULL, 0, NULL, 0 },
	};
	struct vmm_options o = { .truth_pfns = true, .truth_ptes = true };
	const char *dir = NULL, *formats = "raw";
	struct outputs out = { 0 };
	struct err *err;
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "o:f:", longopts, NULL)) != -1) {
		switch (c) {
		case 'o':
			dir = optarg;
			break;
		case 'f':
			formats = optarg;
			break;
		case 'c':
			o.check = true;
			break;
		case 'P':
			o.truth_pfns = false;
			break;
		case 'T':
			o.truth_ptes = false;
			break;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind + 1 != argc || !dir) {
		usage(stderr);
		return 2;
	}
	err = run(argv[optind], dir, formats, &o, &out);
	outputs_deinit(&out, err != NULL);
	if (err) {
		fprintf(stderr, "mmkd-model: %s\n", err->message);
		err_destroy(err);
		return 1;
	}
	return 0;
}

/* mmkd-model plant NAME IN OUT: a copy of IN with one named corruption (cmd/plant.c). */
static int cmd_plant(int argc, char **argv)
{
	struct err *err;

	if (argc != 4) {
		fprintf(stderr, "usage: mmkd-model plant CORRUPTION IN.raw OUT.raw\n"
				"corruptions: %s\n", PLANT_NAMES);
		return 2;
	}
	err = plant_corruption(argv[1], argv[2], argv[3], stdout);
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
	if (!strcmp(argv[1], "run"))
		return cmd_run(argc - 1, argv + 1);
	if (!strcmp(argv[1], "plant"))
		return cmd_plant(argc - 1, argv + 1);
	fprintf(stderr, "mmkd-model: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return 2;
}
