/* SPDX-License-Identifier: MIT */
/*
 * The transition trace (testdumps/README.md "Trace files"): one JSON object per page state
 * transition, with the row ID of shared/spec/transitions.md §2 as its event, the page's state
 * before and after (!pfn names), the PTE before and after, and the scenario line.
 */
#ifndef MMKD_MODEL_VMM_TRACE_H
#define MMKD_MODEL_VMM_TRACE_H

#include <stdint.h>

struct vmm;
struct vproc;

/* Optional parts of an event. */
enum {
	VEV_PFN = 1 << 0,
	VEV_VA = 1 << 1,
	VEV_PTE = 1 << 2,
	VEV_FROM = 1 << 3,
	VEV_TO = 1 << 4,
};

/** One transition. Unset optional parts are written as null. */
struct vev {
	const char *event;	/* "A1", "B1", ... */
	const char *what;	/* short description */
	unsigned has;		/* VEV_* bits */
	uint64_t pfn, va;
	const struct vproc *p;
	unsigned from, to;	/* PageLocation values */
	uint64_t pte_before, pte_after;
};

/** trace_emit() - record @e (numbered with the next sequence number). */
void trace_emit(struct vmm *v, const struct vev *e);

/** trace_count() - how many events have been emitted so far (the last seq). */
uint64_t trace_count(const struct vmm *v);

#endif
