/* SPDX-License-Identifier: MIT */
/*
 * The PFN database of the reference VMM: the C record of every physical page (struct vpfn),
 * its rendering as a 0x30-byte _MMPFN at 0xFFFFFA80'00000000 + PFN * 0x30 (B:3337, B:5246),
 * and the PFN-linked page lists: Zeroed and Free per color (MmFreePagesByColor[0/1]),
 * Standby per priority (MmStandbyPageListByPriority), Modified (user VAs on
 * MmModifiedProcessListByColor, system VAs on MmModifiedPageListByColor), Modified no-write
 * and Bad. Links are PFNs with all-ones terminators; insertions go at the tail and removals
 * take the head (B:4041-4058, transitions.md §5.1).
 */
#ifndef MMKD_MODEL_VMM_PFNDB_H
#define MMKD_MODEL_VMM_PFNDB_H

#include <stdbool.h>
#include <stdint.h>

struct err;
struct vmm;
struct vlist;

/** pfn_sync() - render page @pfn's C record into its _MMPFN. */
void pfn_sync(struct vmm *v, uint64_t pfn);

/** vmm_pfn_state_name() - the !pfn state name of a PageLocation ("Zeroed" .. "Transition"). */
const char *vmm_pfn_state_name(unsigned loc);

/** page_color() - the color-NUMA index of a page: PFN & MmSecondaryColorMask (B:2125). */
unsigned page_color(const struct vmm *v, uint64_t pfn);

/** page_va() - the VA a page maps (from PteAddress through the self-map), for truth and lists. */
uint64_t page_va(const struct vmm *v, uint64_t pfn);

/**
 * list_of() - the list page @pfn belongs on given its PageLocation, color, priority and VA
 * class. NULL for Active pages.
 */
struct vlist *list_of(struct vmm *v, uint64_t pfn);

/** list_insert() - link @pfn at the tail of list_of(@pfn) (its loc must be set). */
void list_insert(struct vmm *v, uint64_t pfn);

/** list_unlink() - remove a linked @pfn from its list (u1/u2 are cleared). */
void list_unlink(struct vmm *v, uint64_t pfn);

/** list_take() - unlink and return the head of @l, or UINT64_MAX if it is empty. */
uint64_t list_take(struct vmm *v, struct vlist *l);

/** list_head_sync() - render @l's _MMPFNLIST head. */
void list_head_sync(struct vmm *v, const struct vlist *l);

/** list_total_add() - account for a page of PageLocation @loc joining (+1) or leaving (-1). */
void list_total_add(struct vmm *v, unsigned loc, int delta);

/**
 * pfndb_init() - allocate the C records, build every list over the free RAM (all Zeroed at
 * boot), and render the whole database. Pages below 2 MiB become Active firmware pages.
 */
struct err *pfndb_init(struct vmm *v);

/** pfndb_render_all() - render every _MMPFN (after boot or a bulk change). */
void pfndb_render_all(struct vmm *v);

#endif
