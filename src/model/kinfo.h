/* SPDX-License-Identifier: MIT */
/*
 * Kernel globals without symbols (formats.md §3): the KDBG block (KDDEBUGGER_DATA64), found
 * from a crash dump header's KdDebuggerDataBlock or by scanning the kernel image region for the
 * 'KDBG' tag, validated (KernBase maps an MZ page, the process list head is a kernel address),
 * then everything the memory-manager commands need: PsActiveProcessHead, the PFN database,
 * the page-list heads, the physical memory runs, and the globals the profile's symbols give
 * (RVAs from KernBase). Pure model code: reads through the kernel address space, never prints.
 */
#ifndef MMKD_MODEL_KINFO_H
#define MMKD_MODEL_KINFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/layout.h"

struct as;
struct err;
struct profile;
struct target;

/* Page lists by _MMLISTS value (structures.md §2). */
enum mm_list {
	MM_ZEROED = 0,
	MM_FREE = 1,
	MM_STANDBY = 2,
	MM_MODIFIED = 3,
	MM_MODNOWRITE = 4,
	MM_BAD = 5,
	MM_ACTIVE = 6,
	MM_TRANSITION = 7,
};

struct phys_page_run {
	uint64_t base_page;
	uint64_t page_count;
};

struct kernel_info {
	struct mm_layout l;
	struct as *kas;		 /* borrowed: kernel space */
	uint64_t kdbg_va;
	const char *kdbg_source; /* static: "crash dump header", "kernel image scan" */
	uint8_t *kdbg;		 /* owned copy of the block (l.kdbg.size bytes) */
	uint64_t kern_base;
	uint64_t ps_active_process_head; /* VA of the LIST_ENTRY */
	uint64_t system_eprocess;	 /* PsInitialSystemProcess, 0 if unknown */
	uint64_t pfn_db;		 /* value of MmPfnDatabase */
	uint64_t highest_pfn;
	uint64_t lowest_pfn;
	uint64_t number_of_physical_pages;
	struct phys_page_run *runs; /* owned: MmPhysicalMemoryBlock (or the dump's runs) */
	size_t nruns;
	bool runs_from_kernel;
	/* list heads (VAs of _MMPFNLIST); 0 when unknown */
	uint64_t head[6];		 /* by enum mm_list, totals as the kernel keeps them */
	uint64_t standby_by_priority;	 /* MmStandbyPageListByPriority[0] */
	uint64_t modified_process_list;	 /* MmModifiedProcessListByColor */
	uint64_t modified_page_list;	 /* MmModifiedPageListByColor */
	uint64_t zeroed_by_color;	 /* MmFreePagesByColor[0]: array of _MMPFNLIST */
	uint64_t free_by_color;		 /* MmFreePagesByColor[1] */
	uint64_t zero_slist, free_slist; /* MiZeroPageSlist, MiFreePageSlist arrays */
	uint32_t colors;		 /* MmSecondaryColors (or mask + 1) */
};

/**
 * kinfo_open() - bootstrap the kernel globals of a snapshot.
 * @t: the target (for its hints and runs); @kas: the kernel space (borrowed, must outlive).
 * @prof: the type profile.
 * Return: NULL, or an error saying what could not be found ("no KDBG block found ...").
 */
struct err *kinfo_open(struct target *t, struct as *kas, const struct profile *prof,
		       struct kernel_info **ret);

void kinfo_destroy(struct kernel_info *k);

/** kinfo_symbol() - VA of a kernel global from its RVA in the layout (kern_base + rva). */
uint64_t kinfo_symbol(const struct kernel_info *k, uint64_t rva);

/** kinfo_read_ptr() - read a pointer-sized global (e.g. MmAvailablePages) at @va. */
struct err *kinfo_read_u64(const struct kernel_info *k, uint64_t va, uint64_t *ret,
			   const char *what);

/** kinfo_is_ram_pfn() - is @pfn inside one of the physical memory runs? */
bool kinfo_is_ram_pfn(const struct kernel_info *k, uint64_t pfn);

/** kinfo_ram_pages() - total pages in the runs. */
uint64_t kinfo_ram_pages(const struct kernel_info *k);

/**
 * kdbg_check() - is @buf (at least the KDBG size) a plausible KDDEBUGGER_DATA64: 'KDBG' tag,
 * a size field covering the Windows 7 fields, kernel-half pointers.
 */
bool kdbg_check(const struct mm_layout *l, const uint8_t *buf, size_t len);

#endif
