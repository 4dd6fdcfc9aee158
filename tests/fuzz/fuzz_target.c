// SPDX-License-Identifier: MIT
/* The shared body of the dump reader harnesses. See fuzz.h. */
#include "fuzz.h"

#include "core/err.h"
#include "targets/target.h"

static void read_some(struct target *t, uint64_t pa, size_t len)
{
	uint8_t buf[4096 + 64];

	err_destroy(target_read_phys(t, pa, buf, len, "fuzz"));
}

void fuzz_target(const uint8_t *data, size_t size, const char *format)
{
	struct target *t = NULL;
	struct err *err = target_open_buffer("fuzz", data, size, format, &t);
	size_t i, j;
	uint64_t v;

	if (err) {
		err_destroy(err);
		return;
	}
	for (i = 0; i < t->nruns && i < 64; i++) {
		const struct phys_run *r = &t->runs[i];

		read_some(t, r->start_pa, 64);
		read_some(t, r->start_pa + (r->len / 2 & ~0xFFFULL), 4096 + 64);
		read_some(t, r->start_pa + r->len - 1, 1);
		(void)target_has_page(t, r->start_pa);
		(void)target_page_ptr(t, r->start_pa);
	}
	/* a read that ends past the last run, and one in the middle of nowhere */
	read_some(t, target_max_pa(t) - 8, 64);
	read_some(t, 0xFFFFFFFFFFFFF000ULL, 4096);
	for (i = 0; i < t->ncpus; i++)
		for (j = 0; j < t->cpus[i].nmsrs; j++)
			(void)target_cpu_msr(&t->cpus[i], t->cpus[i].msrs[j].index, &v);
	target_close(t);
}
