// SPDX-License-Identifier: MIT
/*
 * Modified page writer and in-flight I/O. See mpw.h.
 */
#include "mpw.h"

#include <stdlib.h>

#include "core/err.h"
#include "core/util.h"
#include "model/vmm/inpage.h"
#include "model/vmm/pagefile.h"
#include "model/vmm/pfndb.h"
#include "model/vmm/pt.h"
#include "model/vmm/trace.h"
#include "model/vmm/vstate.h"

void io_add(struct vmm *v, struct vio *io)
{
	struct vio **pp = &v->io;

	while (*pp)
		pp = &(*pp)->next;
	io->next = NULL;
	*pp = io;
}

void io_remove(struct vmm *v, struct vio *io)
{
	struct vio **pp;

	for (pp = &v->io; *pp; pp = &(*pp)->next) {
		if (*pp == io) {
			*pp = io->next;
			return;
		}
	}
}

struct vio *io_of_page(const struct vmm *v, uint64_t pfn)
{
	struct vio *io;
	unsigned k;

	for (io = v->io; io; io = io->next)
		for (k = 0; k < io->n; k++)
			if (io->pfn[k] == pfn)
				return io;
	return NULL;
}

/* Can the MPW put entry @i of page table @pt in a run? @active: an Active dirty page (C4). */
static bool eligible(const struct vmm *v, const struct ptnode *pt, unsigned i, bool *active)
{
	uint64_t e = pt->e[i];
	const struct vpfn *pg;

	if (pte_is_transition(e)) {
		pg = &v->pfn[pte_pfn(e)];
		*active = false;
		return pg->loc == LOC_MODIFIED && pg->linked && !pg->wip;
	}
	if (!pte_is_valid(e))
		return false;
	pg = &v->pfn[pte_pfn(e)];
	*active = true;
	return pg->loc == LOC_ACTIVE && pg->use == USE_PRIVATE && !pg->wip && !pg->locks &&
	       ((e & (PTE_RW | PTE_D)) || pg->mod || !pte_is_pagefile(pg->orig_pte));
}

/* One page of a run: C1 (Modified, unlinked) or C4 (Active, made clean). */
static void start_page(struct vmm *v, struct vio *io, unsigned k, struct ptnode *pt, unsigned i,
		       uint64_t off)
{
	uint64_t e = pt->e[i], va = canon48(pt->base_va + i * 0x1000ULL), pfn = pte_pfn(e), after = e;
	struct vpfn *pg = &v->pfn[pfn];
	bool active = pte_is_valid(e);
	struct err *err;

	if (active) {
		after = e & ~(PTE_RW | PTE_D); /* V/D -> V/C before the write (B:6181-6210) */
		err = pt_write(v, io->p, 3, va, after);
		BUG_ON(err != NULL);
		pg->ref++;
	} else {
		list_unlink(v, pfn); /* MiUnlinkPageFromLockedList; Loc stays 3 (B:5720) */
		pg->ref = 1;	     /* MiReferencePageForCluster */
	}
	pg->wip = 1;
	pg->mod = 0;
	pg->orig_pte = pte_pagefile(pte_prot(pg->orig_pte), off); /* MiUpdatePfnBackingStore */
	pfn_sync(v, pfn);
	pagefile_write(v, off, physmem_page(&v->pm, pfn << 12));
	io->pfn[k] = pfn;
	io->va[k] = va;
	trace_emit(v, &(struct vev){
		.event = active ? "C4" : "C1",
		.what = active ? "modified page writer writes an active dirty page"
			       : "modified page writer starts writing a modified page",
		.has = VEV_PFN | VEV_VA | VEV_PTE | VEV_FROM | VEV_TO, .pfn = pfn, .va = va,
		.p = io->p, .from = pg->loc, .to = pg->loc, .pte_before = e, .pte_after = after });
}

/* A paging structure on the Modified list is written alone (H4). */
static struct err *write_table(struct vmm *v, uint64_t pfn, bool nowait, uint64_t *n_ret)
{
	struct vpfn *pg = &v->pfn[pfn];
	struct vio *io;
	uint64_t off;

	*n_ret = 0;
	if (!pagefile_alloc(v, 1, &off))
		return NULL;
	io = calloc(1, sizeof(*io));
	if (!io)
		return err_nomem;
	list_unlink(v, pfn);
	pg->ref = 1;
	pg->wip = 1;
	pg->mod = 0;
	pg->orig_pte = pte_pagefile(pte_prot(pg->orig_pte), off);
	pfn_sync(v, pfn);
	pagefile_write(v, off, physmem_page(&v->pm, pfn << 12));
	io->p = vmm_owner(v, pg);
	io->nowait = nowait;
	io->line = v->line;
	io->n = 1;
	io->pfn[0] = pfn;
	io->va[0] = page_va(v, pfn);
	io->pf_off = off;
	io_add(v, io);
	v->c.page_writes++;
	trace_emit(v, &(struct vev){ .event = "H4", .what = "modified page writer writes a paging structure",
				    .has = VEV_PFN | VEV_VA | VEV_FROM | VEV_TO, .pfn = pfn,
				    .va = io->va[0], .p = io->p, .from = LOC_MODIFIED, .to = LOC_MODIFIED });
	*n_ret = 1;
	return NULL;
}

/* Build and issue the run around Modified page @seed (MiBuildPageFileCluster, B:5220-5232). */
static struct err *write_run(struct vmm *v, uint64_t seed, bool nowait, uint64_t *n_ret)
{
	struct vpfn *pg = &v->pfn[seed];
	struct vproc *p = vmm_owner(v, pg);
	uint64_t va = page_va(v, seed), off;
	struct ptnode *pt;
	unsigned idx, lo, hi, k, n;
	bool active;
	struct vio *io;

	if (pg->level < 4)
		return write_table(v, seed, nowait, n_ret);
	*n_ret = 0;
	pt = pt_node(p, 3, va);
	BUG_ON(!pt);
	idx = lo = hi = pt_index(3, va);
	while (hi + 1 < 512 && hi - lo + 1 < VMM_MPW_MAX_RUN && eligible(v, pt, hi + 1, &active))
		hi++;
	while (lo > 0 && hi - lo + 1 < VMM_MPW_MAX_RUN && eligible(v, pt, lo - 1, &active))
		lo--;
	/* Active pages only count between Modified ones (C4, B:6181-6210). */
	while (eligible(v, pt, lo, &active) && active)
		lo++;
	while (eligible(v, pt, hi, &active) && active)
		hi--;
	n = hi - lo + 1;
	if (!pagefile_alloc(v, n, &off)) {
		if (n == 1 || !pagefile_alloc(v, 1, &off))
			return NULL; /* the paging file is full */
		lo = hi = idx;
		n = 1;
	}
	io = calloc(1, sizeof(*io));
	if (!io)
		return err_nomem;
	io->p = p;
	io->nowait = nowait;
	io->line = v->line;
	io->n = n;
	io->pf_off = off;
	for (k = 0; k < n; k++)
		start_page(v, io, k, pt, lo + k, off + k);
	io_add(v, io);
	v->c.page_writes++; /* one I/O for the run (B:16712-16720) */
	*n_ret = n;
	return NULL;
}

struct err *mpw_run(struct vmm *v, bool nowait, bool complete_now, uint64_t *written_ret)
{
	struct vlist *lists[2] = { &v->mod_user, &v->mod_system };
	uint64_t total = 0, n = 0;
	unsigned i;
	struct err *err = NULL;

	for (i = 0; i < 2 && !err; i++) {
		while (lists[i]->total) {
			err = write_run(v, lists[i]->flink, nowait, &n);
			if (err || !n)
				break;
			total += n;
		}
		if (!err && lists[i]->total && !n)
			break; /* paging file full */
	}
	if (!err && complete_now)
		err = io_complete_all(v, false);
	pagefile_sync(v);
	if (written_ret)
		*written_ret = total;
	return err;
}

/* C2, C3 (and H4 for tables): the write finished (IopCompletePageWrite, B:5860-6123). */
static void write_complete(struct vmm *v, struct vio *io)
{
	unsigned k;

	for (k = 0; k < io->n; k++) {
		uint64_t pfn = io->pfn[k];
		struct vpfn *pg = &v->pfn[pfn];
		unsigned from = pg->loc;
		const char *event, *what;

		BUG_ON(!pg->wip);
		pg->wip = 0;
		pg->ref--;
		if (from == LOC_ACTIVE) {
			event = "C3";
			what = "write completed on a page active meanwhile";
			if (pg->mod && pte_is_pagefile(pg->orig_pte)) {
				/* written during the I/O: MiWriteCompletePfn(...,2) (B:6846-6878) */
				pagefile_release_copy(v, pg);
			}
			pfn_sync(v, pfn);
		} else {
			pg->loc = LOC_STANDBY;
			event = pg->level < 4 ? "H4" : "C2";
			what = pg->level < 4 ? "write of a paging structure completed"
					     : "write completed: the page goes to the standby list";
			if (!pg->ref)
				list_insert(v, pfn);
			else
				pfn_sync(v, pfn);
		}
		trace_emit(v, &(struct vev){ .event = event, .what = what,
					    .has = VEV_PFN | VEV_VA | VEV_FROM | VEV_TO, .pfn = pfn,
					    .va = io->va[k], .p = io->p, .from = from, .to = pg->loc });
	}
}

struct err *io_complete(struct vmm *v, struct vio *io)
{
	struct err *err = NULL;

	io_remove(v, io);
	if (io->is_read)
		err = inpage_complete(v, io);
	else
		write_complete(v, io);
	free(io);
	pagefile_sync(v);
	return err;
}

struct err *io_complete_all(struct vmm *v, bool include_nowait)
{
	struct vio *io = v->io, *next;
	struct err *err;

	for (; io; io = next) {
		next = io->next;
		if (io->nowait && !include_nowait)
			continue;
		err = io_complete(v, io);
		if (err)
			return err;
		next = v->io; /* completion may change the list: restart from the oldest */
		while (next && next->nowait && !include_nowait)
			next = next->next;
	}
	return NULL;
}
