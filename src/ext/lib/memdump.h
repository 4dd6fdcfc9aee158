/* SPDX-License-Identifier: MIT */
/*
 * Memory display shared by db/dw/dd/dq/da/du (virtual) and !db/!dd/!dq (physical), in WinDbg's
 * layout: "fffff800`02c06000  4d 5a 90 00 ...-... ...  MZ......" and "#  2c06000 4d 5a ...".
 * Unreadable bytes print as "??".
 */
#ifndef MMKD_EXT_LIB_MEMDUMP_H
#define MMKD_EXT_LIB_MEMDUMP_H

#include <stdbool.h>
#include <stdint.h>

struct as;
struct err;
struct out;

enum dump_kind {
	DUMP_BYTES = 1,
	DUMP_WORDS = 2,
	DUMP_DWORDS = 4,
	DUMP_QWORDS = 8,
	DUMP_ASCII = 16,
	DUMP_UNICODE = 17,
};

/** Largest element count one display accepts. */
#define MEMDUMP_MAX_COUNT (1ULL << 20)

/** Default element count of a kind (db 0x80 bytes, dd 0x20 dwords, ...). */
uint64_t memdump_default_count(enum dump_kind kind);

/**
 * memdump() - display @count elements at @addr.
 * @physical: use the !db layout ("#" and an 8-column physical address).
 * Return: NULL, or the fault if no byte at all could be read.
 */
struct err *memdump(struct out *o, struct as *as, uint64_t addr, uint64_t count,
		    enum dump_kind kind, bool physical);

#endif
