// SPDX-License-Identifier: MIT
/*
 * mmkd --model SCENARIO and the .model command (model_live.h): the reference VMM as a target
 * that moves when the user says so. Every step appends a snapshot to the session's series,
 * so !pfnhist and !vahist see each state a page went through.
 */
#include "cmd/model_live.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/builtins.h"
#include "cmd/session.h"
#include "core/err.h"
#include "core/util.h"
#include "model/vmm/scenario.h"
#include "model/vmm/vmm.h"
#include "targets/target_pages.h"

struct model_live {
	char *path;	/* the scenario, as given */
	const char *base; /* its file name */
	char **lines;
	size_t nlines;
	size_t next;	/* index of the next line to run */
	size_t last;	/* index of the last line run (for names) */
	struct vmm *v;
	bool broken;	/* a statement failed: the machine is in an undefined state */
	unsigned ndo;	/* .model do statements run */
	uint64_t stored; /* pages copied into snapshots, all of them */
};

void model_live_free(struct model_live *m)
{
	size_t i;

	if (!m)
		return;
	vmm_destroy(m->v);
	for (i = 0; i < m->nlines; i++)
		free(m->lines[i]);
	free(m->lines);
	free(m->path);
	free(m);
}

/* Read every line and check every statement before anything runs (as mmkd-model run does). */
static struct err *load(struct model_live *m)
{
	FILE *f = fopen(m->path, "r");
	char *line = NULL;
	size_t cap = 0, i;
	bool machine = false;
	struct err *err = NULL;

	if (!f)
		return err_os(errno, "cannot open scenario '%s'", m->path);
	while (getline(&line, &cap, f) >= 0) {
		char **a = realloc(m->lines, (m->nlines + 1) * sizeof(*a));

		if (!a) {
			err = err_nomem;
			break;
		}
		m->lines = a;
		line[strcspn(line, "\r\n")] = '\0';
		m->lines[m->nlines++] = line;
		line = NULL;
		cap = 0;
	}
	free(line);
	fclose(f);
	for (i = 0; i < m->nlines && !err; i++) {
		struct stmt st;

		err = stmt_parse(m->lines[i], &st);
		if (!err && st.kind != ST_EMPTY && !machine && st.kind != ST_MACHINE)
			err = err_create(ERR_INVALID_ARG, "the first statement must be 'machine'");
		else if (!err && st.kind == ST_MACHINE && machine)
			err = err_create(ERR_INVALID_ARG, "'machine' may appear only once");
		machine = machine || (!err && st.kind == ST_MACHINE);
		if (err)
			return err_prefix(err, "%s:%zu", m->path, i + 1);
	}
	if (!err && !machine)
		err = err_create(ERR_INVALID_ARG, "%s: no 'machine' statement", m->path);
	return err;
}

/* The paging file as of the snapshot just added (paging file 0), sharing the pages that did
 * not change with the previous snapshot's copy. */
static struct err *take_pagefile(struct session *s, struct model_live *m, const char *name)
{
	struct snapshot *snap = &s->snaps[s->nsnaps - 1];
	struct pagefile_image *prev = s->nsnaps > 1 ? s->snaps[s->nsnaps - 2].pagefiles[0] : NULL;
	struct target *t = NULL;
	const uint8_t *data;
	uint64_t bytes;
	char pname[96];
	struct err *err;
	_cleanup_free_ uint64_t *used = NULL;

	vmm_pagefile_view(m->v, &data, &bytes, NULL);
	if (!data || snap->pagefiles[0])
		return NULL;
	used = calloc(bytes / 4096 / 64 + 1, sizeof(*used));
	if (!used)
		return err_nomem;
	/* free slots keep stale data: the snapshot holds the slots in use, as the file would */
	vmm_pagefile_view(m->v, &data, &bytes, used);
	snprintf(pname, sizeof(pname), "%s (in-process paging file)", name);
	err = target_pages_create(pname, "paging file", data, bytes, used,
				  &(struct phys_run){ 0, bytes, 0 }, 1, NULL, 0,
				  prev ? prev->t : NULL, &t);
	if (!err)
		err = pagefile_image_from_target(pname, t, &snap->pagefiles[0]);
	return err;
}

/* Append the machine's current state to the series as @name and make it current. */
static struct err *take(struct session *s, struct model_live *m, const char *name,
			const char *what, struct out *o)
{
	struct target *prev = s->nsnaps ? s->snaps[s->nsnaps - 1].t : NULL, *t = NULL;
	struct target_pages_stats st;
	struct dump_image img;
	json_t *truth = NULL;
	char format[160];
	struct err *err;

	err = vmm_snapshot(m->v, name, &img, &truth);
	json_decref(truth);
	if (err)
		return err;
	snprintf(format, sizeof(format), "reference VMM: %s", what);
	err = target_pages_create(name, format, img.mem, img.mem_size, img.present, img.runs,
				  img.nruns, img.cpus, img.ncpus, prev, &t);
	if (err)
		return err;
	if (target_pages_stats(t, &st))
		m->stored += st.copied;
	err = session_add_target(s, t, name);
	if (!err)
		err = take_pagefile(s, m, name);
	if (!err)
		err = session_select(s, s->nsnaps - 1, o);
	return err;
}

struct err *model_live_open(struct session *s, const char *path)
{
	struct vmm_options opts = { .name = "model" };
	struct model_live *m = calloc(1, sizeof(*m));
	struct err *err;

	if (!m || !(m->path = strdup(path))) {
		free(m);
		return err_nomem;
	}
	m->base = strrchr(m->path, '/') ? strrchr(m->path, '/') + 1 : m->path;
	err = load(m);
	for (; !err && m->next < m->nlines && !m->v; m->next++) {
		struct stmt st;

		if (stmt_parse(m->lines[m->next], &st) || st.kind != ST_MACHINE)
			continue;
		err = vmm_create(m->lines[m->next], (unsigned)m->next + 1, &opts, &m->v);
		if (err)
			err = err_prefix(err, "%s:%zu", m->path, m->next + 1);
		m->last = m->next;
	}
	if (!err) {
		s->model = m;
		err = take(s, m, "boot", m->lines[m->last], &s->out);
	}
	if (err && s->model != m)
		model_live_free(m);
	return err;
}

/* ---- .model ---- */

/* Run one statement of the scenario or the user's; @st is parsed. Snapshots are taken by the
 * caller, except for `snapshot NAME`, which takes its own. */
static struct err *run_stmt(struct session *s, struct model_live *m, const char *line,
			    unsigned lineno, const struct stmt *st, bool *took, struct out *o)
{
	struct err *err;

	*took = false;
	if (st->kind == ST_MACHINE)
		return err_create(ERR_INVALID_ARG, "the machine is already running");
	if (st->kind == ST_SNAPSHOT) {
		size_t i;

		for (i = 0; i < s->nsnaps; i++)
			if (!strcmp(s->snaps[i].name, st->name))
				return err_create(ERR_INVALID_ARG, "snapshot '%s' is taken twice",
						  st->name);
		*took = true;
		return take(s, m, st->name, line, o);
	}
	err = vmm_exec(m->v, line, lineno);
	if (err)
		m->broken = true;
	return err;
}

static void say_stats(struct model_live *m, struct out *o)
{
	struct vmm_stats vs;

	vmm_stats(m->v, &vs);
	out_object_begin(o, "stats");
	out_u64(o, "faults", vs.faults, OUT_DEC);
	out_u64(o, "demand_zero", vs.demand_zero, OUT_DEC);
	out_u64(o, "soft_faults", vs.soft_faults, OUT_DEC);
	out_u64(o, "page_reads", vs.page_reads, OUT_DEC);
	out_u64(o, "page_writes", vs.page_writes, OUT_DEC);
	out_u64(o, "events", vs.events, OUT_DEC);
	out_end(o);
	out_printf(o, "Faults %" PRIu64 " (demand-zero %" PRIu64 ", soft %" PRIu64 "), "
		      "paging file reads %" PRIu64 " and writes %" PRIu64 ", %" PRIu64
		      " state transitions\n",
		   vs.faults, vs.demand_zero, vs.soft_faults, vs.page_reads, vs.page_writes,
		   vs.events);
}

static struct err *model_status(struct session *s, struct model_live *m, struct out *o)
{
	size_t i, left = 0;

	for (i = m->next; i < m->nlines; i++) {
		struct stmt st;

		if (!stmt_parse(m->lines[i], &st) && st.kind != ST_EMPTY)
			left++;
	}
	out_printf(o, "Scenario %s: line %zu of %zu run, %zu statements left%s\n", m->path,
		   m->last + 1, m->nlines, left, m->broken ? " (stopped: a statement failed)" : "");
	out_str(o, "scenario", m->path);
	out_u64(o, "line", m->last + 1, OUT_DEC);
	out_u64(o, "lines", m->nlines, OUT_DEC);
	out_u64(o, "statements_left", left, OUT_DEC);
	out_bool(o, "stopped", m->broken);
	for (i = m->next; i < m->nlines; i++) {
		struct stmt st;

		if (!stmt_parse(m->lines[i], &st) && st.kind != ST_EMPTY)
			break;
	}
	if (i < m->nlines) {
		out_printf(o, "Next: %s:%zu  %s\n", m->base, i + 1, m->lines[i]);
		out_str(o, "next", m->lines[i]);
	} else {
		out_printf(o, "Next: end of scenario (.model do 'STATEMENT' runs more)\n");
		out_null(o, "next");
	}
	out_printf(o, "Snapshots: %zu, %" PRIu64 " pages stored (%" PRIu64 " KiB)\n", s->nsnaps,
		   m->stored, m->stored * 4);
	out_u64(o, "snapshots", s->nsnaps, OUT_DEC);
	out_u64(o, "pages_stored", m->stored, OUT_DEC);
	say_stats(m, o);
	return NULL;
}

/* .model step [N|all]: the next N statements (blank and comment lines do not count). */
static struct err *model_step(struct session *s, struct model_live *m, const char *arg,
			      struct out *o)
{
	uint64_t want = 1, done = 0;
	size_t first = s->nsnaps;
	bool took = false;
	struct err *err = NULL;
	char name[32];

	if (*arg && !strcmp(arg, "all"))
		want = UINT64_MAX;
	else if (*arg) {
		char *end;

		errno = 0;
		want = strtoull(arg, &end, 0);
		if (errno || *end || !want)
			return err_create(ERR_INVALID_ARG, "'%s' is not a step count (usage: .model "
							   "step [N|all])", arg);
	}
	while (done < want && m->next < m->nlines && !err) {
		size_t i = m->next++;
		struct stmt st;

		if (stmt_parse(m->lines[i], &st) || st.kind == ST_EMPTY)
			continue;
		err = run_stmt(s, m, m->lines[i], (unsigned)i + 1, &st, &took, o);
		if (err)
			err = err_prefix(err, "%s:%zu", m->base, i + 1);
		else
			out_printf(o, "%s:%zu  %s\n", m->base, i + 1, m->lines[i]);
		m->last = i;
		done++;
	}
	if (!err && !done)
		return err_create(ERR_INVALID_ARG, "the scenario has ended (%s, %zu lines); .model do "
						   "'STATEMENT' runs more", m->base, m->nlines);
	if (!err && !took) {
		snprintf(name, sizeof(name), "line%zu", m->last + 1);
		err = take(s, m, name, m->lines[m->last], o);
	}
	if (err)
		return err;
	out_u64(o, "statements", done, OUT_DEC);
	out_u64(o, "line", m->last + 1, OUT_DEC);
	out_list_begin(o, "new_snapshots");
	for (; first < s->nsnaps; first++)
		out_u64(o, NULL, first, OUT_DEC);
	out_end(o);
	out_printf(o, "Snapshot %zu (%s) is current\n", s->cur, s->snaps[s->cur].name);
	out_u64(o, "current", s->cur, OUT_DEC);
	return NULL;
}

/* .model do STATEMENT: one statement of the user's, quoted or not. */
static struct err *model_do(struct session *s, struct model_live *m, const char *arg,
			    struct out *o)
{
	char line[512], name[32];
	size_t n = strlen(arg);
	struct stmt st;
	bool took = false;
	struct err *err;

	if (n >= 2 && (arg[0] == '\'' || arg[0] == '"') && arg[n - 1] == arg[0]) {
		arg++;
		n -= 2;
	}
	if (!n)
		return err_create(ERR_INVALID_ARG, "missing statement (usage: .model do 'STATEMENT')");
	if (n >= sizeof(line))
		return err_create(ERR_INVALID_ARG, "statement too long");
	memcpy(line, arg, n);
	line[n] = '\0';
	err = stmt_parse(line, &st);
	if (err)
		return err;
	if (st.kind == ST_EMPTY)
		return err_create(ERR_INVALID_ARG, "missing statement (usage: .model do 'STATEMENT')");
	err = run_stmt(s, m, line, (unsigned)m->last + 1, &st, &took, o);
	if (err)
		return err;
	m->ndo++;
	if (!took) {
		snprintf(name, sizeof(name), "do%u", m->ndo);
		err = take(s, m, name, line, o);
		if (err)
			return err;
	}
	out_printf(o, "Snapshot %zu (%s) is current\n", s->cur, s->snaps[s->cur].name);
	out_u64(o, "current", s->cur, OUT_DEC);
	out_str(o, "name", s->snaps[s->cur].name);
	return NULL;
}

static struct err *model_run(struct ext_ctx *ctx, const struct ext_args *args, struct out *o)
{
	struct session *s = ctx->session;
	struct model_live *m = s->model;
	const char *p = args->raw ? args->raw : "";
	char sub[16];
	size_t n;

	if (!m)
		return err_create(ERR_UNSUPPORTED, "no model is running (start one with mmkd --model "
						   "SCENARIO)");
	while (*p == ' ' || *p == '\t')
		p++;
	n = strcspn(p, " \t");
	if (n >= sizeof(sub))
		n = sizeof(sub) - 1;
	memcpy(sub, p, n);
	sub[n] = '\0';
	p += strcspn(p, " \t");
	while (*p == ' ' || *p == '\t')
		p++;
	if (!*sub)
		return model_status(s, m, o);
	if (m->broken && (!strcmp(sub, "step") || !strcmp(sub, "do")))
		return err_create(ERR_UNSUPPORTED, "a statement failed and the machine is in an "
						   "undefined state; the snapshots taken so far stay");
	if (!strcmp(sub, "step")) {
		char arg[32];
		size_t k = strcspn(p, " \t");

		if (p[k + strspn(p + k, " \t")])
			return err_create(ERR_INVALID_ARG, "usage: .model step [N|all]");
		snprintf(arg, sizeof(arg), "%.*s", (int)MIN(k, sizeof(arg) - 1), p);
		return model_step(s, m, arg, o);
	}
	if (!strcmp(sub, "do")) {
		char line[512];

		snprintf(line, sizeof(line), "%s", p);
		line[strcspn(line, "\r\n")] = '\0';
		for (n = strlen(line); n && (line[n - 1] == ' ' || line[n - 1] == '\t'); n--)
			line[n - 1] = '\0';
		return model_do(s, m, line, o);
	}
	return err_create(ERR_INVALID_ARG, "unknown subcommand '%s' (usage: .model [step [N|all] | "
					   "do 'STATEMENT'])", sub);
}

static const struct ext_opt model_opts[] = {
	{ "step", OPT_U64, false, false, "run the next N statements (default 1; all: to the end)" },
	{ "do", OPT_STR, false, false, "run one statement of your own, quoted" },
	{ 0 },
};

const struct ext_def builtin_model = {
	.name = ".model",
	.summary = "drive the in-process reference VMM (mmkd --model)",
	.synopsis = ".model [step [N|all] | do 'STATEMENT']",
	.help = "With mmkd --model SCENARIO, the reference VMM runs inside mmkd. Its machine\n"
		"statement boots it as snapshot 0 (boot). .model step runs the next N statements\n"
		"of the scenario (blank and comment lines do not count; all: to the end), and\n"
		".model do runs one statement of your own (same language: touch, trim, mpw, ...).\n"
		"Each appends a snapshot to the series, named after the scenario line (line12),\n"
		"do1, do2, ..., or the name of a snapshot statement, and makes it current: watch\n"
		"a page with !pfn, !pte and !pfnhist as it moves. Unchanged pages are shared\n"
		"between snapshots. Without arguments: where the scenario stands, what comes\n"
		"next, and the simulator's counters.",
	.opts = model_opts,
	.needs = RAW_ARGS,
	.run = model_run,
};
