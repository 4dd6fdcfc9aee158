// SPDX-License-Identifier: MIT
/* Address spaces over an in-memory target built with the page-table builder: 4 KiB, 2 MiB and
 * 1 GiB pages, permissions, non-canonical addresses, faults carrying the level, the TLB, the
 * bounded walker against aliased tables, and DTB/auto-entry discovery. */
#include "core/as.h"
#include "model/kernel.h"
#include "model/vmm/physmem.h"
#include "model/vmm/ptbuild.h"
#include "tap.h"
#include "targets/target.h"

struct bump {
	struct physmem *pm;
	uint64_t next;
};

static struct err *bump_alloc(void *arg, uint64_t va, unsigned level, uint64_t *ret)
{
	struct bump *b = arg;

	*ret = b->next;
	physmem_zero_page(b->pm, b->next);
	b->next += 0x1000;
	return NULL;
}

struct count {
	uint64_t n, bytes;
};

static struct err *count_map(void *arg, uint64_t va, uint64_t pa, uint64_t size, uint64_t e)
{
	struct count *c = arg;

	c->n++;
	c->bytes += size;
	return NULL;
}

int main(void)
{
	struct physmem pm;
	struct ptbuild b;
	struct bump bp;
	struct as as;
	struct xlate x;
	uint64_t pa, v, dtb;
	unsigned index;
	struct count c = { 0, 0 };

	ck_no_err(physmem_init(&pm, 64 << 20), "64 MiB of simulated RAM");
	bp = (struct bump){ &pm, 0x10000 };
	ck_no_err(ptb_init(&b, &pm, 0x1000, 0x1ED, 0, bump_alloc, &bp), "PML4 with auto-entry 0x1ED");
	ck_no_err(ptb_map(&b, 0xfffff80000200000ULL, 0x200000, true, 0x963), "2 MiB kernel page");
	ck_no_err(ptb_map(&b, 0x10000, 0x300000, false, 0x8000000000000867ULL), "4 KiB user page");
	ck_no_err(ptb_map(&b, 0x11000, 0x301000, false, 0x8000000000000025ULL), "read-only user page");
	ck_no_err(ptb_set_entry(&b, 1, 0x40000000, 0x000000000000008E3ULL | 0x40000000ULL),
		  "1 GiB page at PDPT level");
	ck_no_err(physmem_write_u64(&pm, 0x300008, 0x1122334455667788ULL), "data");

	as_init_x64(&as, pm.t, 0x1000, "kernel");
	ck_no_err(as_translate(&as, 0x10008, &x), "translate 4 KiB page");
	is_u64(x.pa, 0x300008, "4 KiB translation");
	ok(x.user && x.writable && x.nx, "user RW NX");
	ck_no_err(as_translate(&as, 0xfffff80000312345ULL, &x), "translate 2 MiB page");
	is_u64(x.pa, 0x312345, "2 MiB translation");
	is_u64(x.page_size, 0x200000, "2 MiB page size");
	ok(x.leaf == LVL_PD, "leaf at PD");
	ck_no_err(as_translate(&as, 0x40123456, &x), "translate 1 GiB page");
	is_u64(x.pa, 0x40123456, "1 GiB translation (PS at the PDPT)");
	ck_no_err(as_translate(&as, 0x11000, &x), "read-only page");
	ok(!x.writable, "read-only is not writable");
	ck_err(as_translate(&as, 0x20000, &x), ERR_FAULT, "not present", "unmapped VA faults");
	ok(x.fault_level == LVL_PT && x.nlevels == 4, "fault names the PTE level");
	ck_err(as_translate(&as, 0x0000800000000000ULL, &x), ERR_FAULT, "non-canonical",
	       "non-canonical address");
	ck_no_err(as_read_u64(&as, 0x10008, &v, "test data"), "as_read");
	is_u64(v, 0x1122334455667788ULL, "value read through the space");
	ck_err(as_read_u64(&as, 0x11ffc, &v, "straddling read"), ERR_FAULT, "straddling read",
	       "a read crossing into an unmapped page names its purpose");
	ck_no_err(as_va_to_pa(&as, 0x10000, &pa, NULL), "cached translation");
	ck_no_err(as_va_to_pa(&as, 0x10000, &pa, NULL), "cached translation again");
	ok(as.tlb_hits >= 1, "the TLB served the repeat");
	/* the self-map: the PML4 is visible at PXE_BASE */
	ck_no_err(as_read_u64(&as, 0xFFFFF6FB7DBEDF68ULL, &v, "auto-entry"), "read the auto-entry");
	is_u64(v & PTE_ADDR_MASK, 0x1000, "auto-entry points to the PML4");

	ck_no_err(as_walk(&as, 0, 0x00007FFFFFFFFFFFULL, 0, count_map, &c), "walk the user half");
	is_u64(c.n, 3, "three user mappings");
	is_u64(c.bytes, 0x2000 + 0x40000000, "their sizes");

	ck_no_err(dtb_scan(pm.t, &dtb, &index), "DTB scan");
	is_u64(dtb, 0x1000, "scan finds the PML4");
	is_u64(index, 0x1ED, "and its auto-entry");

	/* hostile: a table whose entries all point back at itself */
	{
		struct as bad;
		uint64_t i;

		for (i = 0; i < 512; i++)
			physmem_write_u64(&pm, 0x3000000 + i * 8, 0x3000000 | 0x63);
		as_init_x64(&bad, pm.t, 0x3000000, "hostile");
		c.n = 0;
		ck_err(as_walk(&bad, 0, ~0ULL, 100000, count_map, &c), ERR_UNSUPPORTED, "too many",
		       "walk over aliased tables stops at its budget");
		ok(!dtb_is_pml4(pm.t, 0x3000000, &index), "a table of 512 self-references is no PML4");
	}
	physmem_deinit(&pm);
	return done_testing();
}
