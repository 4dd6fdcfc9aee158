// SPDX-License-Identifier: MIT
/*
 * Sparse simulated RAM. See physmem.h.
 */
#include "physmem.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "core/err.h"
#include "core/util.h"
#include "targets/target.h"

struct err *physmem_init(struct physmem *pm, uint64_t size)
{
	struct err *err;
	void *m;

	memset(pm, 0, sizeof(*pm));
	if (!size || (size & 0xFFF))
		return err_create(ERR_INVALID_ARG, "memory size %#llx is not a page multiple",
				  (unsigned long long)size);
	m = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
		 -1, 0);
	if (m == MAP_FAILED)
		return err_os(errno, "cannot reserve %llu MiB of simulated RAM",
			      (unsigned long long)(size >> 20));
	pm->ram = m;
	pm->size = size;
	pm->touched = calloc((size >> 12) / 64 + 1, sizeof(uint64_t));
	if (!pm->touched) {
		physmem_deinit(pm);
		return err_nomem;
	}
	err = target_mem_create("model", pm->ram, size, true, &pm->t);
	if (err) {
		physmem_deinit(pm);
		return err;
	}
	return NULL;
}

void physmem_deinit(struct physmem *pm)
{
	target_close(pm->t);
	if (pm->ram)
		munmap(pm->ram, pm->size);
	free(pm->touched);
	memset(pm, 0, sizeof(*pm));
}

static void touch(struct physmem *pm, uint64_t pa, size_t len)
{
	uint64_t p = pa >> 12, last = (pa + (len ? len - 1 : 0)) >> 12;

	for (; p <= last; p++)
		pm->touched[p / 64] |= 1ULL << (p % 64);
}

uint8_t *physmem_page(struct physmem *pm, uint64_t pa)
{
	pa &= ~0xFFFULL;
	if (pa >= pm->size)
		return NULL;
	touch(pm, pa, 4096);
	return pm->ram + pa;
}

struct err *physmem_write(struct physmem *pm, uint64_t pa, const void *buf, size_t len)
{
	if (pa > pm->size || len > pm->size - pa)
		return err_fault("model physical", pa, "write", "beyond simulated RAM");
	memcpy(pm->ram + pa, buf, len);
	touch(pm, pa, len);
	return NULL;
}

struct err *physmem_read(const struct physmem *pm, uint64_t pa, void *buf, size_t len)
{
	if (pa > pm->size || len > pm->size - pa)
		return err_fault("model physical", pa, "read", "beyond simulated RAM");
	memcpy(buf, pm->ram + pa, len);
	return NULL;
}

struct err *physmem_write_u64(struct physmem *pm, uint64_t pa, uint64_t v)
{
	return physmem_write(pm, pa, &v, 8);
}

uint64_t physmem_read_u64(const struct physmem *pm, uint64_t pa)
{
	uint64_t v = 0;

	if (pa <= pm->size - 8)
		memcpy(&v, pm->ram + pa, 8);
	return v;
}

void physmem_zero_page(struct physmem *pm, uint64_t pa)
{
	uint8_t *p = physmem_page(pm, pa);

	if (p)
		memset(p, 0, 4096);
}
