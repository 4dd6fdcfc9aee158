// SPDX-License-Identifier: MIT
/*
 * db dw dd dq da du (virtual memory display) and u (disassembly through capstone).
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"

#ifdef HAVE_CAPSTONE
#include <capstone/capstone.h>
#endif

#include "cmd/builtins.h"
#include "cmd/session.h"
#include "core/err.h"
#include "core/util.h"
#include "ext/lib/memdump.h"

static struct err *dump_virtual(struct ext_ctx *ctx, const struct ext_args *args,
				struct out *o, enum dump_kind kind)
{
	uint64_t count = 0;

	if (!ctx->pas)
		return err_create(ERR_NOT_FOUND, "no virtual address space (no page tables found)");
	if (args->a[2].set) {
		count = args->a[2].u;
	} else if (args->a[1].set) {
		/* "db START END": END inclusive, as in WinDbg */
		uint64_t unit = (kind == DUMP_ASCII) ? 1 : (kind == DUMP_UNICODE) ? 2 : kind;

		if (args->a[1].u < args->a[0].u)
			return err_create(ERR_INVALID_ARG, "range end is below its start");
		count = (args->a[1].u - args->a[0].u) / unit + 1;
	}
	return memdump(o, ctx->pas, args->a[0].u, count, kind, false);
}

#define DUMP_BUILTIN(NAME, KIND, WHAT, DEF)                                                     \
	static struct err *NAME##_run(struct ext_ctx *ctx, const struct ext_args *args,        \
				      struct out *o)                                           \
	{                                                                                      \
		return dump_virtual(ctx, args, o, KIND);                                       \
	}                                                                                      \
	static const struct ext_opt NAME##_opts[] = {                                          \
		{ "ADDR", OPT_ADDR, true, true, "virtual address" },                           \
		{ "END", OPT_ADDR, true, false, "last address of a range" },                   \
		{ "L", OPT_U64, false, false, "number of " WHAT " (default " DEF ")" },        \
		{ 0 },                                                                         \
	};                                                                                     \
	const struct ext_def builtin_##NAME = {                                                \
		.name = #NAME,                                                                 \
		.summary = "display virtual memory as " WHAT,                                  \
		.synopsis = #NAME " ADDR [END | L COUNT]",                                    \
		.help = "Displays memory of the current process (or the kernel) at ADDR.\n"  \
			"Unreadable memory shows as question marks.",                         \
		.opts = NAME##_opts,                                                           \
		.needs = NEEDS_DTB,                                                            \
		.run = NAME##_run,                                                             \
	}

DUMP_BUILTIN(db, DUMP_BYTES, "bytes", "0x80");
DUMP_BUILTIN(dw, DUMP_WORDS, "words", "0x40");
DUMP_BUILTIN(dd, DUMP_DWORDS, "double words", "0x20");
DUMP_BUILTIN(dq, DUMP_QWORDS, "quad words", "0x10");
DUMP_BUILTIN(da, DUMP_ASCII, "an ASCII string", "0x100 characters");
DUMP_BUILTIN(du, DUMP_UNICODE, "a UTF-16 string", "0x100 characters");

#ifdef HAVE_CAPSTONE
/* WinDbg prints "sub     rsp,28h": no space after commas. */
static void squeeze_commas(char *s)
{
	char *r = s, *w = s;

	while (*r) {
		*w++ = *r;
		if (*r == ',' && r[1] == ' ')
			r++;
		r++;
	}
	*w = '\0';
}

static struct err *u_run(struct ext_ctx *ctx, const struct ext_args *args, struct out *o)
{
	uint64_t addr = args->a[0].u, count = args->a[1].set ? args->a[1].u : 8, i;
	uint8_t buf[16 * 64];
	size_t avail = 0;
	csh h;
	cs_insn *insn;
	struct err *err = NULL;
	char a[18];

	if (!ctx->pas)
		return err_create(ERR_NOT_FOUND, "no virtual address space (no page tables found)");
	if (count > 4096)
		return err_create(ERR_INVALID_ARG, "instruction count %#" PRIx64 " is too large", count);
	if (cs_open(CS_ARCH_X86, CS_MODE_64, &h) != CS_ERR_OK)
		return err_create(ERR_UNSUPPORTED, "capstone cannot open x86-64 mode");
	cs_option(h, CS_OPT_SYNTAX, CS_OPT_SYNTAX_MASM);
	out_u64(o, "address", addr, OUT_HEX);
	out_list_begin(o, "instructions");
	for (i = 0; i < count; i++) {
		size_t got;
		char bytes[40] = "", ops[160];
		unsigned k;

		/* Read up to 16 bytes (stop at the first unreadable page). */
		for (avail = 0; avail < 16; avail++) {
			struct err *e2 = as_read(ctx->pas, addr + avail, buf + avail, 1, "code");

			if (e2) {
				if (!avail)
					err = e2;
				else
					err_destroy(e2);
				break;
			}
		}
		if (!avail) {
			out_printf(o, "%s ??              ???\n", fmt_addr(a, addr));
			break;
		}
		got = cs_disasm(h, buf, avail, addr, 1, &insn);
		if (!got) {
			out_printf(o, "%s %02x              ???\n", fmt_addr(a, addr), buf[0]);
			out_record_begin(o);
			out_u64(o, "address", addr, OUT_HEX);
			out_str(o, "mnemonic", "???");
			out_end(o);
			addr++;
			continue;
		}
		for (k = 0; k < insn[0].size && k < 16; k++)
			snprintf(bytes + 2 * k, sizeof(bytes) - 2 * k, "%02x", insn[0].bytes[k]);
		snprintf(ops, sizeof(ops), "%s", insn[0].op_str);
		squeeze_commas(ops);
		out_printf(o, "%s %-16s %-7s %s\n", fmt_addr(a, addr), bytes, insn[0].mnemonic, ops);
		out_record_begin(o);
		out_u64(o, "address", addr, OUT_HEX);
		out_str(o, "bytes", bytes);
		out_str(o, "mnemonic", insn[0].mnemonic);
		out_str(o, "operands", ops);
		out_end(o);
		addr += insn[0].size;
		cs_free(insn, got);
	}
	out_end(o);
	cs_close(&h);
	return err;
}
#endif

static const struct ext_opt u_opts[] = {
	{ "ADDR", OPT_ADDR, true, true, "virtual address" },
	{ "L", OPT_U64, false, false, "number of instructions (default 8)" },
	{ 0 },
};

#ifndef HAVE_CAPSTONE
static struct err *u_run(struct ext_ctx *ctx, const struct ext_args *args, struct out *o)
{
	return err_create(ERR_UNSUPPORTED, "this mmkd was built without capstone");
}
#endif

const struct ext_def builtin_u = {
	.name = "u",
	.summary = "disassemble x86-64 code",
	.synopsis = "u ADDR [L COUNT]",
	.help = "Disassembles COUNT instructions (default 8) at ADDR with capstone, in MASM\n"
		"syntax like WinDbg: address, instruction bytes, mnemonic and operands.",
	.opts = u_opts,
	.needs = NEEDS_DTB,
	.run = u_run,
};
