// SPDX-License-Identifier: MIT
/*
 * CPU state: r (registers in WinDbg's x64 layout), ~ (list CPUs, ~N switches), rdmsr (the
 * MSRs the dump recorded, with IA32_PAT, the MTRRs and EFER decoded: paging.md §8).
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/builtins.h"
#include "cmd/session.h"
#include "core/err.h"
#include "core/util.h"
#include "model/memtype.h"
#include "targets/target.h"

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

/* WinDbg's flags line: "iopl=0         nv up ei pl zr na po nc". */
static void print_flags(struct out *o, uint64_t f)
{
	static const struct {
		unsigned bit;
		const char *set, *clear;
	} fl[] = { { 11, "ov", "nv" }, { 10, "dn", "up" }, { 9, "ei", "di" }, { 7, "ng", "pl" },
		   { 6, "zr", "nz" },  { 4, "ac", "na" },  { 2, "pe", "po" }, { 0, "cy", "nc" } };
	char iopl[16];
	unsigned i;

	snprintf(iopl, sizeof(iopl), "iopl=%u", (unsigned)((f >> 12) & 3));
	out_printf(o, "%-15s", iopl);
	out_list_begin(o, "flags");
	for (i = 0; i < ARRAY_SIZE(fl); i++) {
		bool set = (f >> fl[i].bit) & 1;

		out_printf(o, "%s%s", set ? fl[i].set : fl[i].clear, i + 1 < ARRAY_SIZE(fl) ? " " : "\n");
		out_str(o, NULL, set ? fl[i].set : fl[i].clear);
	}
	out_end(o);
	out_u64(o, "iopl", (f >> 12) & 3, OUT_DEC);
}

static void print_system(struct out *o, const struct cpu_state *c)
{
	if (c->valid & REG_CR) {
		out_printf(o, "cr0=%016" PRIx64 " cr2=%016" PRIx64 " cr3=%016" PRIx64 "\n", c->cr0,
			   c->cr2, c->cr3);
		out_printf(o, "cr4=%016" PRIx64 "%s", c->cr4, (c->valid & REG_CR8) ? " " : "\n");
		out_u64(o, "cr0", c->cr0, OUT_HEX);
		out_u64(o, "cr2", c->cr2, OUT_HEX);
		out_u64(o, "cr3", c->cr3, OUT_HEX);
		out_u64(o, "cr4", c->cr4, OUT_HEX);
	}
	if (c->valid & REG_CR8) {
		out_printf(o, "cr8=%016" PRIx64 "\n", c->cr8);
		out_u64(o, "cr8", c->cr8, OUT_HEX);
	}
	if (c->valid & REG_EFER) {
		out_printf(o, "efer=%016" PRIx64 "\n", c->efer);
		out_u64(o, "efer", c->efer, OUT_HEX);
	}
	if (c->valid & REG_SEGBASE) {
		out_printf(o, "fsbase=%016" PRIx64 " gsbase=%016" PRIx64 "%s", c->fs_base,
			   c->gs_base, (c->valid & REG_KGS) ? " " : "\n");
		out_u64(o, "fs_base", c->fs_base, OUT_HEX);
		out_u64(o, "gs_base", c->gs_base, OUT_HEX);
	}
	if (c->valid & REG_KGS) {
		out_printf(o, "kernelgsbase=%016" PRIx64 "\n", c->kernel_gs_base);
		out_u64(o, "kernel_gs_base", c->kernel_gs_base, OUT_HEX);
	}
	if (c->valid & REG_DESC) {
		out_printf(o, "gdtr=%016" PRIx64 " gdtl=%04x idtr=%016" PRIx64 " idtl=%04x\n",
			   c->gdt_base, c->gdt_limit, c->idt_base, c->idt_limit);
		out_u64(o, "gdtr", c->gdt_base, OUT_HEX);
		out_u64(o, "gdtl", c->gdt_limit, OUT_HEX);
		out_u64(o, "idtr", c->idt_base, OUT_HEX);
		out_u64(o, "idtl", c->idt_limit, OUT_HEX);
	}
}

static struct err *r_one(struct session *s, const char *arg, struct out *o)
{
	char name[32];
	uint64_t v;
	size_t i;
	struct err *err;
	const struct cpu_state *c = session_cpu(s);

	if (*arg == '@')
		arg++;
	for (i = 0; arg[i] && i + 1 < sizeof(name); i++)
		name[i] = (char)((arg[i] >= 'A' && arg[i] <= 'Z') ? arg[i] + 32 : arg[i]);
	name[i] = '\0';
	err = session_reg(s, name, &v);
	if (err)
		return err;
	out_printf(o, "%s=%016" PRIx64 "\n", name, v);
	out_u64(o, name, v, OUT_HEX);
	if (!strcmp(name, "cr3") && !(c && (c->valid & REG_CR)))
		out_note(o, "(%s: cr3 is the page-table root found by %s)",
			 c ? "the dump recorded no control registers for this CPU"
			   : "no CPU state in this dump",
			 session_snap(s)->dtb_source);
	return NULL;
}

static struct err *r_run(struct ext_ctx *ctx, const struct ext_args *args, struct out *o)
{
	struct session *s = ctx->session;
	const struct cpu_state *c;

	if (!session_snap(s))
		return err_create(ERR_INVALID_ARG, "no dump is open");
	if (args->a[0].set)
		return r_one(s, args->a[0].s, o);
	c = session_cpu(s);
	if (session_snap(s)->t->live && (!c || !(c->valid & (REG_GPR | REG_CR))))
		return err_create(ERR_NOT_FOUND, "no registers of CPU %u: %s is %s", s->cpu,
				  session_snap(s)->t->path, session_snap(s)->t->state);
	if (!c || !(c->valid & (REG_GPR | REG_CR)))
		return err_create(ERR_NOT_FOUND,
				  "the dump recorded no CPU registers (try 'r cr3' for the page-table root)");
	out_u64(o, "cpu", s->cpu, OUT_DEC);
	if (c->valid & REG_GPR) {
		print_gprs(o, c);
		print_flags(o, c->rflags);
	}
	if (c->valid & REG_SEG) {
		out_printf(o, "cs=%04x  ss=%04x  ds=%04x  es=%04x  fs=%04x  gs=%04x             "
			      "efl=%08" PRIx64 "\n",
			   c->cs, c->ss, c->ds, c->es, c->fs, c->gs, c->rflags);
		out_u64(o, "cs", c->cs, OUT_HEX);
		out_u64(o, "ss", c->ss, OUT_HEX);
		out_u64(o, "ds", c->ds, OUT_HEX);
		out_u64(o, "es", c->es, OUT_HEX);
		out_u64(o, "fs", c->fs, OUT_HEX);
		out_u64(o, "gs", c->gs, OUT_HEX);
	}
	print_system(o, c);
	return NULL;
}

static const struct ext_opt r_opts[] = {
	{ "REG", OPT_STR, true, false, "one register to show (e.g. cr3, rip, gsbase)" },
	{ 0 },
};

const struct ext_def builtin_r = {
	.name = "r",
	.summary = "display registers of the current CPU",
	.synopsis = "r [REG]",
	.help = "Shows the registers the dump recorded for the current CPU (see ~) in WinDbg's\n"
		"x64 layout: general registers, the iopl and flags line, segment selectors and\n"
		"efl, then the control registers, EFER, the fs/gs bases and the descriptor tables\n"
		"when recorded. 'r REG' shows one register (rax..r15, rip, efl, cr0, cr2, cr3,\n"
		"cr4, cr8, efer, cs..ss, fsbase, gsbase, kernelgsbase, gdtr, gdtl, idtr, idtl).\n"
		"A dump without CPU state (raw images) still answers 'r cr3' with the page-table\n"
		"root found when the dump was opened, and says where it came from.",
	.opts = r_opts,
	.run = r_run,
};

/* ---- ~ ---- */

static struct err *cpu_list(struct session *s, struct out *o)
{
	const struct target *t = session_snap(s)->t;
	size_t i;
	char a[18], b[18];

	out_u64(o, "current", s->cpu, OUT_DEC);
	out_list_begin(o, "cpus");
	if (!t->ncpus)
		out_printf(o, ".  0  (no register state recorded)\n");
	for (i = 0; i < t->ncpus; i++) {
		const struct cpu_state *c = &t->cpus[i];

		out_printf(o, "%c %2zu ", i == s->cpu ? '.' : ' ', i);
		out_record_begin(o);
		out_u64(o, "cpu", i, OUT_DEC);
		out_bool(o, "current", i == s->cpu);
		if (c->valid & REG_GPR) {
			out_printf(o, " rip=%s rsp=%s", fmt_addr(a, c->rip), fmt_addr(b, c->gpr[GPR_RSP]));
			out_u64(o, "rip", c->rip, OUT_HEX);
			out_u64(o, "rsp", c->gpr[GPR_RSP], OUT_HEX);
		}
		if (c->valid & REG_CR) {
			out_printf(o, " cr3=%s", fmt_addr(a, c->cr3));
			out_u64(o, "cr3", c->cr3, OUT_HEX);
		}
		if (c->valid & REG_SEGBASE) {
			out_printf(o, " gsbase=%s", fmt_addr(a, c->gs_base));
			out_u64(o, "gs_base", c->gs_base, OUT_HEX);
		}
		out_printf(o, "  %zu MSR%s\n", c->nmsrs, c->nmsrs == 1 ? "" : "s");
		out_u64(o, "msrs", c->nmsrs, OUT_DEC);
		out_end(o);
	}
	out_end(o);
	if (t->hints.nprocessors > t->ncpus)
		out_note(o, "the machine had %u processors; the dump recorded the state of %zu",
			 t->hints.nprocessors, t->ncpus);
	return NULL;
}

static struct err *cpu_run(struct ext_ctx *ctx, const struct ext_args *args, struct out *o)
{
	struct session *s = ctx->session;
	struct err *err;

	if (!session_snap(s))
		return err_create(ERR_INVALID_ARG, "no dump is open");
	if (!args->a[0].set)
		return cpu_list(s, o);
	if (args->a[0].u > UINT32_MAX)
		return err_create(ERR_INVALID_ARG, "cpu %#" PRIx64 " does not exist", args->a[0].u);
	err = session_set_cpu(s, (unsigned)args->a[0].u);
	if (err)
		return err;
	out_u64(o, "cpu", s->cpu, OUT_DEC);
	return NULL;
}

static const struct ext_opt cpu_opts[] = {
	{ "N", OPT_U64, true, false, "the CPU to make current" },
	{ 0 },
};

const struct ext_def builtin_cpu = {
	.name = "~",
	.summary = "list the CPUs or switch the current CPU",
	.synopsis = "~ [N]",
	.help = "Without an argument, lists the CPUs whose state the dump recorded (rip, rsp,\n"
		"cr3, gs base, number of MSRs); '.' marks the current one. '~N' makes CPU N\n"
		"current: r, rdmsr and the memory type !pte shows use it, and the prompt becomes\n"
		"'N: kd> '. ELF and kdump dumps record every vCPU; a crash dump records the CONTEXT\n"
		"of the CPU that crashed only.",
	.opts = cpu_opts,
	.run = cpu_run,
};

/* ---- rdmsr ---- */

static void decode_pat(struct out *o, uint64_t v)
{
	unsigned i;

	out_printf(o, "IA32_PAT:");
	out_list_begin(o, "pat");
	for (i = 0; i < 8; i++) {
		unsigned t = pat_type(v, i);

		out_printf(o, "  PA%u %02x %s", i, t, mem_type_name(t));
		out_record_begin(o);
		out_u64(o, "entry", i, OUT_DEC);
		out_u64(o, "value", t, OUT_HEX);
		out_str(o, "type", mem_type_name(t));
		out_end(o);
	}
	out_end(o);
	out_printf(o, "\n");
}

static void decode_fixed(struct out *o, const char *name, uint32_t index, uint64_t v)
{
	struct mtrr_range r[8];
	unsigned i, n = mtrr_fixed_ranges(index, v, r);

	out_printf(o, "%s:", name);
	out_list_begin(o, "ranges");
	for (i = 0; i < n; i++) {
		out_printf(o, "%s%05" PRIx64 "-%05" PRIx64 " %s", i == 4 ? "\n" : "  ", r[i].start,
			   r[i].end, mtrr_type_name(r[i].type));
		out_record_begin(o);
		out_u64(o, "start", r[i].start, OUT_HEX);
		out_u64(o, "end", r[i].end, OUT_HEX);
		out_str(o, "type", mtrr_type_name(r[i].type));
		out_end(o);
	}
	out_end(o);
	out_printf(o, "\n");
}

/* The range of variable pair n when both halves are recorded. */
static void var_range(struct out *o, const struct cpu_state *c, unsigned n)
{
	uint64_t base, mask, start, end;
	char a[18], b[18];

	if (!target_cpu_msr(c, MSR_MTRR_PHYSBASE0 + 2 * n, &base) ||
	    !target_cpu_msr(c, MSR_MTRR_PHYSBASE0 + 2 * n + 1, &mask))
		return;
	if (!mtrr_var_range(base, mask, &start, &end))
		return;
	out_printf(o, ", covers %s-%s (%s)", fmt_addr(a, start), fmt_addr(b, end),
		   mtrr_type_name((unsigned)(base & 0xFF)));
	out_u64(o, "range_start", start, OUT_HEX);
	out_u64(o, "range_end", end, OUT_HEX);
}

static void decode_msr(struct out *o, const struct cpu_state *c, uint32_t index, uint64_t v,
		       const struct msr_info *mi)
{
	char a[18];

	switch (mi->kind) {
	case MSR_KIND_PAT:
		decode_pat(o, v);
		break;
	case MSR_KIND_MTRRCAP:
		out_printf(o, "%s: %u variable MTRRs, fixed MTRRs %s, WC %s, SMRR %s\n", mi->name,
			   (unsigned)(v & 0xFF), (v >> 8) & 1 ? "supported" : "not supported",
			   (v >> 10) & 1 ? "supported" : "not supported",
			   (v >> 11) & 1 ? "supported" : "not supported");
		out_u64(o, "variable_count", v & 0xFF, OUT_DEC);
		out_bool(o, "fixed", (v >> 8) & 1);
		out_bool(o, "wc", (v >> 10) & 1);
		out_bool(o, "smrr", (v >> 11) & 1);
		break;
	case MSR_KIND_DEF_TYPE:
		out_printf(o, "%s: MTRRs %s, fixed MTRRs %s, default type %s\n", mi->name,
			   (v >> 11) & 1 ? "enabled" : "disabled (all memory UC)",
			   (v >> 10) & 1 ? "enabled" : "disabled", mtrr_type_name((unsigned)(v & 0xFF)));
		out_bool(o, "enabled", (v >> 11) & 1);
		out_bool(o, "fixed_enabled", (v >> 10) & 1);
		out_str(o, "default_type", mtrr_type_name((unsigned)(v & 0xFF)));
		break;
	case MSR_KIND_PHYSBASE:
		out_printf(o, "%s: base %s, type %s", mi->name, fmt_addr(a, v & PTE_ADDR_MASK),
			   mtrr_type_name((unsigned)(v & 0xFF)));
		out_u64(o, "base", v & PTE_ADDR_MASK, OUT_HEX);
		out_str(o, "type", mtrr_type_name((unsigned)(v & 0xFF)));
		var_range(o, c, mi->var_index);
		out_printf(o, "\n");
		break;
	case MSR_KIND_PHYSMASK:
		out_printf(o, "%s: mask %s, %s", mi->name, fmt_addr(a, v & PTE_ADDR_MASK),
			   (v >> 11) & 1 ? "valid" : "not valid");
		out_u64(o, "mask", v & PTE_ADDR_MASK, OUT_HEX);
		out_bool(o, "valid", (v >> 11) & 1);
		var_range(o, c, mi->var_index);
		out_printf(o, "\n");
		break;
	case MSR_KIND_FIXED:
		decode_fixed(o, mi->name, (uint32_t)index, v);
		break;
	case MSR_KIND_EFER: {
		static const char *const bits[12] = { "SCE", NULL, NULL, NULL, NULL, NULL,
						      NULL,  NULL, "LME", NULL, "LMA", "NXE" };
		unsigned i;

		out_printf(o, "%s:", mi->name);
		out_list_begin(o, "flags");
		for (i = 0; i < 12; i++) {
			if (bits[i] && ((v >> i) & 1)) {
				out_printf(o, " %s", bits[i]);
				out_str(o, NULL, bits[i]);
			}
		}
		out_end(o);
		out_printf(o, "\n");
		break;
	}
	case MSR_KIND_OTHER:
		if (mi->name[0])
			out_printf(o, "%s\n", mi->name);
		break;
	}
}

static struct err *rdmsr_run(struct ext_ctx *ctx, const struct ext_args *args, struct out *o)
{
	struct session *s = ctx->session;
	const struct cpu_state *c;
	struct msr_info mi;
	uint64_t index = args->a[0].u, v;

	if (!session_snap(s))
		return err_create(ERR_INVALID_ARG, "no dump is open");
	if (index > UINT32_MAX)
		return err_create(ERR_INVALID_ARG, "%#" PRIx64 " is not an MSR number", index);
	c = session_cpu(s);
	if (!c || !target_cpu_msr(c, (uint32_t)index, &v))
		return err_create(ERR_NOT_FOUND, "msr %" PRIx64 " was not recorded in this dump%s",
				  index, c && c->nmsrs ? " for this CPU" : "");
	msr_describe((uint32_t)index, &mi);
	/* WinDbg: "msr[277] = 00070106`00070106" (book L1330-1333). */
	out_printf(o, "msr[%" PRIx64 "] = %08" PRIx64 "`%08" PRIx64 "\n", index, v >> 32,
		   v & 0xFFFFFFFF);
	out_u64(o, "msr", index, OUT_HEX);
	out_u64(o, "value", v, OUT_HEX);
	if (mi.name[0])
		out_str(o, "name", mi.name);
	decode_msr(o, c, (uint32_t)index, v, &mi);
	return NULL;
}

static const struct ext_opt rdmsr_opts[] = {
	{ "MSR", OPT_U64, true, true, "the MSR number (hex: 277, c0000080)" },
	{ 0 },
};

const struct ext_def builtin_rdmsr = {
	.name = "rdmsr",
	.summary = "show a model-specific register the dump recorded",
	.synopsis = "rdmsr MSR",
	.help = "Shows MSR as WinDbg does ('msr[277] = 00070106`00070106') for the current CPU,\n"
		"then decodes what mmkd knows: IA32_PAT (277) as eight memory types, the MTRRs\n"
		"(IA32_MTRRCAP fe, IA32_MTRR_DEF_TYPE 2ff, the variable pairs 200-20f with the\n"
		"range they cover, the fixed ranges 250, 258, 259 and 268-26f) and IA32_EFER\n"
		"(c0000080). A dump holds only the MSRs its writer recorded (mmkd-model's ELF and\n"
		"kdump dumps carry them in an MMKD note); any other MSR is an error that says so.",
	.opts = rdmsr_opts,
	.run = rdmsr_run,
};
