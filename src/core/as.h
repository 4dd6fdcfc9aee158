/* SPDX-License-Identifier: MIT */
/*
 * Address spaces: physical (the target itself) and x64 4-level virtual spaces rooted at a
 * DTB, with 4 KiB, 2 MiB and 1 GiB pages, canonical checks, NX and a translation cache.
 * Every VA→PA translation goes through as_translate() (the !pte/!vtop path) or its cached
 * front end; paging levels are a data table, not per-level code (Volatility's layers).
 * Windows software PTE formats are not interpreted here: a non-present entry is a fault that
 * carries the level and the raw entry, and src/model/pte.c decodes it.
 */
#ifndef MMKD_CORE_AS_H
#define MMKD_CORE_AS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct err;
struct target;

enum as_kind {
	AS_PHYS,
	AS_X64,
};

/* Level indexes into xlate.entry[]: PML4E, PDPTE, PDE, PTE. */
enum pt_level {
	LVL_PML4 = 0,
	LVL_PDPT = 1,
	LVL_PD = 2,
	LVL_PT = 3,
};

#define PTE_P (1ULL << 0)
#define PTE_RW (1ULL << 1)
#define PTE_US (1ULL << 2)
#define PTE_PWT (1ULL << 3)
#define PTE_PCD (1ULL << 4)
#define PTE_A (1ULL << 5)
#define PTE_D (1ULL << 6)
#define PTE_PS (1ULL << 7)
#define PTE_G (1ULL << 8)
#define PTE_NX (1ULL << 63)
#define PTE_ADDR_MASK 0x000FFFFFFFFFF000ULL

#define AS_TLB_SIZE 1024

struct as_tlb_entry {
	uint64_t vpn;	  /* va >> 12, plus 1 so that 0 means empty */
	uint64_t pa_page; /* physical address of the 4 KiB page */
	uint32_t gen;
};

struct as {
	enum as_kind kind;
	char name[40];	   /* "physical", "kernel", "process fffffa80`..." */
	struct target *t;  /* borrowed */
	uint64_t dtb;	   /* physical address of the PML4 (AS_X64) */
	bool nxe;	   /* EFER.NXE: bit 63 is XD (default true on Windows x64) */
	struct as_tlb_entry tlb[AS_TLB_SIZE];
	uint64_t tlb_hits, tlb_misses;
};

/** Result of a walk: every entry read, and where the walk stopped. */
struct xlate {
	uint64_t va;
	uint64_t pa;	       /* valid when ok */
	bool ok;	       /* translated to a present page */
	unsigned nlevels;      /* entries read (1..4) */
	uint64_t entry[4];     /* raw PML4E, PDPTE, PDE, PTE */
	uint64_t entry_pa[4];  /* physical address of each entry */
	int leaf;	       /* level of the leaf entry (LVL_PT, LVL_PD for 2M, LVL_PDPT for 1G) */
	int fault_level;       /* level of the non-present entry, or -1 */
	uint64_t page_size;
	bool user, writable, nx; /* effective permissions over all levels */
};

/** as_init_phys() - the physical space of @t (identity). */
void as_init_phys(struct as *as, struct target *t);

/**
 * as_init_x64() - a 4-level virtual space.
 * @dtb: physical address of the PML4 (CR3; low 12 bits are ignored).
 * @name: space name used in fault messages ("kernel").
 */
void as_init_x64(struct as *as, struct target *t, uint64_t dtb, const char *name);

/** as_flush() - drop cached translations. */
void as_flush(struct as *as);

/**
 * as_translate() - walk the page tables for @va, recording every entry.
 * Return: NULL if the page is present; ERR_FAULT otherwise (@ret is filled either way, so a
 * caller such as !pte can still show the entries it read).
 */
struct err *as_translate(struct as *as, uint64_t va, struct xlate *ret);

/** as_va_to_pa() - cached translation. Physical spaces return @addr itself. */
struct err *as_va_to_pa(struct as *as, uint64_t addr, uint64_t *pa_ret, const char *purpose);

/**
 * as_read() - read @len bytes at @addr, page by page.
 * @purpose: what is being read, for the fault message ("_MMPFN entry").
 */
struct err *as_read(struct as *as, uint64_t addr, void *buf, size_t len, const char *purpose);
struct err *as_read_u64(struct as *as, uint64_t addr, uint64_t *ret, const char *purpose);
struct err *as_read_u32(struct as *as, uint64_t addr, uint32_t *ret, const char *purpose);
struct err *as_read_u16(struct as *as, uint64_t addr, uint16_t *ret, const char *purpose);
struct err *as_read_u8(struct as *as, uint64_t addr, uint8_t *ret, const char *purpose);

/**
 * as_page_ptr() - zero-copy pointer to the page containing @addr, or NULL (absent, or the
 * target is not directly mapped: use as_read then).
 */
const uint8_t *as_page_ptr(struct as *as, uint64_t addr);

/** Callback for as_walk(): one present leaf mapping. Return ERR_STOP to stop early. */
typedef struct err *(*as_walk_fn)(void *arg, uint64_t va, uint64_t pa, uint64_t size,
				  uint64_t leaf_entry);

/**
 * as_walk() - enumerate every present leaf mapping with VA in [@start, @end] (inclusive),
 * in ascending VA order, reading each table entry once.
 * @budget: maximum number of table entries to examine (hostile dumps can alias tables
 *          to make the tree enormous); 0 means a default of 2^28.
 * Return: NULL, the callback's error, or ERR_UNSUPPORTED if the budget ran out.
 */
struct err *as_walk(struct as *as, uint64_t start, uint64_t end, uint64_t budget, as_walk_fn fn,
		    void *arg);

#endif
