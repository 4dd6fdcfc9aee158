/* SPDX-License-Identifier: MIT */
/*
 * The kdump-compressed ("diskdump") layout QEMU writes for dump-guest-memory format=kdump-zlib
 * (QEMU include/sysemu/dump.h and dump/dump.c create_kdump_vmcore; formats.md §1c,
 * live-lab.md §2), shared by the reader and the writer. All fields are packed and
 * little-endian; the flattened wrapper's record headers are big-endian.
 *
 *   block 0          DiskDumpHeader64 (or 32)
 *   block 1          KdumpSubHeader64, then the ELF notes (offset_note, note_size)
 *   1+sub_hdr_size   1st bitmap (PFNs in the guest's RAM blocks), then the 2nd bitmap (dumped
 *                    PFNs; the same with QEMU's dump level 1), bitmap_blocks blocks in all
 *   then             one PageDescriptor {u64 offset, u32 size, u32 flags, u64 page_flags} per
 *                    set bit of the 2nd bitmap, in PFN order; then the page data (QEMU stores
 *                    one zero page first and points every zero page at it)
 *
 * The flattened format (makedumpfile -F, what QEMU 7.2 writes) is a 4096-byte header starting
 * "makedumpfile" {char signature[16], be64 type 1, be64 version 1}, then records {be64 offset,
 * be64 size, size bytes} placing data at offsets of the file above, ended by {-1, -1}.
 */
#ifndef MMKD_TARGETS_KDUMP_DEFS_H
#define MMKD_TARGETS_KDUMP_DEFS_H

#define KDUMP_SIGNATURE "KDUMP   "
#define KDUMP_SIG_LEN 8
#define KDUMP_HEADER_VERSION 6
#define KDUMP_BLOCK_SIZE 4096

/* DiskDumpHeader64 (464 bytes). */
enum kdump_hdr64_off {
	KDH_OFF_SIGNATURE = 0,
	KDH_OFF_HEADER_VERSION = 8,
	KDH_OFF_UTSNAME = 12,	    /* 6 x 65 bytes: sysname nodename release version machine
				       domainname */
	KDH_OFF_MACHINE = 12 + 4 * 65,
	KDH64_OFF_STATUS = 424,	    /* after timestamp[22] at 402 */
	KDH64_OFF_BLOCK_SIZE = 428,
	KDH64_OFF_SUB_HDR_SIZE = 432,
	KDH64_OFF_BITMAP_BLOCKS = 436,
	KDH64_OFF_MAX_MAPNR = 440,
	KDH64_OFF_NR_CPUS = 460,
	KDH64_SIZE = 464,
};

/* DiskDumpHeader32 (452 bytes; timestamp[10] at 402). */
enum kdump_hdr32_off {
	KDH32_OFF_STATUS = 412,
	KDH32_OFF_BLOCK_SIZE = 416,
	KDH32_OFF_SUB_HDR_SIZE = 420,
	KDH32_OFF_BITMAP_BLOCKS = 424,
	KDH32_OFF_MAX_MAPNR = 428,
	KDH32_OFF_NR_CPUS = 448,
	KDH32_SIZE = 452,
};

/* KdumpSubHeader64 (104 bytes). */
enum kdump_sub64_off {
	KDS64_OFF_PHYS_BASE = 0,
	KDS64_OFF_DUMP_LEVEL = 8,
	KDS64_OFF_OFFSET_VMCOREINFO = 32,
	KDS64_OFF_SIZE_VMCOREINFO = 40,
	KDS64_OFF_OFFSET_NOTE = 48,
	KDS64_OFF_NOTE_SIZE = 56,
	KDS64_OFF_MAX_MAPNR_64 = 96,
	KDS64_SIZE = 104,
};

/* KdumpSubHeader32 (80 bytes, packed). */
enum kdump_sub32_off {
	KDS32_OFF_OFFSET_NOTE = 32,  /* u64 */
	KDS32_OFF_NOTE_SIZE = 40,    /* u32 */
	KDS32_OFF_MAX_MAPNR_64 = 72, /* u64 */
	KDS32_SIZE = 80,
};

/* PageDescriptor. */
#define KDUMP_PD_SIZE 24
#define KDUMP_PD_OFF_OFFSET 0
#define KDUMP_PD_OFF_SIZE 8
#define KDUMP_PD_OFF_FLAGS 12

/* Compression flags (status and PageDescriptor.flags). */
#define KDUMP_ZLIB 0x1
#define KDUMP_LZO 0x2
#define KDUMP_SNAPPY 0x4
#define KDUMP_ZSTD 0x20

/* Flattened format. */
#define MDF_SIGNATURE "makedumpfile"
#define MDF_HEADER_SIZE 4096
#define MDF_TYPE_FLAT 1
#define MDF_VERSION_FLAT 1
#define MDF_RECORD_HDR 16

#endif
