// SPDX-License-Identifier: MIT
/*
 * Page-table builder writing through the self-map. See ptbuild.h.
 */
#include "ptbuild.h"

#include <string.h>

#include "core/err.h"
#include "core/util.h"
#include "model/vmm/physmem.h"
#include "targets/target.h"

struct err *ptb_init(struct ptbuild *b, struct physmem *pm, uint64_t pml4_pa, unsigned index,
		     uint64_t selfmap_value, ptb_alloc_fn alloc, void *alloc_arg)
{
	struct err *err;

	if (index < 0x100 || index > 0x1FF)
		return err_create(ERR_INVALID_ARG,
				  "auto-entry index %#x is outside the kernel half (0x100-0x1ff)",
				  index);
	if ((pml4_pa & 0xFFF) || pml4_pa >= pm->size)
		return err_create(ERR_INVALID_ARG, "PML4 address %#llx is not a page in RAM",
				  (unsigned long long)pml4_pa);
	ptb_attach(b, pm, pml4_pa, index, alloc, alloc_arg);
	if (!selfmap_value)
		selfmap_value = pml4_pa | b->upper_kernel;
	/* The only entry written by physical address: the auto-entry itself (book L1699). */
	err = physmem_write_u64(pm, pml4_pa + index * 8ULL, selfmap_value);
	if (err)
		return err;
	return NULL;
}

void ptb_attach(struct ptbuild *b, struct physmem *pm, uint64_t pml4_pa, unsigned index,
		ptb_alloc_fn alloc, void *alloc_arg)
{
	memset(b, 0, sizeof(*b));
	b->pm = pm;
	b->pml4_pa = pml4_pa;
	selfmap_init(&b->sm, index);
	as_init_x64(&b->as, pm->t, pml4_pa, "model");
	b->alloc = alloc;
	b->alloc_arg = alloc_arg;
	b->upper_user = 0x867;
	b->upper_kernel = 0x863;
}

struct err *ptb_va_to_pa(struct ptbuild *b, uint64_t va, uint64_t *ret)
{
	struct xlate x;
	struct err *err = as_translate(&b->as, va, &x);

	if (err)
		return err;
	*ret = x.pa;
	return NULL;
}

struct err *ptb_read_va(struct ptbuild *b, uint64_t va, uint64_t *ret)
{
	uint64_t pa;
	struct err *err = ptb_va_to_pa(b, va, &pa);

	if (err)
		return err;
	return physmem_read(b->pm, pa, ret, 8);
}

struct err *ptb_write_va(struct ptbuild *b, uint64_t va, uint64_t value)
{
	uint64_t pa;
	struct err *err = ptb_va_to_pa(b, va, &pa);

	if (err)
		return err;
	return physmem_write_u64(b->pm, pa, value);
}

struct err *ptb_ensure(struct ptbuild *b, uint64_t va, unsigned level, unsigned *created_ret)
{
	bool user = va < 0x0000800000000000ULL;
	unsigned l;

	if (created_ret)
		*created_ret = 0;
	/* Levels 0..level-1 must be valid so that the level-@level entry is addressable. */
	for (l = 0; l < level && l < 3; l++) {
		uint64_t eva = selfmap_entry_va(&b->sm, l, va), e, pa;
		struct err *err = ptb_read_va(b, eva, &e);

		if (err)
			return err;
		if (e & PTE_P) {
			if (e & PTE_PS)
				return err_create(ERR_INVALID_ARG,
						  "%#llx is inside a large page; cannot map 4 KiB below it",
						  (unsigned long long)va);
			continue;
		}
		if (!b->alloc)
			return err_create(ERR_INVALID_ARG, "no allocator for a new paging structure");
		/* The new table holds the level l+1 entries; it will appear at the self-map
		 * address of those entries once this entry is written. */
		err = b->alloc(b->alloc_arg, selfmap_entry_va(&b->sm, l + 1, va), l + 1, &pa);
		if (err)
			return err;
		err = ptb_write_va(b, eva, pa | (user ? b->upper_user : b->upper_kernel));
		if (err)
			return err;
		if (created_ret)
			*created_ret |= 1U << (l + 1);
	}
	return NULL;
}

struct err *ptb_set_entry(struct ptbuild *b, unsigned level, uint64_t va, uint64_t value)
{
	struct err *err = ptb_ensure(b, va, level, NULL);

	if (err)
		return err;
	return ptb_write_va(b, selfmap_entry_va(&b->sm, level, va), value);
}

struct err *ptb_get_entry(struct ptbuild *b, unsigned level, uint64_t va, uint64_t *ret)
{
	return ptb_read_va(b, selfmap_entry_va(&b->sm, level, va), ret);
}

struct err *ptb_map(struct ptbuild *b, uint64_t va, uint64_t pa, bool large, uint64_t flags)
{
	if (large) {
		if ((va | pa) & 0x1FFFFF)
			return err_create(ERR_INVALID_ARG, "2 MiB mapping %#llx -> %#llx is not aligned",
					  (unsigned long long)va, (unsigned long long)pa);
		return ptb_set_entry(b, 2, va, (pa & 0x000FFFFFFFE00000ULL) | flags | PTE_PS | PTE_P);
	}
	if ((va | pa) & 0xFFF)
		return err_create(ERR_INVALID_ARG, "4 KiB mapping %#llx -> %#llx is not aligned",
				  (unsigned long long)va, (unsigned long long)pa);
	return ptb_set_entry(b, 3, va, (pa & PTE_ADDR_MASK) | flags | PTE_P);
}
