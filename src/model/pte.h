/* SPDX-License-Identifier: MIT */
/*
 * Windows x64 PTE model: the auto-entry (self-map) formulas for any PML4 index (0x1ED on
 * Windows 7, randomized on Windows 10 1607+), decoding of hardware PxEs and of every Windows 7
 * software PTE format (paging.md §3), WinDbg's 11-letter flag string and the names of the
 * 5-bit VMM protection codes (paging.md §4).
 */
#ifndef MMKD_MODEL_PTE_H
#define MMKD_MODEL_PTE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SELFMAP_WIN7 0x1ED

/** The self-map: where the paging structures appear in virtual memory. */
struct selfmap {
	unsigned index;	    /* PML4 index of the auto-entry (0x100..0x1FF) */
	uint64_t pte_base;  /* first PTE: canon(index << 39), 0xFFFFF680`00000000 for 0x1ED */
	uint64_t pde_base;
	uint64_t ppe_base;
	uint64_t pxe_base;  /* the PML4 seen as a page */
	uint64_t region_end; /* last byte of the 512 GB paging-structure region */
};

/** selfmap_init() - compute the bases for auto-entry @index (paging.md §5.1-5.2). */
void selfmap_init(struct selfmap *sm, unsigned index);

/* VA of the entry that maps @va at each level (paging.md §5.2). */
uint64_t selfmap_pte_va(const struct selfmap *sm, uint64_t va);
uint64_t selfmap_pde_va(const struct selfmap *sm, uint64_t va);
uint64_t selfmap_ppe_va(const struct selfmap *sm, uint64_t va);
uint64_t selfmap_pxe_va(const struct selfmap *sm, uint64_t va);
/** Entry VA at a level (0 = PXE .. 3 = PTE). */
uint64_t selfmap_entry_va(const struct selfmap *sm, unsigned level, uint64_t va);

/** The first VA mapped by the PTE at @pte_va (inverse, paging.md §5.3). */
uint64_t selfmap_va_from_pte(const struct selfmap *sm, uint64_t pte_va);

/** Is @va inside the paging-structure region? */
bool selfmap_in_region(const struct selfmap *sm, uint64_t va);

/**
 * selfmap_level_of() - for an address inside the region, which level of entry lives there:
 * 0 PXE, 1 PPE, 2 PDE, 3 PTE. -1 if outside.
 */
int selfmap_level_of(const struct selfmap *sm, uint64_t va);

enum pte_kind {
	PTE_KIND_ZERO,	      /* all zero */
	PTE_KIND_VALID,	      /* hardware, P = 1 */
	PTE_KIND_LARGE,	      /* valid PDE/PDPTE with PS */
	PTE_KIND_TRANSITION,  /* bit 11 set, bit 10 clear */
	PTE_KIND_PAGEFILE,    /* software, PageFileHigh != 0 */
	PTE_KIND_DEMANDZERO,  /* software, PageFileHigh == 0, protection != 0x10 */
	PTE_KIND_DECOMMITTED, /* 0x200: protection 0x10 and nothing else */
	PTE_KIND_PROTO_VAD,   /* proto-pointer, "Proto: VAD" (bits 32-63 all ones) */
	PTE_KIND_PROTO,	      /* proto-pointer with a prototype PTE address */
	PTE_KIND_SUBSECTION,  /* prototype bit set outside the paging-structure region */
};

struct pte_info {
	enum pte_kind kind;
	uint64_t raw;
	uint64_t pfn;	      /* valid / large / transition */
	unsigned protection;  /* software formats: bits 5-9 */
	unsigned pagefile;    /* PageFileLow */
	uint64_t pagefile_offset; /* PageFileHigh (pages) */
	uint64_t address;     /* proto-pointer target or subsection address */
};

/**
 * pte_decode() - classify a PxE value (paging.md §3.8: bit 10 before bit 11).
 * @in_region: the entry lives in the paging-structure region (proto-pointer vs subsection).
 * @leaf_level: 3 for a PTE; 2/1 for PDE/PDPTE where PS means a large page.
 */
void pte_decode(uint64_t v, bool in_region, unsigned level, struct pte_info *ret);

/** Stable JSON/state name of a kind: "valid", "transition", "proto_vad" ... */
const char *pte_kind_name(enum pte_kind kind);

/**
 * pte_state_name() - DESIGN.md's !pte state: valid | large | transition | pagefile | demandzero
 * | prototype | vad | subsection | zero. (Decommitted PTEs are software PTEs with protection
 * 0x10 and report "demandzero" there, with protection 16 and "decommitted" in JSON details.)
 */
const char *pte_state_name(enum pte_kind kind);

/** pte_flags() - WinDbg's 11-character flag string "CGLDANTUWEV" of a valid entry. */
void pte_flags(uint64_t v, bool large, char buf[12]);

/** prot_name() - WinDbg name of a 5-bit protection ("ReadWrite", "Decommitted"), "" for 0. */
const char *prot_name(unsigned prot, char *buf, size_t len);

/** The Win32-style VAD protection name for !vad ("READWRITE", "EXECUTE_WRITECOPY"). */
const char *vad_prot_name(unsigned prot, char *buf, size_t len);

/** The paging entries of one VA, read through the self-map (what !pte shows). */
struct pte_walk {
	uint64_t va;
	uint64_t addr[4];	    /* VA of the PXE, PPE, PDE, PTE */
	uint64_t entry[4];	    /* contents of the entries read */
	struct pte_info info[4];
	unsigned nread;		    /* entries read: 0..4 */
	int stop_level;		    /* level of the last entry examined (-1: none readable) */
	bool unreadable;	    /* the entry after the last one read could not be read */
	char why[96];		    /* why it could not be read */
	bool large;		    /* stop_level is a large PDE/PDPTE */
	bool have_large_pte;	    /* for a large page: the PTE column read through the map */
	uint64_t large_pte;
	bool valid;		    /* VA translates */
	uint64_t pa;		    /* when valid */
	uint64_t pfn;		    /* PFN of the 4 KiB frame holding VA (large: base + index) */
	/* Below an entry in transition or in the paging file, the self-map cannot reach the
	 * tables; pte_walk_offline() reads them where they are: from the physical page of a
	 * transition entry, or from the paging file at a paging-file entry's offset. */
	unsigned noff;		    /* entries read that way: levels stop_level+1 .. +noff */
	uint64_t off_entry[4];	    /* by level */
	struct pte_info off_info[4];
	bool off_in_file[4];	    /* read from paging file off_file[] (else from RAM) */
	unsigned off_file[4];
	uint64_t off_where[4];	    /* physical address, or byte offset in the paging file */
	bool off_blocked;	    /* the next one could not be read: off_why says why */
	char off_why[160];
};

struct as;
struct target;
struct pagefile_image;

/**
 * pte_walk_offline() - after pte_walk() stopped at a transition or paging-file entry of a
 * paging structure, read the entries below it from the table's physical page (transition) or
 * from paging file PageFileLow of @files (NULL entries: not available), down to the PTE.
 */
void pte_walk_offline(struct pte_walk *w, struct target *t, struct pagefile_image *const *files);

/** pte_walk_deepest() - the last entry read, online or offline: its level and decoding. */
const struct pte_info *pte_walk_deepest(const struct pte_walk *w, int *level_ret);

/**
 * pte_walk() - read the PXE, PPE, PDE and PTE of @va at their self-map addresses through @as
 * (book L1743-1868), stopping at the first invalid or large entry.
 */
void pte_walk(struct as *as, const struct selfmap *sm, uint64_t va, struct pte_walk *ret);

/** Memory types (PAT/MTRR encodings, paging.md §8). */
enum mem_type {
	MT_UC = 0,
	MT_WC = 1,
	MT_WT = 4,
	MT_WP = 5,
	MT_WB = 6,
	MT_UCMINUS = 7,
	MT_INVALID = 0xFF,
};

const char *mem_type_name(unsigned t);

/** pat_index() - PAT entry selected by a leaf entry (PAT*4 + PCD*2 + PWT). */
unsigned pat_index(uint64_t leaf, bool large);

/** pat_type() - memory type of PAT entry @idx in the IA32_PAT value @pat. */
unsigned pat_type(uint64_t pat, unsigned idx);

/** Combine an MTRR type with a PAT type (Intel SDM Table 11-7, paging.md §8.3). */
unsigned effective_mem_type(unsigned mtrr, unsigned pat);

#endif
