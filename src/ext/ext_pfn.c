// SPDX-License-Identifier: MIT
/*
 * !pfn PFN: one _MMPFN entry in WinDbg's x64 layout (book B:3185-3196, B:8621-8626,
 * B:13928-14021, Appendix A B:16828-16889).
 */
#include <inttypes.h>
#include <stdio.h>

#include "core/err.h"
#include "core/util.h"
#include "ext/ext.h"
#include "ext/ext_table.h"
#include "model/kinfo.h"
#include "model/history.h"
#include "model/pfn.h"
#include "model/process.h"
#include "model/pte.h"

static void pfn_json(struct out *o, const struct mmpfn *p)
{
	const char *names[8];
	unsigned n = pfn_flag_names(p, names), i;
	bool linked = pfn_is_linked(p);

	out_u64(o, "pfn", p->pfn, OUT_HEX);
	out_u64(o, "address", p->address, OUT_HEX);
	out_str(o, "state", pfn_state_name(p->location));
	out_u64(o, "location", p->location, OUT_DEC);
	out_u64(o, "pte_address", p->pte_address, OUT_HEX);
	if (linked)
		out_null(o, "share_count");
	else
		out_u64(o, "share_count", p->u2, OUT_DEC);
	out_u64(o, "reference_count", p->reference_count, OUT_DEC);
	out_u64(o, "original_pte", p->original_pte, OUT_HEX);
	out_u64(o, "pte_frame", p->pte_frame, OUT_HEX);
	if (linked) {
		out_u64(o, "flink", p->u1, OUT_HEX);
		out_u64(o, "blink", p->u2, OUT_HEX);
	} else {
		out_null(o, "flink");
		out_null(o, "blink");
	}
	out_list_begin(o, "flags");
	for (i = 0; i < n; i++)
		out_str(o, NULL, names[i]);
	out_end(o);
	out_u64(o, "priority", p->priority, OUT_DEC);
	out_u64(o, "color", p->page_color, OUT_DEC);
	out_str(o, "cache", pfn_cache_name(p->cache_attribute));
	out_u64(o, "used_entry_count", p->used_entry_count, OUT_DEC);
	if (p->location == MM_ACTIVE)
		out_u64(o, "ws_index", p->u1 & 0xFFFFFFFF, OUT_DEC);
	else
		out_null(o, "ws_index");
	if (p->read_in_progress)
		out_u64(o, "event", p->u1, OUT_HEX);
}

/* "notepad.exe at 0x5b0000": the owner and VA the page's PTE address implies, or NULL. */
static const char *describe_owner(struct ext_ctx *ctx, const struct mmpfn *p, char *buf,
				  size_t len, uint64_t *va_ret)
{
	const struct selfmap *sm = ctx->s->sm;
	uint64_t pte_va = p->pte_address & ~7ULL, eprocess = 0, va;
	struct process_info pi;
	struct err *err;

	*va_ret = 0;
	if (!sm || !selfmap_in_region(sm, pte_va) || p->location == MM_ZEROED ||
	    p->location == MM_FREE)
		return NULL;
	va = selfmap_va_from_pte(sm, pte_va);
	*va_ret = va;
	err = pfn_owner(ctx->s->k, p, &eprocess);
	err_destroy(err);
	if (eprocess && !process_read(ctx->s->k, eprocess, &pi))
		snprintf(buf, len, "%s at %#" PRIx64, pi.name, va);
	else
		snprintf(buf, len, "the system at %#" PRIx64, va);
	return buf;
}

static struct err *pfn_run(struct ext_ctx *ctx, const struct ext_args *args, struct out *o)
{
	const struct kernel_info *k = ctx->s->k;
	uint64_t pfn = args->a[0].u;
	const char *names[8];
	char letters[12];
	struct mmpfn p;
	struct err *err;
	unsigned n, i;

	/* An address inside the PFN database names its entry (WinDbg accepts both). */
	if (pfn > k->highest_pfn && pfn >= k->pfn_db &&
	    (pfn - k->pfn_db) / k->l.pfn.size <= k->highest_pfn)
		pfn = (pfn - k->pfn_db) / k->l.pfn.size;
	err = pfn_read(k, pfn, &p);
	if (err)
		return err;
	pfn_flag_letters(&p, letters);
	out_printf(o, "    PFN %08" PRIX64 " at address %016" PRIX64 "\n", p.pfn, p.address);
	out_printf(o, "    flink       %08" PRIX64 "  blink / share count %08" PRIX64
		      "  pteaddress %016" PRIX64 "\n",
		   p.u1, p.u2, p.pte_address);
	out_printf(o, "    reference count %04X    used entry count  %04X      %-10s color %u   "
		      "Priority %u\n",
		   p.reference_count, p.used_entry_count, pfn_cache_name(p.cache_attribute),
		   p.page_color, p.priority);
	out_printf(o, "    restore pte %08" PRIX64 "  containing page %06" PRIX64 "  %-10s %s\n",
		   p.original_pte, p.pte_frame, pfn_state_label(p.location), letters);
	n = pfn_flag_names(&p, names);
	if (n) {
		out_printf(o, "   ");
		for (i = 0; i < n; i++)
			out_printf(o, " %s", names[i]);
		out_printf(o, "\n");
	}
	if (!kinfo_is_ram_pfn(k, p.pfn))
		out_note(o, "    (PFN %" PRIx64 " is not in the physical memory runs)", p.pfn);
	pfn_json(o, &p);
	{
		char owner[96], ev[320], ids[48];
		const char *who;
		uint64_t va;

		who = describe_owner(ctx, &p, owner, sizeof(owner), &va);
		hist_evidence(&p, NULL, who, ev, sizeof(ev), ids, sizeof(ids));
		out_printf(o, "    History: %s%s%s%s\n", ev, *ids ? " [" : "", ids, *ids ? "]" : "");
		out_object_begin(o, "evidence");
		out_str(o, "text", ev);
		out_str(o, "rules", ids);
		out_str(o, "machine_state", page_state_short(page_state_of(&p)));
		if (va)
			out_u64(o, "va", va, OUT_HEX);
		out_end(o);
	}
	return NULL;
}

static const struct ext_opt pfn_opts[] = {
	{ "PFN", OPT_U64, true, true, "page frame number (or the address of its _MMPFN)" },
	{ 0 },
};

static const struct ext_example pfn_examples[] = {
	{ 0 },
};

const struct ext_def ext_pfn = {
	.name = "pfn",
	.summary = "display the PFN database entry of a physical page",
	.synopsis = "!pfn PFN",
	.help = "Shows the _MMPFN of a page in WinDbg's layout: flink (or the working set index)\n"
		"and blink (or the share count), the PTE address, reference count, used entry\n"
		"count, cache type, color, priority, the restore PTE (OriginalPte), the\n"
		"containing page (PteFrame), the state (Zeroed Free Standby Modified ModNoWrt Bad\n"
		"Active Trans) with the flag letters W M R E Y X P, and the flags spelled out\n"
		"(WriteInProgress Modified ReadInProgress InPageError RemovalRequested ParityError\n"
		"Shared). The argument may also be the address of the _MMPFN.",
	.examples = pfn_examples,
	.opts = pfn_opts,
	.needs = NEEDS_KERNEL,
	.run = pfn_run,
};
