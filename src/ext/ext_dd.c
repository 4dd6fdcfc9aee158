// SPDX-License-Identifier: MIT
/*
 * !dd PA [L count]: physical memory as dwords, in WinDbg's !dd layout.
 */
#include "core/err.h"
#include "ext/ext.h"
#include "ext/ext_table.h"
#include "ext/lib/memdump.h"

static struct err *dd_run(struct ext_ctx *ctx, const struct ext_args *args, struct out *o)
{
	return memdump(o, ctx->s->phys, args->a[0].u, args->a[1].set ? args->a[1].u : 0,
		       DUMP_DWORDS, true);
}

static const struct ext_opt dd_opts[] = {
	{ "PA", OPT_ADDR, true, true, "physical address" },
	{ "L", OPT_U64, false, false, "number of dwords (default 0x20)" },
	{ 0 },
};

static const struct ext_example dd_examples[] = {
	{ 0 },
};

const struct ext_def ext_dd = {
	.name = "dd",
	.summary = "display physical memory as dwords",
	.synopsis = "!dd PA [L COUNT]",
	.help = "Displays physical memory starting at PA, one row of 16 bytes per line, with the\n"
		"physical address first. Bytes missing from the dump show as ??.",
	.examples = dd_examples,
	.opts = dd_opts,
	.needs = 0,
	.run = dd_run,
};
