/* SPDX-License-Identifier: MIT */
/*
 * The reference VMM's own state: the C records it keeps about every physical page, paging
 * structure, process, VAD, working set list, paging file slot and in-flight I/O. This state is
 * authoritative. Windows structures in simulated RAM (the _MMPFN array, PTEs, _EPROCESS,
 * _MMWSL, VADs, list heads, KDBG) are renderings of it, written through struct mm_layout and
 * struct vmm_layout, and truth files are produced from it, never by reading the dump back.
 *
 * Shared by the modules of src/model/vmm; nothing outside src/model/vmm includes it (the public API is
 * vmm.h).
 */
#ifndef MMKD_MODEL_VMM_VSTATE_H
#define MMKD_MODEL_VMM_VSTATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/profile.h"
#include "model/layout.h"
#include "model/pte.h"
#include "model/vmm/physmem.h"
#include "model/vmm/ptbuild.h"
#include "model/vmm/vlayout.h"
#include "targets/target.h"

/* ---------------------------------------------------------------- fixed addresses */
/* Kernel image: VA = 0xFFFFF800'00000000 + its physical address (book E68), 2 MiB page. */
#define VMM_KERNEL_PA 0x200000ULL
#define VMM_KERNEL_VA 0xFFFFF80000200000ULL
#define VMM_KERNEL_SIZE 0x200000ULL
/* Model content starts at 2 MiB: the firmware of a QEMU guest owns the first 2 MiB. */
#define VMM_FIRST_MODEL_PA 0x200000ULL
#define VMM_PFN_DB_VA 0xFFFFFA8000000000ULL   /* structures.md §1 (B:3337) */
#define VMM_KUSER_VA 0xFFFFF78000000000ULL    /* B:11487 */
#define VMM_SYSPTE_VA 0xFFFFF88000000000ULL   /* System PTE region (B:11490) */
#define VMM_WORK_VA (VMM_SYSPTE_VA + 0x800000ULL) /* per-CPU work mappings, after the bitmaps */
#define VMM_HYPER_VA 0xFFFFF70000000000ULL    /* hyperspace, UMAB (B:2606) */
#define VMM_UMPB_VA 0xFFFFF70001000000ULL     /* B:2646 */
#define VMM_WSL_VA 0xFFFFF70001080000ULL      /* B:2922 */
#define VMM_HASH_VA 0xFFFFF70440001000ULL     /* direct hash table (B:9153) */
#define VMM_HIGHEST_USER 0x000007FFFFFEFFFFULL
#define VMM_USER_PROBE 0x000007FFFFFF0000ULL
#define VMM_SYSTEM_RANGE_START 0xFFFF080000000000ULL
#define VMM_PAGED_POOL_START 0xFFFFF8A000000000ULL
#define VMM_PAGED_POOL_END 0xFFFFF8BFFFFFFFFFULL
#define VMM_SYSCACHE_START 0xFFFFF98000000000ULL
#define VMM_SYSCACHE_END 0xFFFFFA7FFFFFFFFFULL

#define VMM_LIST_END 0xFFFFFFFFFFFFFFFFULL /* PFN-list terminator (B:14018, structures.md §15.1) */
#define VMM_NPRIO 8
#define VMM_FIRST_DYNAMIC 5 /* WSLEs 0-4 are fixed (B:2988-3010) */
#define VMM_MAX_CLUSTER 16  /* hard-fault cluster: the fault + 15 (B:7073-7131) */
#define VMM_MPW_MAX_RUN 64  /* MPW cluster limit [GAP, transitions.md §5.5; our choice] */

/* Hardware / software PTE bits used by the model (paging.md §1, §3). */
#define PTE_WRITE_SW (1ULL << 11)   /* software "Write" of a valid PTE */
#define PTE_TRANSITION (1ULL << 11) /* of an invalid PTE */
#define PTE_PROTOTYPE (1ULL << 10)
#define PTE_PROT_SHIFT 5
#define PTE_PFN_MASK 0x0000FFFFFFFFF000ULL
#define PTE_WSINDEX_SHIFT 52

/* Windows protection codes (paging.md §4). */
enum {
	MM_READONLY = 1,
	MM_EXECUTE_READ = 3,
	MM_READWRITE = 4,
	MM_EXECUTE_READWRITE = 6,
	MM_NOCACHE = 0x08,
	MM_GUARD = 0x10,
	MM_WRITECOMBINE = 0x18,
	MM_DECOMMIT = 0x10,
	MM_NOACCESS = 0x18,
};

/* _MMLISTS / PageLocation (structures.md §2). */
enum vloc {
	LOC_ZEROED = 0,
	LOC_FREE = 1,
	LOC_STANDBY = 2,
	LOC_MODIFIED = 3,
	LOC_MODNOWRITE = 4,
	LOC_BAD = 5,
	LOC_ACTIVE = 6,
	LOC_TRANSITION = 7,
};

/* What the simulator uses a page for (its own knowledge; truth's owner_pid and va). */
enum vuse {
	USE_NONE = 0,	  /* on a list, no owner */
	USE_FIRMWARE,	  /* below 2 MiB: owned by the firmware, Active, in no working set */
	USE_KERNEL,	  /* kernel image, system paging structures, PFN database, pool */
	USE_PS,		  /* a process's paging structure (PML4, PDPT, PD, PT) */
	USE_HYPER,	  /* a process's hyperspace data page (WSL, UMAB) */
	USE_PRIVATE,	  /* a private user page */
};

/* C state of one physical page (rendered to its _MMPFN by pfn_sync()). */
struct vpfn {
	uint64_t u1;	    /* Flink | WsIndex | Event | EPROCESS */
	uint64_t u2;	    /* Blink | ShareCount */
	uint64_t pte_va;    /* PteAddress, including the lock (bit 0) and discard (bit 1) flags */
	uint64_t orig_pte;  /* OriginalPte */
	uint64_t pte_frame; /* u4.PteFrame */
	uint16_t ref;	    /* u3.ReferenceCount */
	uint16_t used;	    /* UsedPageTableEntries */
	uint32_t owner;	    /* process slot + 1 (0: none) */
	uint8_t loc;	    /* enum vloc */
	uint8_t use;	    /* enum vuse */
	uint8_t level;	    /* paging structures: 0 PML4 .. 3 PT; 4 for data pages */
	uint8_t prio;	    /* u3.e1.Priority */
	uint8_t ca;	    /* u3.e1.CacheAttribute: 0 NonCached, 1 Cached, 2 WriteComb */
	uint8_t wip : 1, mod : 1, rip : 1, linked : 1, locks : 4;
	uint8_t proto : 1, prefetched : 1, spare : 6;
	uint8_t pad;
};

/* A PFN-linked list head (_MMPFNLIST) and where it is rendered. */
struct vlist {
	uint64_t total, flink, blink;
	uint64_t head_va;  /* kernel VA of the _MMPFNLIST (0: not rendered) */
	uint8_t loc;	   /* the PageLocation of its pages */
	uint8_t list_name; /* _MMLISTS value written in ListName */
};

/* Shadow of one paging structure: the entries the simulator wrote, and where it lives. */
struct ptnode {
	uint64_t e[512];
	struct ptnode **child;	/* levels 0-2: the tables below (NULL at the PT level) */
	uint32_t *ver;		/* level 3: write version of each page's content (0: zero) */
	struct ptnode *parent;
	uint64_t base_va;	/* first VA mapped by this table */
	uint64_t pfn;		/* the page holding it while resident or in transition */
	unsigned level;		/* 0 PML4, 1 PDPT, 2 PD, 3 PT */
	unsigned index;		/* index in the parent */
	bool kernel;		/* a System table shared by every process (kernel half) */
};

/* A VAD (C state; rendered as an _MMVAD_SHORT in nonpaged pool). */
struct vad {
	uint64_t start_vpn, end_vpn;
	uint64_t node_va;	/* pool address of the _MMVAD_SHORT */
	uint64_t commit;	/* CommitCharge */
	unsigned prot;		/* VadFlags.Protection */
	bool mem_commit;	/* VadFlags.MemCommit */
	struct vad *left, *right, *parent;
	int height;
	bool dirty;		/* needs rendering */
	struct vad *dirty_next;
};

/* The working set list of a process (C state; rendered at 0xFFFFF700'01080000). */
struct vwsl {
	uint64_t *e;		/* WSLE values, Windows encoding, [0, last_initialized] */
	uint32_t first_free, last_entry, next_slot, next_aging_slot, last_initialized;
	uint32_t npages;	/* WSL pages mapped */
	uint64_t *page_pfn;	/* their physical pages */
	uint32_t size, peak;	/* WorkingSetSize, PeakWorkingSetSize */
};

struct vproc {
	unsigned slot;		/* index in vmm.procs + 1 is the owner id */
	uint32_t pid;
	char *name;		/* the scenario's name */
	char image[16];		/* ImageFileName as stored (15 bytes) */
	uint64_t eprocess_va;
	uint64_t pml4_pfn;
	struct ptbuild b;	/* writes through this process's auto-entry */
	struct ptnode *root;
	struct vad *vad_root;
	uint64_t vad_count, vad_free_hint_vpn;
	struct vad *dirty_vads;
	uint64_t node_hint_va;
	struct vwsl wsl;
	uint64_t umab_pfn;
	uint64_t commit, private_pages, virtual_size, peak_virtual_size;
	uint32_t page_faults, hard_faults, repurposes, modified_pages;
	uint16_t next_color;
	uint32_t min_ws, max_ws;
	bool hard_max;
	bool exited;
	bool is_system;
	bool dirty;		/* counters / WSL header not yet rendered */
	uint64_t create_time;
};

/* An in-flight I/O: an MPW write run or an in-page read cluster. */
struct vio {
	bool is_read;
	bool nowait;		/* stays in flight until `complete` or a collision */
	bool write_access;	/* reads: the faulting access */
	bool ps;		/* reads: a paging structure being paged in (H6) */
	unsigned line;		/* scenario line that issued it */
	struct vproc *p;
	uint64_t event_va;	/* reads: the support block's Event1 (u1 of every page) */
	uint64_t support_va;	/* pool block of the support block / MDL */
	unsigned n;
	uint64_t pfn[VMM_MPW_MAX_RUN];
	uint64_t va[VMM_MPW_MAX_RUN];
	uint64_t pf_off;	/* first paging-file offset */
	unsigned fault_index;	/* reads: which page the thread faulted on */
	struct vio *next;
};

struct vpagefile {
	uint64_t size_pages;	/* 0: no paging file */
	uint8_t *data;		/* the file's contents (sparse mapping) */
	uint64_t *bitmap;	/* slot in use */
	uint64_t used, peak, hint;
	uint64_t obj_va, bitmap_hdr_va, bitmap_buf_va, name_va;
	uint32_t last_alloc;
};

/* Pool allocator state (nonpaged pool). */
struct vpool_freed {
	uint64_t va;		/* the block's header */
	uint32_t prev_units;	/* PreviousSize it was allocated with */
};

struct vpool {
	uint64_t start_va, end_va;	/* mapped range [start, end) */
	uint64_t bump_va;		/* next free byte */
	uint32_t prev_units;		/* size of the block before bump_va in its page */
	struct vpool_freed *freed[256];	/* per block size (16-byte units): freed blocks */
	uint32_t nfreed[256], capfreed[256];
	uint64_t pages;
};

struct vtrace {
	FILE *f;		/* NULL: not recorded */
	uint64_t seq;
	uint64_t recent[64];	/* PFNs of the events since the last check step */
	unsigned nrecent;
	bool recent_overflow;
	uint64_t steps;		/* check steps so far */
};

struct vmm_counters {
	uint64_t available, resident_available, committed, commit_limit, nonpageable;
	uint64_t repurposed[VMM_NPRIO], last_repurposed;
	uint64_t demand_zero, page_reads, page_writes, faults, soft_faults;
	uint64_t bad_pages;
};

struct vmm {
	struct profile *prof;
	struct mm_layout l;
	struct vmm_layout vl;
	struct physmem pm;
	struct selfmap sm;
	unsigned selfmap_index;
	bool check;		/* verify invariants after every event */
	bool truth_pfns, truth_ptes;
	uint64_t seed, rng;
	unsigned line;		/* scenario line being executed */
	char *scenario_name;

	/* machine */
	uint64_t ram_bytes, npages, highest_pfn, ram_pages;
	unsigned colors, color_mask;
	uint64_t boot_next_pa;
	bool lists_ready;	/* the page lists exist: allocate from them, render _MMPFNs */

	/* PFN database and lists */
	struct vpfn *pfn;
	uint64_t *pfndb_page_pa;	/* PA of each page of the _MMPFN array */
	uint64_t pfndb_end_va;
	struct vlist *zeroed, *free;	/* [colors] */
	struct vlist standby[VMM_NPRIO];
	struct vlist mod_user, mod_system, mod_nowrite, bad;
	uint64_t zeroed_total, free_total, standby_total, modified_total;
	uint64_t slist_zero_va, slist_free_va;
	uint16_t system_color;

	/* kernel */
	uint64_t kdbg_va, kpcr_va, kprcb_va, context_va, kuser_pfn, physmem_desc_va;
	uint64_t work_pte_index;
	struct vproc *system;
	struct cpu_state cpu;
	struct phys_run img_runs[2];	/* the dump image's runs (vmm_snapshot) */

	/* processes */
	struct vproc **procs;		/* creation order = ActiveProcessLinks order */
	unsigned nprocs, cap_procs;
	uint32_t next_pid;

	struct vpool pool;
	struct vpagefile pf;
	struct vio *io;			/* in-flight I/O, oldest first */
	struct vmm_counters c;
	struct vtrace trace;
	uint64_t low_pages, high_pages;	/* balance-set thresholds */
	bool in_balance;		/* avoid recursion of the background actors */
	uint64_t protect_pfn[4];	/* paging structures pinned by the fault in progress */
	unsigned nprotect;
};

/* ---------------------------------------------------------------- small helpers */

static inline uint64_t sym_va(const struct vmm *v, uint64_t rva)
{
	(void)v; /* one kernel image per machine; kept for call sites' readability */
	return VMM_KERNEL_VA + rva;
}

static inline uint64_t pfn_db_va(uint64_t pfn)
{
	return VMM_PFN_DB_VA + pfn * 0x30;
}

static inline bool va_is_user(uint64_t va)
{
	return va < 0x0000800000000000ULL;
}

static inline struct vproc *vmm_owner(const struct vmm *v, const struct vpfn *p)
{
	return p->owner ? v->procs[p->owner - 1] : NULL;
}

static inline unsigned pte_prot(uint64_t pte)
{
	return (unsigned)((pte >> PTE_PROT_SHIFT) & 0x1F);
}

static inline uint64_t pte_pfn(uint64_t pte)
{
	return (pte & PTE_PFN_MASK) >> 12;
}

static inline bool pte_is_valid(uint64_t pte)
{
	return pte & 1;
}

static inline bool pte_is_transition(uint64_t pte)
{
	return !(pte & 1) && (pte & PTE_TRANSITION) && !(pte & PTE_PROTOTYPE);
}

static inline bool pte_is_pagefile(uint64_t pte)
{
	return !(pte & 1) && !(pte & (PTE_TRANSITION | PTE_PROTOTYPE)) && (pte >> 32);
}

/* Software PTE for protection @prot: demand zero (0x80 for RW) or decommitted (0x200). */
static inline uint64_t pte_soft(unsigned prot)
{
	return (uint64_t)(prot & 0x1F) << PTE_PROT_SHIFT;
}

static inline uint64_t pte_pagefile(unsigned prot, uint64_t off)
{
	return (off << 32) | pte_soft(prot); /* PageFileLow = 0: MmPagingFile[0] */
}

#endif
