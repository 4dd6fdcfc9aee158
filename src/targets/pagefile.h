/* SPDX-License-Identifier: MIT */
/*
 * Paging file images (pagefile.sys, or the reference VMM's <snap>.pagefile.sys): page N of
 * the file is paging-file offset N, as a software PTE's PageFileHigh names it (PageFileLow
 * names the file, 0-15). Opened read-only and mapped; a read past the end is an error naming
 * the file and offset.
 */
#ifndef MMKD_TARGETS_PAGEFILE_H
#define MMKD_TARGETS_PAGEFILE_H

#include <stddef.h>
#include <stdint.h>

struct err;

/* PageFileLow is 4 bits: MmPagingFile[0..15]. */
#define PAGEFILE_MAX 16

struct target;

struct pagefile_image {
	char *path;
	int fd;
	const uint8_t *map;
	uint64_t len;
	struct target *t;	/* instead of a file: its physical memory is the file (owned) */
};

/** pagefile_image_open() - map @path read-only. */
struct err *pagefile_image_open(const char *path, struct pagefile_image **ret);

/**
 * pagefile_image_from_target() - a paging file whose contents are @t's memory from address 0
 * (the in-process model's snapshots of its paging file). Takes ownership of @t.
 */
struct err *pagefile_image_from_target(const char *name, struct target *t,
				       struct pagefile_image **ret);

/** pagefile_image_close() - unmap and free. NULL is fine. */
void pagefile_image_close(struct pagefile_image *pf);

/** pagefile_image_read() - @len bytes at byte @offset of the file. */
struct err *pagefile_image_read(const struct pagefile_image *pf, uint64_t offset, void *buf, size_t len);

#endif
