/* SPDX-License-Identifier: MIT */
/*
 * WinDbg-layout rendering of PTEs, shared by !pte and the history lines of !pfn/!pte: the
 * four 27-column PXE/PPE/PDE/PTE blocks, "not valid" detail lines, and the JSON shape of
 * DESIGN.md (levels[], state, pa, protection).
 */
#ifndef MMKD_EXT_LIB_PTEFMT_H
#define MMKD_EXT_LIB_PTEFMT_H

#include <stddef.h>
#include <stdint.h>

#include "core/out.h"
#include "model/pte.h"

extern const char *const ptefmt_level_names[4];

/** Width of one column of the !pte layout. */
#define PTEFMT_COL 27

/** Print the full four-column !pte block for a walk. */
void ptefmt_print(struct out *o, const struct pte_walk *w);

/** Print the detail lines of an invalid entry ("Transition: 1d60e", "Protect: 4 - ..."),
 * indented to column @col. @buf is scratch space. */
void ptefmt_details(struct out *o, const struct pte_info *pi, unsigned col, char *buf,
		    size_t len);

/** One-line summary for range output ("pfn 34cab ---DA--UW-V", "Transition: 1d60e ..."). */
void ptefmt_summary(const struct pte_walk *w, char *buf, size_t len);

/** JSON: levels[], state, pa, pfn, protection of a walk. */
void ptefmt_json_walk(struct out *o, const struct pte_walk *w);

/** JSON fields of one entry (address, contents, valid, pfn, flags, details). */
void ptefmt_json_entry(struct out *o, uint64_t addr, const struct pte_info *pi);

/** JSON state/protection keys for a final entry. */
void ptefmt_json_state(struct out *o, const struct pte_info *pi, uint64_t pa);

/** ptefmt_print_offline() - the entries read below a transition or paging-file entry. */
void ptefmt_print_offline(struct out *o, const struct pte_walk *w);

#endif
