// SPDX-License-Identifier: MIT
/*
 * Working set lists. See wsl.h.
 */
#include "wsl.h"

#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/util.h"
#include "model/vmm/pfndb.h"
#include "model/vmm/process.h"
#include "model/vmm/pt.h"
#include "model/vmm/vstate.h"

/* The WSL may grow up to the non-direct hash table at 0xFFFFF704'40000000 (B:11483-11485);
 * page tables it needs beyond the first are hyperspace tables in no working set [INF],
 * like the WSL pages after the first (WsIndex 0, B:11784). */
#define WSL_MAX_PAGES ((0xFFFFF70440000000ULL - VMM_WSL_VA) >> 12)

static uint64_t wsle_entry_va(uint32_t index)
{
	return VMM_WSL_VA + 0x488 + index * 8ULL;
}

uint64_t wsle_make(const struct vmm *v, uint64_t va, unsigned age, unsigned prot, bool direct)
{
	const struct wsl_layout *L = &v->l.wsl;
	uint64_t e = 0;

	field_write(&L->e_valid, &e, 8, 1);
	field_write(&L->e_direct, &e, 8, direct);
	field_write(&L->e_protection, &e, 8, prot);
	field_write(&L->e_age, &e, 8, age);
	field_write(&L->e_vpn, &e, 8, va >> 12);
	return e;
}

uint64_t wsle_free(const struct vmm *v, uint32_t prev, uint32_t next)
{
	const struct wsl_layout *L = &v->l.wsl;
	uint64_t e = 0;

	field_write(&L->e_prev_free, &e, 8, prev);
	field_write(&L->e_next_free, &e, 8, next);
	return e;
}

uint64_t wsle_va(const struct vmm *v, uint64_t e)
{
	return canon48(field_read(&v->l.wsl.e_vpn, &e, 8) << 12);
}

unsigned wsle_age(const struct vmm *v, uint64_t e)
{
	return (unsigned)field_read(&v->l.wsl.e_age, &e, 8);
}

bool wsle_valid(const struct vmm *v, uint64_t e)
{
	return field_read(&v->l.wsl.e_valid, &e, 8);
}

uint32_t wsle_free_prev(const struct vmm *v, uint64_t e)
{
	return (uint32_t)field_read(&v->l.wsl.e_prev_free, &e, 8);
}

uint32_t wsle_free_next(const struct vmm *v, uint64_t e)
{
	return (uint32_t)field_read(&v->l.wsl.e_next_free, &e, 8);
}

static void entry_sync(struct vmm *v, struct vproc *p, uint32_t index)
{
	struct err *err = vmm_write_va(v, p, wsle_entry_va(index), &p->wsl.e[index], 8);

	BUG_ON(err != NULL);
}

void wsl_sync_header(struct vmm *v, struct vproc *p)
{
	const struct wsl_layout *L = &v->l.wsl;
	uint8_t b[0x488];
	struct err *err;

	BUG_ON(L->size > sizeof(b));
	memset(b, 0, sizeof(b));
	field_write(&L->first_free, b, L->size, p->wsl.first_free);
	field_write(&L->first_dynamic, b, L->size, VMM_FIRST_DYNAMIC);
	field_write(&L->last_entry, b, L->size, p->wsl.last_entry);
	field_write(&L->next_slot, b, L->size, p->wsl.next_slot);
	field_write(&L->wsle, b, L->size, VMM_WSL_VA + 0x488);
	field_write(&L->lowest_pagable, b, L->size, 0);
	field_write(&L->last_initialized, b, L->size, p->wsl.last_initialized);
	field_write(&L->next_aging_slot, b, L->size, p->wsl.next_aging_slot);
	field_write(&L->nondirect_count, b, L->size, 0);
	/* No shared pages: the non-direct hash table is not in use (W8, B:9135-9160). */
	field_write(&L->nondirect_hash, b, L->size, 0);
	field_write(&L->hash_table_start, b, L->size, VMM_HASH_VA);
	/* One 4-byte slot per page of the 8 TB user range [INF]. */
	field_write(&L->highest_permitted_hash, b, L->size, VMM_HASH_VA + (1ULL << 31) * 4);
	field_write(&L->last_vad_bit, b, L->size, 0x7FFF); /* one UMAB page (B:2626-2632) */
	field_write(&v->vl.wsl.max_user_pt_pages, b, L->size, 0x400000); /* B:11950, B:2790 */
	err = vmm_write_va(v, p, VMM_WSL_VA, b, L->size);
	BUG_ON(err != NULL);
}

/* Push the free entries [lo, hi] at the head of the free list, lowest first out. */
static void free_range(struct vmm *v, struct vproc *p, uint32_t lo, uint32_t hi)
{
	struct vwsl *w = &p->wsl;
	uint32_t i;

	for (i = lo; i <= hi; i++)
		w->e[i] = wsle_free(v, i == lo ? WSL_FREE_HEAD : i - 1, i == hi ? w->first_free : i + 1);
	if (w->first_free != WSL_FREE_END) {
		w->e[w->first_free] = wsle_free(v, hi, wsle_free_next(v, w->e[w->first_free]));
		entry_sync(v, p, w->first_free);
	}
	w->first_free = lo;
	for (i = lo; i <= hi; i++)
		entry_sync(v, p, i);
}

/* Map one more WSL page (WsIndex 0: only the first WSL page is in the working set, B:11784)
 * and extend LastInitializedWsle over it; @chain: put the new entries on the free list. */
static struct err *grow(struct vmm *v, struct vproc *p, bool chain)
{
	struct vwsl *w = &p->wsl;
	uint64_t va = VMM_WSL_VA + w->npages * 0x1000ULL, pfn, *pages;
	uint32_t old = w->last_initialized, last;
	uint64_t *e;
	struct err *err;

	if (w->npages >= WSL_MAX_PAGES)
		return err_create(ERR_NOMEM, "working set list of '%s' is full", p->name);
	last = (uint32_t)(((w->npages + 1) * 0x1000ULL - 0x488) / 8 - 1);
	e = realloc(w->e, (last + 1) * sizeof(*e));
	if (!e)
		return err_nomem;
	w->e = e;
	pages = realloc(w->page_pfn, (w->npages + 1) * sizeof(*pages));
	if (!pages)
		return err_nomem;
	w->page_pfn = pages;
	if (!pt_node(p, 3, va)) {
		uint64_t pt;

		err = process_hyper_table(v, p, 2, va, false, 0, &pt);
		if (err)
			return err;
	}
	err = process_hyper_page(v, p, va, false, 0, &pfn);
	if (err)
		return err;
	w->page_pfn[w->npages++] = pfn;
	w->last_initialized = last;
	if (chain)
		free_range(v, p, old + 1, last);
	process_sync_counters(v, p);
	return NULL;
}

struct err *wsl_create(struct vmm *v, struct vproc *p, const uint64_t fixed[5])
{
	struct vwsl *w = &p->wsl;
	static const uint64_t fixed_va[5] = {
		0, 0, 0, 0, VMM_WSL_VA,
	};
	struct err *err;
	uint32_t i;

	memset(w, 0, sizeof(*w));
	w->npages = 1;
	w->page_pfn = malloc(sizeof(*w->page_pfn));
	w->last_initialized = (uint32_t)((0x1000 - 0x488) / 8 - 1);
	w->e = calloc(w->last_initialized + 1, sizeof(*w->e));
	if (!w->e || !w->page_pfn)
		return err_nomem;
	w->page_pfn[0] = fixed[4];
	w->first_free = WSL_FREE_END;
	w->next_slot = VMM_FIRST_DYNAMIC;
	w->next_aging_slot = VMM_FIRST_DYNAMIC;
	/* Entries 0-4: PML4, hyperspace PDPT, PD, the WSL's PT and the WSL page (B:2990-3010).
	 * The book shows entry 2 with protection 4 (0x...049) and the others with 0 (0x...009). */
	for (i = 0; i < 5; i++) {
		uint64_t va = fixed_va[i];

		if (i < 4)
			va = selfmap_entry_va(&v->sm, i, VMM_WSL_VA) & ~0xFFFULL;
		w->e[i] = wsle_make(v, va, 0, i == 2 ? MM_READWRITE : 0, true);
		entry_sync(v, p, i);
	}
	w->size = w->peak = 5;
	w->last_entry = 4;
	/* A fresh process shows LastInitializedWsle 0x36E: two WSL pages (B:3057-3060). */
	err = grow(v, p, false);
	if (err)
		return err;
	free_range(v, p, VMM_FIRST_DYNAMIC, w->last_initialized);
	wsl_sync_header(v, p);
	return NULL;
}

struct err *wsl_add(struct vmm *v, struct vproc *p, uint64_t va, uint32_t *index_ret)
{
	struct vwsl *w = &p->wsl;
	uint32_t i, next;
	struct err *err;

	if (w->first_free == WSL_FREE_END) {
		err = grow(v, p, true);
		if (err)
			return err;
	}
	i = w->first_free;
	next = wsle_free_next(v, w->e[i]);
	w->first_free = next;
	if (next != WSL_FREE_END) {
		w->e[next] = wsle_free(v, WSL_FREE_HEAD, wsle_free_next(v, w->e[next]));
		entry_sync(v, p, next);
	}
	w->e[i] = wsle_make(v, va, 0, 0, true);
	entry_sync(v, p, i);
	w->size++;
	if (w->size > w->peak)
		w->peak = w->size;
	if (i > w->last_entry)
		w->last_entry = i;
	process_sync_counters(v, p);
	*index_ret = i;
	return NULL;
}

bool wsl_is_full(const struct vproc *p)
{
	return p->wsl.first_free == WSL_FREE_END && p->wsl.npages >= WSL_MAX_PAGES;
}

void wsl_remove(struct vmm *v, struct vproc *p, uint32_t index)
{
	struct vwsl *w = &p->wsl;

	BUG_ON(index < VMM_FIRST_DYNAMIC || index > w->last_initialized ||
	       !wsle_valid(v, w->e[index]));
	/* The freed entry becomes the head of the free list (B:3273-3299). */
	w->e[index] = wsle_free(v, WSL_FREE_HEAD, w->first_free);
	if (w->first_free != WSL_FREE_END) {
		w->e[w->first_free] = wsle_free(v, index, wsle_free_next(v, w->e[w->first_free]));
		entry_sync(v, p, w->first_free);
	}
	w->first_free = index;
	entry_sync(v, p, index);
	w->size--;
	while (w->last_entry >= VMM_FIRST_DYNAMIC && !wsle_valid(v, w->e[w->last_entry]))
		w->last_entry--;
	process_sync_counters(v, p);
}

void wsl_set(struct vmm *v, struct vproc *p, uint32_t index, uint64_t value)
{
	p->wsl.e[index] = value;
	entry_sync(v, p, index);
}

void wsl_destroy(struct vproc *p)
{
	free(p->wsl.e);
	free(p->wsl.page_pfn);
	p->wsl.e = NULL;
	p->wsl.page_pfn = NULL;
}
