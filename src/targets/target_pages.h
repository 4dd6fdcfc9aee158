/* SPDX-License-Identifier: MIT */
/*
 * A target over a page array with shared, reference-counted pages: the snapshot series of the
 * in-process reference VMM (mmkd --model). Each snapshot copies only the pages that changed
 * since the previous one and shares the rest; all-zero pages take no memory. A long series
 * of a small machine costs about what the simulation wrote.
 */
#ifndef MMKD_TARGETS_TARGET_PAGES_H
#define MMKD_TARGETS_TARGET_PAGES_H

#include <stdbool.h>
#include <stdint.h>

#include "targets/target.h"

struct err;

/**
 * target_pages_create() - a snapshot of @mem (physical memory from address 0).
 * @name: display name.
 * @format: what .target shows as the format.
 * @mem: @mem_size bytes, copied page by page (pages equal to @prev's are shared with it).
 * @present: optional bitmap, bit n clear: page n is known to be all zero (not even compared).
 * @runs: RAM ranges (file_off ignored), sorted; pages outside them are absent.
 * @cpus: CPU states to copy (MSR arrays included), @ncpus of them.
 * @prev: the previous snapshot of the same machine, or NULL.
 * @ret: the target (caller closes; it holds references, not pointers into @prev).
 */
struct err *target_pages_create(const char *name, const char *format, const uint8_t *mem,
				uint64_t mem_size, const uint64_t *present, const struct phys_run *runs,
				size_t nruns, const struct cpu_state *cpus, size_t ncpus,
				struct target *prev, struct target **ret);

/** Memory accounting of a pages target: pages it references, and how many it copied. */
struct target_pages_stats {
	uint64_t pages;	 /* present pages (RAM) */
	uint64_t zero;	 /* of them, all-zero (no storage) */
	uint64_t copied; /* stored by this snapshot (changed since the previous one) */
	uint64_t shared; /* shared with the previous snapshot */
};

/** target_pages_stats() - false if @t is not a pages target. */
bool target_pages_stats(const struct target *t, struct target_pages_stats *ret);

#endif
