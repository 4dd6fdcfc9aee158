// SPDX-License-Identifier: MIT
/*
 * ? (evaluate), .help, .target, .logopen, .logclose, q, and the built-in table.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/builtins.h"
#include "cmd/session.h"
#include "core/err.h"
#include "core/util.h"
#include "ext/ext_table.h"
#include "targets/target.h"

/* ---- ? ---- */

static struct err *eval_run(struct ext_ctx *ctx, const struct ext_args *args, struct out *o)
{
	uint64_t v = args->a[0].u;
	char a[18];

	out_printf(o, "Evaluate expression: %" PRId64 " = %s\n", (int64_t)v, fmt_addr(a, v));
	out_u64(o, "value", v, OUT_HEX);
	out_i64(o, "signed", (int64_t)v);
	return NULL;
}

static const struct ext_opt eval_opts[] = {
	{ "EXPR", OPT_U64, true, true, "MASM expression" },
	{ 0 },
};

const struct ext_def builtin_eval = {
	.name = "?",
	.summary = "evaluate an expression",
	.synopsis = "? EXPR",
	.help = "Evaluates a MASM expression and prints it in decimal and hexadecimal. Numbers are\n"
		"hex by default; 0n123 is decimal, 0x hex, 0t octal, 0y binary; backticks may separate\n"
		"digits. Operators: + - * / % & | ^ ~ << >> and parentheses. poi(ADDR) reads a\n"
		"pointer at a virtual address (also qwo, dwo, wo, by); @REG reads a register.",
	.opts = eval_opts,
	.run = eval_run,
};

/* ---- .help ---- */

static void help_list(struct out *o, const char *title, const struct ext_def *const *table,
		      size_t n, bool bang)
{
	size_t i;

	out_printf(o, "%s\n", title);
	for (i = 0; i < n; i++) {
		char name[40];

		snprintf(name, sizeof(name), "%s%s", bang ? "!" : "", table[i]->name);
		out_printf(o, "  %-12s %s\n", name, table[i]->summary);
		out_record_begin(o);
		out_str(o, "name", name);
		out_str(o, "summary", table[i]->summary);
		out_str(o, "synopsis", table[i]->synopsis);
		out_end(o);
	}
}

static struct err *help_run(struct ext_ctx *ctx, const struct ext_args *args, struct out *o)
{
	const struct ext_def *def;
	const char *name;

	if (!args->a[0].set) {
		out_list_begin(o, "commands");
		help_list(o, "Commands:", builtin_table, builtin_table_len, false);
		out_printf(o, "\n");
		help_list(o, "Extensions:", ext_table, ext_table_len, true);
		out_end(o);
		out_printf(o, "\nType .help COMMAND for details; see also man mmkd and "
			      "man mmkd-commands.\n");
		return NULL;
	}
	name = args->a[0].s;
	if (name[0] == '!') {
		def = ext_find(name + 1);
		if (def) {
			ext_print_help(def, true, o);
			return NULL;
		}
	} else {
		def = builtin_find(name);
		if (def) {
			ext_print_help(def, false, o);
			return NULL;
		}
		def = ext_find(name);
		if (def) {
			ext_print_help(def, true, o);
			return NULL;
		}
	}
	return err_create(ERR_NOT_FOUND, "no such command '%s'", name);
}

static const struct ext_opt help_opts[] = {
	{ "COMMAND", OPT_STR, true, false, "a command, e.g. !pte or db" },
	{ 0 },
};

const struct ext_def builtin_help = {
	.name = ".help",
	.summary = "list commands or describe one",
	.synopsis = ".help [COMMAND]",
	.help = "Without an argument, lists every command with a one-line summary. With a\n"
		"command name, prints its synopsis, description and options (the same text as\n"
		"its section in mmkd-commands(7)).",
	.opts = help_opts,
	.run = help_run,
};

/* ---- .target ---- */

/* Kernel values the container itself carries (a crash dump header, a VMCOREINFO note). */
static void target_hints_print(const struct target_hints *h, struct out *o)
{
	const struct {
		bool has;
		const char *label, *key;
		uint64_t v;
	} f[] = {
		{ h->has_kdbg, "KdDebuggerDataBlock", "kdbg", h->kdbg_va },
		{ h->has_pfn_db, "PfnDataBase", "pfn_database", h->pfn_db },
		{ h->has_ps_active_head, "PsActiveProcessHead", "ps_active_process_head",
		  h->ps_active_head },
		{ h->has_ps_loaded_module_list, "PsLoadedModuleList", "ps_loaded_module_list",
		  h->ps_loaded_module_list },
	};
	char a[18];
	size_t i;

	out_object_begin(o, "hints");
	for (i = 0; i < ARRAY_SIZE(f); i++) {
		if (!f[i].has)
			continue;
		out_printf(o, "Header:   %-20s %s\n", f[i].label, fmt_addr(a, f[i].v));
		out_u64(o, f[i].key, f[i].v, OUT_HEX);
	}
	if (h->nprocessors) {
		out_printf(o, "Header:   %-20s %u\n", "NumberProcessors", h->nprocessors);
		out_u64(o, "nprocessors", h->nprocessors, OUT_DEC);
	}
	if (h->nkernel_runs) {
		out_printf(o, "Header:   PhysicalMemoryBlock  %zu run%s\n", h->nkernel_runs,
			   h->nkernel_runs == 1 ? "" : "s");
		out_list_begin(o, "kernel_runs");
		for (i = 0; i < h->nkernel_runs; i++) {
			out_record_begin(o);
			out_u64(o, "base_page", h->kernel_runs[i].base_page, OUT_HEX);
			out_u64(o, "page_count", h->kernel_runs[i].page_count, OUT_HEX);
			out_end(o);
		}
		out_end(o);
	}
	out_end(o);
}

static struct err *target_run(struct ext_ctx *ctx, const struct ext_args *args, struct out *o)
{
	struct session *s = ctx->session;
	struct snapshot *snap = session_snap(s);
	struct target *t;
	uint64_t pages = 0;
	size_t i;
	struct err *err;

	if (!snap)
		return err_create(ERR_INVALID_ARG, "no dump is open");
	t = snap->t;
	out_printf(o, "Target:   %s\n", t->path);
	out_printf(o, "Format:   %s (%s)\n", t->format, t->ops->name);
	out_str(o, "path", t->path);
	out_str(o, "format", t->format);
	out_str(o, "reader", t->ops->name);
	out_bool(o, "live", t->live);
	if (t->live) {
		out_printf(o, "State:    %s\n", t->state);
		out_printf(o, "Access:   %s\n", t->access);
		out_str(o, "state", t->state);
		out_str(o, "access", t->access);
	}
	if (s->nsnaps > 1)
		out_printf(o, "Snapshot: %zu of %zu\n", s->cur, s->nsnaps);
	for (i = 0; i < t->nruns; i++)
		pages += t->runs[i].len >> 12;
	out_printf(o, "Physical memory: %zu run%s, %" PRIu64 " pages (%" PRIu64 " MiB)\n", t->nruns,
		   t->nruns == 1 ? "" : "s", pages, pages >> 8);
	out_list_begin(o, "runs");
	for (i = 0; i < t->nruns; i++) {
		out_printf(o, "  %016" PRIx64 " - %016" PRIx64 "\n", t->runs[i].start_pa,
			   t->runs[i].start_pa + t->runs[i].len - 1);
		out_record_begin(o);
		out_u64(o, "start", t->runs[i].start_pa, OUT_HEX);
		out_u64(o, "length", t->runs[i].len, OUT_HEX);
		out_end(o);
	}
	out_end(o);
	out_u64(o, "pages", pages, OUT_DEC);
	out_printf(o, "CPUs:     %zu%s\n", t->ncpus, t->ncpus ? "" : " (no register state)");
	out_u64(o, "cpus", t->ncpus, OUT_DEC);
	out_list_begin(o, "paging_files");
	for (i = 0; i < PAGEFILE_MAX; i++) {
		const struct pagefile_image *pf = snap->pagefiles[i];

		if (!pf)
			continue;
		out_printf(o, "Paging file %zu: %s (%" PRIu64 " MiB)\n", i, pf->path, pf->len >> 20);
		out_record_begin(o);
		out_u64(o, "index", i, OUT_DEC);
		out_str(o, "path", pf->path);
		out_u64(o, "bytes", pf->len, OUT_DEC);
		out_end(o);
	}
	out_end(o);
	target_hints_print(&t->hints, o);
	err = session_ensure_dtb(s, snap);
	if (err) {
		out_printf(o, "DTB:      not found (%s)\n", err->message);
		out_null(o, "dtb");
		err_destroy(err);
		return NULL;
	}
	out_printf(o, "DTB:      %" PRIx64 " (from %s)\n", snap->dtb, snap->dtb_source);
	out_printf(o, "Auto-entry: PML4 index %#x, PTE base %016" PRIx64 "\n", snap->sm.index,
		   snap->sm.pte_base);
	out_u64(o, "dtb", snap->dtb, OUT_HEX);
	out_str(o, "dtb_source", snap->dtb_source);
	out_u64(o, "selfmap_index", snap->sm.index, OUT_HEX);
	out_u64(o, "pte_base", snap->sm.pte_base, OUT_HEX);
	return NULL;
}

const struct ext_def builtin_target = {
	.name = ".target",
	.summary = "describe the open dump or live target",
	.synopsis = ".target",
	.help = "Shows the file, the format reader chosen by the probes, the physical memory runs,\n"
		"the CPUs with recorded state, the kernel values the container carries (a crash\n"
		"dump header's KdDebuggerDataBlock, PfnDataBase, PsActiveProcessHead,\n"
		"PsLoadedModuleList, NumberProcessors and PhysicalMemoryBlock, also found in a\n"
		"QEMU dump's VMCOREINFO note), the paging files, and where the kernel page-table\n"
		"root (DTB) and the auto-entry index came from. For a live guest it also shows its\n"
		"state (running, paused, shut off) and how its memory is read (a shared memory file\n"
		"mapped read-only, or monitor peeks through a chunk cache). !target is the same.",
	.run = target_run,
};

/* ---- .logopen / .logclose ---- */

static struct err *logopen_run(struct ext_ctx *ctx, const struct ext_args *args, struct out *o)
{
	struct session *s = ctx->session;
	struct err *err = out_log_open(&s->out, args->a[1].s, args->a[0].set);

	if (err)
		return err;
	out_printf(o, "Opened log file '%s'\n", args->a[1].s);
	out_str(o, "path", args->a[1].s);
	return NULL;
}

static const struct ext_opt logopen_opts[] = {
	{ "/t", OPT_FLAG, false, false, "append instead of truncating" },
	{ "FILE", OPT_STR, true, true, "log file" },
	{ 0 },
};

const struct ext_def builtin_logopen = {
	.name = ".logopen",
	.summary = "copy the session's text output to a file",
	.synopsis = ".logopen [/t] FILE",
	.help = "Copies every command and its text output to FILE (truncated, or appended to with\n"
		"/t) until .logclose.",
	.opts = logopen_opts,
	.run = logopen_run,
};

static struct err *logclose_run(struct ext_ctx *ctx, const struct ext_args *args, struct out *o)
{
	struct session *s = ctx->session;

	out_log_close(&s->out);
	out_printf(o, "Closing open log file\n");
	return NULL;
}

const struct ext_def builtin_logclose = {
	.name = ".logclose",
	.summary = "stop copying output to the log file",
	.synopsis = ".logclose",
	.help = "Closes the file opened by .logopen.",
	.run = logclose_run,
};

/* ---- q ---- */

static struct err *q_run(struct ext_ctx *ctx, const struct ext_args *args, struct out *o)
{
	struct session *s = ctx->session;

	s->quit = true;
	return NULL;
}

const struct ext_def builtin_q = {
	.name = "q",
	.summary = "quit",
	.synopsis = "q",
	.help = "Ends the session.",
	.run = q_run,
};

/* ---- the table (sorted: tests check) ---- */

const struct ext_def *const builtin_table[] = {
	&builtin_dump,
	&builtin_help,
	&builtin_logclose,
	&builtin_logopen,
	&builtin_model,
	&builtin_dotprocess,
	&builtin_reload,
	&builtin_snap,
	&builtin_target,
	&builtin_eval,
	&builtin_da,
	&builtin_db,
	&builtin_dd,
	&builtin_dq,
	&builtin_dt,
	&builtin_du,
	&builtin_dw,
	&builtin_q,
	&builtin_r,
	&builtin_rdmsr,
	&builtin_u,
	&builtin_cpu,
};

const size_t builtin_table_len = ARRAY_SIZE(builtin_table);

const struct ext_def *builtin_find(const char *name)
{
	size_t i;

	for (i = 0; i < builtin_table_len; i++)
		if (!strcmp(builtin_table[i]->name, name))
			return builtin_table[i];
	return NULL;
}
