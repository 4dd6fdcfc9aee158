// SPDX-License-Identifier: MIT
/*
 * !pte: the four paging entries of a virtual address, read through the auto-entry as WinDbg
 * does (book §15.2.5, paging.md §5.3), decoded with the Windows 7 software PTE formats.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "core/err.h"
#include "core/util.h"
#include "ext/ext.h"
#include "ext/ext_table.h"
#include "ext/lib/ptefmt.h"
#include "model/history.h"
#include "model/kinfo.h"
#include "model/pfn.h"
#include "model/memtype.h"
#include "model/pte.h"

/* More than this many pages in one range is almost certainly a typo. */
#define PTE_RANGE_MAX 0x100000ULL

static struct err *pte_literal(struct ext_ctx *ctx, uint64_t addr, struct out *o)
{
	const struct selfmap *sm = ctx->s->sm;
	struct pte_info pi;
	uint64_t v;
	struct err *err;
	char buf[64];
	unsigned l;

	out_printf(o, "%41sVA %016" PRIx64 "\n", "", addr);
	for (l = 0; l < 4; l++)
		out_printf(o, "%s at %016" PRIX64 "%s", ptefmt_level_names[l], addr,
			   l < 3 ? "    " : "\n");
	out_u64(o, "va", addr, OUT_HEX);
	out_bool(o, "literal", true);
	err = as_read_u64(ctx->pas, addr, &v, "PTE");
	if (err) {
		out_printf(o, "unavailable\n");
		return err;
	}
	pte_decode(v, selfmap_in_region(sm, addr), 3, &pi);
	out_printf(o, "contains %016" PRIX64 "\n", v);
	out_list_begin(o, "levels");
	out_record_begin(o);
	out_str(o, "name", "PTE");
	ptefmt_json_entry(o, addr, &pi);
	out_end(o);
	out_end(o);
	if (pi.kind == PTE_KIND_VALID || pi.kind == PTE_KIND_LARGE) {
		char flags[12];

		pte_flags(v, pi.kind == PTE_KIND_LARGE, flags);
		out_printf(o, "pfn %-10" PRIx64 "%s\n", pi.pfn, flags);
	} else {
		out_printf(o, "not valid\n");
		ptefmt_details(o, &pi, 0, buf, sizeof(buf));
	}
	ptefmt_json_state(o, &pi, 0);
	return NULL;
}

/* One line per page for !pte START END. */
static struct err *pte_range(struct ext_ctx *ctx, uint64_t start, uint64_t end, struct out *o)
{
	const struct selfmap *sm = ctx->s->sm;
	uint64_t va, npages;

	start &= ~0xFFFULL;
	if (end < start)
		return err_create(ERR_INVALID_ARG, "range end %#" PRIx64 " is below its start %#" PRIx64,
				  end, start);
	npages = ((end - start) >> 12) + 1;
	if (npages > PTE_RANGE_MAX)
		return err_create(ERR_INVALID_ARG,
				  "range of %" PRIu64 " pages is too large (limit %llu)", npages,
				  (unsigned long long)PTE_RANGE_MAX);
	unsigned offline = 0;

	out_printf(o, "%-17s %-17s %-17s %s\n", "VA", "PTE at", "contains", "state");
	out_list_begin(o, "ptes");
	for (va = start;; va += 0x1000) {
		struct pte_walk w;
		char summary[96];

		if (!is_canonical(va)) {
			/* Skip the non-canonical hole in one step. */
			if (va < 0xFFFF800000000000ULL && end >= 0xFFFF800000000000ULL) {
				va = 0xFFFF800000000000ULL - 0x1000;
				continue;
			}
			break;
		}
		pte_walk(ctx->pas, sm, va, &w);
		pte_walk_offline(&w, ctx->s->t, ctx->s->pagefiles);
		ptefmt_summary(&w, summary, sizeof(summary));
		out_printf(o, "%016" PRIx64 "  %016" PRIX64 "  ", va, w.addr[3]);
		if (w.nread == 4)
			out_printf(o, "%016" PRIX64 "  ", w.entry[3]);
		else if (w.stop_level + (int)w.noff == 3 && ++offline)
			out_printf(o, "%016" PRIX64 "* ", w.off_entry[3]);
		else
			out_printf(o, "%-16s  ", "-");
		out_printf(o, "%s\n", summary);
		out_record_begin(o);
		out_u64(o, "va", va, OUT_HEX);
		out_u64(o, "pte_address", w.addr[3], OUT_HEX);
		ptefmt_json_walk(o, &w);
		out_end(o);
		if (va >= (end & ~0xFFFULL) || va + 0x1000 < va)
			break;
	}
	out_end(o);
	if (offline)
		out_printf(o, "* read from a page table in transition or in the paging file\n");
	return NULL;
}

/* What the structures prove about the page's past (transitions.md §3.1), when the kernel
 * globals are known: the PTE format itself, and the PFN entry behind a valid or transition
 * PTE. */
static void pte_evidence(struct ext_ctx *ctx, const struct pte_walk *w, struct out *o)
{
	const struct kernel_info *k = ctx->s->k;
	const struct pte_info *pi;
	char ev[320], ids[48] = "", owner[64];
	struct mmpfn p;

	if (!k || w->stop_level < 0 || w->unreadable || w->large)
		return;
	pi = &w->info[w->stop_level];
	snprintf(owner, sizeof(owner), "this process at %#llx", (unsigned long long)w->va);
	if ((pi->kind == PTE_KIND_VALID && w->stop_level == 3) ||
	    pi->kind == PTE_KIND_TRANSITION) {
		struct err *err = pfn_read(k, pi->pfn, &p);

		if (err) {
			err_destroy(err);
			return;
		}
		hist_evidence(&p, pi, owner, ev, sizeof(ev), ids, sizeof(ids));
	} else if (pi->kind == PTE_KIND_PAGEFILE) {
		snprintf(ev, sizeof(ev), "was valid; its content was written to paging file %u offset %#llx "
					 "and its physical page repurposed (C1/C2 or C4, then R1)",
			 pi->pagefile, (unsigned long long)pi->pagefile_offset);
		snprintf(ids, sizeof(ids), "EV12");
	} else if (pi->kind == PTE_KIND_DECOMMITTED) {
		snprintf(ev, sizeof(ev), "decommitted (F1): any page it had was freed and its paging-file "
					 "copy released");
		snprintf(ids, sizeof(ids), "EV3");
	} else if (pi->kind == PTE_KIND_DEMANDZERO && w->stop_level == 3) {
		snprintf(ev, sizeof(ev), "committed and not mapped since: a partial commit (F0), or a page "
					 "released by the zero-page trim (B4)");
		snprintf(ids, sizeof(ids), "EV2");
	} else if (pi->kind == PTE_KIND_PROTO_VAD || pi->kind == PTE_KIND_PROTO) {
		snprintf(ev, sizeof(ev), "this process had the shared page in its working set and removed "
					 "it (I5/I6)");
		snprintf(ids, sizeof(ids), "EV15");
	} else if (pi->kind == PTE_KIND_TRANSITION || pi->kind == PTE_KIND_PAGEFILE) {
		snprintf(ev, sizeof(ev), "the page table itself left the working set (H3/H5)");
		snprintf(ids, sizeof(ids), "EV18");
	} else {
		return;
	}
	out_printf(o, "History: %s [%s]\n", ev, ids);
	out_object_begin(o, "evidence");
	out_str(o, "text", ev);
	out_str(o, "rules", ids);
	out_end(o);
}

/* The memory type of a valid page when the current CPU's PAT and MTRRs are known
 * (paging.md §8: PAT entry of the leaf, MTRR type of the PA, SDM Table 11-7). */
static void pte_memtype(struct ext_ctx *ctx, const struct pte_walk *w, struct out *o)
{
	struct memtype m;
	unsigned leaf = (unsigned)w->stop_level;

	if (!ctx->mt || !w->valid || w->stop_level < 0)
		return;
	memtype_of_page(ctx->mt, w->entry[leaf], w->large, w->pa, &m);
	out_object_begin(o, "memory_type");
	out_u64(o, "cpu", ctx->cpu, OUT_DEC);
	out_u64(o, "pat_index", m.pat_index, OUT_DEC);
	out_str(o, "pat", mem_type_name(m.pat_type));
	if (m.mtrr_type != MT_INVALID)
		out_str(o, "mtrr", mtrr_type_name(m.mtrr_type));
	else
		out_null(o, "mtrr");
	if (m.effective != MT_INVALID) {
		out_str(o, "type", mem_type_name(m.effective));
		out_printf(o, "memory type %s (PAT entry %u %s, MTRR %s)\n",
			   mem_type_name(m.effective), m.pat_index, mem_type_name(m.pat_type),
			   mtrr_type_name(m.mtrr_type));
	} else {
		out_null(o, "type");
		out_str(o, "unknown_because", m.why);
		out_printf(o, "memory type unknown (PAT entry %u %s): %s\n", m.pat_index,
			   mem_type_name(m.pat_type), m.why);
	}
	out_end(o);
}

static struct err *pte_run(struct ext_ctx *ctx, const struct ext_args *args, struct out *o)
{
	const struct selfmap *sm = ctx->s->sm;
	uint64_t va = args->a[0].u;
	struct pte_walk w;

	if (args->a[1].set && args->a[1].u == 1)
		return pte_literal(ctx, va, o);
	if (args->a[1].set)
		return pte_range(ctx, va, args->a[1].u, o);
	/* An address inside the paging-structure region is a PTE address: show the hierarchy
	 * of the VA it maps (book L1876-1916, E02, E03). */
	if (selfmap_in_region(sm, va))
		va = selfmap_va_from_pte(sm, va & ~7ULL);
	if (!is_canonical(va))
		return err_create(ERR_INVALID_ARG, "%#" PRIx64 " is not a canonical address", va);
	pte_walk(ctx->pas, sm, va, &w);
	pte_walk_offline(&w, ctx->s->t, ctx->s->pagefiles);
	ptefmt_print(o, &w);
	out_u64(o, "va", va, OUT_HEX);
	ptefmt_json_walk(o, &w);
	pte_memtype(ctx, &w, o);
	pte_evidence(ctx, &w, o);
	return NULL;
}

static const struct ext_opt pte_opts[] = {
	{ "VA", OPT_ADDR, true, true, "virtual address, or the address of a PTE" },
	{ "END|1", OPT_U64, true, false,
	  "1: take VA literally as the address of a PxE; otherwise the end of a range" },
	{ 0 },
};

static const struct ext_example pte_examples[] = {
	{ "!pte 1c0000", "book.raw", NULL },
	{ "!pte fffff6fb`40000000", "book.raw", NULL },
	{ 0 },
};

const struct ext_def ext_pte = {
	.name = "pte",
	.summary = "display the page table entries that map a virtual address",
	.synopsis = "!pte VA | !pte PTE-ADDRESS | !pte ADDR 1 | !pte START END",
	.help = "Shows the PXE, PPE, PDE and PTE of VA with their addresses (computed from the\n"
		"auto-entry), contents, page frame numbers and flags (C G L D A N T U/K W/R E V).\n"
		"Entries are read through the self-map of the current process, as WinDbg does.\n"
		"An invalid entry is decoded with the Windows 7 x64 software formats: Transition,\n"
		"PageFile/Offset, DemandZero, Decommitted, Proto: VAD, Proto: ADDR or Subsection.\n"
		"An address inside the paging-structure region is taken as the address of a PTE and\n"
		"the hierarchy of the VA it maps is shown. With a second argument 1, ADDR is taken\n"
		"literally as the address of one entry. With a second address, one line per page.\n"
		"When the dump recorded the current CPU's IA32_PAT and MTRRs, a valid page also\n"
		"shows its memory type: the PAT entry its PAT/PCD/PWT bits select, combined with\n"
		"the MTRR type of its physical address (Intel SDM Table 11-7).",
	.examples = pte_examples,
	.opts = pte_opts,
	.needs = NEEDS_DTB | WANTS_KERNEL,
	.run = pte_run,
};
