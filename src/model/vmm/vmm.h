/* SPDX-License-Identifier: MIT */
/*
 * The reference VMM's library API: a simulated Windows 7 x64 memory manager, byte-exact in
 * simulated physical memory, driven one scenario statement at a time. `mmkd-model run` is a
 * loop over it; the shell can run it in-process.
 *
 *   vmm_create("machine ram=64M pagefile=256M", &opts, &v);
 *   vmm_exec(v, "process notepad.exe", 2);  ...
 *   vmm_snapshot(v, "s1", &img, &truth);     (img borrows v's memory)
 *   vmm_destroy(v);
 *
 * The scenario language is DESIGN.md's, with the extensions documented in mmkd-model(1).
 */
#ifndef MMKD_MODEL_VMM_VMM_H
#define MMKD_MODEL_VMM_VMM_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#include "targets/writer.h"

struct err;
struct vmm;

struct vmm_options {
	bool check;	     /* verify the invariants after every event (test builds) */
	bool truth_pfns;     /* truth files list every PFN (large machines turn it off) */
	bool truth_ptes;     /* truth files list every PTE of every VAD */
	FILE *trace;	     /* trace.jsonl sink, or NULL */
	const char *name;    /* scenario name for truth files */
};

/**
 * vmm_create() - boot a machine from a `machine` statement.
 * @line: the statement ("machine ram=64M pagefile=256M seed=1 selfmap=0x1ED colors=64").
 * @lineno: its line in the scenario (for messages).
 * Return: NULL or an error naming what is wrong (ERR_INVALID_ARG for syntax).
 */
struct err *vmm_create(const char *line, unsigned lineno, const struct vmm_options *o,
		       struct vmm **ret);

/** vmm_destroy() - free everything. */
void vmm_destroy(struct vmm *v);

/**
 * vmm_exec() - run one statement (not `machine`, not `snapshot`).
 * Return: NULL or an error (the machine is then in an undefined state).
 */
struct err *vmm_exec(struct vmm *v, const char *line, unsigned lineno);

/**
 * vmm_snapshot() - the memory image and the truth at this point.
 * @img_ret: filled; borrows @v's memory and CPU state until the next vmm_exec.
 * @truth_ret: the truth document (caller frees with json_decref).
 */
struct err *vmm_snapshot(struct vmm *v, const char *name, struct dump_image *img_ret,
			 json_t **truth_ret);

/** vmm_save_pagefile() - write the paging file image (sparse) to @path. */
struct err *vmm_save_pagefile(const struct vmm *v, const char *path);

/**
 * vmm_pagefile_view() - the paging file's contents as they are now (page N = slot N), to copy
 * before the next vmm_exec. @data_ret NULL and @bytes_ret 0 when the machine has none.
 * @used: optional, (bytes / 4096 + 63) / 64 words: bit N set when slot N is in use (free
 * slots hold stale data that vmm_save_pagefile() does not write).
 */
void vmm_pagefile_view(const struct vmm *v, const uint8_t **data_ret, uint64_t *bytes_ret,
		       uint64_t *used);

/** vmm_has_pagefile() - does the machine have a paging file? */
bool vmm_has_pagefile(const struct vmm *v);

/** vmm_check() - verify every invariant now (ERR_FORMAT naming the first broken one). */
struct err *vmm_check(struct vmm *v);

/** Counters for benchmarks. */
struct vmm_stats {
	uint64_t faults, demand_zero, soft_faults, page_reads, page_writes, events;
};
void vmm_stats(const struct vmm *v, struct vmm_stats *ret);

#endif
