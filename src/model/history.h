/* SPDX-License-Identifier: MIT */
/*
 * Page histories: the physical page state machine of spec/transitions.md §3.2.1 (the states
 * Z F S M A Srip Mwip Awip and the transitions one event explains, with their §2 row IDs),
 * shortest legal paths between two observed states (the steps in between are inferred, not
 * observed), and the evidence one snapshot gives about a page's past (§3.1, EV rules).
 */
#ifndef MMKD_MODEL_HISTORY_H
#define MMKD_MODEL_HISTORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct mmpfn;
struct pte_info;

enum page_state {
	PS_ZEROED,
	PS_FREE,
	PS_STANDBY,
	PS_MODIFIED,
	PS_MODNOWRITE,
	PS_BAD,
	PS_ACTIVE,
	PS_SRIP,	/* Standby with ReadInProgress: a hard-fault read in flight (E1) */
	PS_MWIP,	/* Modified with WriteInProgress: an MPW write in flight (C1) */
	PS_AWIP,	/* Active with WriteInProgress: written while active (C4) or faulted back (D4) */
	PS_TRANSITION,	/* PageLocation 7: never used by Windows 7 (transitions.md §1) */
	PS_COUNT,
};

/** page_state_of() - the machine state of a PFN entry (PageLocation refined by RIP/WIP). */
enum page_state page_state_of(const struct mmpfn *p);

/** Short names ("A", "Mwip") and descriptive names ("Active", "Modified, write in flight"). */
const char *page_state_short(enum page_state s);
const char *page_state_long(enum page_state s);

/** One legal single transition: a §2 row (or rows) that moves a page from @from to @to. */
struct hist_edge {
	enum page_state from, to;
	const char *rows;	/* "B1" or "F1b/F3/I14/J7" */
	const char *what;	/* "trimmed while dirty" */
	bool new_owner;		/* the page changes hands (repurposing, release + reuse) */
};

/** hist_edge_find() - the legal single transition @from -> @to, or NULL. When several exist
 * (S -> A: soft fault by the same owner, or repurposed for another), @owner_changed picks. */
const struct hist_edge *hist_edge_find(enum page_state from, enum page_state to,
				       bool owner_changed);

/** Maximum length of an inferred path. */
#define HIST_MAX_PATH 8

/**
 * hist_path() - the shortest chain of legal transitions from @from to @to (breadth-first
 * over the §3.2.1 graph); when the owner changed, the path must contain a new-owner step.
 * @steps: receives the edges in order. Return: the number of steps, 0 if @from == @to
 * (and the owner did not change), -1 if no path (cannot happen for the graph as given).
 */
int hist_path(enum page_state from, enum page_state to, bool owner_changed,
	      const struct hist_edge **steps, int max);

/**
 * hist_path_via() - the shortest legal path from @from to @to through @mid (evidence showed
 * the page passed through @mid). Return: steps, or -1.
 */
int hist_path_via(enum page_state from, enum page_state mid, enum page_state to,
		  bool owner_changed, const struct hist_edge **steps, int max);

/** hist_edge_ps() - the group-H row of transition @e for a paging structure (or @e). */
const struct hist_edge *hist_edge_ps(const struct hist_edge *e);

/** hist_edge_ps_read() - a paging structure read back from the paging file in one step
 * (H6), from a page that was @from; with @certain false, "created or read back" (H1/H6).
 * NULL if none. */
const struct hist_edge *hist_edge_ps_read(enum page_state from, bool certain);

/** How a page was released (§2.F, B4), as its old PTE or its owner shows. */
enum hist_release {
	HIST_DECOMMIT,	/* PTE now DEC: F1 (active) or F1b (on a list) */
	HIST_RELEASE,	/* PTE now zero, the VAD gone: F2 */
	HIST_EXIT,	/* the owner process is gone: F3 */
	HIST_ZERO_TRIM, /* PTE now demand-zero: an all-zero page released by a trim (B4) */
};

/** hist_edge_release() - the release of a page in state @from (A, S or M) to the free
 * list, by @why; NULL when that release cannot start there (B4 from a list). */
const struct hist_edge *hist_edge_release(enum page_state from, enum hist_release why);

/** The whole edge table (for tests and documentation). */
const struct hist_edge *hist_edges(size_t *n_ret);

/**
 * hist_evidence() - what one snapshot's structures prove about a page's past (§3.1), as one
 * sentence, e.g. "was active (private page), trimmed while dirty, written to paging file 0
 * offset 0x1a2, not yet repurposed". @pte is the PTE that maps the page (NULL if unknown);
 * @owner is a description of the owning process and VA ("notepad.exe at 0x5b0000") or NULL.
 * @ids receives the EV rule names used ("EV11"). Return: @buf.
 */
char *hist_evidence(const struct mmpfn *p, const struct pte_info *pte, const char *owner,
		    char *buf, size_t len, char *ids, size_t ids_len);

#endif
