// SPDX-License-Identifier: MIT
/*
 * Reserve, commit, decommit, release, protect, lock, exit, zero. See vmops.h.
 */
#include "vmops.h"

#include <stdlib.h>

#include "core/err.h"
#include "core/util.h"
#include "model/vmm/check.h"
#include "model/vmm/fault.h"
#include "model/vmm/kimage.h"
#include "model/vmm/kmem.h"
#include "model/vmm/mpw.h"
#include "model/vmm/pagefile.h"
#include "model/vmm/pfndb.h"
#include "model/vmm/pool.h"
#include "model/vmm/process.h"
#include "model/vmm/pt.h"
#include "model/vmm/trace.h"
#include "model/vmm/vad.h"
#include "model/vmm/vstate.h"
#include "model/vmm/wsl.h"

enum rel_mode { REL_DECOMMIT, REL_RELEASE, REL_EXIT };

static const char *const rel_event[3][2] = {
	/* { active page, page on a list } */
	{ "F1", "F1b" },
	{ "F2", "F2" },
	{ "F3", "F3" },
};

static struct err *charge(struct vmm *v, struct vproc *p, uint64_t n)
{
	if (v->c.committed + n > v->c.commit_limit)
		return err_create(ERR_NOMEM,
				  "commit limit reached: %llu pages committed, limit %llu, %llu more asked",
				  (unsigned long long)v->c.committed,
				  (unsigned long long)v->c.commit_limit, (unsigned long long)n);
	v->c.committed += n;
	p->commit += n;
	p->private_pages += n;
	process_sync_counters(v, p);
	return NULL;
}

static void uncharge(struct vmm *v, struct vproc *p, uint64_t n)
{
	v->c.committed -= n;
	p->commit -= n;
	p->private_pages -= n;
	process_sync_counters(v, p);
}

/* A page leaves every use and joins the Free list (MiInsertPageInFreeOrZeroedList). */
static void to_free(struct vmm *v, uint64_t pfn)
{
	struct vpfn *pg = &v->pfn[pfn];

	if (pg->linked)
		list_unlink(v, pfn);
	if (pte_is_pagefile(pg->orig_pte) && pagefile_used(v, pg->orig_pte >> 32))
		pagefile_free(v, pg->orig_pte >> 32);
	pg->u1 = pg->u2 = 0;
	pg->ref = 0;
	pg->locks = 0;
	pg->wip = pg->rip = 0;
	pg->mod = 0;
	pg->prefetched = 0;
	pg->owner = 0;
	pg->use = USE_NONE;
	pg->loc = LOC_FREE;
	list_insert(v, pfn);
}

static bool pte_committed(uint64_t e, const struct vad *d)
{
	if (!e)
		return d->mem_commit;
	if (pte_is_valid(e) || pte_is_transition(e) || pte_is_pagefile(e))
		return true;
	return pte_prot(e) != MM_DECOMMIT;
}

/* Complete the write in flight on @pfn (C2/C3) before the page is released [GAP C8]. */
static struct err *wait_write(struct vmm *v, uint64_t pfn)
{
	struct vio *io;

	if (!v->pfn[pfn].wip)
		return NULL;
	io = io_of_page(v, pfn);
	BUG_ON(!io);
	return io_complete(v, io);
}

static struct err *release_leaf(struct vmm *v, struct vproc *p, struct vad *d, uint64_t va,
				enum rel_mode mode)
{
	struct ptnode *pt = pt_node(p, 3, va);
	uint64_t e = pt_get(p, 3, va), after, pfn = pte_pfn(e);
	bool committed = pte_committed(e, d);
	const char *event = NULL, *what = NULL;
	unsigned from = 0;
	struct err *err;

	after = mode == REL_DECOMMIT ? (committed ? pte_soft(MM_DECOMMIT) : e) : 0;
	if (pte_is_valid(e) || pte_is_transition(e)) {
		err = wait_write(v, pfn);
		if (err)
			return err;
		e = pt_get(p, 3, va);
		from = v->pfn[pfn].loc;
	}
	if (pte_is_valid(e)) {
		wsl_remove(v, p, (uint32_t)v->pfn[pfn].u1);
		to_free(v, pfn);
		v->pfn[pt->pfn].u2--;
		event = rel_event[mode][0];
		what = "active page released to the free list";
	} else if (pte_is_transition(e) && v->pfn[pfn].rip) {
		/* E6: the read is in flight; the page is discarded when it completes. */
		struct vpfn *pg = &v->pfn[pfn];

		pg->pte_va |= 2;
		if (pagefile_used(v, pg->orig_pte >> 32))
			pagefile_free(v, pg->orig_pte >> 32);
		pfn_sync(v, pfn);
		v->pfn[pt->pfn].u2--;
		event = "E6";
		what = "released during its read: marked to be discarded";
	} else if (pte_is_transition(e)) {
		to_free(v, pfn);
		v->pfn[pt->pfn].u2--;
		event = rel_event[mode][1];
		what = "standby or modified page released to the free list";
	} else if (pte_is_pagefile(e)) {
		pagefile_free(v, e >> 32);
		event = mode == REL_DECOMMIT ? "F1c" : rel_event[mode][0];
		what = "paging-file copy released";
	} else if (e != after) {
		event = mode == REL_DECOMMIT ? "F1d" : rel_event[mode][0];
		what = "demand-zero PTE released";
	}
	pfn_sync(v, pt->pfn);
	if (e != after) {
		err = pt_write(v, p, 3, va, after);
		if (err)
			return err;
	}
	pt->ver[pt_index(3, va)] = 0;
	if (committed && (mode != REL_DECOMMIT || after != e)) {
		d->commit--;
		vad_changed(p, d);
		uncharge(v, p, 1);
	}
	if (event) {
		bool page = pte_is_valid(e) || pte_is_transition(e);

		trace_emit(v, &(struct vev){
			.event = event, .what = what,
			.has = VEV_VA | VEV_PTE | (page ? VEV_PFN | VEV_FROM | VEV_TO : 0),
			.pfn = pfn, .va = va, .p = p, .from = from,
			.to = page ? v->pfn[pfn].loc : 0, .pte_before = e, .pte_after = after });
	}
	return NULL;
}

/* Free one paging structure of @p (the table below the level-@l entry of @va). */
static struct err *free_table(struct vmm *v, struct vproc *p, unsigned l, uint64_t va,
			      const char *event)
{
	uint64_t e = pt_get(p, l, va), pfn = pte_pfn(e), parent = pt_node(p, l, va)->pfn;
	uint64_t table_va = selfmap_entry_va(&v->sm, l + 1, va) & ~0xFFFULL;
	unsigned from = 0;
	struct err *err;

	if (pte_is_valid(e) || pte_is_transition(e)) {
		err = wait_write(v, pfn);
		if (err)
			return err;
		from = v->pfn[pfn].loc;
		if (pte_is_valid(e))
			wsl_remove(v, p, (uint32_t)v->pfn[pfn].u1);
		to_free(v, pfn);
		v->pfn[parent].u2--;
		pfn_sync(v, parent);
	} else if (pte_is_pagefile(e)) {
		pagefile_free(v, e >> 32);
	}
	err = pt_write(v, p, l, va, 0);
	if (err)
		return err;
	pt_unlink_table(p, l, va);
	trace_emit(v, &(struct vev){ .event = event, .what = "paging structure freed",
				    .has = VEV_VA | VEV_PTE |
					   ((pte_is_valid(e) || pte_is_transition(e)) ? VEV_PFN | VEV_FROM | VEV_TO : 0),
				    .pfn = pfn, .va = table_va, .p = p, .from = from, .to = LOC_FREE,
				    .pte_before = e, .pte_after = 0 });
	return NULL;
}

/* Page tables whose entries are all zero are freed, bottom up [INF: "truly unused", L8297]. */
static struct err *prune_tables(struct vmm *v, struct vproc *p, uint64_t va, const char *event)
{
	unsigned l;

	for (l = 3; l >= 1; l--) {
		struct ptnode *n = pt_node(p, l, va);
		struct err *err;

		if (!n || pt_used_count(n))
			return NULL;
		err = free_table(v, p, l - 1, va, event);
		if (err)
			return err;
	}
	return NULL;
}

static struct err *release_range(struct vmm *v, struct vproc *p, struct vad *d, uint64_t first,
				 uint64_t last, enum rel_mode mode)
{
	uint64_t vpn;
	struct err *err = NULL;

	for (vpn = first; vpn <= last && !err; vpn++) {
		uint64_t va = vpn << 12;

		if (!pt_node(p, 3, va)) {
			if (mode == REL_DECOMMIT && d->mem_commit) {
				/* F1d: a committed page with no table yet: the table is built to
				 * hold the decommitted PTE (0x200 for MemCommit=1 too, B:2552). */
				pin_path(v, p, va);
				err = fault_ps(v, p, va, 3);
				unpin_all(v);
				if (!err)
					err = release_leaf(v, p, d, va, mode);
			} else if (d->mem_commit) {
				d->commit--;
				uncharge(v, p, 1);
			}
			continue;
		}
		pin_path(v, p, va);
		err = fault_ps(v, p, va, 3); /* the table must be resident to be changed */
		unpin_all(v);
		if (!err)
			err = release_leaf(v, p, d, va, mode);
		if (!err && mode != REL_DECOMMIT && ((vpn & 0x1FF) == 0x1FF || vpn == last))
			err = prune_tables(v, p, va, mode == REL_EXIT ? "F3" : "F2");
		if (!err)
			err = vmm_check_step(v);
	}
	return err;
}

struct err *vmm_alloc(struct vmm *v, struct vproc *p, uint64_t va, uint64_t size, unsigned prot,
		      bool commit)
{
	struct vad *d = va == VMM_ADDR_ANY ? NULL : vmm_vad_find(p, va >> 12);
	uint64_t start, end, npages, vpn;
	struct err *err;

	if (!size)
		return err_create(ERR_INVALID_ARG, "allocation size is zero");
	if (d) {
		/* F0: commit part of a reserved range: demand-zero PTEs (B:2421-2520). */
		start = va >> 12;
		end = (va + size - 1) >> 12;
		if (!commit || end > d->end_vpn)
			return err_create(ERR_INVALID_ARG, "%#llx-%#llx is already reserved by a VAD",
					  (unsigned long long)va, (unsigned long long)(va + size - 1));
		for (vpn = start; vpn <= end; vpn++) {
			uint64_t a = vpn << 12, e = pt_get(p, 3, a);

			if (pte_committed(e, d) && pt_node(p, 3, a))
				continue;
			if (!pt_node(p, 3, a) && d->mem_commit)
				continue;
			err = charge(v, p, 1);
			if (!err) {
				pin_path(v, p, a);
				err = fault_ps(v, p, a, 3);
				unpin_all(v);
			}
			if (!err)
				err = pt_write(v, p, 3, a, pte_soft(prot));
			if (err)
				return err;
			d->commit++;
			vad_changed(p, d);
			trace_emit(v, &(struct vev){ .event = "F0", .what = "page committed: demand-zero PTE",
						    .has = VEV_VA | VEV_PTE, .va = a, .p = p,
						    .pte_before = e, .pte_after = pte_soft(prot) });
		}
		return NULL;
	}
	if (va == VMM_ADDR_ANY) {
		npages = (size + 0xFFF) >> 12;
		err = vad_find_free(p, npages, &start);
		if (err)
			return err;
	} else {
		start = (va >> 12) & ~0xFULL; /* reservations start on 64 KB (B:2620-2622) */
		npages = ((va + size + 0xFFF) >> 12) - start;
	}
	end = start + npages - 1;
	if (end > (VMM_HIGHEST_USER >> 12) || start < 0x10)
		return err_create(ERR_INVALID_ARG, "%#llx-%#llx is outside the user address space",
				  (unsigned long long)(start << 12),
				  (unsigned long long)((end << 12) | 0xFFF));
	if (vad_overlaps(p, start, end))
		return err_create(ERR_INVALID_ARG, "%#llx-%#llx overlaps an existing VAD of '%s'",
				  (unsigned long long)(start << 12),
				  (unsigned long long)((end << 12) | 0xFFF), p->name);
	if (commit) {
		err = charge(v, p, npages);
		if (err)
			return err;
	}
	err = vad_insert(v, p, start, end, prot, commit, commit ? npages : 0, &d);
	if (err)
		return err;
	p->virtual_size += npages << 12;
	p->peak_virtual_size = MAX(p->peak_virtual_size, p->virtual_size);
	process_sync_counters(v, p);
	trace_emit(v, &(struct vev){ .event = "F0",
				    .what = commit ? "range reserved and committed (VAD, MemCommit=1)"
						   : "range reserved (VAD, MemCommit=0)",
				    .has = VEV_VA, .va = start << 12, .p = p });
	return NULL;
}

struct err *vmm_free(struct vmm *v, struct vproc *p, uint64_t va, uint64_t size, bool release)
{
	struct vad *d = vmm_vad_find(p, va >> 12);
	uint64_t first, last;
	struct err *err;

	if (!d)
		return err_create(ERR_INVALID_ARG, "address %#llx is not inside any VAD of '%s'",
				  (unsigned long long)va, p->name);
	if (release) {
		if (va >> 12 != d->start_vpn ||
		    (size && ((size + 0xFFF) >> 12) != d->end_vpn - d->start_vpn + 1))
			return err_create(ERR_INVALID_ARG,
					  "release needs the base of the allocation (%#llx) and size 0 "
					  "or its whole size", (unsigned long long)(d->start_vpn << 12));
		first = d->start_vpn;
		last = d->end_vpn;
	} else {
		first = va >> 12;
		last = size ? (va + size - 1) >> 12 : d->end_vpn;
		if (last > d->end_vpn)
			return err_create(ERR_INVALID_ARG, "%#llx-%#llx extends beyond its VAD",
					  (unsigned long long)va, (unsigned long long)(va + size - 1));
	}
	err = release_range(v, p, d, first, last, release ? REL_RELEASE : REL_DECOMMIT);
	if (err || !release)
		return err;
	p->virtual_size -= (d->end_vpn - d->start_vpn + 1) << 12;
	BUG_ON(d->commit != 0);
	vad_delete(v, p, d);
	process_sync_counters(v, p);
	return NULL;
}

/* F4 (and E5 while a read is in flight): a new protection for one committed page. */
static struct err *protect_page(struct vmm *v, struct vproc *p, struct vad *d, uint64_t va,
				unsigned prot)
{
	uint64_t e, after, pfn;
	const char *event = "F4";
	struct vpfn *pg;
	struct err *err;

	if (pt_node(p, 3, va) || d->mem_commit) {
		pin_path(v, p, va);
		err = fault_ps(v, p, va, 3);
		unpin_all(v);
		if (err)
			return err;
	}
	e = pt_get(p, 3, va);
	if (!pte_committed(e, d))
		return err_create(ERR_INVALID_ARG, "page %#llx of '%s' is not committed",
				  (unsigned long long)va, p->name);
	pfn = pte_pfn(e);
	pg = (pte_is_valid(e) || pte_is_transition(e)) ? &v->pfn[pfn] : NULL;
	if (pte_is_valid(e)) {
		/* The software PTE moves between the PTE and OriginalPte (B:8665-8671). */
		bool dirty = (e & PTE_RW) && (vmm_protect_mask(prot) & PTE_WRITE_SW);

		if ((e & PTE_RW) && !dirty)
			pg->mod = 1; /* the dirty state survives a read-only protection [INF] */
		after = pte_valid(prot, pfn, (uint32_t)(e >> PTE_WSINDEX_SHIFT) & 0x7FF, dirty) |
			(e & PTE_A) | (dirty ? (e & PTE_D) : 0);
		pg->orig_pte = (pg->orig_pte & ~(0x1FULL << PTE_PROT_SHIFT)) | pte_soft(prot);
		pfn_sync(v, pfn);
	} else if (pte_is_transition(e)) {
		after = (e & ~(0x1FULL << PTE_PROT_SHIFT)) | pte_soft(prot);
		if (pg->rip) {
			event = "E5"; /* OriginalPte keeps the old protection [GAP] */
		} else {
			pg->orig_pte = (pg->orig_pte & ~(0x1FULL << PTE_PROT_SHIFT)) | pte_soft(prot);
			pfn_sync(v, pfn);
		}
	} else {
		after = (e & ~(0x1FULL << PTE_PROT_SHIFT)) | pte_soft(prot); /* PF, DZ, or 0 */
	}
	err = pt_write(v, p, 3, va, after);
	if (!err)
		trace_emit(v, &(struct vev){
			.event = event,
			.what = event[0] == 'E' ? "protection changed while the page is being read"
						: "protection changed",
			.has = VEV_VA | VEV_PTE, .va = va, .p = p, .pte_before = e, .pte_after = after });
	return err;
}

struct err *vmm_protect(struct vmm *v, struct vproc *p, uint64_t va, uint64_t size, unsigned prot)
{
	struct vad *d = vmm_vad_find(p, va >> 12);
	uint64_t vpn, last = (va + (size ? size : 1) - 1) >> 12;
	struct err *err = NULL;

	if (!d)
		return err_create(ERR_INVALID_ARG, "address %#llx is not inside any VAD of '%s'",
				  (unsigned long long)va, p->name);
	if (last > d->end_vpn)
		return err_create(ERR_INVALID_ARG, "%#llx-%#llx extends beyond its VAD",
				  (unsigned long long)va, (unsigned long long)(va + size - 1));
	for (vpn = va >> 12; vpn <= last && !err; vpn++) {
		err = protect_page(v, p, d, vpn << 12, prot);
		if (!err)
			err = vmm_check_step(v);
	}
	return err;
}

struct err *vmm_lock(struct vmm *v, struct vproc *p, uint64_t va, uint64_t size, bool lock)
{
	uint64_t a, end = (va + (size ? size : 1) + 0xFFF) & ~0xFFFULL;
	struct err *err = NULL;

	for (a = va & ~0xFFFULL; a < end && !err; a += 0x1000) {
		uint64_t e, pfn;
		struct vpfn *pg;

		if (lock) {
			err = vmm_touch(v, p, a, 1, false, false); /* MmProbeAndLockPages faults in */
			if (err)
				return err;
		}
		e = pt_get(p, 3, a);
		pfn = pte_pfn(e);
		pg = &v->pfn[pfn];
		if (lock) {
			if (!pte_is_valid(e) || pg->locks == 15)
				return err_create(ERR_INVALID_ARG, "cannot lock %#llx of '%s'",
						  (unsigned long long)a, p->name);
			pg->locks++;
			pg->ref++;
		} else {
			if (!(pte_is_valid(e) || pte_is_transition(e)) || !pg->locks)
				return err_create(ERR_INVALID_ARG, "%#llx of '%s' is not locked",
						  (unsigned long long)a, p->name);
			pg->locks--;
			pg->ref--;
		}
		pfn_sync(v, pfn);
		if (!lock && pg->loc != LOC_ACTIVE && !pg->ref) {
			list_insert(v, pfn); /* B3: the last unlock links the page (B:4914-4918) */
			trace_emit(v, &(struct vev){ .event = "B3", .what = "last unlock of a trimmed page: it joins its list",
						    .has = VEV_PFN | VEV_VA | VEV_FROM | VEV_TO, .pfn = pfn,
						    .va = a, .p = p, .from = pg->loc, .to = pg->loc });
		} else {
			trace_emit(v, &(struct vev){ .event = "K6", .what = lock ? "page locked" : "page unlocked",
						    .has = VEV_PFN | VEV_VA | VEV_FROM | VEV_TO, .pfn = pfn,
						    .va = a, .p = p, .from = pg->loc, .to = pg->loc });
		}
		err = vmm_check_step(v);
	}
	return err;
}

/* Free every table below @n (post order), then @n's own page. */
static void free_tree_pages(struct vmm *v, struct vproc *p, struct ptnode *n, unsigned level)
{
	unsigned i;

	if (n->child)
		for (i = 0; i < 512; i++)
			if (n->child[i] && !n->child[i]->kernel)
				free_tree_pages(v, p, n->child[i], level + 1);
	if (n->pfn != UINT64_MAX && v->pfn[n->pfn].owner == p->slot + 1) {
		unsigned from = v->pfn[n->pfn].loc;

		to_free(v, n->pfn);
		trace_emit(v, &(struct vev){ .event = "F3", .what = level ? "paging structure freed at exit" : "PML4 freed at exit",
					    .has = VEV_PFN | VEV_VA | VEV_FROM | VEV_TO, .pfn = n->pfn,
					    .va = page_va(v, n->pfn), .p = p, .from = from, .to = LOC_FREE });
	} else if (n->parent && pte_is_pagefile(n->parent->e[n->index])) {
		pagefile_free(v, n->parent->e[n->index] >> 32);
	}
}

struct err *vmm_exit(struct vmm *v, struct vproc *p)
{
	struct vio *io;
	struct err *err = NULL;
	unsigned i;

	/* Reads and writes of the process finish first. */
	for (io = v->io; io;) {
		struct vio *next = io->next;

		if (io->p == p) {
			err = io_complete(v, io);
			if (err)
				return err;
			next = v->io;
		}
		io = next;
	}
	while (p->vad_root && !err) {
		struct vad *d = p->vad_root;

		err = release_range(v, p, d, d->start_vpn, d->end_vpn, REL_EXIT);
		if (!err) {
			p->virtual_size -= (d->end_vpn - d->start_vpn + 1) << 12;
			vad_delete(v, p, d);
		}
	}
	if (err)
		return err;
	/* The working set list, the UMAB, hyperspace tables and the PML4 go last. */
	for (i = 0; i < p->wsl.npages; i++) {
		to_free(v, p->wsl.page_pfn[i]);
		trace_emit(v, &(struct vev){ .event = "F3", .what = "working set list page freed at exit",
					    .has = VEV_PFN | VEV_FROM | VEV_TO, .pfn = p->wsl.page_pfn[i],
					    .p = p, .from = LOC_ACTIVE, .to = LOC_FREE });
	}
	to_free(v, p->umab_pfn);
	trace_emit(v, &(struct vev){ .event = "F3", .what = "UMAB page freed at exit",
				    .has = VEV_PFN | VEV_FROM | VEV_TO, .pfn = p->umab_pfn, .p = p,
				    .from = LOC_ACTIVE, .to = LOC_FREE });
	free_tree_pages(v, p, p->root, 0);
	process_unlink(v, p);
	pool_free(v, p->eprocess_va);
	v->c.resident_available += p->min_ws;
	BUG_ON(p->commit != 0);
	p->exited = true;
	return vmm_check_step(v);
}

void vmm_zero(struct vmm *v)
{
	unsigned c;

	for (c = 0; c < v->colors; c++) {
		while (v->free[c].total) {
			uint64_t pfn = list_take(v, &v->free[c]);

			page_zero(v, pfn);
			v->pfn[pfn].loc = LOC_ZEROED;
			list_insert(v, pfn);
			trace_emit(v, &(struct vev){ .event = "G1", .what = "zero page thread: free page zeroed",
						    .has = VEV_PFN | VEV_FROM | VEV_TO, .pfn = pfn,
						    .from = LOC_FREE, .to = LOC_ZEROED });
		}
	}
}
