// SPDX-License-Identifier: MIT
/*
 * Page allocation, colors and repurposing. See alloc.h.
 */
#include "alloc.h"

#include "core/err.h"
#include "core/util.h"
#include "model/vmm/kmem.h"
#include "model/vmm/pfndb.h"
#include "model/vmm/process.h"
#include "model/vmm/pt.h"
#include "model/vmm/trace.h"
#include "model/vmm/trim.h"
#include "model/vmm/vstate.h"

const char *dz_event(unsigned from)
{
	return from == LOC_ZEROED ? "A1" : from == LOC_FREE ? "A2" : "A3";
}

unsigned next_color(struct vmm *v, struct vproc *p)
{
	uint16_t *c = p ? &p->next_color : &v->system_color;

	*c = (uint16_t)(*c + 1);
	if (p)
		process_sync_counters(v, p);
	/* One node: NodeShiftedColor is 0, so the index is the color itself. */
	return *c & v->color_mask;
}

bool entry_of_page(const struct vmm *v, uint64_t pfn, struct vproc **p_ret, unsigned *level_ret,
		   uint64_t *va_ret)
{
	const struct vpfn *pg = &v->pfn[pfn];
	uint64_t va = pg->pte_va & ~7ULL;
	unsigned i, n;

	if (!pg->owner || pg->level == 0 || !va || !selfmap_in_region(&v->sm, va))
		return false;
	/* A data page's PTE maps its VA; a table at level L is mapped by a level L-1 entry,
	 * and the VAs below that entry are found by undoing the self-map 5-L times. */
	n = pg->level == 4 ? 1 : 5 - pg->level;
	for (i = 0; i < n; i++)
		va = selfmap_va_from_pte(&v->sm, va);
	*p_ret = vmm_owner(v, pg);
	*level_ret = pg->level == 4 ? 3 : pg->level - 1u;
	*va_ret = va;
	return true;
}

/*
 * R1: take the first page of the lowest non-empty Standby priority list (B:4163-4173) and
 * give its old owner back the PTE kept in OriginalPte (a paging-file PTE for private pages).
 * The PTE lives in another address space: its table page (PteFrame) is mapped at a work VA
 * and written at PteAddress & 0xFFF (MiRestoreTransitionPte, B:4142-4148). The table loses
 * the share count the transition PTE held (B:8311). A paging structure repurposed this way
 * turns its parent entry into a paging-file entry (H5, B:8319).
 */
static uint64_t repurpose(struct vmm *v, unsigned prio)
{
	uint64_t pfn = list_take(v, &v->standby[prio]), va, wva, pa, before, after;
	struct vpfn *pg = &v->pfn[pfn];
	struct vproc *owner;
	struct ptnode *node;
	struct err *err;
	unsigned level;
	bool ok = entry_of_page(v, pfn, &owner, &level, &va);

	BUG_ON(!ok);
	node = pt_node(owner, level, va);
	BUG_ON(!node);
	before = node->e[pt_index(level, va)];
	after = pg->orig_pte;
	BUG_ON(!pte_is_transition(before) || pte_pfn(before) != pfn);
	node->e[pt_index(level, va)] = after;
	wva = work_map(v, pg->pte_frame);
	/* Through System's tables in simulated memory, as the CPU would translate it. */
	err = ptb_va_to_pa(&v->system->b, wva + (pg->pte_va & 0xFF8), &pa);
	BUG_ON(err != NULL);
	err = physmem_write_u64(&v->pm, pa, after);
	BUG_ON(err != NULL);
	work_unmap(v, wva);
	v->pfn[pg->pte_frame].u2--;
	pfn_sync(v, pg->pte_frame);
	if (pg->level < 4) {
		struct ptnode *table = pt_node(owner, level + 1, va);

		if (table)
			table->pfn = UINT64_MAX; /* its contents now live in the paging file */
	}
	v->c.repurposed[prio]++;
	owner->repurposes++;
	process_sync_counters(v, owner);
	/* Transient state: Loc 5, unlinked, OriginalPte reset to the protection (B:14098-14110). */
	pg->loc = LOC_BAD;
	pg->orig_pte = pte_soft(pte_prot(after));
	pg->owner = 0;
	pg->use = USE_NONE;
	pfn_sync(v, pfn);
	trace_emit(v, &(struct vev){
		.event = pg->level < 4 ? "H5" : "R1",
		.what = pg->level < 4 ? "paging structure repurposed: parent entry -> paging file"
				      : "standby page repurposed: old PTE restored from OriginalPte",
		.has = VEV_PFN | VEV_VA | VEV_PTE | VEV_FROM | VEV_TO, .pfn = pfn,
		.va = pg->level < 4 ? page_va(v, pfn) : va, .p = owner, .from = LOC_STANDBY,
		.to = LOC_BAD, .pte_before = before, .pte_after = after });
	return pfn;
}

static uint64_t take_colored(struct vmm *v, struct vlist *lists, unsigned cn)
{
	unsigned k;

	for (k = 0; k < v->colors; k++) {
		struct vlist *l = &lists[(cn + k) & v->color_mask];

		if (l->total)
			return list_take(v, l);
	}
	return UINT64_MAX;
}

static uint64_t take_any(struct vmm *v, enum alloc_order order, unsigned cn, unsigned *from)
{
	struct vlist *first = order == ALLOC_ZERO ? v->zeroed : v->free;
	struct vlist *second = order == ALLOC_ZERO ? v->free : v->zeroed;
	uint64_t first_total = order == ALLOC_ZERO ? v->zeroed_total : v->free_total;
	uint64_t second_total = order == ALLOC_ZERO ? v->free_total : v->zeroed_total;
	uint64_t pfn;
	unsigned prio;

	/* [GAP] color fallback: the other colors of the same list type come before the next
	 * list type (transitions.md §5.1 suggested default). */
	if (first_total && (pfn = take_colored(v, first, cn)) != UINT64_MAX) {
		*from = first[0].loc;
		return pfn;
	}
	if (second_total && (pfn = take_colored(v, second, cn)) != UINT64_MAX) {
		*from = second[0].loc;
		return pfn;
	}
	for (prio = 0; prio < VMM_NPRIO; prio++) {
		if (v->standby[prio].total) {
			*from = LOC_BAD;
			return repurpose(v, prio);
		}
	}
	return UINT64_MAX;
}

struct err *page_alloc(struct vmm *v, struct vproc *p, enum alloc_order order, uint64_t *pfn_ret,
		       unsigned *from_ret)
{
	unsigned cn = next_color(v, p), from = 0, tries;
	uint64_t pfn = take_any(v, order, cn, &from);

	for (tries = 0; pfn == UINT64_MAX && tries < 4; tries++) {
		bool progress = false;
		struct err *err;

		/* A4 [LIT]: with Zeroed, Free and Standby empty, the modified page writer runs
		 * and working sets are trimmed (B:3425-3435). */
		if (!tries)
			trace_emit(v, &(struct vev){
				.event = "A4",
				.what = "zeroed, free and standby lists empty: modified page writer "
					"and working set manager run" });
		err = vmm_reclaim(v, &progress);
		if (err)
			return err;
		if (!progress)
			break;
		pfn = take_any(v, order, cn, &from);
	}
	if (pfn == UINT64_MAX)
		return err_create(ERR_NOMEM,
				  "out of physical memory: no zeroed, free or standby page, and %s",
				  v->pf.size_pages ? "nothing left to trim or write to the paging file"
						   : "no paging file to write modified pages to");
	if (order == ALLOC_ZERO && from != LOC_ZEROED)
		page_zero(v, pfn); /* MiZeroPhysicalPage at a work VA, before it is visible (A2) */
	*pfn_ret = pfn;
	*from_ret = from;
	return NULL;
}
