/* SPDX-License-Identifier: MIT */
/*
 * Truth files (testdumps/README.md "Truth files"): the simulator's own C state at a snapshot
 * (machine, list counts, globals, processes with their VADs, working set entries and PTEs,
 * and every PFN), never read back from the dump.
 */
#ifndef MMKD_MODEL_VMM_TRUTH_H
#define MMKD_MODEL_VMM_TRUTH_H

#include <jansson.h>

struct vmm;

/** truth_build() - the truth document for snapshot @snap (caller json_decref()s it). */
json_t *truth_build(struct vmm *v, const char *snap);

#endif
