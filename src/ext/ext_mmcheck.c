// SPDX-License-Identifier: MIT
/*
 * !mmcheck [--all]: verify the memory manager's own invariants on the dump (spec/
 * transitions.md §4) and print each violation with the structures involved.
 */
#include <inttypes.h>

#include "core/err.h"
#include "core/progress.h"
#include "core/util.h"
#include "ext/ext.h"
#include "ext/ext_table.h"
#include "model/check.h"
#include "model/kinfo.h"

static void one_violation(void *arg, const struct violation *v)
{
	struct out *o = arg;

	out_printf(o, "%-4s %-7s %s\n", v->id, v->warning ? "warning" : "error", v->message);
	out_record_begin(o);
	out_str(o, "invariant", v->id);
	out_str(o, "family", v->family);
	out_str(o, "severity", v->warning ? "warning" : "error");
	out_str(o, "message", v->message);
	if (v->pfn != ~0ULL)
		out_u64(o, "pfn", v->pfn, OUT_HEX);
	else
		out_null(o, "pfn");
	if (v->address)
		out_u64(o, "address", v->address, OUT_HEX);
	else
		out_null(o, "address");
	out_end(o);
}

static struct err *mmcheck_run(struct ext_ctx *ctx, const struct ext_args *args, struct out *o)
{
	struct check_options opt = { args->a[0].set, 50, NULL };
	struct check_stats st;
	struct progress prog;
	struct err *err;

	progress_begin(&prog, ctx->progress, "checking the memory manager's invariants");
	opt.prog = &prog;
	out_list_begin(o, "violations");
	err = mm_check(ctx->s->k, ctx->s->sm, &opt, one_violation, o, &st);
	out_end(o);
	progress_end(&prog);
	if (err)
		return err;
	out_printf(o, "Checked %" PRIu64 " pages, %" PRIu64 " lists, %" PRIu64 " page tables, %" PRIu64
		      " processes, %" PRIu64 " VADs, %" PRIu64 " WSLEs, %" PRIu64 " valid PTEs\n",
		   st.pages, st.lists, st.tables, st.processes, st.vads, st.wsles, st.ptes);
	out_printf(o, "%" PRIu64 " error%s, %" PRIu64 " warning%s%s", st.errors,
		   st.errors == 1 ? "" : "s", st.warnings, st.warnings == 1 ? "" : "s",
		   args->a[0].set ? "" : " (inference-strength checks need --all)");
	if (st.suppressed)
		out_printf(o, "; %" PRIu64 " more not shown", st.suppressed);
	out_printf(o, "; %" PRIu64 " pages exempt (locked or under I/O)\n", st.skipped_in_flight);
	out_u64(o, "errors", st.errors, OUT_DEC);
	out_u64(o, "warnings", st.warnings, OUT_DEC);
	out_u64(o, "pages", st.pages, OUT_DEC);
	out_u64(o, "processes", st.processes, OUT_DEC);
	out_u64(o, "vads", st.vads, OUT_DEC);
	out_u64(o, "page_tables", st.tables, OUT_DEC);
	out_u64(o, "exempt_pages", st.skipped_in_flight, OUT_DEC);
	return NULL;
}

static const struct ext_opt mmcheck_opts[] = {
	{ "--all", OPT_FLAG, false, false, "also the inference-strength invariants (as warnings)" },
	{ 0 },
};

static const struct ext_example mmcheck_examples[] = {
	{ 0 },
};

const struct ext_def ext_mmcheck = {
	.name = "mmcheck",
	.summary = "check the memory manager's structures for consistency",
	.synopsis = "!mmcheck [--all]",
	.help = "Verifies the invariants of the book's state machine on the dump and prints each\n"
		"violation with the invariant's name and the structures involved: page lists\n"
		"(L: chains, blinks, counts, PageLocation of members, colors, priorities, standby\n"
		"and modified pages and their transition PTEs), pages (P: PTE back-links, share and\n"
		"reference counts, reads and writes in flight), paging structures (S: share counts\n"
		"of page tables, used entry counts, PML4 entries, containing pages), working sets\n"
		"(W: entries vs PTEs, sizes, the free chain), VAD trees (V: order, AVL balance,\n"
		"counts, mapped pages outside every VAD) and the process list (X). Pages caught\n"
		"mid-update (locked, or under I/O) are exempt from the checks that do not hold for\n"
		"them. --all adds the checks the spec marks as inferences, as warnings.",
	.examples = mmcheck_examples,
	.opts = mmcheck_opts,
	.needs = NEEDS_KERNEL,
	.run = mmcheck_run,
};
