/* SPDX-License-Identifier: MIT */
/*
 * Deterministic page contents. Every page a scenario writes gets bytes derived from the
 * process id, the virtual address and a per-page write counter, so that data can be checked
 * after it has been written to the paging file, repurposed and read back by a hard fault.
 * Version 0 means "never written": the page must be all zero (demand-zero contents).
 */
#ifndef MMKD_MODEL_VMM_CONTENT_H
#define MMKD_MODEL_VMM_CONTENT_H

#include <stdbool.h>
#include <stdint.h>

/** content_fill() - write the 4 KiB pattern of (@pid, @va, @version) into @page. */
void content_fill(uint8_t *page, uint32_t pid, uint64_t va, uint32_t version);

/**
 * content_check() - does @page hold the pattern of (@pid, @va, @version) (all zero when
 * @version is 0)?
 */
bool content_check(const uint8_t *page, uint32_t pid, uint64_t va, uint32_t version);

/** content_is_zero() - is the page all zero? */
bool content_is_zero(const uint8_t *page);

#endif
