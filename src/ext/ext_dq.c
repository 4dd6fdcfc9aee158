// SPDX-License-Identifier: MIT
/*
 * !dq PA [L count]: physical memory as qwords, in WinDbg's !dq layout.
 */
#include "core/err.h"
#include "ext/ext.h"
#include "ext/ext_table.h"
#include "ext/lib/memdump.h"

static struct err *dq_run(struct ext_ctx *ctx, const struct ext_args *args, struct out *o)
{
	return memdump(o, ctx->s->phys, args->a[0].u, args->a[1].set ? args->a[1].u : 0,
		       DUMP_QWORDS, true);
}

static const struct ext_opt dq_opts[] = {
	{ "PA", OPT_ADDR, true, true, "physical address" },
	{ "L", OPT_U64, false, false, "number of qwords (default 0x10)" },
	{ 0 },
};

static const struct ext_example dq_examples[] = {
	{ 0 },
};

const struct ext_def ext_dq = {
	.name = "dq",
	.summary = "display physical memory as qwords",
	.synopsis = "!dq PA [L COUNT]",
	.help = "Displays physical memory starting at PA, one row of 16 bytes per line, with the\n"
		"physical address first. Bytes missing from the dump show as ??.",
	.examples = dq_examples,
	.opts = dq_opts,
	.needs = 0,
	.run = dq_run,
};
