/* SPDX-License-Identifier: MIT */
/*
 * Memory types from the registers a dump recorded (paging.md §8): the IA32_PAT entry a leaf
 * PxE selects, the MTRR type of a physical address (fixed ranges below 1 MiB, variable ranges,
 * the default type; Intel SDM Vol. 3A §11.11.4.1 precedence), their combination (SDM Table
 * 11-7, pte.h effective_mem_type), and the decoding of those MSRs for rdmsr. Pure functions
 * over MSR values; nothing here prints.
 */
#ifndef MMKD_MODEL_MEMTYPE_H
#define MMKD_MODEL_MEMTYPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/pte.h"

/* MSR numbers (paging.md §8.2-8.4; Intel SDM Vol. 4). */
#define MSR_IA32_PAT 0x277
#define MSR_MTRRCAP 0xFE
#define MSR_MTRR_DEF_TYPE 0x2FF
#define MSR_MTRR_PHYSBASE0 0x200 /* PHYSBASEn = 0x200 + 2n, PHYSMASKn = 0x201 + 2n */
#define MSR_MTRR_FIX64K_00000 0x250
#define MSR_MTRR_FIX16K_80000 0x258
#define MSR_MTRR_FIX16K_A0000 0x259
#define MSR_MTRR_FIX4K_C0000 0x268 /* .. 0x26F: FIX4K_F8000 */
#define MSR_IA32_EFER 0xC0000080

#define MTRR_MAX_VAR 32 /* variable pairs looked at (0x200-0x23F); VCNT is 8-10 in practice */
#define MTRR_NFIXED 11	/* 0x250, 0x258, 0x259, 0x268-0x26F */

/** The PAT and MTRR values of one CPU, as far as the dump recorded them. */
struct mtrr_state {
	bool has_pat;
	uint64_t pat;
	bool has_cap;
	uint64_t cap;
	bool has_def_type;
	uint64_t def_type;
	bool has_fixed[MTRR_NFIXED];
	uint64_t fixed[MTRR_NFIXED];
	bool has_base[MTRR_MAX_VAR], has_mask[MTRR_MAX_VAR];
	uint64_t base[MTRR_MAX_VAR], mask[MTRR_MAX_VAR];
};

/** Look up a recorded MSR; false if the dump did not record it. */
typedef bool (*msr_lookup_fn)(const void *arg, uint32_t index, uint64_t *ret);

/** mtrr_state_init() - collect PAT and MTRR values through @lookup. */
void mtrr_state_init(struct mtrr_state *s, msr_lookup_fn lookup, const void *arg);

/** mtrr_state_known() - PAT and MTRR_DEF_TYPE were recorded (what !pte needs to try). */
bool mtrr_state_known(const struct mtrr_state *s);

/**
 * mtrr_type() - the MTRR memory type of physical address @pa.
 * @why: when the type cannot be told, a static reason ("MSR 0x259 not recorded",
 *       "overlapping variable ranges of types WC and WP are undefined").
 * Return: MT_UC, MT_WC, MT_WT, MT_WP, MT_WB, or MT_INVALID with @why set.
 */
unsigned mtrr_type(const struct mtrr_state *s, uint64_t pa, const char **why);

/** The memory type of a page mapped by a leaf entry (paging.md §8.2-8.3). */
struct memtype {
	unsigned pat_index; /* PAT*4 + PCD*2 + PWT of the leaf */
	unsigned pat_type;  /* IA32_PAT entry pat_index */
	unsigned mtrr_type; /* MT_INVALID when unknown */
	unsigned effective; /* MT_INVALID when unknown or reserved */
	const char *why;    /* when effective is MT_INVALID */
};

/**
 * memtype_of_page() - combine the PAT entry selected by @leaf (a PTE, or a large PDE/PDPTE
 * when @large: PAT is bit 12 there) with the MTRR type of @pa.
 */
void memtype_of_page(const struct mtrr_state *s, uint64_t leaf, bool large, uint64_t pa,
		     struct memtype *ret);

/** mtrr_type_name() - "UC", "WC", "WT", "WP", "WB" or "reserved" (no UC- in MTRRs). */
const char *mtrr_type_name(unsigned t);

/* ---- MSR decoding for rdmsr ---- */

enum msr_kind {
	MSR_KIND_OTHER,
	MSR_KIND_PAT,
	MSR_KIND_MTRRCAP,
	MSR_KIND_DEF_TYPE,
	MSR_KIND_PHYSBASE,
	MSR_KIND_PHYSMASK,
	MSR_KIND_FIXED,
	MSR_KIND_EFER,
};

struct msr_info {
	enum msr_kind kind;
	char name[32];	   /* "IA32_PAT", "IA32_MTRR_PHYSBASE1", "LSTAR", or "" */
	unsigned var_index; /* PHYSBASE/PHYSMASK n */
};

/** msr_describe() - the name and kind of MSR @index. */
void msr_describe(uint32_t index, struct msr_info *ret);

/** One sub-range of a fixed-range MTRR. */
struct mtrr_range {
	uint64_t start, end; /* inclusive */
	unsigned type;
};

/**
 * mtrr_fixed_ranges() - the eight sub-ranges of fixed-range MTRR @index holding @value
 * (one type byte each, paging.md §8.3).
 * Return: 8, or 0 if @index is not a fixed-range MTRR.
 */
unsigned mtrr_fixed_ranges(uint32_t index, uint64_t value, struct mtrr_range out[8]);

/**
 * mtrr_var_range() - the physical range a PHYSBASE/PHYSMASK pair covers. MAXPHYADDR is taken
 * as one above the mask's highest set bit (the mask is all ones up to MAXPHYADDR - 1).
 * Return: false if the mask is not valid (bit 11) or its ones are not contiguous.
 */
bool mtrr_var_range(uint64_t base, uint64_t mask, uint64_t *start, uint64_t *end);

#endif
