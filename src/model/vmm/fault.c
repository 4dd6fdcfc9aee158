// SPDX-License-Identifier: MIT
/*
 * Page fault handling. See fault.h.
 */
#include "fault.h"

#include "core/err.h"
#include "core/util.h"
#include "model/vmm/alloc.h"
#include "model/vmm/check.h"
#include "model/vmm/content.h"
#include "model/vmm/inpage.h"
#include "model/vmm/kimage.h"
#include "model/vmm/pagefile.h"
#include "model/vmm/pfndb.h"
#include "model/vmm/process.h"
#include "model/vmm/pt.h"
#include "model/vmm/trace.h"
#include "model/vmm/trim.h"
#include "model/vmm/vad.h"
#include "model/vmm/vstate.h"
#include "model/vmm/wsl.h"

/* A valid paging-structure entry: like a leaf's, it carries the working set index of the
 * table it maps in SoftwareWsIndex (bits 52-62): the book's !pte shows 0x00C, 0x010 and 0x011
 * in a PXE, PPE and PDE (E01, B:1800-1803). */
static uint64_t ps_entry(uint64_t pfn, uint32_t ws_index)
{
	return (pfn << 12) | PTE_UPPER_USER | ((uint64_t)(ws_index & 0x7FF) << PTE_WSINDEX_SHIFT);
}

uint64_t pte_valid(unsigned prot, uint64_t pfn, uint32_t ws_index, bool dirty)
{
	uint64_t m = vmm_protect_mask(prot);
	uint64_t pte = m | (pfn << 12) | PTE_P | PTE_US | PTE_A |
		       ((uint64_t)(ws_index & 0x7FF) << PTE_WSINDEX_SHIFT);

	/* A demand-zero page starts dirty when writable (B:4228-4241); a page with a
	 * backing copy starts clean-writable (B:6750-6797). */
	if (dirty && (m & PTE_WRITE_SW))
		pte |= PTE_RW | PTE_D;
	return pte;
}

uint64_t pte_transition(uint64_t valid, unsigned prot)
{
	return (valid & (0xFFFF000000000000ULL | 0x1EULL)) | (valid & PTE_PFN_MASK) |
	       pte_soft(prot) | PTE_TRANSITION;
}

bool prot_allows(unsigned prot, bool write)
{
	unsigned base = prot & 7;

	if (!base)
		return false; /* no access, decommitted */
	return write ? base >= 4 : true;
}

unsigned prot_cache(unsigned prot)
{
	static const unsigned ca[4] = { 1, 0, 1, 2 }; /* WB, UC-, guard (WB), WC */

	return ca[(prot >> 3) & 3];
}

uint32_t page_version(const struct vproc *p, uint64_t va)
{
	struct ptnode *pt = pt_node(p, 3, va);

	return pt ? pt->ver[pt_index(3, va)] : 0;
}

void content_touch_write(struct vmm *v, struct vproc *p, uint64_t va, uint64_t pfn)
{
	struct ptnode *pt = pt_node(p, 3, va);
	uint32_t *ver = &pt->ver[pt_index(3, va)];

	(*ver)++;
	content_fill(physmem_page(&v->pm, pfn << 12), p->pid, va & ~0xFFFULL, *ver);
}

void pin_path(struct vmm *v, struct vproc *p, uint64_t va)
{
	unsigned l;

	v->nprotect = 0;
	for (l = 1; l <= 3; l++) {
		struct ptnode *n = pt_node(p, l, va);

		if (n && n->pfn != UINT64_MAX)
			v->protect_pfn[v->nprotect++] = n->pfn;
	}
}

void unpin_all(struct vmm *v)
{
	v->nprotect = 0;
}

bool is_pinned(const struct vmm *v, uint64_t pfn)
{
	unsigned i;

	for (i = 0; i < v->nprotect; i++)
		if (v->protect_pfn[i] == pfn)
			return true;
	return false;
}

struct err *ws_insert(struct vmm *v, struct vproc *p, uint64_t va, uint32_t *index_ret)
{
	struct err *err;

	if ((p->hard_max && p->wsl.size >= p->max_ws) || wsl_is_full(p)) {
		trace_emit(v, &(struct vev){ .event = "B5", .p = p,
					    .what = p->hard_max ? "hard working set maximum: an entry is replaced"
								: "working set list full: an entry is replaced" });
		err = trim_pages(v, p, 1, TRIM_REPLACE);
		if (err)
			return err;
	}
	return wsl_add(v, p, va, index_ret);
}

static void av(struct vmm *v, struct vproc *p, uint64_t va, const char *event, const char *what,
	       uint64_t pte)
{
	trace_emit(v, &(struct vev){ .event = event, .what = what, .has = VEV_VA | VEV_PTE,
				    .va = va, .p = p, .pte_before = pte, .pte_after = pte });
}

/* ---------------------------------------------------------------- paging structures */

/* H1: the level-@l entry of @va is zero: a demand-zero page becomes the table below it. */
static struct err *ps_create(struct vmm *v, struct vproc *p, unsigned l, uint64_t va)
{
	uint64_t pfn, table_va = selfmap_entry_va(&v->sm, l + 1, va) & ~0xFFFULL, entry, parent;
	uint32_t idx;
	unsigned from;
	struct err *err = page_alloc(v, p, ALLOC_ZERO, &pfn, &from);

	if (!err)
		err = ws_insert(v, p, table_va, &idx);
	if (err)
		return err;
	parent = pt_node(p, l, va)->pfn;
	process_ps_page(v, p, pfn, l + 1, selfmap_entry_va(&v->sm, l, va), parent, idx);
	if (!pt_link_table(p, l, va, pfn))
		return err_nomem;
	entry = ps_entry(pfn, idx);
	err = pt_write(v, p, l, va, entry);
	if (err)
		return err;
	p->page_faults++;
	v->c.demand_zero++;
	trace_emit(v, &(struct vev){ .event = "H1", .what = "paging structure created (demand zero)",
				    .has = VEV_PFN | VEV_VA | VEV_PTE | VEV_FROM | VEV_TO,
				    .pfn = pfn, .va = table_va, .p = p, .from = from,
				    .to = LOC_ACTIVE, .pte_before = 0, .pte_after = entry });
	return NULL;
}

/*
 * A page in transition (Standby, Modified, or being written) goes back into @p's working set
 * at @ws_va: off its list, Active, one share, referenced once more than its I/O and locks
 * hold. @written: the fault writes to it, so it is dirty and a confirmed paging-file copy is
 * released (MiReleaseConfirmedPageFileSpace; while a write is in flight it waits, C3).
 */
static struct err *transition_to_ws(struct vmm *v, struct vproc *p, uint64_t pfn,
				    uint64_t ws_va, bool written, uint32_t *idx)
{
	struct vpfn *pg = &v->pfn[pfn];
	struct err *err;

	if (pg->linked)
		list_unlink(v, pfn);
	err = ws_insert(v, p, ws_va, idx);
	if (err)
		return err;
	pg->loc = LOC_ACTIVE;
	pg->u1 = *idx;
	pg->u2 = 1;
	pg->ref = (uint16_t)(1 + pg->wip + pg->locks);
	if (written) {
		pg->mod = 1;
		if (!pg->wip && pte_is_pagefile(pg->orig_pte))
			pagefile_release_copy(v, pg);
	}
	return NULL;
}

/*
 * H6 from a transition entry: the table is on the Standby or Modified list (or being
 * written). It comes back Active in the working set. The fault is about to write entries
 * into it, so it is treated as written at once: dirty, its paging-file copy released [INF].
 */
static struct err *ps_soft(struct vmm *v, struct vproc *p, unsigned l, uint64_t va, uint64_t e)
{
	uint64_t pfn = pte_pfn(e), table_va = selfmap_entry_va(&v->sm, l + 1, va) & ~0xFFFULL;
	struct vpfn *pg = &v->pfn[pfn];
	unsigned from = pg->loc;
	uint64_t entry;
	uint32_t idx;
	struct err *err;

	BUG_ON(pg->rip);
	err = transition_to_ws(v, p, pfn, table_va, true, &idx);
	if (err)
		return err;
	pfn_sync(v, pfn);
	entry = ps_entry(pfn, idx);
	err = pt_write(v, p, l, va, entry);
	if (err)
		return err;
	p->page_faults++;
	v->c.soft_faults++;
	trace_emit(v, &(struct vev){ .event = "H6", .what = "paging structure soft-faulted back",
				    .has = VEV_PFN | VEV_VA | VEV_PTE | VEV_FROM | VEV_TO,
				    .pfn = pfn, .va = table_va, .p = p, .from = from,
				    .to = LOC_ACTIVE, .pte_before = e, .pte_after = entry });
	return NULL;
}

/* H6 from a paging-file entry: the table is read back (Free, Zeroed, Standby order) and
 * its contents checked against the simulator's own record of its entries. */
static struct err *ps_hard(struct vmm *v, struct vproc *p, unsigned l, uint64_t va, uint64_t e)
{
	uint64_t pfn, off = e >> 32, table_va = selfmap_entry_va(&v->sm, l + 1, va) & ~0xFFFULL;
	struct ptnode *node = pt_node(p, l + 1, va);
	uint64_t entry, parent = pt_node(p, l, va)->pfn;
	uint8_t *page;
	uint32_t idx;
	unsigned from;
	struct err *err;

	BUG_ON(!node);
	err = page_alloc(v, p, ALLOC_READ, &pfn, &from);
	if (err)
		return err;
	page = physmem_page(&v->pm, pfn << 12);
	pagefile_read(v, off, page);
	if (memcmp(page, node->e, 4096))
		return err_create(ERR_FORMAT,
				  "self-check: paging structure %#llx of '%s' read back from "
				  "paging-file offset %#llx differs from what was written",
				  (unsigned long long)table_va, p->name, (unsigned long long)off);
	err = ws_insert(v, p, table_va, &idx);
	if (err)
		return err;
	process_ps_page(v, p, pfn, l + 1, selfmap_entry_va(&v->sm, l, va), parent, idx);
	v->pfn[pfn].used = pt_used_count(node);
	pagefile_free(v, off);
	pfn_sync(v, pfn);
	node->pfn = pfn;
	entry = ps_entry(pfn, idx);
	err = pt_write(v, p, l, va, entry);
	if (err)
		return err;
	p->page_faults++;
	p->hard_faults++;
	v->c.page_reads++;
	trace_emit(v, &(struct vev){ .event = "H6", .what = "paging structure read back from the paging file",
				    .has = VEV_PFN | VEV_VA | VEV_PTE | VEV_FROM | VEV_TO,
				    .pfn = pfn, .va = table_va, .p = p, .from = from,
				    .to = LOC_ACTIVE, .pte_before = e, .pte_after = entry });
	return NULL;
}

struct err *fault_ps(struct vmm *v, struct vproc *p, uint64_t va, unsigned level)
{
	unsigned l;

	for (l = 0; l < level && l < 3; l++) {
		uint64_t e = pt_get(p, l, va);
		struct err *err;

		if (pte_is_valid(e))
			continue;
		if (!e)
			err = ps_create(v, p, l, va);
		else if (pte_is_transition(e))
			err = ps_soft(v, p, l, va, e);
		else if (pte_is_pagefile(e))
			err = ps_hard(v, p, l, va, e);
		else
			err = err_create(ERR_INVALID_ARG, "internal: level-%u entry %#llx of %#llx",
					 l, (unsigned long long)e, (unsigned long long)va);
		if (err)
			return err;
		pin_path(v, p, va);
	}
	return NULL;
}

/* ---------------------------------------------------------------- leaf faults */

static void page_activate(struct vmm *v, struct vproc *p, uint64_t pfn, uint64_t va, uint32_t idx)
{
	struct vpfn *pg = &v->pfn[pfn];

	pg->use = USE_PRIVATE;
	pg->owner = p->slot + 1;
	pg->level = 4;
	pg->loc = LOC_ACTIVE;
	pg->u1 = idx;
	pg->u2 = 1;
	pg->pte_va = selfmap_pte_va(&v->sm, va);
	pg->pte_frame = pt_node(p, 3, va)->pfn;
}

/* A1-A3 (and A5, A6): a demand-zero fault. @z_path: the PTE was zero and the protection
 * comes from the VAD without an access check (B:3598-3614). */
static struct err *demand_zero(struct vmm *v, struct vproc *p, uint64_t va, uint64_t e,
			       unsigned prot, bool write, bool z_path)
{
	static const char *const what[] = {
		"demand-zero fault served from the zeroed list",
		"demand-zero fault served from the free list (page zeroed first)", "", "", "",
		"demand-zero fault served by repurposing a standby page",
	};
	struct ptnode *pt = pt_node(p, 3, va);
	uint64_t pfn, pte;
	struct vpfn *pg;
	uint32_t idx;
	unsigned from, ca;
	bool writable;
	struct err *err;

	if ((prot & 0x18) == MM_GUARD) {
		/* A6: the first touch of a guard page clears the guard bit and raises
		 * STATUS_GUARD_PAGE_VIOLATION; no page is allocated (B:4408-4449). A zero PTE
		 * in a guard VAD takes the VAD's protection first [INF]. */
		uint64_t after = pte_soft(prot & ~MM_GUARD);

		err = pt_write(v, p, 3, va, after);
		if (!err)
			trace_emit(v, &(struct vev){ .event = "A6", .what = "guard page touched: guard bit cleared",
						    .has = VEV_VA | VEV_PTE, .va = va, .p = p,
						    .pte_before = e, .pte_after = after });
		return err;
	}
	if (!(prot & 7) || (!z_path && !prot_allows(prot, write))) {
		av(v, p, va, "A0", "access violation: the protection forbids the access", e);
		return NULL;
	}
	err = page_alloc(v, p, ALLOC_ZERO, &pfn, &from);
	if (!err)
		err = ws_insert(v, p, va, &idx);
	if (err)
		return err;
	pg = &v->pfn[pfn];
	ca = prot_cache(prot);
	if (pg->ca != ca) {
		/* G3: a new CacheAttribute for the page: KeFlushTb on all CPUs (B:4362-4380). */
		trace_emit(v, &(struct vev){ .event = "G3", .what = "cache attribute changed at allocation",
					    .has = VEV_PFN | VEV_VA, .pfn = pfn, .va = va, .p = p });
		pg->ca = (uint8_t)ca;
	}
	page_activate(v, p, pfn, va, idx);
	pg->ref = 1;
	pg->orig_pte = z_path ? pte_soft(prot) : e;
	pg->mod = 1;
	pg->wip = pg->rip = pg->locks = 0;
	pg->prio = 5; /* ThreadPagePriority, default 5 (B:4165-4173) */
	pg->proto = 0;
	pg->prefetched = 0;
	pfn_sync(v, pfn);
	v->pfn[pt->pfn].u2++;
	pfn_sync(v, pt->pfn);
	writable = vmm_protect_mask(prot) & PTE_WRITE_SW;
	pte = pte_valid(prot, pfn, idx, writable);
	err = pt_write(v, p, 3, va, pte);
	if (err)
		return err;
	p->page_faults++;
	v->c.demand_zero++;
	trace_emit(v, &(struct vev){ .event = dz_event(from), .what = what[from],
				    .has = VEV_PFN | VEV_VA | VEV_PTE | VEV_FROM | VEV_TO,
				    .pfn = pfn, .va = va, .p = p, .from = from, .to = LOC_ACTIVE,
				    .pte_before = e, .pte_after = pte });
	if (!prot_allows(prot, write)) {
		/* A5: mapped through the zero-PTE path, then the access itself is refused; the
		 * page stays mapped and in the working set (B:3788-3874). */
		av(v, p, va, "A5", "second fault: the access is not allowed, the page stays mapped", pte);
		return NULL;
	}
	if (write)
		content_touch_write(v, p, va, pfn);
	return NULL;
}

/* A valid PTE: set Accessed (and Dirty on a write, as the CPU does), or A7/A7b/A7c. */
static struct err *valid_access(struct vmm *v, struct vproc *p, uint64_t va, uint64_t e, bool write)
{
	uint64_t pfn = pte_pfn(e), after = e | PTE_A;
	struct vpfn *pg = &v->pfn[pfn];
	struct err *err;

	if (write && !(e & PTE_RW)) {
		if (!(e & PTE_WRITE_SW)) {
			av(v, p, va, "A7c", "write to a read-only page: access violation", e);
			return NULL;
		}
		/* A7/A7b: the first write to a clean page faults (B:6915-7042). */
		after |= PTE_RW | PTE_D;
		if (pg->wip) {
			pg->mod = 1; /* the paging-file release waits for the write (C3, B:6878) */
		} else if (pte_is_pagefile(pg->orig_pte)) {
			pagefile_release_copy(v, pg); /* Mod stays 0 (B:7014) */
		}
		pfn_sync(v, pfn);
		err = pt_write(v, p, 3, va, after);
		if (err)
			return err;
		p->page_faults++;
		trace_emit(v, &(struct vev){
			.event = pg->wip ? "A7b" : "A7",
			.what = pg->wip ? "write to a clean page while the modified page writer writes it"
					: "write to a clean page: its paging-file copy is released",
			.has = VEV_PFN | VEV_VA | VEV_PTE | VEV_FROM | VEV_TO, .pfn = pfn, .va = va,
			.p = p, .from = LOC_ACTIVE, .to = LOC_ACTIVE, .pte_before = e, .pte_after = after });
	} else {
		if (write)
			after |= PTE_D;
		if (after != e) {
			err = pt_write(v, p, 3, va, after);
			if (err)
				return err;
		}
	}
	if (write)
		content_touch_write(v, p, va, pfn);
	return NULL;
}

/* D1-D6: a transition PTE; the page is still in memory (B:6722-6878, B:7480-7528). */
static struct err *soft_fault(struct vmm *v, struct vproc *p, uint64_t va, uint64_t e, bool write,
			      bool nowait, bool *again)
{
	uint64_t pfn = pte_pfn(e), pte;
	struct vpfn *pg = &v->pfn[pfn];
	unsigned prot = pte_prot(e), from = pg->loc;
	const char *event, *what;
	bool dirty;
	uint32_t idx;
	struct err *err;

	if (!prot_allows(prot, write)) {
		av(v, p, va, "D6", "soft fault refused by the transition PTE's protection", e);
		return NULL;
	}
	if (pg->rip) {
		if (nowait)
			return NULL; /* the thread does not wait for a read in flight */
		*again = true;	     /* E7: wait for the read, then fault again */
		return inpage_collide(v, p, pfn);
	}
	if (from == LOC_STANDBY) {
		event = pg->prefetched ? "D5" : write ? "D2" : "D1";
		what = pg->prefetched ? "soft fault on a prefetched page"
			: write	 ? "soft fault from standby, write access"
				 : "soft fault from standby, read access";
		dirty = write;
	} else if (pg->wip) {
		event = "D4";
		what = "soft fault on a page whose write is in flight";
		dirty = write;
	} else {
		event = "D3";
		what = "soft fault from the modified list";
		dirty = true;
	}
	err = transition_to_ws(v, p, pfn, va, write, &idx);
	if (err)
		return err;
	pg->prefetched = 0;
	pfn_sync(v, pfn);
	pte = pte_valid(prot, pfn, idx, dirty);
	err = pt_write(v, p, 3, va, pte);
	if (err)
		return err;
	p->page_faults++;
	v->c.soft_faults++;
	trace_emit(v, &(struct vev){ .event = event, .what = what,
				    .has = VEV_PFN | VEV_VA | VEV_PTE | VEV_FROM | VEV_TO,
				    .pfn = pfn, .va = va, .p = p, .from = from, .to = LOC_ACTIVE,
				    .pte_before = e, .pte_after = pte });
	if (v->check && !content_check(physmem_page(&v->pm, pfn << 12), p->pid, va,
				       page_version(p, va)))
		return err_create(ERR_FORMAT, "self-check: page %#llx of '%s' (pfn %#llx) lost its "
				  "contents while in transition", (unsigned long long)va, p->name,
				  (unsigned long long)pfn);
	if (write)
		content_touch_write(v, p, va, pfn);
	return NULL;
}

static struct err *fault_leaf(struct vmm *v, struct vproc *p, struct vad *d, uint64_t va,
			      bool write, bool nowait)
{
	unsigned tries;

	for (tries = 0; tries < 4; tries++) {
		uint64_t e = pt_get(p, 3, va);
		bool again = false;
		struct err *err;

		if (pte_is_valid(e))
			return valid_access(v, p, va, e, write);
		if (!e) {
			if (!d->mem_commit) {
				av(v, p, va, "A0", "access violation: reserved, not committed", e);
				return NULL;
			}
			return demand_zero(v, p, va, e, d->prot, write, true);
		}
		if (pte_is_transition(e))
			err = soft_fault(v, p, va, e, write, nowait, &again);
		else if (pte_is_pagefile(e))
			err = inpage_fault(v, p, va, e, write, nowait, &again);
		else if (!(e & PTE_PROTOTYPE) && pte_prot(e) == MM_DECOMMIT) {
			av(v, p, va, "A0", "access violation: decommitted page", e);
			return NULL;
		} else if (!(e & PTE_PROTOTYPE))
			return demand_zero(v, p, va, e, pte_prot(e), write, false);
		else
			err = err_create(ERR_INVALID_ARG, "internal: unexpected PTE %#llx at %#llx",
					 (unsigned long long)e, (unsigned long long)va);
		if (err || !again)
			return err;
	}
	return err_create(ERR_INVALID_ARG, "internal: fault at %#llx did not settle",
			  (unsigned long long)va);
}

struct err *vmm_touch(struct vmm *v, struct vproc *p, uint64_t va, uint64_t size, bool write,
		      bool nowait)
{
	uint64_t a, end = (va + size + 0xFFF) & ~0xFFFULL;
	struct err *err = NULL;

	for (a = va & ~0xFFFULL; a < end && !err; a += 0x1000) {
		struct vad *d = vmm_vad_find(p, a >> 12);

		if (!d)
			return err_create(ERR_INVALID_ARG, "address %#llx is not inside any VAD of '%s'",
					  (unsigned long long)a, p->name);
		err = balance_if_low(v);
		if (err)
			break;
		/* An uncommitted VA gets no paging structures: MiCheckVirtualAddress refuses it
		 * before any table is built (A0, B:3598-3602). */
		if (!d->mem_commit && !pt_node(p, 3, a)) {
			av(v, p, a, "A0", "access violation: reserved, not committed", 0);
			continue;
		}
		pin_path(v, p, a);
		err = fault_ps(v, p, a, 3);
		if (!err)
			err = fault_leaf(v, p, d, a, write, nowait);
		unpin_all(v);
		if (!err)
			err = vmm_check_step(v);
	}
	return err;
}
