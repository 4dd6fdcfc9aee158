// SPDX-License-Identifier: MIT
/* The page-array target of mmkd --model: copies are exact, unchanged pages are shared with the
 * previous snapshot (and survive it being closed), zero pages take no storage, pages outside
 * the RAM runs are absent, CPU states and MSRs are copied, bad runs are refused. */
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "tap.h"
#include "targets/target_pages.h"

#define NPAGES 64

int main(void)
{
	uint8_t *mem = calloc(NPAGES, PAGE_SIZE), buf[PAGE_SIZE * 2];
	struct phys_run runs[] = { { 0x1000, 0x1f000, 0 }, { 0x30000, 0x10000, 0 } };
	struct cpu_state cpu = { .valid = REG_CR, .cr3 = 0x4000 };
	struct msr_val msr = { 0x277, 0x0007040600070406ULL };
	struct target_pages_stats st;
	struct target *a = NULL, *b = NULL, *c = NULL;
	uint64_t v;

	cpu.msrs = &msr;
	cpu.nmsrs = 1;
	memset(mem + 0x2000, 0xaa, PAGE_SIZE);
	memset(mem + 0x3000, 0xbb, PAGE_SIZE);
	memset(mem + 0x31000, 0xcc, PAGE_SIZE);
	memset(mem + 0x20000, 0xdd, PAGE_SIZE); /* outside the runs: not copied */
	ck_no_err(target_pages_create("s0", "model", mem, NPAGES * PAGE_SIZE, NULL, runs, 2, &cpu, 1, NULL,
				      &a), "first snapshot");
	ok(target_pages_stats(a, &st), "stats of a pages target");
	is_u64(st.pages, 0x1f + 0x10, "present pages are those of the runs");
	is_u64(st.copied, 3, "three non-zero pages stored");
	is_u64(st.zero, 0x1f + 0x10 - 3, "the rest are zero pages");
	ck_no_err(target_read_phys(a, 0x2ff8, buf, 16, "test"), "a read across two pages");
	ok(buf[0] == 0xaa && buf[7] == 0xaa && buf[8] == 0xbb && buf[15] == 0xbb,
	   "across the boundary, both pages' bytes");
	ok(target_page_ptr(a, 0x4123) && target_page_ptr(a, 0x4123)[5] == 0,
	   "a zero page is present and reads zero");
	ok(!target_page_ptr(a, 0x20000), "a page between the runs is absent");
	ck_err(target_read_phys(a, 0x20000, buf, 8, "test"), ERR_FAULT, "0x20000",
	       "reading it is a fault naming the address");
	ck_err(target_read_phys(a, 0x0, buf, 8, "test"), ERR_FAULT, "not in the dump", "page 0 is absent");
	ok(a->ncpus == 1 && a->cpus[0].cr3 == 0x4000, "CPU state copied");
	ok(target_cpu_msr(&a->cpus[0], 0x277, &v) && v == msr.value && a->cpus[0].msrs != &msr,
	   "MSRs copied, not borrowed");

	/* the machine runs on: one page changes, one becomes zero, one appears */
	memset(mem + 0x3000, 0x11, 8);
	memset(mem + 0x2000, 0, PAGE_SIZE);
	memset(mem + 0x5000, 0x55, PAGE_SIZE);
	ck_no_err(target_pages_create("s1", "model", mem, NPAGES * PAGE_SIZE, NULL, runs, 2, &cpu, 1, a, &b),
		  "second snapshot");
	target_pages_stats(b, &st);
	is_u64(st.copied, 2, "two pages stored (changed and new)");
	is_u64(st.shared, 1, "one page shared with the previous snapshot");
	ok(target_page_ptr(b, 0x31000) == target_page_ptr(a, 0x31000), "the unchanged page is the same block");
	ck_no_err(target_read_phys(a, 0x3000, buf, 8, "test"), "old snapshot still readable");
	ok(buf[0] == 0xbb, "the old snapshot keeps the old bytes");
	ck_no_err(target_read_phys(b, 0x3000, buf, 8, "test"), "new snapshot readable");
	ok(buf[0] == 0x11, "the new snapshot has the new bytes");
	ck_no_err(target_read_phys(b, 0x2000, buf, 8, "test"), "zeroed page");
	ok(buf[0] == 0, "the page that became zero reads zero");
	target_close(a);
	ck_no_err(target_read_phys(b, 0x31000, buf, 8, "test"), "shared page after the first closes");
	ok(buf[0] == 0xcc, "its bytes survive");

	ck_no_err(target_pages_create("s2", "model", mem, NPAGES * PAGE_SIZE, NULL, runs, 2, NULL, 0, b, &c),
		  "third snapshot, no CPUs");
	target_pages_stats(c, &st);
	is_u64(st.copied, 0, "nothing changed: nothing stored");
	ok(c->ncpus == 0, "no CPU state");
	target_close(b);
	target_close(c);

	{
		uint64_t present[1] = { 1ULL << 3 }; /* only page 3 may be non-zero */

		ck_no_err(target_pages_create("p", "model", mem, NPAGES * PAGE_SIZE, present, runs, 2,
					      NULL, 0, NULL, &a), "with a present bitmap");
		target_pages_stats(a, &st);
		is_u64(st.copied, 1, "only the page the bitmap marks is stored");
		ck_no_err(target_read_phys(a, 0x5000, buf, 8, "test"), "an unmarked page");
		ok(buf[0] == 0, "reads zero, whatever the buffer held");
		target_close(a);
	}

	{
		struct phys_run bad[] = { { 0x3f000, 0x2000, 0 } };

		ck_err(target_pages_create("x", "model", mem, NPAGES * PAGE_SIZE, NULL, bad, 1, NULL, 0, NULL,
					   &a), ERR_INVALID_ARG, "outside the image", "a run past the image is refused");
	}
	free(mem);
	return done_testing();
}
