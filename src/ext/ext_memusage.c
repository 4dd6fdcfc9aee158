// SPDX-License-Identifier: MIT
/*
 * !memusage [FLAGS]: pages by state from one pass over the PFN database, in WinDbg's layout;
 * FLAGS 1 adds the pages of each process (owner found through the page-table chain).
 */
#include <inttypes.h>
#include <stdlib.h>

#include "core/err.h"
#include "core/progress.h"
#include "core/util.h"
#include "ext/ext.h"
#include "ext/ext_table.h"
#include "ext/lib/extutil.h"
#include "model/kinfo.h"
#include "model/memusage.h"
#include "model/process.h"

/* Rows in WinDbg's order, with the JSON keys of DESIGN.md. */
static const struct {
	const char *label, *key;
	unsigned loc;
} rows[] = {
	{ "Zeroed", "zeroed", MM_ZEROED },
	{ "Free", "free", MM_FREE },
	{ "Standby", "standby", MM_STANDBY },
	{ "Modified", "modified", MM_MODIFIED },
	{ "ModifiedNoWrite", "modified_no_write", MM_MODNOWRITE },
	{ "Active/Valid", "active", MM_ACTIVE },
	{ "Transition", "transition", MM_TRANSITION },
	{ "Bad", "bad", MM_BAD },
};

static void print_owners(struct ext_ctx *ctx, struct out *o, struct progress *prog)
{
	struct owner_usage *u = NULL;
	size_t n = 0, i;
	struct err *err = memusage_owners(ctx->s->k, prog, &u, &n);

	if (err) {
		out_warn(o, "per-process usage: %s", err->message);
		err_destroy(err);
		return;
	}
	out_printf(o, "\n   Active  Standby Modified  Process\n");
	out_list_begin(o, "processes");
	for (i = 0; i < n; i++) {
		struct process_info p;
		const char *name = "(system, not process-owned)";

		if (u[i].eprocess && !process_read(ctx->s->k, u[i].eprocess, &p))
			name = p.name;
		else if (u[i].eprocess)
			name = "(unreadable EPROCESS)";
		out_printf(o, " %8" PRIu64 " %8" PRIu64 " %8" PRIu64 "  %016" PRIx64 " %s\n",
			   u[i].by_location[MM_ACTIVE], u[i].by_location[MM_STANDBY],
			   u[i].by_location[MM_MODIFIED], u[i].eprocess, name);
		out_record_begin(o);
		if (u[i].eprocess)
			out_u64(o, "eprocess", u[i].eprocess, OUT_HEX);
		else
			out_null(o, "eprocess");
		out_str(o, "name", name);
		out_u64(o, "active", u[i].by_location[MM_ACTIVE], OUT_DEC);
		out_u64(o, "standby", u[i].by_location[MM_STANDBY], OUT_DEC);
		out_u64(o, "modified", u[i].by_location[MM_MODIFIED], OUT_DEC);
		out_end(o);
	}
	out_end(o);
	free(u);
}

static struct err *memusage_run(struct ext_ctx *ctx, const struct ext_args *args, struct out *o)
{
	struct progress prog;
	struct memusage m;
	struct err *err;
	size_t i;

	progress_begin(&prog, ctx->progress, "Compiling memory usage data");
	err = memusage_scan(ctx->s->k, &prog, &m);
	progress_end(&prog);
	if (err)
		return err;
	out_object_begin(o, "counts");
	for (i = 0; i < ARRAY_SIZE(rows); i++) {
		out_printf(o, "%19s: %7" PRIu64 " (%8llu kb)\n", rows[i].label,
			   m.by_location[rows[i].loc], PAGES_KB(m.by_location[rows[i].loc]));
		out_u64(o, rows[i].key, m.by_location[rows[i].loc], OUT_DEC);
	}
	out_printf(o, "%19s: %7" PRIu64 " (%8llu kb)\n", "TOTAL", m.total, PAGES_KB(m.total));
	out_u64(o, "total", m.total, OUT_DEC);
	out_end(o);
	if (m.unreadable) {
		out_warn(o, "%" PRIu64 " PFN database entries could not be read (pages missing from "
			    "the dump)", m.unreadable);
		out_u64(o, "unreadable", m.unreadable, OUT_DEC);
	}
	if (args->a[0].set && (args->a[0].u & 1)) {
		progress_begin(&prog, ctx->progress, "Attributing pages to processes");
		print_owners(ctx, o, &prog);
		progress_end(&prog);
	}
	return NULL;
}

static const struct ext_opt memusage_opts[] = {
	{ "FLAGS", OPT_U64, true, false, "1: also the pages of each process" },
	{ 0 },
};

static const struct ext_example memusage_examples[] = {
	{ 0 },
};

const struct ext_def ext_memusage = {
	.name = "memusage",
	.summary = "count physical pages by state",
	.synopsis = "!memusage [FLAGS]",
	.help = "Makes one pass over the PFN database entries of the physical memory runs\n"
		"(MmPhysicalMemoryBlock; entries of holes are not counted) and prints the pages in\n"
		"each state: Zeroed, Free, Standby, Modified, ModifiedNoWrite, Active/Valid,\n"
		"Transition, Bad, and the total. Only each entry's PageLocation is read, in place,\n"
		"so the scan runs at memory speed. FLAGS 1 adds the active, standby and modified\n"
		"pages of each process, found by following each page's PteFrame up to a PML4 page,\n"
		"whose u1 is its EPROCESS.",
	.examples = memusage_examples,
	.opts = memusage_opts,
	.needs = NEEDS_KERNEL,
	.run = memusage_run,
};
