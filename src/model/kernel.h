/* SPDX-License-Identifier: MIT */
/*
 * Kernel bootstrap without symbols: find the kernel page-table root (DTB) and the auto-entry
 * index from the dump itself (formats.md §3), then the kernel globals. A target's own hints
 * (crash dump header, QEMU CPU notes) take precedence over scans.
 */
#ifndef MMKD_MODEL_KERNEL_H
#define MMKD_MODEL_KERNEL_H

#include <stdbool.h>
#include <stdint.h>

#include "core/as.h"
#include "model/pte.h"

struct err;
struct target;

/**
 * dtb_is_pml4() - does the page at @pa look like a Windows x64 PML4: exactly one kernel-half
 * entry (index 0x100-0x1FF) points to the page itself (present, not large), and every present
 * entry points inside physical memory?
 * @index_ret: the auto-entry index when true.
 */
bool dtb_is_pml4(struct target *t, uint64_t pa, unsigned *index_ret);

/**
 * dtb_scan() - find the lowest physical page that passes dtb_is_pml4() (Volatility's
 * DtbSelfRef64bit with any index 0x100-0x1FF, formats.md §3 step 3).
 * @dtb_ret: the PML4's physical address; @index_ret: its auto-entry index.
 * Return: NULL, or ERR_NOT_FOUND "no page-table root (PML4 with a self-map entry) found".
 */
struct err *dtb_scan(struct target *t, uint64_t *dtb_ret, unsigned *index_ret);

/**
 * selfmap_detect() - the auto-entry index of a known PML4 (for --dtb or a register CR3).
 * Return: ERR_NOT_FOUND if the page has no single self-referencing kernel-half entry.
 */
struct err *selfmap_detect(struct target *t, uint64_t dtb, unsigned *index_ret);

#endif
