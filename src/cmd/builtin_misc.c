// SPDX-License-Identifier: MIT
/*
 * ? (evaluate), r (registers), .help, .target, .logopen, .logclose, q, and the built-in table.
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
	{ NULL },
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

/* ---- r ---- */

static const char *const gpr_names[16] = {
	"rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
	"r8",  "r9",  "r10", "r11", "r12", "r13", "r14", "r15",
};

static void print_gprs(struct out *o, const struct cpu_state *c)
{
	/* WinDbg x64 order: rax rbx rcx / rdx rsi rdi / rip rsp rbp / r8 r9 r10 / ... */
	static const int order[] = { GPR_RAX, GPR_RBX, GPR_RCX, GPR_RDX, GPR_RSI, GPR_RDI };
	unsigned i;

	for (i = 0; i < 6; i++)
		out_printf(o, "%s=%016" PRIx64 "%s", gpr_names[order[i]], c->gpr[order[i]],
			   i % 3 == 2 ? "\n" : " ");
	out_printf(o, "rip=%016" PRIx64 " rsp=%016" PRIx64 " rbp=%016" PRIx64 "\n", c->rip,
		   c->gpr[GPR_RSP], c->gpr[GPR_RBP]);
	out_printf(o, " r8=%016" PRIx64 "  r9=%016" PRIx64 " r10=%016" PRIx64 "\n",
		   c->gpr[GPR_R8], c->gpr[GPR_R9], c->gpr[GPR_R10]);
	out_printf(o, "r11=%016" PRIx64 " r12=%016" PRIx64 " r13=%016" PRIx64 "\n",
		   c->gpr[GPR_R11], c->gpr[GPR_R12], c->gpr[GPR_R13]);
	out_printf(o, "r14=%016" PRIx64 " r15=%016" PRIx64 "\n", c->gpr[GPR_R14],
		   c->gpr[GPR_R15]);
	for (i = 0; i < 16; i++)
		out_u64(o, gpr_names[i], c->gpr[i], OUT_HEX);
	out_u64(o, "rip", c->rip, OUT_HEX);
	out_u64(o, "rflags", c->rflags, OUT_HEX);
}

static struct err *r_run(struct ext_ctx *ctx, const struct ext_args *args, struct out *o)
{
	struct session *s = ctx->session;
	struct snapshot *snap = session_snap(s);
	const struct cpu_state *c;
	struct err *err;

	if (!snap)
		return err_create(ERR_INVALID_ARG, "no dump is open");
	if (args->a[0].set) {
		char name[32];
		uint64_t v;
		size_t i;

		for (i = 0; args->a[0].s[i] && i + 1 < sizeof(name); i++)
			name[i] = (char)((args->a[0].s[i] >= 'A' && args->a[0].s[i] <= 'Z')
						 ? args->a[0].s[i] + 32
						 : args->a[0].s[i]);
		name[i] = '\0';
		if (name[0] == '@')
			memmove(name, name + 1, strlen(name));
		err = session_reg(s, name, &v);
		if (err)
			return err;
		out_printf(o, "%s=%016" PRIx64 "\n", name, v);
		out_u64(o, name, v, OUT_HEX);
		if (!strcmp(name, "cr3") &&
		    !(s->cpu < snap->t->ncpus && (snap->t->cpus[s->cpu].valid & REG_CR)))
			out_note(o, "(no CPU state in this dump: cr3 is the page-table root found by %s)",
				 snap->dtb_source);
		return NULL;
	}
	if (snap->t->live && (s->cpu >= snap->t->ncpus ||
			      !(snap->t->cpus[s->cpu].valid & (REG_GPR | REG_CR))))
		return err_create(ERR_NOT_FOUND, "no registers of CPU %u: %s is %s", s->cpu,
				  snap->t->path, snap->t->state);
	if (s->cpu >= snap->t->ncpus || !(snap->t->cpus[s->cpu].valid & (REG_GPR | REG_CR)))
		return err_create(ERR_NOT_FOUND,
				  "the dump recorded no CPU registers (try 'r cr3' for the page-table root)");
	c = &snap->t->cpus[s->cpu];
	out_u64(o, "cpu", s->cpu, OUT_DEC);
	if (c->valid & REG_GPR)
		print_gprs(o, c);
	if (c->valid & REG_SEG) {
		out_printf(o, "cs=%04x  ss=%04x  ds=%04x  es=%04x  fs=%04x  gs=%04x             "
			      "efl=%08" PRIx64 "\n",
			   c->cs, c->ss, c->ds, c->es, c->fs, c->gs, c->rflags);
		out_u64(o, "cs", c->cs, OUT_HEX);
		out_u64(o, "ss", c->ss, OUT_HEX);
		out_u64(o, "gs_base", c->gs_base, OUT_HEX);
		out_u64(o, "fs_base", c->fs_base, OUT_HEX);
	}
	if (c->valid & REG_CR) {
		out_printf(o, "cr0=%016" PRIx64 " cr2=%016" PRIx64 " cr3=%016" PRIx64 "\n", c->cr0,
			   c->cr2, c->cr3);
		out_printf(o, "cr4=%016" PRIx64 "\n", c->cr4);
		out_u64(o, "cr0", c->cr0, OUT_HEX);
		out_u64(o, "cr2", c->cr2, OUT_HEX);
		out_u64(o, "cr3", c->cr3, OUT_HEX);
		out_u64(o, "cr4", c->cr4, OUT_HEX);
	}
	if (c->valid & REG_EFER) {
		out_printf(o, "efer=%016" PRIx64 "\n", c->efer);
		out_u64(o, "efer", c->efer, OUT_HEX);
	}
	if (c->valid & REG_SEG) {
		out_printf(o, "fsbase=%016" PRIx64 " gsbase=%016" PRIx64 "\n", c->fs_base, c->gs_base);
	}
	if (c->valid & REG_KGS)
		out_printf(o, "kernelgsbase=%016" PRIx64 "\n", c->kernel_gs_base);
	return NULL;
}

static const struct ext_opt r_opts[] = {
	{ "REG", OPT_STR, true, false, "one register to show (e.g. cr3, rip)" },
	{ NULL },
};

const struct ext_def builtin_r = {
	.name = "r",
	.summary = "display registers of the current CPU",
	.synopsis = "r [REG]",
	.help = "Shows the registers the dump recorded for the current CPU, or one register.\n"
		"A dump without CPU state (raw images) still answers 'r cr3' with the page-table\n"
		"root found when the dump was opened, and says where it came from.",
	.opts = r_opts,
	.run = r_run,
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
	{ NULL },
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
		"the CPUs with recorded state, and where the kernel page-table root (DTB) and the\n"
		"auto-entry index came from. For a live guest it also shows its state (running,\n"
		"paused, shut off) and how its memory is read (a shared memory file mapped\n"
		"read-only, or monitor peeks through a chunk cache).",
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
	{ NULL },
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
	&builtin_u,
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
