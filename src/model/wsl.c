// SPDX-License-Identifier: MIT
/*
 * Working set list reading. See wsl.h.
 */
#include "wsl.h"

#include <string.h>

#include "core/as.h"
#include "core/err.h"
#include "core/util.h"
#include "model/kinfo.h"
#include "model/layout.h"

struct err *wsl_read(const struct kernel_info *k, struct as *pas, uint64_t wsl_va,
		     struct wsl_info *w)
{
	const struct wsl_layout *wl = &k->l.wsl;
	uint8_t buf[0x500];
	uint64_t len = MIN(wl->size, sizeof(buf));
	struct err *err;

	memset(w, 0, sizeof(*w));
	err = as_read(pas, wsl_va, buf, len, "_MMWSL");
	if (err)
		return err;
	w->address = wsl_va;
	w->first_free = (uint32_t)field_read(&wl->first_free, buf, len);
	w->first_dynamic = (uint32_t)field_read(&wl->first_dynamic, buf, len);
	w->last_entry = (uint32_t)field_read(&wl->last_entry, buf, len);
	w->next_slot = (uint32_t)field_read(&wl->next_slot, buf, len);
	w->last_initialized = (uint32_t)field_read(&wl->last_initialized, buf, len);
	w->next_aging_slot = (uint32_t)field_read(&wl->next_aging_slot, buf, len);
	w->nondirect_count = (uint32_t)field_read(&wl->nondirect_count, buf, len);
	w->last_vad_bit = (uint32_t)field_read(&wl->last_vad_bit, buf, len);
	w->wsle = field_read(&wl->wsle, buf, len);
	w->lowest_pagable = field_read(&wl->lowest_pagable, buf, len);
	w->nondirect_hash = field_read(&wl->nondirect_hash, buf, len);
	w->hash_table_start = field_read(&wl->hash_table_start, buf, len);
	w->highest_permitted_hash = field_read(&wl->highest_permitted_hash, buf, len);
	return NULL;
}

void wsle_decode(const struct kernel_info *k, const struct wsl_info *w, uint32_t index,
		 uint64_t raw, struct wsle_info *e)
{
	const struct wsl_layout *wl = &k->l.wsl;

	memset(e, 0, sizeof(*e));
	e->index = index;
	e->raw = raw;
	e->valid = field_read(&wl->e_valid, &raw, 8);
	if (e->valid) {
		e->va = field_read(&wl->e_vpn, &raw, 8) << 12;
		if (e->va & (1ULL << 47))
			e->va |= 0xFFFF000000000000ULL;
		e->age = (unsigned)field_read(&wl->e_age, &raw, 8);
		e->protection = (unsigned)field_read(&wl->e_protection, &raw, 8);
		e->hashed = field_read(&wl->e_hashed, &raw, 8);
		e->direct = field_read(&wl->e_direct, &raw, 8);
		e->locked = index < w->first_dynamic;
	} else {
		e->prev_free = (uint32_t)field_read(&wl->e_prev_free, &raw, 8);
		e->next_free = (uint32_t)field_read(&wl->e_next_free, &raw, 8);
	}
}

struct err *wsle_walk(const struct kernel_info *k, struct as *pas, const struct wsl_info *w,
		      bool all, wsle_fn fn, void *arg)
{
	uint64_t n = (uint64_t)w->last_initialized + 1, i;
	uint64_t esize = k->l.wsl.wsle_size ? k->l.wsl.wsle_size : 8;
	uint64_t page[512];
	uint64_t page_va = 0;
	bool have_page = false;

	if (n > WSL_MAX_ENTRIES)
		return err_create(ERR_FORMAT,
				  "LastInitializedWsle %#x is implausible (more than %#x entries)",
				  w->last_initialized, WSL_MAX_ENTRIES);
	for (i = 0; i < n; i++) {
		uint64_t va = w->wsle + i * esize, raw;
		struct wsle_info e;
		struct err *err;

		/* Read a page of entries at a time. */
		if (!have_page || (va & ~0xFFFULL) != page_va) {
			page_va = va & ~0xFFFULL;
			err = as_read(pas, page_va, page, sizeof(page), "_MMWSLE array");
			if (err)
				return err;
			have_page = true;
		}
		memcpy(&raw, (uint8_t *)page + (va & 0xFFF), 8);
		wsle_decode(k, w, (uint32_t)i, raw, &e);
		if (!e.valid && !all)
			continue;
		err = fn(arg, &e);
		if (err)
			return err == err_stop ? NULL : err;
	}
	return NULL;
}
