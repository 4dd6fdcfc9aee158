// SPDX-License-Identifier: MIT
/*
 * !db PA [L count]: physical memory as bytes, in WinDbg's !db layout.
 */
#include "core/err.h"
#include "ext/ext.h"
#include "ext/ext_table.h"
#include "ext/lib/memdump.h"

static struct err *db_run(struct ext_ctx *ctx, const struct ext_args *args, struct out *o)
{
	return memdump(o, ctx->s->phys, args->a[0].u, args->a[1].set ? args->a[1].u : 0,
		       DUMP_BYTES, true);
}

static const struct ext_opt db_opts[] = {
	{ "PA", OPT_ADDR, true, true, "physical address" },
	{ "L", OPT_U64, false, false, "number of bytes (default 0x80)" },
	{ 0 },
};

static const struct ext_example db_examples[] = {
	{ 0 },
};

const struct ext_def ext_db = {
	.name = "db",
	.summary = "display physical memory as bytes",
	.synopsis = "!db PA [L COUNT]",
	.help = "Displays physical memory starting at PA, one row of 16 bytes per line, with the\n"
		"physical address first. Bytes missing from the dump show as ??.",
	.examples = db_examples,
	.opts = db_opts,
	.needs = 0,
	.run = db_run,
};
