/* SPDX-License-Identifier: MIT */
/*
 * The PFN database, read side: decoding of _MMPFN entries (structures.md §3), state names and
 * flag letters as !pfn prints them (book Appendix A, B:16828-16889), and bounded, cycle-safe
 * walks of the PFN-linked page lists (_MMPFNLIST, structures.md §4).
 */
#ifndef MMKD_MODEL_PFN_H
#define MMKD_MODEL_PFN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct as;
struct err;
struct kernel_info;
struct pfn_layout;

/* The all-ones terminator of PFN-linked lists (B:14018; structures.md §15 item 1). */
#define PFN_LIST_END 0xFFFFFFFFFFFFFFFFULL

struct mmpfn {
	uint64_t pfn;
	uint64_t address;	/* VA of the _MMPFN */
	uint64_t u1, u2;	/* flink / ws index / event ; blink / share count */
	uint64_t pte_address;	/* including the lock (bit 0) and flag (bit 1) bits */
	uint64_t original_pte;
	uint64_t pte_frame;
	unsigned reference_count, used_entry_count, va_type;
	unsigned location;	/* PageLocation, enum mm_list */
	bool write_in_progress, modified, read_in_progress;
	unsigned cache_attribute;
	unsigned priority;
	bool rom, in_page_error, kernel_stack, removal_requested, parity_error;
	bool prototype;		/* u4.PrototypePte: "Shared" */
	unsigned page_color;
	bool image_verified, awe;
};

/** pfn_decode() - decode a 0x30-byte _MMPFN entry. */
void pfn_decode(const struct pfn_layout *l, const uint8_t *raw, size_t len, uint64_t pfn,
		uint64_t address, struct mmpfn *ret);

/** pfn_read() - read and decode the entry of @pfn. ERR_INVALID_ARG beyond the database. */
struct err *pfn_read(const struct kernel_info *k, uint64_t pfn, struct mmpfn *ret);

/** pfn_address() - VA of the _MMPFN of @pfn. */
uint64_t pfn_address(const struct kernel_info *k, uint64_t pfn);

/** Is the page linked on a list (so u1/u2 are flink/blink)? PageLocation 0-5 and no
 * reference: pages under I/O or locked keep their location but leave the list (P16, P17). */
bool pfn_is_linked(const struct mmpfn *p);

/** State names: JSON ("Zeroed" ... "ModifiedNoWrite" ... "Transition") and !pfn's text
 * labels ("ModNoWrt", "Trans"; B:16861-16871). */
const char *pfn_state_name(unsigned location);
const char *pfn_state_label(unsigned location);
const char *pfn_cache_name(unsigned cache_attribute);

/** The long flag names set on a page (book Appendix A): "WriteInProgress", "Modified",
 * "ReadInProgress", "InPageError", "RemovalRequested", "ParityError", "Shared".
 * Return: count written to @names (at most 8). */
unsigned pfn_flag_names(const struct mmpfn *p, const char *names[8]);

/** The short flag letters after the state ("M", "MP", "W"): W M R E Y X P. */
void pfn_flag_letters(const struct mmpfn *p, char buf[12]);

/**
 * pfn_owner() - the EPROCESS that owns a page's mapping: follow u4.PteFrame up to a PML4 page
 * (PteFrame == itself), whose u1 is its EPROCESS (transitions.md S1, C1; B:5255). At most five
 * steps. Return: NULL and *eprocess_ret = 0 when the page is not process-owned.
 */
struct err *pfn_owner(const struct kernel_info *k, const struct mmpfn *p, uint64_t *eprocess_ret);

/** Visitor for pfnlist_walk(): one page; return ERR_STOP to stop. */
typedef struct err *(*pfnlist_fn)(void *arg, const struct mmpfn *p, uint64_t index);

struct pfnlist_result {
	uint64_t total;		/* the head's Total */
	uint64_t flink, blink;	/* the head's links */
	uint64_t walked;	/* pages visited */
	bool broken;		/* the chain broke; see @why and @at_pfn */
	uint64_t at_pfn;	/* where it broke */
	char why[160];
};

/**
 * pfnlist_walk() - follow a PFN-linked list from the _MMPFNLIST at @head_va.
 * Bounded by the database size and cycle-safe (a bitmap of visited PFNs): a chain that points
 * outside the database, loops, or whose blink disagrees stops with @res->broken set and a
 * reason; the pages visited until then were reported. @expect_location is the PageLocation
 * pages must have (or -1 not to check).
 */
struct err *pfnlist_walk(const struct kernel_info *k, uint64_t head_va, int expect_location,
			 pfnlist_fn fn, void *arg, struct pfnlist_result *res);

#endif
