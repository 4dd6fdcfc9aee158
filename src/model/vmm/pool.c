// SPDX-License-Identifier: MIT
/*
 * Nonpaged pool. See pool.h.
 */
#include "pool.h"

#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/util.h"
#include "model/vmm/kmem.h"
#include "model/vmm/pt.h"
#include "model/vmm/vstate.h"

/* PoolType as stored in a header: the pool type + 1 (0 marks a free block) [X]. */
#define POOL_TYPE_NONPAGED_INUSE 2

void pool_init(struct vmm *v, uint64_t start_va)
{
	memset(&v->pool, 0, sizeof(v->pool));
	v->pool.start_va = v->pool.end_va = v->pool.bump_va = start_va;
}

void pool_deinit(struct vmm *v)
{
	unsigned i;

	for (i = 0; i < 256; i++)
		free(v->pool.freed[i]);
	memset(v->pool.freed, 0, sizeof(v->pool.freed));
}

static struct err *map_more(struct vmm *v, uint64_t npages)
{
	uint64_t i, pfn;
	struct err *err;

	for (i = 0; i < npages; i++) {
		err = kpage_new(v, v->pool.end_va, PTE_KERNEL_POOL, &pfn);
		if (err)
			return err;
		v->pool.end_va += 0x1000;
		v->pool.pages++;
	}
	return NULL;
}

static void write_header(struct vmm *v, uint64_t hdr_va, uint32_t prev, uint32_t units,
			 uint32_t type, uint32_t tag)
{
	const struct vmm_layout *L = &v->vl;
	uint8_t b[16];
	struct err *err;

	memset(b, 0, sizeof(b));
	field_write(&L->pool.previous_size, b, sizeof(b), prev);
	field_write(&L->pool.pool_index, b, sizeof(b), 0);
	field_write(&L->pool.block_size, b, sizeof(b), units);
	field_write(&L->pool.pool_type, b, sizeof(b), type);
	field_write(&L->pool.pool_tag, b, sizeof(b), tag);
	err = vmm_write_va(v, NULL, hdr_va, b, sizeof(b));
	BUG_ON(err != NULL);
}

static void zero_range(struct vmm *v, uint64_t va, size_t len)
{
	static const uint8_t zero[4096];
	struct err *err;

	while (len) {
		size_t n = MIN(len, sizeof(zero));

		err = vmm_write_va(v, NULL, va, zero, n);
		BUG_ON(err != NULL);
		va += n;
		len -= n;
	}
}

struct err *pool_alloc(struct vmm *v, uint32_t tag, size_t size, uint64_t *va_ret)
{
	struct vpool *pl = &v->pool;
	uint32_t units = (uint32_t)((size + 0x10 + 0xF) / 0x10);
	uint64_t hdr;
	uint32_t prev;
	struct err *err;

	if (!size || units > 0xFF)
		return err_create(ERR_INVALID_ARG, "internal: pool block of %zu bytes", size);
	if (pl->nfreed[units]) {
		struct vpool_freed *f = &pl->freed[units][--pl->nfreed[units]];

		hdr = f->va;
		prev = f->prev_units;
	} else {
		uint64_t in_page = pl->bump_va & 0xFFF;

		if (in_page + units * 0x10ULL > 0x1000 || pl->bump_va == pl->end_va) {
			if (in_page) {
				pl->bump_va = (pl->bump_va + 0xFFF) & ~0xFFFULL;
				pl->prev_units = 0;
			}
			if (pl->bump_va == pl->end_va) {
				err = map_more(v, 1);
				if (err)
					return err;
			}
		}
		hdr = pl->bump_va;
		prev = pl->prev_units;
		pl->bump_va += units * 0x10ULL;
		pl->prev_units = units;
	}
	write_header(v, hdr, prev, units, POOL_TYPE_NONPAGED_INUSE, tag);
	zero_range(v, hdr + 0x10, units * 0x10ULL - 0x10);
	*va_ret = hdr + 0x10;
	return NULL;
}

struct err *pool_alloc_pages(struct vmm *v, uint64_t npages, uint64_t *va_ret)
{
	struct vpool *pl = &v->pool;
	struct err *err;

	if (pl->bump_va & 0xFFF) {
		pl->bump_va = (pl->bump_va + 0xFFF) & ~0xFFFULL;
		pl->prev_units = 0;
	}
	if (pl->end_va < pl->bump_va + npages * 0x1000) {
		err = map_more(v, (pl->bump_va + npages * 0x1000 - pl->end_va) >> 12);
		if (err)
			return err;
	}
	*va_ret = pl->bump_va;
	pl->bump_va += npages * 0x1000;
	return NULL;
}

void pool_free(struct vmm *v, uint64_t va)
{
	const struct vmm_layout *L = &v->vl;
	struct vpool *pl = &v->pool;
	uint64_t hdr = va - 0x10;
	uint8_t b[16];
	uint32_t units, prev, tag;
	struct vpool_freed *a;
	struct err *err = vmm_read_va(v, NULL, hdr, b, sizeof(b));

	BUG_ON(err != NULL);
	units = (uint32_t)field_read(&L->pool.block_size, b, sizeof(b));
	prev = (uint32_t)field_read(&L->pool.previous_size, b, sizeof(b));
	tag = (uint32_t)field_read(&L->pool.pool_tag, b, sizeof(b));
	write_header(v, hdr, prev, units, 0, tag);
	if (pl->nfreed[units] == pl->capfreed[units]) {
		uint32_t cap = pl->capfreed[units] ? pl->capfreed[units] * 2 : 16;

		a = realloc(pl->freed[units], cap * sizeof(*a));
		if (!a)
			return; /* the block is simply not reused */
		pl->freed[units] = a;
		pl->capfreed[units] = cap;
	}
	pl->freed[units][pl->nfreed[units]++] = (struct vpool_freed){ hdr, prev };
}
