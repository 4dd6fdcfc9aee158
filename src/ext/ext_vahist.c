// SPDX-License-Identifier: MIT
/*
 * !vahist VA: the history of a virtual page of the current process across the snapshot
 * series: the PTE format in each snapshot and the page behind it, and between consecutive
 * snapshots the reading of spec/transitions.md §3.2.2 (PTE pairs), observed or implied.
 */
#include <inttypes.h>
#include <stdlib.h>

#include "core/as.h"
#include "core/err.h"
#include "core/util.h"
#include "ext/ext.h"
#include "ext/ext_table.h"
#include "ext/lib/extutil.h"
#include "model/kernel.h"
#include "model/kinfo.h"
#include "model/observe.h"
#include "model/process.h"

/* Observe @va of process @eprocess in snapshot @i (the EPROCESS address is the identity of a
 * process across the snapshots of one machine). */
static void observe_in(struct ext_ctx *ctx, size_t i, uint64_t eprocess, uint64_t va,
		       struct va_obs *ob)
{
	struct ext_snap *s = &ctx->snaps[i];
	struct process_info p;
	unsigned index;
	struct as *as;
	struct err *err = ctx->ensure_snap(ctx, i);

	if (!err)
		err = process_read(s->k, eprocess, &p);
	if (!err && p.header_type != 3)
		err = err_create(ERR_NOT_FOUND, "no process at EPROCESS %016" PRIx64 " in this "
				 "snapshot (not created yet, or gone)", eprocess);
	if (!err && !dtb_is_pml4(s->t, p.dtb, &index))
		err = err_create(ERR_FORMAT, "DirBase %#" PRIx64 " holds no PML4", p.dtb);
	if (err) {
		va_observe(NULL, NULL, NULL, NULL, va, ob);
		snprintf(ob->why, sizeof(ob->why), "%s", err->message);
		err_destroy(err);
		return;
	}
	as = malloc(sizeof(*as));
	if (!as) {
		snprintf(ob->why, sizeof(ob->why), "out of memory");
		return;
	}
	as_init_x64(as, s->t, p.dtb, "process");
	va_observe(s->k, as, s->sm, s->pagefiles, va, ob);
	free(as);
}

static struct err *vahist_run(struct ext_ctx *ctx, const struct ext_args *args, struct out *o)
{
	uint64_t va = args->a[0].u & ~0xFFFULL;
	struct process_info p;
	struct va_obs *obs;
	size_t i;
	struct err *err;

	err = ext_resolve_process(ctx, &args->a[1], &p);
	if (err)
		return err;
	obs = calloc(ctx->nsnaps, sizeof(*obs));
	if (!obs)
		return err_nomem;
	out_printf(o, "VA %016" PRIx64 " of %s (EPROCESS %016" PRIx64 ") across %zu snapshot%s\n", va,
		   p.name, p.eprocess, ctx->nsnaps, ctx->nsnaps == 1 ? "" : "s");
	out_printf(o, "  #  %-16s %-12s %-16s  %-8s %s\n", "snapshot", "PTE", "contents", "pfn", "page");
	out_u64(o, "va", va, OUT_HEX);
	out_u64(o, "eprocess", p.eprocess, OUT_HEX);
	out_list_begin(o, "observations");
	for (i = 0; i < ctx->nsnaps; i++) {
		struct va_obs *ob = &obs[i];

		observe_in(ctx, i, p.eprocess, va, ob);
		if (!ext_snap_record_begin(ctx, o, i, ob->ok, ob->why))
			continue;
		if (ob->have_page)
			out_printf(o, "%3zu  %-16s %-12s %016" PRIx64 "  %-8" PRIx64 " %s\n", i,
				   ctx->snaps[i].name, pte_kind_name(ob->kind), ob->pte, ob->page.p.pfn,
				   page_state_long(ob->page.state));
		else
			out_printf(o, "%3zu  %-16s %-12s %016" PRIx64 "  -\n", i, ctx->snaps[i].name,
				   pte_kind_name(ob->kind), ob->pte);
		out_str(o, "pte_state", pte_state_name(ob->kind));
		out_str(o, "kind", pte_kind_name(ob->kind));
		out_u64(o, "pte", ob->pte, OUT_HEX);
		if (ob->have_page) {
			out_u64(o, "pfn", ob->page.p.pfn, OUT_HEX);
			out_str(o, "page_state", pfn_state_name(ob->page.p.location));
		} else {
			out_null(o, "pfn");
			out_null(o, "page_state");
		}
		out_end(o);
	}
	out_end(o);
	out_list_begin(o, "events");
	if (ctx->nsnaps > 1)
		out_printf(o, "Transitions:\n");
	for (i = 0; i + 1 < ctx->nsnaps; i++) {
		char what[200];
		bool observed = va_change(&obs[i], &obs[i + 1], what, sizeof(what));

		out_printf(o, "  %zu -> %zu  %-8s  %s\n", i, i + 1,
			   !obs[i].ok || !obs[i + 1].ok ? "unknown" : observed ? "observed" : "inferred",
			   what);
		out_record_begin(o);
		out_str(o, "from", obs[i].ok ? pte_state_name(obs[i].kind) : NULL);
		out_str(o, "to", obs[i + 1].ok ? pte_state_name(obs[i + 1].kind) : NULL);
		out_list_begin(o, "between");
		out_u64(o, NULL, i, OUT_DEC);
		out_u64(o, NULL, i + 1, OUT_DEC);
		out_end(o);
		out_bool(o, "observed", observed);
		out_str(o, "transition", what);
		out_end(o);
	}
	out_end(o);
	free(obs);
	return NULL;
}

static const struct ext_opt vahist_opts[] = {
	{ "VA", OPT_ADDR, true, true, "a virtual address of the current process" },
	{ "--process", OPT_PROCESS, false, false, "EPROCESS address, pid or image name (default: current)" },
	{ 0 },
};

static const struct ext_example vahist_examples[] = {
	{ 0 },
};

const struct ext_def ext_vahist = {
	.name = "vahist",
	.summary = "history of a virtual page across the snapshot series",
	.synopsis = "!vahist VA [--process EPROCESS|PID|IMAGE]",
	.help = "For each snapshot, the PTE of VA in the current process (the same EPROCESS in\n"
		"every snapshot): its format (valid, transition, pagefile, demandzero, ...), value\n"
		"and the physical page behind a valid or transition PTE; then, between consecutive\n"
		"snapshots, what the pair of PTEs says happened (book state machine §3.2.2: V -> TR\n"
		"trimmed, TR -> PF repurposed, PF -> V hard fault, ...), marked observed when one\n"
		"event explains it and inferred when it implies a chain of events.",
	.examples = vahist_examples,
	.opts = vahist_opts,
	.needs = NEEDS_KERNEL,
	.run = vahist_run,
};
