// SPDX-License-Identifier: MIT
/*
 * Session state, kernel bootstrap caching, argument parsing and command dispatch.
 */
#include "session.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/builtins.h"
#include "cmd/expr.h"
#include "cmd/model_live.h"
#include "core/err.h"
#include "core/profile.h"
#include "core/util.h"
#include "ext/ext_table.h"
#include "model/kernel.h"
#include "model/kinfo.h"
#include "model/process.h"
#include "targets/target.h"

struct err *session_init(struct session *s, enum out_mode mode, FILE *fp)
{
	memset(s, 0, sizeof(*s));
	out_init(&s->out, mode, fp);
	snprintf(s->prompt, sizeof(s->prompt), "%u: kd> ", s->cpu);
	s->out.prompt = s->prompt;
	return profile_load_builtin(&s->prof);
}

const struct cpu_state *session_cpu(struct session *s)
{
	struct snapshot *snap = session_snap(s);

	if (!snap || s->cpu >= snap->t->ncpus)
		return NULL;
	return &snap->t->cpus[s->cpu];
}

struct err *session_set_cpu(struct session *s, unsigned cpu)
{
	struct snapshot *snap = session_snap(s);
	size_t n = snap ? snap->t->ncpus : 0;

	if (!snap)
		return err_create(ERR_INVALID_ARG, "no dump is open");
	/* CPU 0 always exists: a dump without register state still has a processor. */
	if (cpu >= n && cpu != 0) {
		if (snap->t->hints.nprocessors > n)
			return err_create(ERR_INVALID_ARG,
					  "cpu %u was not recorded: the dump holds the state of %zu "
					  "CPU%s of the machine's %u",
					  cpu, n, n == 1 ? "" : "s", snap->t->hints.nprocessors);
		return err_create(ERR_INVALID_ARG, "cpu %u does not exist: the dump recorded %zu CPU%s",
				  cpu, n, n == 1 ? "" : "s");
	}
	s->cpu = cpu;
	snprintf(s->prompt, sizeof(s->prompt), "%u: kd> ", cpu);
	return NULL;
}

static bool cpu_msr_lookup(const void *arg, uint32_t index, uint64_t *ret)
{
	return target_cpu_msr(arg, index, ret);
}

static void snapshot_deinit(struct snapshot *snap)
{
	unsigned i;

	for (i = 0; i < PAGEFILE_MAX; i++)
		pagefile_image_close(snap->pagefiles[i]);
	kinfo_destroy(snap->k);
	err_destroy(snap->dtb_err);
	err_destroy(snap->k_err);
	target_close(snap->t);
	free(snap->name);
}

void session_snapshot_reset(struct snapshot *snap)
{
	err_destroy(snap->dtb_err);
	err_destroy(snap->k_err);
	snap->dtb_err = NULL;
	snap->k_err = NULL;
	snap->dtb_tried = false;
	snap->have_dtb = false;
	snap->k_tried = false;
	as_init_phys(&snap->phys, snap->t);
}

void session_deinit(struct session *s)
{
	size_t i;

	for (i = 0; i < s->nsnaps; i++)
		snapshot_deinit(&s->snaps[i]);
	free(s->snaps);
	free(s->views);
	profile_destroy(s->prof);
	out_deinit(&s->out);
	for (i = 0; i < PAGEFILE_MAX; i++)
		free(s->pagefile[i]);
	model_live_free(s->model);
	memset(s, 0, sizeof(*s));
}

struct err *session_add_target(struct session *s, struct target *t, const char *name)
{
	struct snapshot *n, *snap;
	struct ext_snap *v;

	n = realloc(s->snaps, (s->nsnaps + 1) * sizeof(*n));
	if (!n) {
		target_close(t);
		return err_nomem;
	}
	s->snaps = n;
	v = realloc(s->views, (s->nsnaps + 1) * sizeof(*v));
	if (!v) {
		target_close(t);
		return err_nomem;
	}
	s->views = v;
	snap = &s->snaps[s->nsnaps];
	memset(snap, 0, sizeof(*snap));
	snap->t = t;
	snap->name = strdup(name ? name : t->path);
	if (!snap->name) {
		target_close(t);
		return err_nomem;
	}
	as_init_phys(&snap->phys, t);
	s->nsnaps++;
	return NULL;
}

/* Paging files of a new snapshot: --pagefile, else the reference VMM's <stem>.pagefile.sys
 * beside the dump (paging file 0). */
static struct err *snapshot_pagefiles(struct session *s, struct snapshot *snap, const char *path)
{
	_cleanup_free_ char *beside = NULL;
	const char *slash = strrchr(path, '/'), *dot = strrchr(path, '.');
	struct err *err;
	unsigned i;

	for (i = 0; i < PAGEFILE_MAX; i++) {
		if (!s->pagefile[i])
			continue;
		err = pagefile_image_open(s->pagefile[i], &snap->pagefiles[i]);
		if (err)
			return err;
	}
	if (snap->pagefiles[0] || !path)
		return NULL;
	if (!dot || (slash && dot < slash))
		dot = path + strlen(path);
	if (asprintf(&beside, "%.*s.pagefile.sys", (int)(dot - path), path) < 0)
		return err_nomem;
	if (access(beside, R_OK) == 0)
		err_destroy(pagefile_image_open(beside, &snap->pagefiles[0]));
	return NULL;
}

struct err *session_add_pagefile(struct session *s, unsigned index, const char *path)
{
	struct err *err;
	size_t i;

	if (index >= PAGEFILE_MAX)
		return err_create(ERR_INVALID_ARG, "paging file index %u is out of range (0-%u)", index,
				  PAGEFILE_MAX - 1);
	free(s->pagefile[index]);
	if (!(s->pagefile[index] = strdup(path)))
		return err_nomem;
	for (i = 0; i < s->nsnaps; i++) {
		pagefile_image_close(s->snaps[i].pagefiles[index]);
		s->snaps[i].pagefiles[index] = NULL;
		err = pagefile_image_open(path, &s->snaps[i].pagefiles[index]);
		if (err)
			return err;
	}
	return NULL;
}

struct err *session_open_dump(struct session *s, const char *path, const char *format)
{
	struct target *t = NULL;
	struct err *err = target_open(path, format, &t);
	const char *base;

	if (err)
		return err;
	base = strrchr(path, '/');
	err = session_add_target(s, t, base ? base + 1 : path);
	if (!err)
		err = snapshot_pagefiles(s, &s->snaps[s->nsnaps - 1], path);
	return err;
}

struct err *session_load_profile(struct session *s, const char *path)
{
	struct profile *p;
	struct err *err = profile_load_file(path, &p);

	if (err)
		return err;
	profile_destroy(s->prof);
	s->prof = p;
	return NULL;
}

struct snapshot *session_snap(struct session *s)
{
	return s->nsnaps ? &s->snaps[s->cur] : NULL;
}

struct err *session_select(struct session *s, size_t n, struct out *o)
{
	struct snapshot *snap;
	struct process_info p;
	struct err *err;

	if (n >= s->nsnaps)
		return err_create(ERR_INVALID_ARG, "no snapshot %zu (the series has %zu: 0-%zu)", n,
				  s->nsnaps, s->nsnaps ? s->nsnaps - 1 : 0);
	s->cur = n;
	if (!s->have_proc)
		return NULL;
	snap = session_snap(s);
	err = session_ensure_kernel(s, snap);
	if (!err)
		err = process_read(snap->k, s->proc_eprocess, &p);
	if (err) {
		s->have_proc = false;
		out_warn(o, "process %016" PRIx64 " is not in snapshot %zu (%s): back to the default "
			    "process", s->proc_eprocess, n, err->message);
		err_destroy(err);
	} else {
		as_init_x64(&s->proc_as, snap->t, p.dtb, "process");
	}
	return NULL;
}

/* Use a DTB candidate: it must look like a PML4 with a self-map. */
static bool try_dtb(struct snapshot *snap, uint64_t dtb, const char *source)
{
	unsigned index;

	if (!dtb_is_pml4(snap->t, dtb, &index))
		return false;
	snap->dtb = dtb & PTE_ADDR_MASK;
	snap->dtb_source = source;
	selfmap_init(&snap->sm, index);
	return true;
}

struct err *session_ensure_dtb(struct session *s, struct snapshot *snap)
{
	struct target *t = snap->t;
	unsigned index;
	struct err *err;

	if (snap->have_dtb)
		return NULL;
	if (snap->dtb_tried)
		return snap->dtb_err ? err_create(snap->dtb_err->code, "%s", snap->dtb_err->message)
				     : err_create(ERR_NOT_FOUND, "no kernel page tables");
	snap->dtb_tried = true;
	if (s->have_user_dtb) {
		/* --dtb: trust the user, but still find the auto-entry for !pte. */
		err = selfmap_detect(t, s->user_dtb, &index);
		if (err) {
			snap->dtb_err = err;
			return err_create(err->code, "%s", err->message);
		}
		snap->dtb = s->user_dtb & PTE_ADDR_MASK;
		snap->dtb_source = "--dtb";
		selfmap_init(&snap->sm, index);
	} else if (!(t->hints.has_dtb && try_dtb(snap, t->hints.dtb, t->hints.dtb_source)) &&
		   !(t->ncpus && (t->cpus[0].valid & REG_CR) &&
		     try_dtb(snap, t->cpus[0].cr3, "CPU 0 CR3"))) {
		uint64_t dtb;

		err = dtb_scan(t, &dtb, &index);
		if (err) {
			snap->dtb_err = err;
			return err_create(err->code, "%s", err->message);
		}
		snap->dtb = dtb;
		snap->dtb_source = "page-table scan";
		selfmap_init(&snap->sm, index);
	}
	as_init_x64(&snap->kas, t, snap->dtb, "kernel");
	snap->have_dtb = true;
	return NULL;
}

struct cr3_match {
	uint64_t cr3, eprocess;
};

static struct err *match_cr3(void *arg, const struct process_info *p)
{
	struct cr3_match *m = arg;

	if ((p->dtb & PTE_ADDR_MASK) == m->cr3) {
		m->eprocess = p->eprocess;
		return err_stop;
	}
	return NULL;
}

/* The process WinDbg would call current: the one whose DirBase is in the current CPU's
 * CR3; without CPU state, the System process (its DirBase is the kernel DTB). */
static void session_default_process(struct session *s, struct snapshot *snap)
{
	struct cr3_match m = { snap->dtb, 0 };
	struct process_walk_result res;
	struct process_info p;
	struct err *err;

	if (s->cpu < snap->t->ncpus && (snap->t->cpus[s->cpu].valid & REG_CR))
		m.cr3 = snap->t->cpus[s->cpu].cr3 & PTE_ADDR_MASK;
	err = process_walk(snap->k, match_cr3, &m, &res);
	err_destroy(err);
	if (!m.eprocess)
		m.eprocess = snap->k->system_eprocess;
	snap->cur_eprocess = m.eprocess;
	as_init_x64(&snap->cur_as, snap->t, snap->dtb, "process");
	if (m.eprocess && !process_read(snap->k, m.eprocess, &p))
		as_init_x64(&snap->cur_as, snap->t, p.dtb, "process");
}

struct err *session_ensure_kernel(struct session *s, struct snapshot *snap)
{
	struct process_info sys;
	struct err *err;
	unsigned index;

	if (snap->k)
		return NULL;
	if (snap->k_tried)
		return err_create(snap->k_err ? snap->k_err->code : ERR_NOT_FOUND, "%s",
				  snap->k_err ? snap->k_err->message : "no kernel globals");
	err = session_ensure_dtb(s, snap);
	if (err)
		return err;
	snap->k_tried = true;
	err = kinfo_open(snap->t, &snap->kas, s->prof, &snap->k);
	if (err) {
		snap->k_err = err;
		return err_create(err->code, "%s", err->message);
	}
	/* The scan may have found a process's PML4 (they share the kernel half): the kernel
	 * DTB is the System process's DirBase (structures.md §6). */
	if (!s->have_user_dtb && snap->k->system_eprocess &&
	    !process_read(snap->k, snap->k->system_eprocess, &sys) &&
	    (sys.dtb & PTE_ADDR_MASK) != snap->dtb && dtb_is_pml4(snap->t, sys.dtb, &index)) {
		snap->dtb = sys.dtb & PTE_ADDR_MASK;
		snap->dtb_source = "System process DirBase";
		selfmap_init(&snap->sm, index);
		as_init_x64(&snap->kas, snap->t, snap->dtb, "kernel");
	}
	session_default_process(s, snap);
	return NULL;
}

static void refresh_view(struct session *s, size_t i)
{
	struct snapshot *sn = &s->snaps[i];
	struct ext_snap *v = &s->views[i];

	v->t = sn->t;
	v->phys = &sn->phys;
	v->kas = sn->have_dtb ? &sn->kas : NULL;
	v->sm = &sn->sm;
	v->dtb = sn->dtb;
	v->dtb_source = sn->dtb_source;
	v->k = sn->k;
	v->name = sn->name;
	v->pagefiles = sn->pagefiles;
}

static struct err *ctx_ensure_snap(struct ext_ctx *ctx, size_t index)
{
	struct session *s = ctx->session;
	struct err *err;

	if (index >= s->nsnaps)
		return err_create(ERR_INVALID_ARG, "no snapshot %zu (the series has %zu)", index,
				  s->nsnaps);
	err = session_ensure_kernel(s, &s->snaps[index]);
	refresh_view(s, index);
	return err;
}

void session_ctx(struct session *s, struct ext_ctx *ctx)
{
	struct snapshot *snap = session_snap(s);
	size_t i;

	memset(ctx, 0, sizeof(*ctx));
	for (i = 0; i < s->nsnaps; i++)
		refresh_view(s, i);
	ctx->ensure_snap = ctx_ensure_snap;
	ctx->nsnaps = s->nsnaps;
	ctx->cur = s->cur;
	ctx->snaps = s->views;
	if (snap) {
		ctx->s = &s->views[s->cur];
		ctx->pas = s->have_proc ? &s->proc_as : snap->k ? &snap->cur_as : ctx->s->kas;
		ctx->proc_eprocess = s->have_proc ? s->proc_eprocess : snap->cur_eprocess;
	}
	ctx->cpu = s->cpu;
	if (session_cpu(s)) {
		mtrr_state_init(&s->mt, cpu_msr_lookup, session_cpu(s));
		if (mtrr_state_known(&s->mt))
			ctx->mt = &s->mt;
	}
	ctx->prof = s->prof;
	ctx->progress = stderr_is_tty() && !s->interactive;
	ctx->session = s;
}

struct err *session_reg(struct session *s, const char *name, uint64_t *ret)
{
	static const char *const gpr[16] = {
		"rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
		"r8",  "r9",  "r10", "r11", "r12", "r13", "r14", "r15",
	};
	struct snapshot *snap = session_snap(s);
	const struct cpu_state *c = session_cpu(s);
	unsigned i;

	if (!snap)
		return err_create(ERR_INVALID_ARG, "no dump is open");
	if (c) {
		/* WinDbg register names (r, @reg); each needs its group recorded. */
		const struct {
			const char *n;
			unsigned valid;
			uint64_t v;
		} regs[] = {
			{ "rip", REG_GPR, c->rip },	    { "efl", REG_GPR, c->rflags },
			{ "rflags", REG_GPR, c->rflags },    { "cr0", REG_CR, c->cr0 },
			{ "cr2", REG_CR, c->cr2 },	    { "cr3", REG_CR, c->cr3 },
			{ "cr4", REG_CR, c->cr4 },	    { "cr8", REG_CR8, c->cr8 },
			{ "efer", REG_EFER, c->efer },	    { "cs", REG_SEG, c->cs },
			{ "ds", REG_SEG, c->ds },	    { "es", REG_SEG, c->es },
			{ "fs", REG_SEG, c->fs },	    { "gs", REG_SEG, c->gs },
			{ "ss", REG_SEG, c->ss },	    { "fsbase", REG_SEGBASE, c->fs_base },
			{ "gsbase", REG_SEGBASE, c->gs_base },
			{ "kernelgsbase", REG_KGS, c->kernel_gs_base },
			{ "gdtr", REG_DESC, c->gdt_base },   { "gdtl", REG_DESC, c->gdt_limit },
			{ "idtr", REG_DESC, c->idt_base },   { "idtl", REG_DESC, c->idt_limit },
		};

		for (i = 0; i < 16; i++) {
			if ((c->valid & REG_GPR) && !strcmp(name, gpr[i])) {
				*ret = c->gpr[i];
				return NULL;
			}
		}
		for (i = 0; i < ARRAY_SIZE(regs); i++) {
			if ((c->valid & regs[i].valid) && !strcmp(name, regs[i].n)) {
				*ret = regs[i].v;
				return NULL;
			}
		}
	}
	/* Without recorded registers, cr3 is the page-table root the bootstrap found. */
	if (!strcmp(name, "cr3")) {
		struct err *err = session_ensure_dtb(s, snap);

		if (err)
			return err;
		*ret = snap->dtb;
		return NULL;
	}
	if (!strcmp(name, "$proc")) {
		*ret = s->have_proc ? s->proc_eprocess : 0;
		return NULL;
	}
	return err_create(ERR_NOT_FOUND, "register '%s' is not recorded in this dump", name);
}

static struct err *expr_read(void *arg, uint64_t va, unsigned size, uint64_t *ret)
{
	struct session *s = arg;
	struct snapshot *snap = session_snap(s);
	struct err *err;
	uint64_t v = 0;

	if (!snap)
		return err_create(ERR_INVALID_ARG, "no dump is open");
	err = session_ensure_dtb(s, snap);
	if (err)
		return err;
	err = as_read(s->have_proc ? &s->proc_as : &snap->kas, va, &v, size, "poi() operand");
	if (err)
		return err;
	*ret = v;
	return NULL;
}

static struct err *expr_reg(void *arg, const char *name, uint64_t *ret)
{
	return session_reg(arg, name, ret);
}

static struct err *expr_sym(void *arg, const char *name, uint64_t *ret)
{
	return err_create(ERR_NOT_FOUND, "couldn't resolve symbol '%s'", name);
}

void session_expr_env(struct session *s, struct expr_env *env)
{
	env->read = expr_read;
	env->reg = expr_reg;
	env->sym = expr_sym;
	env->arg = s;
}

/* ---- argument parsing from the option table ---- */

static bool is_named(const char *name)
{
	return name[0] == '-' || name[0] == '/' || !strcmp(name, "L");
}

/* Length of the word at @p (a quoted word may contain spaces). */
static size_t word_len(const char *p, bool *quoted)
{
	size_t n = 0;

	*quoted = (*p == '"');
	if (*quoted) {
		n = 1;
		while (p[n] && p[n] != '"')
			n++;
		return p[n] ? n + 1 : n;
	}
	while (p[n] && !isspace((unsigned char)p[n]))
		n++;
	return n;
}

/* OPT_PROCESS: an image name of the current snapshot's process list gives its EPROCESS. */
static struct err *process_by_name(struct session *s, const char **pp, struct ext_arg *arg,
				   bool *found)
{
	struct snapshot *snap = session_snap(s);
	const char *p = *pp;
	struct process_info pi;
	char name[64];
	bool quoted;
	size_t n = word_len(p, &quoted);
	struct err *err;

	*found = false;
	if (quoted && n >= 2) {
		p++;
		n -= 2;
	}
	if (!n || n >= sizeof(name) || !snap || session_ensure_dtb(s, snap))
		return NULL;
	err = session_ensure_kernel(s, snap);
	if (err) {
		err_destroy(err);
		return NULL;
	}
	memcpy(name, p, n);
	name[n] = '\0';
	err = process_find_name(snap->k, name, &pi);
	if (err && err->code == ERR_NOT_FOUND) {
		err_destroy(err);
		return NULL;
	}
	if (err)
		return err;
	*found = true;
	arg->set = true;
	arg->u = pi.eprocess;
	*pp += word_len(*pp, &quoted);
	return NULL;
}

static struct err *parse_value(struct session *s, const struct ext_opt *opt, const char **pp,
			       struct expr_env *env, char *strbuf, size_t *strused, size_t strcap,
			       struct ext_arg *arg)
{
	const char *p = *pp;
	struct err *err;

	while (isspace((unsigned char)*p))
		p++;
	if (opt->type == OPT_PROCESS) {
		bool found;

		*pp = p;
		err = process_by_name(s, pp, arg, &found);
		if (err || found)
			return err;
	}
	if (opt->type == OPT_STR) {
		bool quoted;
		size_t n = word_len(p, &quoted), start = quoted ? 1 : 0;
		size_t len = quoted ? (n >= 2 && p[n - 1] == '"' ? n - 2 : n - 1) : n;

		if (!n)
			return err_create(ERR_INVALID_ARG, "missing value for %s", opt->name);
		if (*strused + len + 1 > strcap)
			return err_create(ERR_INVALID_ARG, "arguments too long");
		memcpy(strbuf + *strused, p + start, len);
		strbuf[*strused + len] = '\0';
		arg->s = strbuf + *strused;
		*strused += len + 1;
		*pp = p + n;
		arg->set = true;
		return NULL;
	}
	err = expr_eval(p, env, &arg->u, pp);
	if (err && opt->type == OPT_PROCESS) {
		bool q;

		return err_prefix(err, "'%.*s' is not the image name of a process, nor an EPROCESS "
				       "address or pid", (int)word_len(p, &q), p);
	}
	if (err)
		return err;
	arg->set = true;
	return NULL;
}

/* Parse @argstr into @args following @def->opts. @strbuf holds copies of string values. */
static struct err *parse_args(struct session *s, const struct ext_def *def, const char *argstr,
			      struct expr_env *env, struct ext_args *args, char *strbuf,
			      size_t strcap)
{
	unsigned n = ext_nopts(def), i, next_pos = 0;
	const char *p = argstr;
	size_t strused = 0;
	struct err *err;

	memset(args, 0, sizeof(*args));
	args->raw = argstr;
	for (;;) {
		const struct ext_opt *opt = NULL;
		unsigned idx = 0;

		while (isspace((unsigned char)*p))
			p++;
		if (!*p)
			break;
		for (i = 0; i < n; i++) {
			const char *name = def->opts[i].name;
			size_t nl = strlen(name);

			if (def->opts[i].positional || !is_named(name))
				continue;
			if (!strcmp(name, "L")) {
				if ((p[0] == 'L' || p[0] == 'l') &&
				    (isxdigit((unsigned char)p[1]) || p[1] == ' ' || p[1] == '?')) {
					opt = &def->opts[i];
					idx = i;
					p += 1;
					if (*p == '?')
						p++; /* "L?" lifts the size limit in WinDbg */
					break;
				}
				continue;
			}
			if (!strncasecmp(p, name, nl) &&
			    (!p[nl] || isspace((unsigned char)p[nl]) || p[nl] == '=')) {
				opt = &def->opts[i];
				idx = i;
				p += nl;
				if (*p == '=')
					p++;
				break;
			}
		}
		if (!opt) {
			if (*p == '-' && p[1] == '-') {
				bool q;

				return err_create(ERR_INVALID_ARG, "unknown option '%.*s' (usage: %s)",
						  (int)word_len(p, &q), p, def->synopsis);
			}
			while (next_pos < n && !def->opts[next_pos].positional)
				next_pos++;
			if (next_pos >= n)
				return err_create(ERR_INVALID_ARG, "unexpected argument '%s' (usage: %s)",
						  p, def->synopsis);
			opt = &def->opts[next_pos];
			idx = next_pos++;
		}
		if (opt->type == OPT_FLAG) {
			args->a[idx].set = true;
			args->a[idx].u = 1;
			continue;
		}
		err = parse_value(s, opt, &p, env, strbuf, &strused, strcap, &args->a[idx]);
		if (err)
			return err;
	}
	for (i = 0; i < n; i++)
		if (def->opts[i].required && !args->a[i].set)
			return err_create(ERR_INVALID_ARG, "missing %s (usage: %s)", def->opts[i].name,
					  def->synopsis);
	return NULL;
}

static struct err *check_needs(struct session *s, const struct ext_def *def)
{
	struct snapshot *snap = session_snap(s);
	struct err *err;

	if ((def->needs & (NEEDS_DTB | NEEDS_KERNEL | NEEDS_PROCESS)) && !snap)
		return err_create(ERR_INVALID_ARG, "no dump is open");
	if (def->needs & (NEEDS_DTB | NEEDS_KERNEL | NEEDS_PROCESS)) {
		err = session_ensure_dtb(s, snap);
		if (err)
			return err;
	}
	if (def->needs & (NEEDS_KERNEL | NEEDS_PROCESS)) {
		err = session_ensure_kernel(s, snap);
		if (err)
			return err;
	}
	if ((def->needs & WANTS_KERNEL) && snap)
		err_destroy(session_ensure_kernel(s, snap));
	if ((def->needs & NEEDS_LIVE) && !snap->t->live)
		return err_create(ERR_UNSUPPORTED, "'%s' needs a live target", def->name);
	return NULL;
}

static const struct ext_def *find_command(const char *name, bool bang)
{
	/* WinDbg users type !target as well as .target */
	if (bang && !strcmp(name, "target"))
		return builtin_find(".target");
	if (bang)
		return ext_find(name);
	return builtin_find(name);
}

bool session_run_command(struct session *s, const char *cmdline)
{
	char name[64], strbuf[1024];
	const char *p = cmdline, *args_start;
	const struct ext_def *def;
	struct ext_args args;
	struct ext_ctx ctx;
	struct expr_env env;
	struct err *err = NULL;
	struct snapshot *snap;
	bool bang;
	size_t n = 0;

	while (isspace((unsigned char)*p))
		p++;
	if (!*p)
		return true;
	bang = (*p == '!');
	if (bang)
		p++;
	if ((*p == '?' || *p == '~') && !bang) {
		name[n++] = *p++;
	} else {
		while (*p && !isspace((unsigned char)*p) && n + 1 < sizeof(name)) {
			/* "db" directly followed by an address is common ("dq@rsp") */
			if (!bang && n >= 1 && (*p == '@' || *p == '('))
				break;
			name[n++] = (char)tolower((unsigned char)*p++);
		}
	}
	name[n] = '\0';
	args_start = p;
	out_command_begin(&s->out, cmdline);
	snap = session_snap(s);
	if (snap && snap->t->live) {
		/* The guest keeps running: drop what was read for the previous command. A change of
		 * state (paused, shut off) is reported once, before the command's output. */
		target_invalidate(snap->t);
		if (snap->t->notice[0]) {
			out_warn(&s->out, "%s", snap->t->notice);
			snap->t->notice[0] = '\0';
		}
	}
	def = find_command(name, bang);
	if (!def) {
		err = err_create(ERR_INVALID_ARG, "no such command '%s%s'; try .help", bang ? "!" : "",
				 name);
		goto out;
	}
	session_expr_env(s, &env);
	if (def->needs & RAW_ARGS) {
		memset(&args, 0, sizeof(args));
		args.raw = args_start;
	} else {
		err = parse_args(s, def, args_start, &env, &args, strbuf, sizeof(strbuf));
		if (err)
			goto out;
	}
	err = check_needs(s, def);
	if (err)
		goto out;
	session_ctx(s, &ctx);
	err = def->run(&ctx, &args, &s->out);
out:
	out_command_end(&s->out, cmdline, err);
	if (err) {
		s->failures++;
		err_destroy(err);
		return false;
	}
	return true;
}

bool session_run_line(struct session *s, const char *line)
{
	_cleanup_free_ char *copy = strdup(line);
	char *p, *start;
	bool ok = true, quoted = false;

	if (!copy)
		return false;
	for (p = start = copy;; p++) {
		if (*p == '"')
			quoted = !quoted;
		if (*p == '\0' || (*p == ';' && !quoted)) {
			char end = *p;
			char *c = start;

			*p = '\0';
			while (isspace((unsigned char)*c))
				c++;
			{
				size_t l = strlen(c);

				while (l && isspace((unsigned char)c[l - 1]))
					c[--l] = '\0';
			}
			if (*c)
				ok = session_run_command(s, c) && ok;
			if (!end || s->quit)
				break;
			start = p + 1;
		}
	}
	return ok;
}
