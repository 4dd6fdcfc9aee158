// SPDX-License-Identifier: MIT
/*
 * !pfnhist [PFN]: the history of a physical page across the snapshot series: each observed
 * state, and between consecutive snapshots either one legal transition (observed) or the
 * shortest legal path (steps marked inferred), named by their spec/transitions.md §2 rows.
 * Without a PFN: every page that changed, counted per transition kind.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/progress.h"
#include "core/util.h"
#include "ext/ext.h"
#include "ext/ext_table.h"
#include "ext/lib/extutil.h"
#include "model/kinfo.h"
#include "model/observe.h"

static void event_json(struct out *o, enum page_state from, enum page_state to, size_t i,
		       bool observed, const struct hist_edge *e, const char *evidence)
{
	out_record_begin(o);
	out_str(o, "from", page_state_long(from));
	out_str(o, "to", page_state_long(to));
	out_list_begin(o, "between");
	out_u64(o, NULL, i, OUT_DEC);
	out_u64(o, NULL, i + 1, OUT_DEC);
	out_end(o);
	out_bool(o, "observed", observed);
	out_str(o, "transition", e ? e->rows : NULL);
	out_str(o, "what", e ? e->what : NULL);
	if (evidence && *evidence)
		out_str(o, "evidence", evidence);
	out_end(o);
}

static void obs_line(struct ext_ctx *ctx, struct out *o, size_t i, const struct pfn_obs *ob)
{
	char owner[40], share[24];

	if (!ext_snap_record_begin(ctx, o, i, ob->ok, ob->why))
		return;
	if (ob->owner)
		snprintf(owner, sizeof(owner), "%s (%" PRIx64 ")", ob->name, ob->pid);
	else
		snprintf(owner, sizeof(owner), "%s", ob->va ? "system" : "-");
	/* u2 is the share count only off the lists; on a list it is the flink */
	if (pfn_is_linked(&ob->p))
		snprintf(share, sizeof(share), "-");
	else
		snprintf(share, sizeof(share), "%" PRIu64, ob->p.u2);
	out_printf(o, "%3zu  %-16s %-26s %-20s %016" PRIx64 "  %016" PRIx64 " %5s %4u  %016" PRIx64 "\n",
		   i, ctx->snaps[i].name, page_state_long(ob->state), owner, ob->va,
		   ob->p.pte_address, share, ob->p.reference_count, ob->p.original_pte);
	out_str(o, "state", pfn_state_name(ob->p.location));
	out_str(o, "machine_state", page_state_short(ob->state));
	if (ob->owner) {
		out_u64(o, "eprocess", ob->owner, OUT_HEX);
		out_u64(o, "owner_pid", ob->pid, OUT_DEC);
		out_str(o, "owner", ob->name);
	} else {
		out_null(o, "eprocess");
		out_null(o, "owner_pid");
		out_null(o, "owner");
	}
	if (ob->va)
		out_u64(o, "va", ob->va, OUT_HEX);
	else
		out_null(o, "va");
	out_u64(o, "pte_address", ob->p.pte_address, OUT_HEX);
	if (pfn_is_linked(&ob->p))
		out_null(o, "share_count");
	else
		out_u64(o, "share_count", ob->p.u2, OUT_DEC);
	out_u64(o, "reference_count", ob->p.reference_count, OUT_DEC);
	out_u64(o, "original_pte", ob->p.original_pte, OUT_HEX);
	out_end(o);
}

static struct err *one_page(struct ext_ctx *ctx, uint64_t pfn, struct out *o)
{
	struct pfn_obs *obs = calloc(ctx->nsnaps, sizeof(*obs));
	size_t i;
	int s;

	if (!obs)
		return err_nomem;
	for (i = 0; i < ctx->nsnaps; i++) {
		struct err *err = ctx->ensure_snap(ctx, i);

		if (err) {
			snprintf(obs[i].why, sizeof(obs[i].why), "%s", err->message);
			err_destroy(err);
			continue;
		}
		pfn_observe(ctx->snaps[i].k, ctx->snaps[i].sm, pfn, &obs[i]);
	}
	out_printf(o, "PFN %" PRIx64 " across %zu snapshot%s\n", pfn, ctx->nsnaps,
		   ctx->nsnaps == 1 ? "" : "s");
	out_printf(o, "  #  %-16s %-26s %-20s %-16s  %-16s %5s %4s  %s\n", "snapshot", "state", "owner",
		   "VA", "PteAddress", "Share", "Ref", "OriginalPte");
	out_u64(o, "pfn", pfn, OUT_HEX);
	out_list_begin(o, "observations");
	for (i = 0; i < ctx->nsnaps; i++)
		obs_line(ctx, o, i, &obs[i]);
	out_end(o);
	out_list_begin(o, "events");
	if (ctx->nsnaps > 1)
		out_printf(o, "Transitions:\n");
	for (i = 0; i + 1 < ctx->nsnaps; i++) {
		struct obs_change c;
		struct pair_evidence ev;

		pfn_pair_evidence(ctx->snaps[i].k, ctx->snaps[i].sm, ctx->snaps[i + 1].k,
				  ctx->snaps[i + 1].sm, &obs[i], &obs[i + 1], &ev);
		pfn_change(&obs[i], &obs[i + 1], &ev, &c);
		if (c.unchanged || c.nsteps < 0) {
			out_printf(o, "  %zu -> %zu  %s%s%s\n", i, i + 1,
				   c.unchanged ? "no change" : "unknown",
				   *c.note ? ": " : "", c.note);
			continue;
		}
		for (s = 0; s < c.nsteps; s++) {
			const struct hist_edge *e = c.steps[s];
			char pair[48];

			snprintf(pair, sizeof(pair), "%zu -> %zu", i, i + 1);
			out_printf(o, "  %-8s  %-8s  %-12s %s (%s -> %s)\n", s ? "" : pair,
				   c.observed ? "observed" : "inferred", e->rows, e->what,
				   page_state_short(e->from), page_state_short(e->to));
			event_json(o, e->from, e->to, i, c.observed, e, c.note);
		}
		if (*c.note)
			out_printf(o, "            because %s\n", c.note);
	}
	out_end(o);
	free(obs);
	return NULL;
}

struct kind_count {
	uint64_t example;	/* the lowest PFN of this kind, for !pfnhist PFN */
	char key[96];
	bool observed;
	enum page_state from, to;
	uint64_t count;
};

static void count_kind(struct kind_count **kc, size_t *n, size_t *cap, const char *key,
		       bool observed, enum page_state from, enum page_state to, uint64_t pfn)
{
	size_t i;

	for (i = 0; i < *n; i++) {
		if (!strcmp((*kc)[i].key, key) && (*kc)[i].from == from && (*kc)[i].to == to) {
			(*kc)[i].count++;
			return;
		}
	}
	if (*n == *cap) {
		struct kind_count *nk = realloc(*kc, (*cap ? *cap * 2 : 32) * sizeof(**kc));

		if (!nk)
			return;
		*kc = nk;
		*cap = *cap ? *cap * 2 : 32;
	}
	memset(&(*kc)[*n], 0, sizeof(**kc));
	snprintf((*kc)[*n].key, sizeof((*kc)[*n].key), "%s", key);
	(*kc)[*n].observed = observed;
	(*kc)[*n].from = from;
	(*kc)[*n].to = to;
	(*kc)[*n].count = 1;
	(*kc)[*n].example = pfn;
	(*n)++;
}

static int kind_cmp(const void *a, const void *b)
{
	const struct kind_count *x = a, *y = b;

	if (x->count != y->count)
		return x->count < y->count ? 1 : -1;
	return strcmp(x->key, y->key);
}

/* Every PFN of the RAM runs compared between snapshots @i and @i+1. */
static struct err *summary_pair(struct ext_ctx *ctx, size_t i, struct progress *prog,
				struct out *o)
{
	const struct kernel_info *ka = ctx->snaps[i].k, *kb = ctx->snaps[i + 1].k;
	struct kind_count *kc = NULL;
	size_t n = 0, cap = 0, r, j;
	uint64_t changed = 0, done = 0, unreadable = 0, total = kinfo_ram_pages(ka);

	for (r = 0; r < ka->nruns; r++) {
		uint64_t pfn = ka->runs[r].base_page, end = pfn + ka->runs[r].page_count;

		for (; pfn < end && pfn <= ka->highest_pfn && pfn <= kb->highest_pfn; pfn++) {
			struct pfn_obs a, b;
			struct obs_change c;
			char key[96];
			int s;
			struct pair_evidence ev;
			struct mmpfn pa, pb;
			struct err *err;

			if ((++done & 0xFFF) == 0)
				progress_update(prog, done, total);
			/* a cheap look first: state and mapping identity */
			err = pfn_read(ka, pfn, &pa);
			if (!err)
				err = pfn_read(kb, pfn, &pb);
			if (err) {
				unreadable++;
				err_destroy(err);
				continue;
			}
			if (page_state_of(&pa) == page_state_of(&pb) &&
			    pa.pte_address == pb.pte_address && pa.pte_frame == pb.pte_frame)
				continue;
			/* a change: observe it fully, with what each snapshot says of the other */
			pfn_observe(ka, ctx->snaps[i].sm, pfn, &a);
			pfn_observe(kb, ctx->snaps[i + 1].sm, pfn, &b);
			pfn_pair_evidence(ka, ctx->snaps[i].sm, kb, ctx->snaps[i + 1].sm, &a, &b, &ev);
			pfn_change(&a, &b, &ev, &c);
			if (c.unchanged)
				continue;
			changed++;
			key[0] = '\0';
			for (s = 0; s < c.nsteps; s++)
				snprintf(key + strlen(key), sizeof(key) - strlen(key), "%s%s",
					 s ? " " : "", c.steps[s]->rows);
			if (c.nsteps < 0)
				snprintf(key, sizeof(key), "?");
			count_kind(&kc, &n, &cap, key, c.observed, a.state, b.state, pfn);
		}
	}
	qsort(kc, n, sizeof(*kc), kind_cmp);
	out_printf(o, "Between snapshot %zu (%s) and %zu (%s): %" PRIu64 " pages changed\n", i,
		   ctx->snaps[i].name, i + 1, ctx->snaps[i + 1].name, changed);
	out_record_begin(o);
	out_list_begin(o, "between");
	out_u64(o, NULL, i, OUT_DEC);
	out_u64(o, NULL, i + 1, OUT_DEC);
	out_end(o);
	out_u64(o, "changed", changed, OUT_DEC);
	out_u64(o, "unreadable", unreadable, OUT_DEC);
	if (unreadable)
		out_printf(o, "  (%" PRIu64 " PFN entries could not be read in one of the two)\n",
			   unreadable);
	out_list_begin(o, "transitions");
	for (j = 0; j < n; j++) {
		out_printf(o, "  %8" PRIu64 "  %-8s  %-5s -> %-5s e.g. %-8" PRIx64 " %s\n",
			   kc[j].count, kc[j].observed ? "observed" : "inferred",
			   page_state_short(kc[j].from), page_state_short(kc[j].to), kc[j].example,
			   kc[j].key);
		out_record_begin(o);
		out_str(o, "transition", kc[j].key);
		out_bool(o, "observed", kc[j].observed);
		out_str(o, "from", page_state_long(kc[j].from));
		out_str(o, "to", page_state_long(kc[j].to));
		out_u64(o, "count", kc[j].count, OUT_DEC);
		out_u64(o, "example_pfn", kc[j].example, OUT_HEX);
		out_end(o);
	}
	out_end(o);
	out_end(o);
	free(kc);
	return NULL;
}

static struct err *pfnhist_run(struct ext_ctx *ctx, const struct ext_args *args, struct out *o)
{
	struct progress prog;
	struct err *err = NULL;
	size_t i;

	if (args->a[0].set)
		return one_page(ctx, args->a[0].u, o);
	if (ctx->nsnaps < 2)
		return err_create(ERR_INVALID_ARG,
				  "a history needs a series: open several dumps (mmkd s1 s2 ...) or "
				  "use mmkd --model");
	for (i = 0; i < ctx->nsnaps; i++) {
		err = ctx->ensure_snap(ctx, i);
		if (err)
			return err_prefix(err, "snapshot %zu (%s)", i, ctx->snaps[i].name);
	}
	progress_begin(&prog, ctx->progress, "comparing PFN databases");
	out_list_begin(o, "pairs");
	for (i = 0; i + 1 < ctx->nsnaps && !err; i++)
		err = summary_pair(ctx, i, &prog, o);
	out_end(o);
	progress_end(&prog);
	return err;
}

static const struct ext_opt pfnhist_opts[] = {
	{ "PFN", OPT_U64, true, false, "a physical page (none: summarize every change)" },
	{ 0 },
};

static const struct ext_example pfnhist_examples[] = {
	{ 0 },
};

const struct ext_def ext_pfnhist = {
	.name = "pfnhist",
	.summary = "history of a physical page across the snapshot series",
	.synopsis = "!pfnhist [PFN]",
	.help = "For each snapshot of the series, the page's state (with reads and writes in\n"
		"flight), owner process, the VA its PTE address maps, PTE address, share and\n"
		"reference counts and restore PTE; then, between consecutive snapshots, the\n"
		"transition that explains the change, named by its row of the book's state machine\n"
		"(B1 trimmed while dirty, C1/C2 written by the modified page writer, R1 repurposed,\n"
		"...). When the two states are not one legal transition apart, the shortest legal\n"
		"path is given and its steps are marked inferred, not observed. Without a PFN,\n"
		"every page that changed between consecutive snapshots is counted per transition.",
	.examples = pfnhist_examples,
	.opts = pfnhist_opts,
	.needs = NEEDS_KERNEL,
	.run = pfnhist_run,
};
