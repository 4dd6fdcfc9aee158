// SPDX-License-Identifier: MIT
/*
 * Kernel mappings, boot allocation and work mappings. See kmem.h.
 */
#include "kmem.h"

#include "core/err.h"
#include "core/util.h"
#include "model/vmm/alloc.h"
#include "model/vmm/pfndb.h"
#include "model/vmm/pt.h"
#include "model/vmm/trace.h"
#include "model/vmm/vstate.h"

struct err *boot_alloc(struct vmm *v, uint64_t npages, uint64_t align_pages, uint64_t *pfn_ret)
{
	uint64_t pfn = v->boot_next_pa >> 12, i;

	if (align_pages > 1)
		pfn = (pfn + align_pages - 1) & ~(align_pages - 1);
	if (pfn + npages > v->highest_pfn + 1)
		return err_create(ERR_INVALID_ARG,
				  "%llu MiB of RAM is too small for the kernel's layout",
				  (unsigned long long)(v->ram_bytes >> 20));
	for (i = 0; i < npages; i++)
		v->pfn[pfn + i].use = USE_KERNEL;
	v->boot_next_pa = (pfn + npages) << 12;
	*pfn_ret = pfn;
	return NULL;
}

void kpage_init(struct vmm *v, uint64_t pfn, unsigned level, uint64_t pte_va, uint64_t pte_frame)
{
	struct vpfn *p = &v->pfn[pfn];

	p->use = USE_KERNEL;
	p->loc = LOC_ACTIVE;
	p->level = (uint8_t)level;
	p->u1 = 0; /* WsIndex 0: in no working set (B:14162-14170) */
	p->u2 = 1; /* ShareCount: the mapping (plus the valid entries of a table) */
	p->ref = 1;
	p->pte_va = pte_va;
	p->pte_frame = pte_frame;
	p->orig_pte = level < 4 ? 0 : pte_soft(MM_READWRITE);
	p->ca = 1;
	p->prio = 5;
	p->used = 0; /* system paging structures keep UsedPageTableEntries 0 (B:11628) */
	p->mod = 0;
	p->owner = 0;
	v->c.nonpageable++;
	v->c.resident_available--; /* never paged (B:15939-16013) */
	v->c.committed++;	    /* non-pageable allocations are charged (B:16455-16511) */
	if (pte_frame != pfn) {
		v->pfn[pte_frame].u2++;
		if (v->lists_ready)
			pfn_sync(v, pte_frame);
	}
	if (v->lists_ready)
		pfn_sync(v, pfn);
}

/* Allocate a zero-filled page for a kernel use: the boot region, or the page lists. */
static struct err *kernel_page(struct vmm *v, bool ps, uint64_t va, uint64_t *pfn_ret)
{
	unsigned from;
	struct err *err;

	if (!v->lists_ready)
		return boot_alloc(v, 1, 1, pfn_ret);
	err = page_alloc(v, NULL, ALLOC_ZERO, pfn_ret, &from);
	if (err)
		return err;
	trace_emit(v, &(struct vev){
		.event = ps ? "H1" : dz_event(from),
		.what = ps ? "system paging structure allocated (never paged)"
			   : "nonpaged system page allocated",
		.has = VEV_PFN | VEV_VA | VEV_FROM | VEV_TO, .pfn = *pfn_ret, .va = va,
		.from = from, .to = LOC_ACTIVE });
	return NULL;
}

struct err *kmap_ensure(struct vmm *v, uint64_t va, unsigned level)
{
	struct vproc *sys = v->system;
	unsigned l;

	for (l = 0; l < level && l < 3; l++) {
		uint64_t e = pt_get(sys, l, va), pfn, parent;
		struct err *err;

		if (e & PTE_P) {
			if (e & PTE_PS)
				return err_create(ERR_INVALID_ARG,
						  "internal: %#llx is inside a large kernel page",
						  (unsigned long long)va);
			continue;
		}
		err = kernel_page(v, true, selfmap_entry_va(&v->sm, l + 1, va) & ~0xFFFULL, &pfn);
		if (err)
			return err;
		parent = pt_node(sys, l, va)->pfn;
		kpage_init(v, pfn, l + 1, selfmap_entry_va(&v->sm, l, va), parent);
		if (!pt_link_table(sys, l, va, pfn))
			return err_nomem;
		err = pt_write(v, sys, l, va, (pfn << 12) | PTE_UPPER_KERNEL);
		if (err)
			return err;
	}
	return NULL;
}

struct err *kmap_page(struct vmm *v, uint64_t va, uint64_t pfn, uint64_t flags)
{
	struct err *err = kmap_ensure(v, va, 3);
	struct ptnode *pt;

	if (err)
		return err;
	pt = pt_node(v->system, 3, va);
	kpage_init(v, pfn, 4, selfmap_pte_va(&v->sm, va), pt->pfn);
	return pt_write(v, v->system, 3, va, (pfn << 12) | flags);
}

struct err *kmap_large(struct vmm *v, uint64_t va, uint64_t pfn, uint64_t flags)
{
	struct err *err = kmap_ensure(v, va, 2);
	struct ptnode *pd;
	unsigned i;

	if (err)
		return err;
	pd = pt_node(v->system, 2, va);
	for (i = 0; i < 512; i++) {
		kpage_init(v, pfn + i, 4, selfmap_pde_va(&v->sm, va), pd->pfn);
		/* One PDE maps the block: only one share of the PD is taken. */
		if (i)
			v->pfn[pd->pfn].u2--;
	}
	return pt_write(v, v->system, 2, va, (pfn << 12) | flags);
}

struct err *kpage_new(struct vmm *v, uint64_t va, uint64_t flags, uint64_t *pfn_ret)
{
	struct err *err = kmap_ensure(v, va, 3);

	if (!err)
		err = kernel_page(v, false, va, pfn_ret);
	if (!err)
		err = kmap_page(v, va, *pfn_ret, flags);
	return err;
}

uint64_t work_map(struct vmm *v, uint64_t pfn)
{
	unsigned slot = (unsigned)(v->work_pte_index % 64);
	uint64_t va = VMM_WORK_VA + slot * 0x1000ULL, value = (pfn << 12) | PTE_HYPER;
	struct ptnode *pt = pt_node(v->system, 3, va);
	struct err *err;

	BUG_ON(!pt);
	err = pt_write(v, v->system, 3, va, value);
	BUG_ON(err != NULL);
	v->pfn[pt->pfn].u2++;
	pfn_sync(v, pt->pfn);
	/* KPRCB.HyperPte: base VPN in bits 63:12, counter in bits 11:0 (B:4495-4501). */
	v->work_pte_index = (slot + 1) % 64;
	vmm_kfield_write(v, v->kprcb_va, &v->vl.kprcb.hyper_pte, VMM_WORK_VA | v->work_pte_index);
	trace_emit(v, &(struct vev){ .event = "G4", .what = "page mapped at a per-CPU work VA",
				    .has = VEV_PFN | VEV_VA | VEV_PTE, .pfn = pfn, .va = va,
				    .pte_before = 0, .pte_after = value });
	return va;
}

void work_unmap(struct vmm *v, uint64_t va)
{
	struct ptnode *pt = pt_node(v->system, 3, va);
	struct err *err = pt_write(v, v->system, 3, va, 0);

	BUG_ON(err != NULL);
	v->pfn[pt->pfn].u2--;
	pfn_sync(v, pt->pfn);
}

void page_zero(struct vmm *v, uint64_t pfn)
{
	uint64_t va = work_map(v, pfn), pa;
	struct err *err = ptb_va_to_pa(&v->system->b, va, &pa); /* through the simulated tables */

	BUG_ON(err != NULL);
	physmem_zero_page(&v->pm, pa);
	work_unmap(v, va);
}
