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

/** Writers (writer_<fmt>.c). */
struct err *writer_raw(const struct dump_image *img, const char *path);

/** Helpers for writers: is page @pfn present in the image? */
bool dump_image_page_present(const struct dump_image *img, uint64_t pfn);

#endif
