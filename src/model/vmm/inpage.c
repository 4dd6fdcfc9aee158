// SPDX-License-Identifier: MIT
/*
 * Hard faults, clustered reads and collisions. See inpage.h.
 */
#include "inpage.h"

#include <stdlib.h>

#include "core/err.h"
#include "core/util.h"
#include "model/vmm/alloc.h"
#include "model/vmm/content.h"
#include "model/vmm/fault.h"
#include "model/vmm/mpw.h"
#include "model/vmm/pagefile.h"
#include "model/vmm/pfndb.h"
#include "model/vmm/pool.h"
#include "model/vmm/pt.h"
#include "model/vmm/trace.h"
#include "model/vmm/vstate.h"

#define SUPPORT_BLOCK_SIZE 0x100 /* in-page support block; Event1 at +0x20 (B:7580-7619) */
#define SUPPORT_EVENT1 0x20

/* Can PTE @i join a cluster read of (@prot, offset @off)? (excluded PTEs: B:7087-7109) */
static bool cluster_ok(const struct ptnode *pt, int i, unsigned prot, uint64_t off)
{
	uint64_t e;

	if (i < 0 || i >= 512)
		return false;
	e = pt->e[i];
	return pte_is_pagefile(e) && pte_prot(e) == prot && (e >> 32) == off;
}

/* The cluster around @idx (B:7073-7131): 15 PTEs above, then 15 - n below. */
static void cluster_range(const struct ptnode *pt, unsigned idx, uint64_t e, int *lo_ret,
			  int *hi_ret, bool inc[VMM_MAX_CLUSTER * 2])
{
	unsigned prot = pte_prot(e);
	uint64_t off = e >> 32;
	int k, above = 0, below = 0, i = (int)idx;

	for (k = 0; k < VMM_MAX_CLUSTER * 2; k++)
		inc[k] = false;
	inc[VMM_MAX_CLUSTER] = true;
	for (k = 1; k < VMM_MAX_CLUSTER && i + k < 512; k++) {
		if (cluster_ok(pt, i + k, prot, off + (uint64_t)k)) {
			inc[VMM_MAX_CLUSTER + k] = true;
			above = k;
		}
	}
	for (k = 1; k <= VMM_MAX_CLUSTER - 1 - above && i - k >= 0; k++) {
		if (off >= (uint64_t)k && cluster_ok(pt, i - k, prot, off - (uint64_t)k)) {
			inc[VMM_MAX_CLUSTER - k] = true;
			below = k;
		}
	}
	*lo_ret = i - below;
	*hi_ret = i + above;
}

/* E1 for one included PTE: a page in read-in-progress state, the PTE in transition. */
static struct err *start_read_page(struct vmm *v, struct vproc *p, struct vio *io,
				   struct ptnode *pt, int i, bool faulting)
{
	uint64_t e = pt->e[i], va = canon48(pt->base_va + (uint64_t)i * 0x1000), pfn, tr;
	unsigned from, prot = pte_prot(e);
	struct vpfn *pg;
	struct err *err = page_alloc(v, p, ALLOC_READ, &pfn, &from);

	if (err)
		return err;
	pg = &v->pfn[pfn];
	pg->use = USE_PRIVATE;
	pg->owner = p->slot + 1;
	pg->level = 4;
	pg->loc = LOC_STANDBY;
	pg->rip = 1;
	pg->wip = 0;
	pg->u1 = io->event_va; /* the same Event for the whole cluster (B:7366) */
	pg->u2 = 0;	       /* ShareCount 0 while the read is pending (B:7436-7440) */
	pg->ref = 1;
	pg->pte_va = selfmap_pte_va(&v->sm, va);
	pg->pte_frame = pt->pfn;
	pg->orig_pte = e; /* the PTE at fault time (B:7424-7460) */
	pg->mod = 0;
	pg->prio = 5;
	pg->ca = (uint8_t)prot_cache(prot);
	pg->prefetched = !faulting;
	pg->locks = 0;
	pfn_sync(v, pfn);
	tr = (pfn << 12) | pte_soft(prot) | PTE_TRANSITION;
	err = pt_write(v, p, 3, va, tr);
	if (err)
		return err;
	v->pfn[pt->pfn].u2++; /* S3: the transition PTE counts in the table's share [INF] */
	pfn_sync(v, pt->pfn);
	io->pfn[io->n] = pfn;
	io->va[io->n] = va;
	if (faulting)
		io->fault_index = io->n;
	io->n++;
	trace_emit(v, &(struct vev){ .event = "E1",
				    .what = faulting ? "hard fault: read of the faulting page begins"
						     : "hard fault: clustered read of a neighbour begins",
				    .has = VEV_PFN | VEV_VA | VEV_PTE | VEV_FROM | VEV_TO, .pfn = pfn,
				    .va = va, .p = p, .from = from, .to = LOC_STANDBY,
				    .pte_before = e, .pte_after = tr });
	return NULL;
}

struct err *inpage_fault(struct vmm *v, struct vproc *p, uint64_t va, uint64_t e, bool write,
			 bool nowait, bool *again_ret)
{
	struct ptnode *pt = pt_node(p, 3, va);
	unsigned idx = pt_index(3, va);
	bool inc[VMM_MAX_CLUSTER * 2];
	struct vio *io;
	int lo, hi, i;
	struct err *err;

	*again_ret = false;
	if (!prot_allows(pte_prot(e), write)) {
		trace_emit(v, &(struct vev){ .event = "A0", .what = "access violation: the paging-file PTE's protection forbids the access",
					    .has = VEV_VA | VEV_PTE, .va = va, .p = p,
					    .pte_before = e, .pte_after = e });
		return NULL;
	}
	cluster_range(pt, idx, e, &lo, &hi, inc);
	io = calloc(1, sizeof(*io));
	if (!io)
		return err_nomem;
	io->is_read = true;
	io->nowait = nowait;
	io->write_access = write;
	io->p = p;
	io->line = v->line;
	err = pool_alloc(v, POOL_TAG_INPAGE, SUPPORT_BLOCK_SIZE, &io->support_va);
	if (err) {
		free(io);
		return err;
	}
	io->event_va = io->support_va + SUPPORT_EVENT1;
	for (i = lo; i <= hi && !err; i++) {
		if (inc[VMM_MAX_CLUSTER + i - (int)idx]) {
			err = start_read_page(v, p, io, pt, i, i == (int)idx);
			continue;
		}
		/* E4: an excluded PTE inside the cluster: its data goes to the dummy page. */
		trace_emit(v, &(struct vev){ .event = "E4", .what = "excluded PTE in the cluster: read into the dummy page",
					    .has = VEV_VA | VEV_PTE, .p = p,
					    .va = canon48(pt->base_va + (uint64_t)i * 0x1000),
					    .pte_before = pt->e[i], .pte_after = pt->e[i] });
	}
	if (err) {
		free(io);
		return err;
	}
	io_add(v, io);
	p->page_faults++;
	p->hard_faults++;
	v->c.page_reads++; /* one read for the cluster (B:16702-16710) */
	if (nowait)
		return NULL;
	return io_complete(v, io);
}

/* E2: the faulting page becomes Active (B:7462-7474). */
static struct err *complete_faulting(struct vmm *v, struct vio *io, unsigned k)
{
	uint64_t pfn = io->pfn[k], va = io->va[k], e = pt_get(io->p, 3, va), pte;
	struct vpfn *pg = &v->pfn[pfn];
	unsigned prot = pte_prot(e);
	uint32_t idx;
	struct err *err = ws_insert(v, io->p, va, &idx);

	if (err)
		return err;
	pg->rip = 0;
	pg->loc = LOC_ACTIVE;
	pg->u1 = idx;
	pg->u2 = 1;
	pg->ref = 1;
	pg->prefetched = 0;
	if (io->write_access) {
		pagefile_free(v, pg->orig_pte >> 32); /* MiReleaseConfirmedPageFileSpace */
		pg->orig_pte = pte_soft(prot);
		pg->mod = 1;
	}
	pfn_sync(v, pfn);
	pte = pte_valid(prot, pfn, idx, io->write_access);
	err = pt_write(v, io->p, 3, va, pte);
	if (err)
		return err;
	trace_emit(v, &(struct vev){ .event = "E2",
				    .what = io->write_access ? "read completed: faulting page active and dirty (write)"
							     : "read completed: faulting page active and clean (read)",
				    .has = VEV_PFN | VEV_VA | VEV_PTE | VEV_FROM | VEV_TO, .pfn = pfn,
				    .va = va, .p = io->p, .from = LOC_STANDBY, .to = LOC_ACTIVE,
				    .pte_before = e, .pte_after = pte });
	if (io->write_access)
		content_touch_write(v, io->p, va, pfn);
	return NULL;
}

struct err *inpage_complete(struct vmm *v, struct vio *io)
{
	struct err *err = NULL;
	unsigned k;

	for (k = 0; k < io->n && !err; k++) {
		uint64_t pfn = io->pfn[k], va = io->va[k];
		struct vpfn *pg = &v->pfn[pfn];
		uint8_t *page = physmem_page(&v->pm, pfn << 12);
		bool e5;

		if (pg->pte_va & 2) {
			/* E6: released or decommitted during the read: the page goes to Free. */
			pg->rip = 0;
			pg->ref = 0;
			pg->owner = 0;
			pg->use = USE_NONE;
			pg->prefetched = 0;
			pg->loc = LOC_FREE;
			list_insert(v, pfn);
			trace_emit(v, &(struct vev){ .event = "E6", .what = "read completed on a released page: it goes to the free list",
						    .has = VEV_PFN | VEV_VA | VEV_FROM | VEV_TO,
						    .pfn = pfn, .va = va, .p = io->p,
						    .from = LOC_STANDBY, .to = LOC_FREE });
			continue;
		}
		pagefile_read(v, pg->orig_pte >> 32, page);
		if (!content_check(page, io->p->pid, va, page_version(io->p, va)))
			return err_create(ERR_FORMAT,
					  "self-check: page %#llx of '%s' read back from paging-file "
					  "offset %#llx does not hold what was written",
					  (unsigned long long)va, io->p->name,
					  (unsigned long long)(pg->orig_pte >> 32));
		e5 = pte_prot(pt_get(io->p, 3, va)) != pte_prot(pg->orig_pte);
		if (k == io->fault_index && !e5) {
			err = complete_faulting(v, io, k);
			continue;
		}
		/* E3 (prefetched pages), E5 (protection changed meanwhile, B:7518-7534). After
		 * E5 OriginalPte takes the new protection, the one a repurpose must restore
		 * [GAP, transitions.md E5: the book does not say]. */
		if (e5)
			pg->orig_pte = (pg->orig_pte & ~(0x1FULL << PTE_PROT_SHIFT)) |
				       pte_soft(pte_prot(pt_get(io->p, 3, va)));
		pg->rip = 0;
		pg->ref = 0;
		list_insert(v, pfn);
		trace_emit(v, &(struct vev){
			.event = e5 ? "E5" : "E3",
			.what = e5 ? "read completed after a protection change: the page goes to standby"
				   : "read completed: prefetched page goes to the standby list",
			.has = VEV_PFN | VEV_VA | VEV_FROM | VEV_TO, .pfn = pfn, .va = va, .p = io->p,
			.from = LOC_STANDBY, .to = LOC_STANDBY });
	}
	pool_free(v, io->support_va);
	return err;
}

struct err *inpage_collide(struct vmm *v, struct vproc *p, uint64_t pfn)
{
	struct vio *io = io_of_page(v, pfn);

	BUG_ON(!io || !io->is_read);
	trace_emit(v, &(struct vev){ .event = "E7", .what = "collided page fault: the thread waits for the read in flight",
				    .has = VEV_PFN | VEV_VA | VEV_FROM | VEV_TO, .pfn = pfn, .p = p,
				    .va = page_va(v, pfn), .from = LOC_STANDBY, .to = LOC_STANDBY });
	return io_complete(v, io);
}
