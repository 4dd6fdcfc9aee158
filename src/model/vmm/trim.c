// SPDX-License-Identifier: MIT
/*
 * Working set manager: aging, trimming, balance, reclaim. See trim.h.
 */
#include "trim.h"

#include <stdlib.h>

#include "core/err.h"
#include "core/util.h"
#include "model/vmm/content.h"
#include "model/vmm/fault.h"
#include "model/vmm/mpw.h"
#include "model/vmm/pagefile.h"
#include "model/vmm/pfndb.h"
#include "model/vmm/process.h"
#include "model/vmm/pt.h"
#include "model/vmm/trace.h"
#include "model/vmm/vstate.h"
#include "model/vmm/wsl.h"

/* What a working set entry tracks: a data page, or a user-range table at @level. */
struct wsitem {
	uint64_t va;	  /* the entry's VA (data page, or the table's self-map VA) */
	uint64_t pfn;
	unsigned level;	  /* 4: data page; 1-3: PDPT, PD, PT */
	uint64_t map_va;  /* a VA the entry's PTE (or parent entry) maps */
};

/* Decode entry @i; false when it is not trimmable by the model's rules. */
static bool item_of(struct vmm *v, struct vproc *p, uint32_t i, struct wsitem *it)
{
	uint64_t e = p->wsl.e[i], va, entry;
	struct vpfn *pg;
	int lvl;
	unsigned k;

	if (i < VMM_FIRST_DYNAMIC || !wsle_valid(v, e))
		return false;
	va = wsle_va(v, e);
	it->va = va;
	if (va_is_user(va)) {
		it->level = 4;
		it->map_va = va;
		entry = pt_get(p, 3, va);
	} else {
		/* Hyperspace pages stay (the model never pages the WSL or the UMAB). */
		lvl = selfmap_level_of(&v->sm, va);
		if (lvl < 1)
			return false;
		it->level = (unsigned)lvl;
		it->map_va = va;
		for (k = 0; k < 4 - (unsigned)lvl; k++)
			it->map_va = selfmap_va_from_pte(&v->sm, it->map_va);
		if (!va_is_user(it->map_va))
			return false;
		entry = pt_get(p, (unsigned)lvl - 1, it->map_va);
	}
	if (!pte_is_valid(entry))
		return false;
	it->pfn = pte_pfn(entry);
	pg = &v->pfn[it->pfn];
	if (pg->wip || is_pinned(v, it->pfn))
		return false; /* [GAP] trim during a write: the model skips the page */
	if (it->level < 4 && pg->u2 != 1)
		return false; /* H3: only a table with no valid or transition entry (B:8313) */
	return true;
}

static bool page_dirty(const struct vpfn *pg, uint64_t pte)
{
	return (pte & (PTE_RW | PTE_D)) || pg->mod || !pte_is_pagefile(pg->orig_pte);
}

/* B4: a dirty all-zero page of an emptied working set is released (B:4245-4310). */
static struct err *trim_zero(struct vmm *v, struct vproc *p, uint32_t i, const struct wsitem *it,
			     uint64_t pte)
{
	struct vpfn *pg = &v->pfn[it->pfn];
	uint64_t after = pte_soft(pte_prot(pg->orig_pte));
	struct ptnode *pt = pt_node(p, 3, it->va);
	struct err *err = pt_write(v, p, 3, it->va, after);

	if (err)
		return err;
	wsl_remove(v, p, i);
	pt->ver[pt_index(3, it->va)] = 0;
	v->pfn[pt->pfn].u2--;
	pfn_sync(v, pt->pfn);
	pg->u2 = 0;
	pg->ref = 0;
	pg->mod = 0;
	pg->owner = 0;
	pg->use = USE_NONE;
	pg->loc = LOC_FREE;
	list_insert(v, it->pfn);
	trace_emit(v, &(struct vev){ .event = "B4", .what = "all-zero page released by the trim",
				    .has = VEV_PFN | VEV_VA | VEV_PTE | VEV_FROM | VEV_TO,
				    .pfn = it->pfn, .va = it->va, .p = p, .from = LOC_ACTIVE,
				    .to = LOC_FREE, .pte_before = pte, .pte_after = after });
	return NULL;
}

/* B1, B2, B3, H3: the entry leaves the working set; its PTE (or the parent entry of a
 * table) becomes a transition PTE (B:13846-13905). */
static struct err *trim_one(struct vmm *v, struct vproc *p, uint32_t i, const struct wsitem *it,
			    enum trim_reason why)
{
	unsigned elevel = it->level == 4 ? 3 : it->level - 1;
	uint64_t pte = pt_get(p, elevel, it->map_va), after;
	struct vpfn *pg = &v->pfn[it->pfn];
	bool dirty = page_dirty(pg, pte);
	const char *event, *what;
	struct err *err;

	if (why == TRIM_EMPTY && it->level == 4 && dirty &&
	    content_is_zero(physmem_page(&v->pm, it->pfn << 12)))
		return trim_zero(v, p, i, it, pte);
	after = pte_transition(pte, pte_prot(pg->orig_pte));
	err = pt_write(v, p, elevel, it->map_va, after);
	if (err)
		return err;
	wsl_remove(v, p, i);
	pg->u1 = 0;
	pg->u2 = 0; /* Share 1 -> 0; the table keeps its share for the transition PTE (B:8305) */
	pg->ref = (uint16_t)(pg->ref - 1);
	pg->mod = dirty;
	pg->loc = dirty ? LOC_MODIFIED : LOC_STANDBY;
	if (dirty)
		p->modified_pages++;
	if (pg->ref) {
		event = "B3";
		what = "locked page left the working set: not linked until unlocked";
		pfn_sync(v, it->pfn);
	} else {
		list_insert(v, it->pfn);
		if (it->level < 4) {
			event = "H3";
			what = "page table left the working set";
		} else {
			event = dirty ? "B1" : "B2";
			what = dirty ? "dirty page trimmed to the modified list"
				     : "clean page trimmed to the standby list";
		}
	}
	trace_emit(v, &(struct vev){ .event = event, .what = what,
				    .has = VEV_PFN | VEV_VA | VEV_PTE | VEV_FROM | VEV_TO,
				    .pfn = it->pfn, .va = it->va, .p = p, .from = LOC_ACTIVE,
				    .to = pg->loc, .pte_before = pte, .pte_after = after });
	(void)why;
	return NULL;
}

void ws_age(struct vmm *v, struct vproc *p)
{
	uint32_t i, n = 0;

	for (i = VMM_FIRST_DYNAMIC; i <= p->wsl.last_entry; i++) {
		uint64_t e = p->wsl.e[i], va, pte;
		unsigned age;

		if (!wsle_valid(v, e) || !va_is_user(va = wsle_va(v, e)))
			continue;
		pte = pt_get(p, 3, va);
		age = wsle_age(v, e);
		if (pte & PTE_A) {
			struct err *err = pt_write(v, p, 3, va, pte & ~PTE_A);

			BUG_ON(err != NULL);
			age = 0;
		} else if (age < 7) {
			age++;
		}
		wsl_set(v, p, i, wsle_make(v, va, age, 0, true));
		n++;
	}
	p->wsl.next_aging_slot = VMM_FIRST_DYNAMIC;
	process_sync_counters(v, p);
	trace_emit(v, &(struct vev){ .event = "B6", .p = p,
				    .what = "working set aging pass: Accessed bits cleared, ages updated" });
	(void)n;
}

struct err *trim_pages_n(struct vmm *v, struct vproc *p, uint64_t count, enum trim_reason why,
			 uint64_t *trimmed_ret)
{
	struct vwsl *w = &p->wsl;
	uint64_t done = 0;
	unsigned pass;
	int age;

	for (pass = 0; pass < 2 && done < count; pass++) {
		bool tables = pass == 1;

		/* Oldest first; within an age, clock order from NextSlot (B:4723-4731). */
		for (age = 7; age >= 0 && done < count; age--) {
			uint32_t span = w->last_entry + 1 - VMM_FIRST_DYNAMIC, start = w->next_slot, k;

			if (start < VMM_FIRST_DYNAMIC || start > w->last_entry)
				start = VMM_FIRST_DYNAMIC;
			for (k = 0; k < span && done < count; k++) {
				uint32_t i = VMM_FIRST_DYNAMIC + (start - VMM_FIRST_DYNAMIC + k) % span;
				struct wsitem it;
				struct err *err;

				if (i > w->last_entry || !item_of(v, p, i, &it) ||
				    (int)wsle_age(v, w->e[i]) != age || (it.level < 4) != tables)
					continue;
				err = trim_one(v, p, i, &it, why);
				if (err)
					return err;
				done++;
				w->next_slot = i + 1;
			}
		}
	}
	if (w->next_slot > w->last_entry)
		w->next_slot = VMM_FIRST_DYNAMIC;
	process_sync_counters(v, p);
	if (trimmed_ret)
		*trimmed_ret = done;
	return NULL;
}

struct err *trim_pages(struct vmm *v, struct vproc *p, uint64_t count, enum trim_reason why)
{
	return trim_pages_n(v, p, count, why, NULL);
}

/* Processes by decreasing working set size (the WSM trims large working sets first). */
static struct vproc *largest_ws(struct vmm *v, const bool *skip)
{
	struct vproc *best = NULL;
	unsigned i;

	for (i = 0; i < v->nprocs; i++) {
		struct vproc *p = v->procs[i];

		if (p->exited || p->is_system || skip[i])
			continue;
		if (!best || p->wsl.size > best->wsl.size)
			best = p;
	}
	return best;
}

/* Trim about @want pages from the largest working sets, then write what became Modified. */
static struct err *balance_run(struct vmm *v, uint64_t want)
{
	bool *skip = calloc(v->nprocs + 1, sizeof(*skip));
	uint64_t got = 0;
	struct err *err = NULL;
	struct vproc *p;

	if (!skip)
		return err_nomem;
	v->in_balance = true;
	while (got < want && (p = largest_ws(v, skip))) {
		uint64_t n = 0;

		ws_age(v, p);
		err = trim_pages_n(v, p, want - got, TRIM_BALANCE, &n);
		if (err)
			break;
		got += n;
		skip[p->slot] = true;
	}
	if (!err)
		err = mpw_run(v, false, true, NULL);
	v->in_balance = false;
	free(skip);
	return err;
}

struct err *balance_if_low(struct vmm *v)
{
	if (v->in_balance || v->c.available >= v->low_pages || !v->pf.size_pages)
		return NULL;
	return balance_run(v, v->high_pages - v->c.available);
}

struct err *vmm_reclaim(struct vmm *v, bool *progress_ret)
{
	struct err *err;

	*progress_ret = false;
	if (v->in_balance)
		return NULL;
	err = io_complete_all(v, true);
	if (!err && v->modified_total && v->pf.size_pages)
		err = mpw_run(v, false, true, NULL);
	if (!err && !v->c.available && v->pf.size_pages)
		err = balance_run(v, MAX(v->low_pages, 64));
	if (err)
		return err;
	*progress_ret = v->c.available > 0;
	return NULL;
}
