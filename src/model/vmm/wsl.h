/* SPDX-License-Identifier: MIT */
/*
 * A process's working set list (_MMWSL at 0xFFFFF700'01080000, WSLE array right after it at
 * +0x488, B:2922-3066): fixed entries 0-4 for the PML4, the hyperspace PDPT, PD and PT and
 * the WSL page itself (B:2988-3010), a free list chained by index with 0x7FFFFFFF/0xFFFFFFFF
 * ends whose head is the most recently freed entry (B:3012-3032, B:3273-3299), LastEntry,
 * LastInitializedWsle, and the WSLE encoding (Valid, Hashed, Direct, Protection, Age, VPN).
 * Private pages are Direct with protection 0 (W6, W9).
 */
#ifndef MMKD_MODEL_VMM_WSL_H
#define MMKD_MODEL_VMM_WSL_H

#include <stdbool.h>
#include <stdint.h>

struct err;
struct vmm;
struct vproc;

#define WSL_FREE_HEAD 0x7FFFFFFFU /* PreviousFree of the first free entry */
#define WSL_FREE_END 0xFFFFFFFFU  /* NextFree of the last free entry */

/**
 * wsle_make() - an in-use WSLE: VPN, Age, Protection, Direct, Valid, encoded with the
 * profile's _MMWSLE bitfields (structures.md §8.2).
 */
uint64_t wsle_make(const struct vmm *v, uint64_t va, unsigned age, unsigned prot, bool direct);

/** wsle_free() - a free WSLE linking @prev and @next (MustBeZero clear). */
uint64_t wsle_free(const struct vmm *v, uint32_t prev, uint32_t next);

/** wsle_va() / wsle_age() / wsle_valid() - decode an in-use WSLE. */
uint64_t wsle_va(const struct vmm *v, uint64_t e);
unsigned wsle_age(const struct vmm *v, uint64_t e);
bool wsle_valid(const struct vmm *v, uint64_t e);

/** wsle_free_prev() / wsle_free_next() - decode a free WSLE. */
uint32_t wsle_free_prev(const struct vmm *v, uint64_t e);
uint32_t wsle_free_next(const struct vmm *v, uint64_t e);

/**
 * wsl_create() - the WSL of a new process whose PML4, hyperspace PDPT, PD, PT and first WSL
 * page (PFNs in @fixed[0..4]) exist and are mapped; a second WSL page is mapped at once, as
 * LastInitializedWsle 0x36E shows (B:3057-3060). Renders the header and every entry.
 */
struct err *wsl_create(struct vmm *v, struct vproc *p, const uint64_t fixed[5]);

/**
 * wsl_add() - take the free entry at FirstFree for @va (growing the list by a page when none
 * is left) and make it valid; WorkingSetSize and the peak grow.
 * @index_ret: the entry's index.
 */
struct err *wsl_add(struct vmm *v, struct vproc *p, uint64_t va, uint32_t *index_ret);

/** wsl_is_full() - no free entry is left and the list has reached the hash table region. */
bool wsl_is_full(const struct vproc *p);

/** wsl_remove() - free entry @index (it becomes FirstFree); WorkingSetSize shrinks. */
void wsl_remove(struct vmm *v, struct vproc *p, uint32_t index);

/** wsl_set() - change an in-use entry (age, VA after relocation) and render it. */
void wsl_set(struct vmm *v, struct vproc *p, uint32_t index, uint64_t value);

/** wsl_sync_header() - render the _MMWSL fields kept in struct vwsl. */
void wsl_sync_header(struct vmm *v, struct vproc *p);

/** wsl_destroy() - free the C state (process exit). */
void wsl_destroy(struct vproc *p);

#endif
