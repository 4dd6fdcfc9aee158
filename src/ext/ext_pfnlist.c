// SPDX-License-Identifier: MIT
/*
 * !pfnlist LIST: walk a page list (ours; WinDbg has no such command) with the count its head
 * records, bounded and cycle-safe, saying where a chain breaks. Lists by color and priority
 * follow the book: MmFreePagesByColor[0|1][color] (B:14556-14617), MmStandbyPageListByPriority
 * (B:5142), the two modified lists (B:4941-4960).
 */
#include <inttypes.h>
#include <string.h>
#include <strings.h>

#include "core/err.h"
#include "core/progress.h"
#include "core/util.h"
#include "ext/ext.h"
#include "ext/ext_table.h"
#include "model/kinfo.h"
#include "model/pfn.h"

struct list_state {
	struct out *o;
	struct progress prog;
	uint64_t total_walked, expected;
};

static struct err *one_page(void *arg, const struct mmpfn *p, uint64_t index)
{
	struct list_state *st = arg;
	char letters[12];

	pfn_flag_letters(p, letters);
	out_printf(st->o, "    %08" PRIx64 "  %016" PRIX64 "  %016" PRIX64 "  %-9s %s\n", p->pfn,
		   p->pte_address, p->original_pte, pfn_state_label(p->location), letters);
	out_u64(st->o, NULL, p->pfn, OUT_HEX);
	st->total_walked++;
	progress_update(&st->prog, st->total_walked, st->expected);
	return NULL;
}

/* Walk one _MMPFNLIST and describe it. */
static struct err *walk_one(struct ext_ctx *ctx, struct list_state *st, const char *label,
			    uint64_t head, int location, bool *broken)
{
	struct pfnlist_result r;
	struct err *err;

	err = pfnlist_walk(ctx->s->k, head, location, one_page, st, &r);
	if (err)
		return err;
	if (r.walked || r.total || r.broken)
		out_printf(st->o, "  %s: head %016" PRIX64 " count %" PRIu64 ", %" PRIu64
				  " pages in the chain\n",
			   label, head, r.total, r.walked);
	if (r.broken) {
		*broken = true;
		out_warn(st->o, "%s: chain breaks after PFN %" PRIx64 ": %s", label, r.at_pfn, r.why);
	}
	return NULL;
}

enum { L_COLOR, L_PRIORITY, L_NONE };

static struct err *pfnlist_run(struct ext_ctx *ctx, const struct ext_args *args, struct out *o)
{
	static const char *const lists[] = { "zeroed", "free", "standby", "modified",
					     "modnowrite", "bad" };
	const struct kernel_info *k = ctx->s->k;
	const char *name = args->a[0].s;
	struct list_state st = { o, { 0 }, 0, 0 };
	uint64_t head_total = 0, i, n;
	bool broken = false;
	int which = -1;
	struct err *err = NULL;
	char label[48];
	size_t l;

	for (l = 0; l < ARRAY_SIZE(lists); l++)
		if (!strcasecmp(name, lists[l]))
			which = (int)l;
	if (which < 0)
		return err_create(ERR_INVALID_ARG,
				  "unknown list '%s' (zeroed, free, standby, modified, modnowrite, bad)",
				  name);
	if (args->a[1].set && which != MM_ZEROED && which != MM_FREE)
		return err_create(ERR_INVALID_ARG, "--color applies to the zeroed and free lists");
	if (args->a[2].set && which != MM_STANDBY)
		return err_create(ERR_INVALID_ARG, "--priority applies to the standby list");
	if (k->head[which])
		err = kinfo_read_u64(k, k->head[which] + k->l.pfnlist.total.offset, &head_total,
				     "page list head");
	if (err)
		return err;
	st.expected = head_total;
	progress_begin(&st.prog, ctx->progress, "walking the page list");
	out_printf(o, "%s page list: %" PRIu64 " pages (head %016" PRIX64 ")\n",
		   pfn_state_name((unsigned)which), head_total, k->head[which]);
	out_printf(o, "    PFN       PteAddress        OriginalPte       State     Flags\n");
	out_str(o, "list", lists[which]);
	out_list_begin(o, "pfns");
	if ((which == MM_ZEROED || which == MM_FREE) && k->colors &&
	    (which == MM_ZEROED ? k->zeroed_by_color : k->free_by_color)) {
		uint64_t base = which == MM_ZEROED ? k->zeroed_by_color : k->free_by_color;

		for (i = 0, n = k->colors; i < n && !err; i++) {
			if (args->a[1].set && args->a[1].u != i)
				continue;
			snprintf(label, sizeof(label), "color %" PRIu64, i);
			err = walk_one(ctx, &st, label, base + i * k->l.pfnlist.size, which, &broken);
		}
		if (args->a[1].set && args->a[1].u >= n)
			err = err_create(ERR_INVALID_ARG, "color %" PRIu64 " is beyond the %u colors",
					 args->a[1].u, k->colors);
	} else if (which == MM_STANDBY) {
		for (i = 0; i < 8 && !err; i++) {
			if (args->a[2].set && args->a[2].u != i)
				continue;
			snprintf(label, sizeof(label), "priority %" PRIu64, i);
			err = walk_one(ctx, &st, label, k->standby_by_priority + i * k->l.pfnlist.size,
				       which, &broken);
		}
	} else if (which == MM_MODIFIED) {
		err = walk_one(ctx, &st, "user VAs (MmModifiedProcessListByColor)",
			       k->modified_process_list, which, &broken);
		if (!err)
			err = walk_one(ctx, &st, "system VAs (MmModifiedPageListByColor)",
				       k->modified_page_list, which, &broken);
	} else {
		err = walk_one(ctx, &st, lists[which], k->head[which], which, &broken);
	}
	out_end(o);
	progress_end(&st.prog);
	if (err)
		return err;
	out_printf(o, "%" PRIu64 " pages walked; the list head records %" PRIu64 "\n",
		   st.total_walked, head_total);
	if (!args->a[1].set && !args->a[2].set && st.total_walked != head_total)
		out_warn(o, "the chains hold %" PRIu64 " pages but the head records %" PRIu64,
			 st.total_walked, head_total);
	out_u64(o, "count", args->a[1].set || args->a[2].set ? st.total_walked : head_total,
		OUT_DEC);
	out_u64(o, "head_count", head_total, OUT_DEC);
	out_u64(o, "walked", st.total_walked, OUT_DEC);
	out_bool(o, "broken", broken);
	return NULL;
}

static const struct ext_opt pfnlist_opts[] = {
	{ "LIST", OPT_STR, true, true, "zeroed, free, standby, modified, modnowrite or bad" },
	{ "--color", OPT_U64, false, false, "only this color (zeroed and free lists)" },
	{ "--priority", OPT_U64, false, false, "only this priority (standby list)" },
	{ 0 },
};

static const struct ext_example pfnlist_examples[] = {
	{ 0 },
};

const struct ext_def ext_pfnlist = {
	.name = "pfnlist",
	.summary = "walk one of the memory manager's page lists",
	.synopsis = "!pfnlist zeroed|free|standby|modified|modnowrite|bad [--color N] [--priority N]",
	.help = "Walks the PFN-linked chains of a page list and prints each page (PFN, PTE\n"
		"address, restore PTE, state, flags), then the number of pages walked next to the\n"
		"count the list head records. The zeroed and free lists are walked color by color\n"
		"(MmFreePagesByColor), the standby list priority by priority (0 to 7), the\n"
		"modified list as its user-VA and system-VA lists. Every walk is bounded and\n"
		"cycle-safe: a link outside the PFN database, a loop, a blink that does not point\n"
		"back, or a page whose PageLocation is not this list is reported with the PFN where\n"
		"the chain breaks.",
	.examples = pfnlist_examples,
	.opts = pfnlist_opts,
	.needs = NEEDS_KERNEL,
	.run = pfnlist_run,
};
