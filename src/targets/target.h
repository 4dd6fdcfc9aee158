/* SPDX-License-Identifier: MIT */
/*
 * Memory sources. A target gives physical memory (as runs of present pages), optionally CPU
 * registers and MSRs, and optionally "hints" the container carries (a crash dump header's
 * DirectoryTableBase, KdDebuggerDataBlock, ...). Every file target is opened read-only and
 * mmap'd; probes are listed in target_table.c and the highest score wins (LeechCore, crash).
 * A page missing from the dump is an ERR_FAULT, never a short read.
 */
#ifndef MMKD_TARGETS_TARGET_H
#define MMKD_TARGETS_TARGET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct err;

#define PAGE_SIZE 0x1000ULL
#define PAGE_SHIFT 12

/** A contiguous run of present physical memory. file_off is UINT64_MAX if not file-backed. */
struct phys_run {
	uint64_t start_pa;
	uint64_t len;
	uint64_t file_off;
};

/** A model-specific register value recorded by the target. */
struct msr_val {
	uint32_t index;
	uint64_t value;
};

enum reg_valid {
	REG_GPR = 1 << 0,  /* gpr[], rip, rflags */
	REG_CR = 1 << 1,   /* cr0, cr2, cr3, cr4 */
	REG_CR8 = 1 << 2,
	REG_SEG = 1 << 3,  /* segment selectors */
	REG_DESC = 1 << 4, /* gdt/idt bases and limits */
	REG_KGS = 1 << 5,  /* kernel_gs_base */
	REG_EFER = 1 << 6,
	REG_SEGBASE = 1 << 7, /* fs_base, gs_base (a crash dump CONTEXT has selectors only) */
};

/** Register order of gpr[]: the x86 encoding order. */
enum gpr_index {
	GPR_RAX, GPR_RCX, GPR_RDX, GPR_RBX, GPR_RSP, GPR_RBP, GPR_RSI, GPR_RDI,
	GPR_R8, GPR_R9, GPR_R10, GPR_R11, GPR_R12, GPR_R13, GPR_R14, GPR_R15,
};

struct cpu_state {
	unsigned valid; /* enum reg_valid bits */
	uint64_t gpr[16];
	uint64_t rip, rflags;
	uint64_t cr0, cr2, cr3, cr4, cr8, efer;
	uint16_t cs, ds, es, fs, gs, ss;
	uint64_t fs_base, gs_base, kernel_gs_base;
	uint64_t gdt_base, idt_base;
	uint32_t gdt_limit, idt_limit;
	struct msr_val *msrs; /* owned */
	size_t nmsrs;
};

/* PHYSICAL_MEMORY_DESCRIPTOR64 in a crash dump header holds at most 42 runs (formats.md §1a). */
#define TARGET_MAX_KERNEL_RUNS 42

/** Values supplied by the container itself (crash dump header, QEMU notes). */
struct target_hints {
	bool has_dtb;
	uint64_t dtb;
	const char *dtb_source; /* static string: "crash dump header", "CPU 0 CR3" */
	bool has_kdbg;
	uint64_t kdbg_va;
	bool has_pfn_db;
	uint64_t pfn_db; /* value or address of MmPfnDatabase, see formats.md §1c */
	bool has_ps_active_head;
	uint64_t ps_active_head;
	bool has_ps_loaded_module_list;
	uint64_t ps_loaded_module_list;
	bool has_kernel_runs; /* the runs come from the OS (PhysicalMemoryBlock) */
	uint32_t nprocessors; /* NumberProcessors of a crash dump header; 0 if unknown */
	/* The PhysicalMemoryBlock a crash dump header recorded (the OS's RAM ranges; a bitmap
	 * dump may store fewer pages). nkernel_runs = 0: not recorded. */
	size_t nkernel_runs;
	struct {
		uint64_t base_page, page_count;
	} kernel_runs[TARGET_MAX_KERNEL_RUNS];
};

/** What a probe sees: the file, opened read-only and mapped. */
struct target_src {
	const char *path;
	int fd;
	const uint8_t *map;
	uint64_t len;
};

struct target;

struct target_ops {
	const char *name; /* "raw", "elf", "crashdump", "lime", "kdump", "libvirt" */
	/** Score 0 = not mine; higher wins. */
	struct err *(*probe)(const struct target_src *src, int *score_ret);
	/** Fill @t (runs, cpus, hints, format). @t->src is set; the mapping is owned by @t. */
	struct err *(*open)(struct target *t);
	/** Optional: read for targets whose pages are not plain file ranges. */
	struct err *(*read_phys)(struct target *t, uint64_t pa, void *buf, size_t len);
	/** Optional: zero-copy page access for targets that are not one mapping (page-aligned
	 *  @page; NULL if absent). */
	const uint8_t *(*page_ptr)(struct target *t, uint64_t page);
	/** Optional: drop cached data (live targets; called before each command). */
	void (*invalidate)(struct target *t);
	/** Optional: re-attach and re-read everything (live targets; the .reload command). */
	struct err *(*reload)(struct target *t);
	/** Optional: free private data. */
	void (*close)(struct target *t);
};

struct target {
	const struct target_ops *ops;
	char *path;		/* owned; display name */
	char format[160];	/* "raw physical memory", "ELF core (QEMU)", ... */
	struct target_src src;	/* the mapping (map may be NULL for live/in-memory) */
	const uint8_t *mem;	/* for run-based reads: base that run.file_off indexes */
	struct phys_run *runs;	/* owned, sorted by start_pa, non-overlapping */
	size_t nruns;
	size_t runs_cap;	/* allocated entries of runs[] */
	bool map_borrowed;	/* src.map belongs to the caller (target_open_buffer) */
	struct cpu_state *cpus; /* owned */
	size_t ncpus;
	struct target_hints hints;
	uint32_t gen;		/* bumped by target_invalidate(): caches above compare it */
	bool live;
	/* live targets only: shown by .target, and a one-line change of state (paused, shut off)
	 * that the shell reports before the next command, then clears */
	char access[192];	/* how memory is read: "shared memory file ...", "peek ..." */
	char state[24];		/* "running", "paused", "shut off" */
	char notice[192];
	void *priv;
	/* one-entry run lookup cache */
	size_t last_run;
};

/**
 * target_open() - open a dump file, probing every known format.
 * @path: the file.
 * @format: force a format by name, or NULL to auto-detect.
 * @ret: the target (caller closes).
 */
struct err *target_open(const char *path, const char *format, struct target **ret);

/**
 * target_open_buffer() - probe and open a dump held in memory (fuzzers, tests).
 * @name: display name.
 * @buf: the dump's bytes (borrowed: must outlive the target, never written).
 * @len: its size.
 * @format: force a format by name, or NULL to auto-detect.
 * @ret: the target (caller closes).
 */
struct err *target_open_buffer(const char *name, const uint8_t *buf, uint64_t len,
			       const char *format, struct target **ret);

/**
 * target_create() - allocate an empty target for a constructor that is not file-based.
 * @ops: the format's operations (borrowed, static).
 * @name: display path/name.
 */
struct err *target_create(const struct target_ops *ops, const char *name, struct target **ret);

/** target_close() - release a target and everything it owns. NULL is fine. */
void target_close(struct target *t);

/**
 * target_read_phys() - read physical memory.
 * Return: NULL, or ERR_FAULT naming the first missing address.
 */
struct err *target_read_phys(struct target *t, uint64_t pa, void *buf, size_t len,
			     const char *purpose);

/**
 * target_page_ptr() - zero-copy access to one present page of a mapped target.
 * @pa: any address in the page.
 * Return: pointer to the start of the page, or NULL if absent or not directly mapped.
 */
const uint8_t *target_page_ptr(struct target *t, uint64_t pa);

/** target_has_page() - is the page containing @pa present in the dump? */
bool target_has_page(struct target *t, uint64_t pa);

/** target_invalidate() - drop caches (live targets); bumps t->gen. */
void target_invalidate(struct target *t);

/**
 * target_reload() - re-attach a live target and drop every cache (.reload); for other targets
 * the same as target_invalidate().
 */
struct err *target_reload(struct target *t);

/** target_max_pa() - one past the highest present physical address. */
uint64_t target_max_pa(const struct target *t);

/** target_clear_runs() - forget every run (a live target re-reading its memory map). */
void target_clear_runs(struct target *t);

/**
 * target_add_run() - append a run (constructors only); runs must be added in order.
 * Adjacent runs that are contiguous in both address and file are merged.
 */
struct err *target_add_run(struct target *t, uint64_t start_pa, uint64_t len, uint64_t file_off);

/**
 * target_add_bitmap_runs() - add one run per stretch of set bits of a page bitmap (bit n of
 * byte n / 8: PFN n), for formats that store present pages in ascending PFN order.
 * @bm: the bitmap, @nbits bits (bits past @nbits are ignored).
 * @file_off: file offset of the first present page (the rest follow, one page each), or
 *            UINT64_MAX when the pages are not plain file ranges (read_phys targets).
 * @present_ret: number of set bits.
 * @truncated_ret: set when stored pages lie past the end of the file (they are left out).
 */
struct err *target_add_bitmap_runs(struct target *t, const uint8_t *bm, uint64_t nbits,
				   uint64_t file_off, uint64_t *present_ret, bool *truncated_ret);

/** target_add_cpus() - allocate @n zeroed CPU states. */
struct err *target_add_cpus(struct target *t, size_t n);

/** target_add_msr() - record an MSR value on a CPU. */
struct err *target_add_msr(struct cpu_state *cpu, uint32_t index, uint64_t value);

/** target_cpu_msr() - look up a recorded MSR. Return: true if present. */
bool target_cpu_msr(const struct cpu_state *cpu, uint32_t index, uint64_t *ret);

/**
 * target_mem_create() - a target over a caller-owned buffer (tests, the in-process model).
 * @buf: physical memory from address 0 (borrowed; must outlive the target).
 * @len: its size; the whole buffer is one run unless runs are added afterwards with
 *       @single_run false.
 */
struct err *target_mem_create(const char *name, const uint8_t *buf, uint64_t len, bool single_run,
			      struct target **ret);

/* The probe table (target_table.c). */
extern const struct target_ops *const target_table[];
extern const size_t target_table_len;

#endif
