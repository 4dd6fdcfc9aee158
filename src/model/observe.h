/* SPDX-License-Identifier: MIT */
/*
 * Observations for histories across a snapshot series: what one snapshot shows of a physical
 * page (state, owner, VA, counts, restore PTE) or of a virtual page (PTE format and the page
 * behind it), and what changed between two observations: nothing, one legal transition
 * (observed), or the shortest legal path (inferred steps), per spec/transitions.md §3.2.
 */
#ifndef MMKD_MODEL_OBSERVE_H
#define MMKD_MODEL_OBSERVE_H

#include <stdbool.h>
#include <stdint.h>

#include "model/history.h"
#include "model/pfn.h"
#include "model/pte.h"

struct as;
struct err;
struct kernel_info;
struct pagefile_image;

struct pfn_obs {
	bool ok;
	char why[160];		/* when !ok */
	struct mmpfn p;
	enum page_state state;
	uint64_t owner;		/* EPROCESS owning the mapping, 0 if none */
	uint64_t pid;
	char name[16];
	uint64_t va;		/* VA the PTE address maps, 0 if unknown */
	bool ps;		/* the page is a paging structure (its PTE address is a PDE,
				 * PPE or PXE): its transitions are the rows of group H */
};

/** pfn_is_paging_structure() - is @p mapped by an entry of the PDE region (a page table,
 * directory or PDPT of a user or system range)? Meaningful only for owned pages. */
bool pfn_is_paging_structure(const struct selfmap *sm, const struct mmpfn *p);

/** pfn_observe() - observe @pfn in one snapshot (never fails: @ret->ok says). */
void pfn_observe(const struct kernel_info *k, const struct selfmap *sm, uint64_t pfn,
		 struct pfn_obs *ret);

struct obs_change {
	bool unchanged;		/* same state and owner */
	bool observed;		/* one legal transition explains it */
	bool owner_changed;
	int nsteps;		/* steps[] of the transition or the inferred path; -1 none */
	const struct hist_edge *steps[HIST_MAX_PATH];
	char note[200];		/* attribute changes (§3.2.3), or why nothing can be said */
};

/**
 * What the other snapshot says about the mappings of a changed page (§3.2.1 extra rules,
 * §3.2.2): the entry that maps the page's new VA as it was in the earlier snapshot, and the
 * entry that mapped its old VA as it is in the later one.
 */
struct pair_evidence {
	bool have_before;	/* the entry at @b's PTE address, in the earlier snapshot */
	uint64_t before;
	bool have_after;	/* the entry at @a's PTE address, in the later snapshot */
	uint64_t after;
	bool owner_gone;	/* @a's owner is no longer a process in the later snapshot */
	bool owner_new;		/* @b's owner was not a process yet in the earlier one */
};

/**
 * pfn_pair_evidence() - read @ev for a page observed as @a in snapshot (@ka, @sma) and as @b
 * in snapshot (@kb, @smb). Entries of user addresses are read through the owner's page
 * tables in that snapshot; what cannot be read is left unknown.
 */
void pfn_pair_evidence(const struct kernel_info *ka, const struct selfmap *sma,
		       const struct kernel_info *kb, const struct selfmap *smb,
		       const struct pfn_obs *a, const struct pfn_obs *b, struct pair_evidence *ev);

/**
 * pfn_change() - what happened to a page between observations @a (earlier) and @b. @ev
 * (optional) refines it: which release wrote the old PTE, whether the new mapping was a
 * paging-file PTE (a hard fault) or a demand-zero one.
 */
void pfn_change(const struct pfn_obs *a, const struct pfn_obs *b, const struct pair_evidence *ev,
		struct obs_change *ret);

/** A virtual page in one snapshot: its PTE and the page behind a valid/transition PTE. */
struct va_obs {
	bool ok;
	char why[160];
	struct pte_walk w;
	enum pte_kind kind;	/* of the last entry examined */
	uint64_t pte;		/* its value */
	bool have_page;
	struct pfn_obs page;	/* the PFN behind a valid or transition PTE */
};

/** va_observe() - observe @va through @pas (the process's space in this snapshot). */
void va_observe(const struct kernel_info *k, struct as *pas, const struct selfmap *sm,
		struct pagefile_image *const *pagefiles, uint64_t va, struct va_obs *ret);

/**
 * va_change() - the PTE-pair reading of §3.2.2 ("V -> TR: trimmed (B1/B2)", "TR -> PF:
 * repurposed (R1), after a write if it was modified"), as a sentence.
 * Return: true if one event explains it (observed), false if a chain is implied (inferred).
 */
bool va_change(const struct va_obs *a, const struct va_obs *b, char *buf, size_t len);

#endif
