/* SPDX-License-Identifier: MIT */
/*
 * Dump writers: one physical memory image in, one file out, in any format mmkd reads. The
 * reference VMM (mmkd-model) writes its golden dumps through these. Writers never modify the
 * image; pages outside the present bitmap are written as holes (sparse files) where the
 * format allows it.
 */
#ifndef MMKD_TARGETS_WRITER_H
#define MMKD_TARGETS_WRITER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "targets/target.h"

struct err;

struct dump_image {
	const uint8_t *mem;	     /* physical memory from address 0 */
	uint64_t mem_size;	     /* bytes of @mem */
	const struct phys_run *runs; /* RAM ranges (file_off unused), sorted */
	size_t nruns;
	const uint64_t *present;     /* optional bitmap (bit n: page n may be non-zero) */
	const struct cpu_state *cpus;
	size_t ncpus;
	struct target_hints hints;   /* for crash dump headers */
};

/**
 * dump_write() - write @img to @path in @format ("raw", ...).
 * Return: NULL, ERR_INVALID_ARG for an unknown format, or an I/O error naming the file.
 */
struct err *dump_write(const struct dump_image *img, const char *format, const char *path);

/** The formats dump_write() accepts, comma separated ("raw,elf,..."). */
const char *dump_write_formats(void);

/* Writers (writer_<fmt>.c), one per format name. Each writes every page of @img's runs;
 * pages absent from the present bitmap and zero pages become holes where the format allows. */
/** writer_raw() - physical memory from address 0 (holes for gaps between runs). */
struct err *writer_raw(const struct dump_image *img, const char *path);
/** writer_elf() - an ELF core shaped like QEMU's dump-guest-memory paging=false. */
struct err *writer_elf(const struct dump_image *img, const char *path);
/** writer_dmp() - a Windows full crash dump (DumpType 1). */
struct err *writer_dmp(const struct dump_image *img, const char *path);
/** writer_dmp_bitmap() - a Windows bitmap crash dump (DumpType 5, 'FDMP'). */
struct err *writer_dmp_bitmap(const struct dump_image *img, const char *path);
/** writer_lime() - LiME, one segment per run. */
struct err *writer_lime(const struct dump_image *img, const char *path);
/** writer_kdump() - QEMU's kdump-zlib: makedumpfile's flattened format (QEMU 7.2). */
struct err *writer_kdump(const struct dump_image *img, const char *path);
/** writer_kdump_raw() - the same kdump-compressed file without flattening (QEMU 8.2+
 * kdump-raw-zlib, makedumpfile's own output). */
struct err *writer_kdump_raw(const struct dump_image *img, const char *path);
/** writer_vmcoreinfo() - not a dump: the VMCOREINFO ELF note (24 + 0x2000 bytes) holding
 * @img's DUMP_HEADER64 that a Windows guest registers with QEMU's -device vmcoreinfo for
 * dump-guest-memory format=win-dmp. ERR_UNSUPPORTED without a DTB and KDBG in the hints. */
struct err *writer_vmcoreinfo(const struct dump_image *img, const char *path);

/**
 * dmp_build_header() - the 0x2000-byte DUMP_HEADER64 a Windows 64-bit crash dump of @img starts
 * with: unused bytes hold 'PAGE' as Windows leaves them; DirectoryTableBase, PfnDataBase,
 * PsLoadedModuleList, PsActiveProcessHead and KdDebuggerDataBlock come from @img->hints,
 * the PhysicalMemoryBlock from @img->runs, the CONTEXT from CPU 0, NumberProcessors from the
 * CPU count. This is also the header a Windows guest registers with QEMU through
 * -device vmcoreinfo for QEMU's win-dmp format (live-lab.md §3.4).
 * @bitmap: DumpType 5 (bitmap, 'FDMP' with every page of the runs) instead of 1 (full).
 * @hdr: DMP_HEADER_SIZE (0x2000) bytes, written.
 * Return: NULL, or ERR_UNSUPPORTED when a full dump would need more than 42 runs.
 */
struct err *dmp_build_header(const struct dump_image *img, bool bitmap, uint8_t *hdr);

/* ---- helpers for writers ---- */

/** dump_image_page_present() - may page @pfn be non-zero (inside memory and the bitmap)? */
bool dump_image_page_present(const struct dump_image *img, uint64_t pfn);

/**
 * dump_image_check() - the runs are page-aligned, sorted, inside the image memory.
 * Return: NULL or ERR_INVALID_ARG.
 */
struct err *dump_image_check(const struct dump_image *img);

/**
 * dump_image_runs() - the image's RAM runs: @img->runs, or one run over the whole memory
 * (stored in @one) when the image lists none.
 * @n_ret: number of runs.
 */
const struct phys_run *dump_image_runs(const struct dump_image *img, struct phys_run *one,
				       size_t *n_ret);

/** dump_image_pages() - number of pages in the runs (the whole memory when there are none). */
uint64_t dump_image_pages(const struct dump_image *img);

/** dump_image_zero_page() - is the page at @pfn absent from the bitmap or all zero? */
bool dump_image_zero_page(const struct dump_image *img, uint64_t pfn);

/**
 * dump_write_pages() - pwrite the non-zero pages [@pfn, @pfn + @count) of @img to @fd at
 * @file_off (consecutively), leaving holes for zero pages.
 * @path: for messages.
 */
struct err *dump_write_pages(const struct dump_image *img, int fd, uint64_t pfn, uint64_t count,
			     uint64_t file_off, const char *path);

/** dump_write_at() - pwrite all of @buf at @off, or an ERR_OS naming @path. */
struct err *dump_write_at(int fd, const void *buf, size_t len, uint64_t off, const char *path);

/**
 * dump_create() - create (truncate) @path for writing.
 * @fd_ret: the descriptor; close it with dump_close().
 */
struct err *dump_create(const char *path, int *fd_ret);

/** dump_close() - size the file to @size (holes past the data), close it, merge errors:
 * @err is returned unchanged if set, otherwise an error from ftruncate/close. */
struct err *dump_close(int fd, uint64_t size, const char *path, struct err *err);

#endif
