// SPDX-License-Identifier: MIT
/*
 * DTB and auto-entry discovery. See kernel.h and formats.md §3.
 */
#include "kernel.h"

#include <string.h>

#include "core/err.h"
#include "core/util.h"
#include "targets/target.h"

static bool pml4_check(const uint64_t *e, uint64_t pa, uint64_t max_pa, unsigned *index_ret)
{
	unsigned i, self = 0, self_index = 0, present_kernel = 0;

	for (i = 0; i < 512; i++) {
		uint64_t v = e[i];

		if (!(v & PTE_P))
			continue;
		/* PS is reserved in a PML4 entry (paging.md §1 bit 7). */
		if (v & PTE_PS)
			return false;
		if ((v & PTE_ADDR_MASK) >= max_pa)
			return false;
		if (i < 0x100)
			continue;
		present_kernel++;
		if ((v & PTE_ADDR_MASK) == pa) {
			self++;
			self_index = i;
		}
	}
	/* Exactly one self-reference, and at least one other kernel-half entry (the kernel's
	 * own mappings), as Volatility's DtbSelfRef64bit and MemProcFS require. */
	if (self != 1 || present_kernel < 2)
		return false;
	/* The auto-entry is kernel-only: U/S clear (book L1872, E03 "…863"). */
	if (e[self_index] & PTE_US)
		return false;
	*index_ret = self_index;
	return true;
}

bool dtb_is_pml4(struct target *t, uint64_t pa, unsigned *index_ret)
{
	uint64_t buf[512];
	const uint8_t *p;
	struct err *err;

	pa &= PTE_ADDR_MASK;
	p = target_page_ptr(t, pa);
	if (p) {
		memcpy(buf, p, sizeof(buf));
	} else {
		err = target_read_phys(t, pa, buf, sizeof(buf), "PML4");
		if (err) {
			err_destroy(err);
			return false;
		}
	}
	return pml4_check(buf, pa, MAX(target_max_pa(t), 1ULL << 32), index_ret);
}

struct err *dtb_scan(struct target *t, uint64_t *dtb_ret, unsigned *index_ret)
{
	size_t r;

	for (r = 0; r < t->nruns; r++) {
		uint64_t pa = (t->runs[r].start_pa + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
		uint64_t end = t->runs[r].start_pa + t->runs[r].len;

		for (; pa + PAGE_SIZE <= end; pa += PAGE_SIZE) {
			const uint8_t *p = target_page_ptr(t, pa);
			uint64_t probe[512];

			/* Cheap pre-filter on the kernel half before the full check. */
			if (!p) {
				struct err *err = target_read_phys(t, pa, probe, PAGE_SIZE, "PML4");

				if (err) {
					err_destroy(err);
					continue;
				}
				p = (const uint8_t *)probe;
			}
			{
				const uint64_t *e = (const uint64_t *)(const void *)p;
				unsigned i;
				bool any = false;

				for (i = 0x100; i < 0x200; i++) {
					if ((e[i] & (PTE_ADDR_MASK | PTE_P | PTE_PS)) == (pa | PTE_P)) {
						any = true;
						break;
					}
				}
				if (!any)
					continue;
			}
			if (dtb_is_pml4(t, pa, index_ret)) {
				*dtb_ret = pa;
				return NULL;
			}
		}
	}
	return err_create(ERR_NOT_FOUND,
			  "no page-table root (a PML4 with a self-map entry) found in '%s'; "
			  "give one with --dtb", t->path);
}

struct err *selfmap_detect(struct target *t, uint64_t dtb, unsigned *index_ret)
{
	if (dtb_is_pml4(t, dtb, index_ret))
		return NULL;
	return err_create(ERR_NOT_FOUND,
			  "the page at physical %#llx is not a PML4 with one self-map entry",
			  (unsigned long long)(dtb & PTE_ADDR_MASK));
}
