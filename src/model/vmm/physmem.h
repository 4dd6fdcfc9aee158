/* SPDX-License-Identifier: MIT */
/*
 * Simulated physical memory of the reference VMM: a sparse anonymous mapping (untouched pages
 * cost nothing, so multi-GiB machines are cheap) with a bitmap of the pages ever written, and
 * a target over it so the VMM can translate virtual addresses with the analyzer's own walker.
 */
#ifndef MMKD_MODEL_VMM_PHYSMEM_H
#define MMKD_MODEL_VMM_PHYSMEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct err;
struct target;

struct physmem {
	uint8_t *ram;	    /* size bytes, zero-filled */
	uint64_t size;
	uint64_t *touched;  /* bitmap of pages written */
	struct target *t;   /* in-memory target over ram (owned) */
};

/** physmem_init() - reserve @size bytes (page multiple) of zeroed physical memory. */
struct err *physmem_init(struct physmem *pm, uint64_t size);
void physmem_deinit(struct physmem *pm);

/** physmem_page() - writable pointer to the page at @pa (marks it touched), or NULL. */
uint8_t *physmem_page(struct physmem *pm, uint64_t pa);

/** physmem_write() / physmem_read() - bounds-checked copies. */
struct err *physmem_write(struct physmem *pm, uint64_t pa, const void *buf, size_t len);
struct err *physmem_read(const struct physmem *pm, uint64_t pa, void *buf, size_t len);
struct err *physmem_write_u64(struct physmem *pm, uint64_t pa, uint64_t v);
uint64_t physmem_read_u64(const struct physmem *pm, uint64_t pa);

/** physmem_zero_page() - clear a page (as the zero page thread or a fresh table would). */
void physmem_zero_page(struct physmem *pm, uint64_t pa);

#endif
