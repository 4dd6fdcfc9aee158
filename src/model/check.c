// SPDX-License-Identifier: MIT
/*
 * The checker's framework and the list (L), page (P) and paging-structure (S) families of
 * spec/transitions.md §4. See check.h.
 */
#include "check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/as.h"
#include "core/err.h"
#include "core/progress.h"
#include "core/util.h"
#include "model/check_int.h"
#include "model/kinfo.h"
#include "model/pfn.h"
#include "model/pte.h"
#include "targets/target.h"

void check_report(struct checker *c, const char *id, const char *family, bool warning,
		  uint64_t pfn, uint64_t address, const char *fmt, ...)
{
	unsigned limit = c->opt->max_per_id ? c->opt->max_per_id : 50, i;
	struct violation v;
	va_list ap;

	if (warning && !c->opt->all)
		return;
	if (warning)
		c->st->warnings++;
	else
		c->st->errors++;
	for (i = 0; i < CHECK_MAX_IDS && c->ids[i] && strcmp(c->ids[i], id); i++)
		;
	if (i < CHECK_MAX_IDS) {
		c->ids[i] = id;
		if (++c->id_counts[i] > limit) {
			c->st->suppressed++;
			return;
		}
	}
	memset(&v, 0, sizeof(v));
	v.id = id;
	v.family = family;
	v.warning = warning;
	v.pfn = pfn;
	v.address = address;
	va_start(ap, fmt);
	vsnprintf(v.message, sizeof(v.message), fmt, ap);
	va_end(ap);
	c->fn(c->arg, &v);
}

/* ---- lists (L1-L4, L6, L7, L11) ---- */

struct list_visit {
	struct checker *c;
	uint8_t code;
	int priority; /* standby sub-list, or -1 */
	int color;    /* zeroed/free sub-list, or -1 */
};

static struct err *mark_listed(void *arg, const struct mmpfn *p, uint64_t index)
{
	struct list_visit *lv = arg;
	struct checker *c = lv->c;
	uint32_t mask = c->k->colors ? c->k->colors - 1 : 0;

	if (c->listed[p->pfn]) {
		check_report(c, "L7", "lists", false, p->pfn, p->address,
			     "PFN %#llx is on two lists", (unsigned long long)p->pfn);
		c->listed[p->pfn] = 0xFF;
	} else {
		c->listed[p->pfn] = lv->code + 1;
	}
	if (lv->priority >= 0 && p->priority != (unsigned)lv->priority)
		check_report(c, "L6", "lists", false, p->pfn, p->address,
			     "PFN %#llx on standby list %d has priority %u", (unsigned long long)p->pfn,
			     lv->priority, p->priority);
	if (lv->color >= 0 && mask && (p->pfn & mask) != (uint64_t)lv->color)
		check_report(c, "L3", "lists", false, p->pfn, p->address,
			     "PFN %#llx (color %llu) is on the list of color %d",
			     (unsigned long long)p->pfn, (unsigned long long)(p->pfn & mask), lv->color);
	return NULL;
}

static uint64_t walk_list(struct checker *c, const char *name, uint64_t head, unsigned loc,
			  int priority, int color)
{
	struct list_visit lv = { c, (uint8_t)loc, priority, color };
	struct pfnlist_result r;
	struct err *err;

	err = pfnlist_walk(c->k, head, (int)loc, mark_listed, &lv, &r);
	c->st->lists++;
	if (err) {
		check_report(c, "L1", "lists", false, ~0ULL, head, "%s list head at %#llx: %s", name,
			     (unsigned long long)head, err->message);
		err_destroy(err);
		return 0;
	}
	if (r.broken)
		check_report(c, strstr(r.why, " is ") ? "L2" : "L1", "lists", false, r.at_pfn, head,
			     "%s list (head %#llx): %s", name, (unsigned long long)head, r.why);
	return r.walked;
}

static uint64_t head_total(struct checker *c, uint64_t head)
{
	uint64_t v = 0;
	struct err *err;

	if (!head)
		return 0;
	err = as_read_u64(c->k->kas, head + c->k->l.pfnlist.total.offset, &v, NULL);
	err_destroy(err);
	return v;
}

static void check_slists(struct checker *c, uint64_t base, unsigned code, const char *name)
{
	const struct slist_layout *sl = &c->k->l.slist;
	unsigned color;

	if (!base)
		return;
	for (color = 0; color < c->k->colors; color++) {
		uint8_t h[16];
		uint64_t depth, next, n = 0;

		if (as_read(c->k->kas, base + color * sl->size, h, sizeof(h), NULL))
			return; /* the arrays are optional: nothing to check */
		depth = field_read(&sl->depth, h, sizeof(h));
		next = field_read(&sl->next_entry, h, sizeof(h)) << 4;
		while (next && n <= depth + 1) {
			uint64_t pfn = (next - c->k->pfn_db) / c->k->l.pfn.size;
			struct mmpfn p;

			if (next < c->k->pfn_db || pfn > c->k->highest_pfn || pfn_read(c->k, pfn, &p)) {
				check_report(c, "L4", "lists", false, ~0ULL, base + color * sl->size,
					     "%s SList of color %u links to %#llx, outside the PFN database",
					     name, color, (unsigned long long)next);
				break;
			}
			if (p.location != MM_BAD)
				check_report(c, "L4", "lists", false, pfn, p.address,
					     "PFN %#llx cached on the %s SList is %s, not Bad", (unsigned long long)pfn,
					     name, pfn_state_name(p.location));
			c->listed[pfn] = (uint8_t)(code + 1);
			n++;
			next = p.u1;
		}
		if (n != depth)
			check_report(c, "L4", "lists", false, ~0ULL, base + color * sl->size,
				     "%s SList of color %u: Depth %llu, chain of %llu", name, color,
				     (unsigned long long)depth, (unsigned long long)n);
	}
}

static void check_lists(struct checker *c)
{
	const struct kernel_info *k = c->k;
	uint64_t zeroed = 0, freel = 0, standby = 0, mod = 0, t;
	unsigned i;

	for (i = 0; i < k->colors && k->zeroed_by_color; i++)
		zeroed += walk_list(c, "zeroed", k->zeroed_by_color + i * k->l.pfnlist.size, MM_ZEROED,
				    -1, (int)i);
	for (i = 0; i < k->colors && k->free_by_color; i++)
		freel += walk_list(c, "free", k->free_by_color + i * k->l.pfnlist.size, MM_FREE, -1,
				   (int)i);
	for (i = 0; i < 8; i++)
		standby += walk_list(c, "standby", k->standby_by_priority + i * k->l.pfnlist.size,
				     MM_STANDBY, (int)i, -1);
	mod += walk_list(c, "modified (user)", k->modified_process_list, MM_MODIFIED, -1, -1);
	mod += walk_list(c, "modified (system)", k->modified_page_list, MM_MODIFIED, -1, -1);
	walk_list(c, "modified no-write", k->head[MM_MODNOWRITE], MM_MODNOWRITE, -1, -1);
	walk_list(c, "bad", k->head[MM_BAD], MM_BAD, -1, -1);
	check_slists(c, k->zero_slist, MM_BAD, "zeroed");
	check_slists(c, k->free_slist, MM_BAD, "free");
	/* L11: the global modified head counts both modified lists (B:16698, I) */
	t = head_total(c, k->head[MM_MODIFIED]);
	if (t != mod)
		check_report(c, "L11", "lists", false, ~0ULL, k->head[MM_MODIFIED],
			     "MmModifiedPageListHead.Total is %llu, the modified lists hold %llu",
			     (unsigned long long)t, (unsigned long long)mod);
	t = head_total(c, k->head[MM_ZEROED]);
	if (k->zeroed_by_color && t != zeroed)
		check_report(c, "L11", "lists", true, ~0ULL, k->head[MM_ZEROED],
			     "MmZeroedPageListHead.Total is %llu, the per-color lists hold %llu",
			     (unsigned long long)t, (unsigned long long)zeroed);
	t = head_total(c, k->head[MM_FREE]);
	if (k->free_by_color && t != freel)
		check_report(c, "L11", "lists", true, ~0ULL, k->head[MM_FREE],
			     "MmFreePageListHead.Total is %llu, the per-color lists hold %llu",
			     (unsigned long long)t, (unsigned long long)freel);
	t = head_total(c, k->head[MM_STANDBY]);
	if (t != standby)
		check_report(c, "L11", "lists", true, ~0ULL, k->head[MM_STANDBY],
			     "MmStandbyPageListHead.Total is %llu, the priority lists hold %llu",
			     (unsigned long long)t, (unsigned long long)standby);
}

/* ---- pages (P), paging structures (S), lists vs pages (L7-L9) ---- */

/* Read the PTE that maps a page the way MiRestoreTransitionPte finds it (R1, B:4142-4148):
 * in the page PteFrame, at the offset of PteAddress. */
static bool mapping_pte(struct checker *c, const struct mmpfn *p, uint64_t *ret)
{
	uint64_t pa = (p->pte_frame << 12) | (p->pte_address & 0xFF8);
	struct err *err;

	if (p->pte_frame > c->k->highest_pfn)
		return false;
	err = target_read_phys(c->k->kas->t, pa, ret, 8, NULL);
	if (err) {
		err_destroy(err);
		return false;
	}
	return true;
}

/* Does the paging structure whose entry lives at @pte_addr map user addresses? */
static bool maps_user(const struct selfmap *sm, uint64_t pte_addr)
{
	uint64_t v = pte_addr;
	int guard = 0;

	while (selfmap_in_region(sm, v) && guard++ < 5)
		v = selfmap_va_from_pte(sm, v & ~7ULL);
	return v < 0x0000800000000000ULL;
}

static bool entry_references_page(uint64_t e)
{
	/* valid, or transition (bit 11 set, bit 10 clear) */
	return (e & 1) || ((e & 0x800) && !(e & 0x400));
}

static void check_table_page(struct checker *c, const struct mmpfn *p)
{
	uint64_t page[512], refs = 0, used = 0, nonzero = 0, i;
	struct err *err = target_read_phys(c->k->kas->t, p->pfn << 12, page, sizeof(page), NULL);

	if (err) {
		err_destroy(err);
		return;
	}
	c->st->tables++;
	for (i = 0; i < 512; i++) {
		if (!page[i])
			continue;
		nonzero++;
		if (entry_references_page(page[i]))
			refs++;
		if (entry_references_page(page[i]) || (page[i] >> 32) || (page[i] & 0x400))
			used++;
	}
	/* S3: Share = 1 + referencing entries (B:4193, B:8293, [I] exact form) */
	if (p->u2 != refs + 1)
		check_report(c, "S3", "paging structures", false, p->pfn, p->address,
			     "page table PFN %#llx (%s) has share count %llu, expected %llu "
			     "(1 + %llu valid or transition entries)",
			     (unsigned long long)p->pfn,
			     c->sm ? "user" : "?", (unsigned long long)p->u2,
			     (unsigned long long)refs + 1, (unsigned long long)refs);
	/* S4 [I]: #(V, TR, PF, proto) <= UsedPTE <= #(non-zero) */
	if (p->used_entry_count < used || p->used_entry_count > nonzero)
		check_report(c, "S4", "paging structures", true, p->pfn, p->address,
			     "page table PFN %#llx: used entry count %u outside [%llu, %llu]",
			     (unsigned long long)p->pfn, p->used_entry_count, (unsigned long long)used,
			     (unsigned long long)nonzero);
}

static void check_page(struct checker *c, const struct mmpfn *p)
{
	bool linked = pfn_is_linked(p), listed = c->listed[p->pfn] != 0;
	uint64_t pte;

	c->st->pages++;
	if (p->pte_address & 1) {
		c->st->skipped_in_flight++; /* EV29: locked mid-update */
		return;
	}
	if (linked && !listed && p->location != MM_BAD)
		check_report(c, "L7", "lists", false, p->pfn, p->address,
			     "PFN %#llx is %s with no reference but on no list", (unsigned long long)p->pfn,
			     pfn_state_name(p->location));
	if (!linked && listed && c->listed[p->pfn] != 0xFF)
		check_report(c, "P16", "pages", false, p->pfn, p->address,
			     "PFN %#llx is on a list but has reference count %u",
			     (unsigned long long)p->pfn, p->reference_count);
	if (p->write_in_progress &&
	    (!(p->location == MM_MODIFIED || p->location == MM_ACTIVE) || !(p->original_pte >> 32)))
		check_report(c, "P16", "pages", false, p->pfn, p->address,
			     "PFN %#llx: write in progress but %s with restore PTE %#llx",
			     (unsigned long long)p->pfn, pfn_state_name(p->location),
			     (unsigned long long)p->original_pte);
	if (p->read_in_progress && (p->location != MM_STANDBY || (p->u2 && !linked) ||
				    !p->reference_count))
		check_report(c, "P17", "pages", false, p->pfn, p->address,
			     "PFN %#llx: read in progress but %s, share %llu, reference %u",
			     (unsigned long long)p->pfn, pfn_state_name(p->location),
			     (unsigned long long)p->u2, p->reference_count);
	if (!linked && p->u2 && !p->reference_count && p->location == MM_ACTIVE)
		check_report(c, "P5", "pages", false, p->pfn, p->address,
			     "PFN %#llx: share count %llu with reference count 0",
			     (unsigned long long)p->pfn, (unsigned long long)p->u2);
	if (p->write_in_progress || p->read_in_progress) {
		c->st->skipped_in_flight++;
		return;
	}
	if (p->location == MM_ACTIVE && !p->prototype && c->sm &&
	    selfmap_in_region(c->sm, p->pte_address & ~7ULL)) {
		int level = selfmap_level_of(c->sm, p->pte_address & ~7ULL);

		bool is_pml4 = p->pte_frame == p->pfn;

		if (mapping_pte(c, p, &pte)) {
			uint64_t base = (pte >> 12) & 0xFFFFFFFFFULL;

			/* a 2 MiB page: one PDE maps 512 frames (P20) */
			if ((pte & PTE_PS) && level == 2)
				base &= ~0x1FFULL;
			if ((pte & 0x801) == 0x800 && !(pte & 0x400))
				c->st->skipped_in_flight++; /* EV30: mid-trim */
			else if (!(pte & 1) || p->pfn < base ||
				 p->pfn > base + (((pte & PTE_PS) && level == 2) ? 0x1FF : 0))
				check_report(c, "P1", "pages", false, p->pfn, p->address,
					     "active PFN %#llx: its PTE at %#llx (in PFN %#llx) is %#llx, "
					     "not a valid PTE for this page",
					     (unsigned long long)p->pfn, (unsigned long long)p->pte_address,
					     (unsigned long long)p->pte_frame, (unsigned long long)pte);
		}
		if (p->u2 > 1 && level == 3 && maps_user(c->sm, p->pte_address))
			check_report(c, "P6", "pages", false, p->pfn, p->address,
				     "private page PFN %#llx has share count %llu",
				     (unsigned long long)p->pfn, (unsigned long long)p->u2);
		/* user paging structures: S3, S4 (the PML4 is a system structure: S1, S8) */
		if (level >= 0 && level < 3 && !is_pml4 && maps_user(c->sm, p->pte_address) &&
		    mapping_pte(c, p, &pte) && !(pte & PTE_PS))
			check_table_page(c, p);
	}
	if ((p->location == MM_STANDBY || p->location == MM_MODIFIED) && linked && !p->prototype &&
	    c->sm && selfmap_in_region(c->sm, p->pte_address & ~7ULL) && mapping_pte(c, p, &pte)) {
		bool tr = (pte & 0xC01) == 0x800;

		if (!tr || ((pte >> 12) & 0xFFFFFFFFFULL) != p->pfn)
			check_report(c, p->location == MM_STANDBY ? "L8" : "L9", "lists", false, p->pfn,
				     p->address,
				     "%s PFN %#llx: its PTE at %#llx is %#llx, not in transition to "
				     "this page", pfn_state_name(p->location), (unsigned long long)p->pfn,
				     (unsigned long long)p->pte_address, (unsigned long long)pte);
		else if (((pte >> 5) & 0x1F) != ((p->original_pte >> 5) & 0x1F))
			check_report(c, "P13", "pages", true, p->pfn, p->address,
				     "PFN %#llx: transition PTE protection %llu, restore PTE %llu",
				     (unsigned long long)p->pfn, (unsigned long long)((pte >> 5) & 0x1F),
				     (unsigned long long)((p->original_pte >> 5) & 0x1F));
		if (p->location == MM_STANDBY && (p->modified || !(p->original_pte >> 32)))
			check_report(c, "L8", "lists", false, p->pfn, p->address,
				     "standby PFN %#llx: modified %d, restore PTE %#llx without a "
				     "paging-file copy", (unsigned long long)p->pfn, p->modified,
				     (unsigned long long)p->original_pte);
		if (p->location == MM_MODIFIED && (!p->modified || (p->original_pte >> 32)))
			check_report(c, "L9", "lists", false, p->pfn, p->address,
				     "modified PFN %#llx: modified bit %d, restore PTE %#llx",
				     (unsigned long long)p->pfn, p->modified,
				     (unsigned long long)p->original_pte);
	}
	/* S7: the page holding the PTE of a mapped page is active */
	if ((p->location == MM_ACTIVE || (linked && (p->location == MM_STANDBY ||
						      p->location == MM_MODIFIED))) &&
	    p->pte_frame && p->pte_frame != p->pfn && p->pte_frame <= c->k->highest_pfn &&
	    c->sm && selfmap_in_region(c->sm, p->pte_address & ~7ULL)) {
		struct mmpfn f;

		if (!pfn_read(c->k, p->pte_frame, &f) && f.location != MM_ACTIVE)
			check_report(c, "S7", "paging structures", false, p->pfn, p->address,
				     "PFN %#llx: its containing page %#llx is %s, not Active",
				     (unsigned long long)p->pfn, (unsigned long long)p->pte_frame,
				     pfn_state_name(f.location));
	}
}

static void check_pages(struct checker *c)
{
	const struct kernel_info *k = c->k;
	uint64_t done = 0, total = kinfo_ram_pages(k);
	size_t r;

	for (r = 0; r < k->nruns; r++) {
		uint64_t pfn = k->runs[r].base_page, end = pfn + k->runs[r].page_count;

		for (; pfn < end && pfn <= k->highest_pfn; pfn++) {
			struct mmpfn p;
			struct err *err = pfn_read(k, pfn, &p);

			if (c->opt->prog && (++done & 0xFFF) == 0)
				progress_update(c->opt->prog, done, total);
			if (err) {
				check_report(c, "P0", "pages", false, pfn, pfn_address(k, pfn),
					     "cannot read the PFN entry of %#llx: %s",
					     (unsigned long long)pfn, err->message);
				err_destroy(err);
				continue;
			}
			check_page(c, &p);
		}
	}
}

struct err *mm_check(const struct kernel_info *k, const struct selfmap *sm,
		     const struct check_options *opt, violation_fn fn, void *arg,
		     struct check_stats *stats)
{
	struct checker c;

	memset(stats, 0, sizeof(*stats));
	memset(&c, 0, sizeof(c));
	c.k = k;
	c.sm = sm;
	c.opt = opt;
	c.fn = fn;
	c.arg = arg;
	c.st = stats;
	c.listed = calloc(k->highest_pfn + 1, 1);
	if (!c.listed)
		return err_nomem;
	check_lists(&c);
	check_pages(&c);
	check_processes(&c);
	free(c.listed);
	return NULL;
}
