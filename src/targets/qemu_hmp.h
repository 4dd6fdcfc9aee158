/* SPDX-License-Identifier: MIT */
/*
 * Parsers for the text QEMU's human monitor (HMP) prints, as live targets receive it through
 * libvirt's monitor passthrough or QMP's human-monitor-command (formats.md §1d):
 *   - `info registers [-a]`: every vCPU's general, segment, control registers and EFER;
 *   - `info mtree -f`: the flattened guest-physical memory map, i.e. which ranges of the
 *     system address space are RAM and at which offset of which RAM block they live. This is
 *     how the live targets bound reads (a peek past the end of RAM silently returns zeros,
 *     live-lab.md §4) and map a shared memory-backend-file (formats.md §1d: "Always prefer
 *     info mtree -f over guessing").
 * The input is untrusted text: every field is bounded and a malformed line is an ERR_FORMAT
 * naming the line.
 */
#ifndef MMKD_TARGETS_QEMU_HMP_H
#define MMKD_TARGETS_QEMU_HMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "targets/target.h"

struct err;

/** A guest-physical range backed by a RAM block (one `info mtree -f` line). */
struct qemu_ram_range {
	uint64_t start_pa;
	uint64_t len;
	uint64_t block_off; /* offset inside the RAM block (the "@..." of the line, or 0) */
	char block[64];	    /* the memory region's name: "pc.ram", "ram-node0" */
	bool readonly;	    /* "rom": shadowed read-only by the chipset (still RAM) */
};

/**
 * qemu_hmp_parse_registers() - parse `info registers` or `info registers -a`.
 * @text: the monitor's reply.
 * @cpus_ret: a new array of CPU states (caller frees; the msrs arrays too), one per "CPU#N"
 *            section (one if the text has no such header).
 * @ncpus_ret: its length.
 * Return: NULL, or ERR_FORMAT when no register could be read.
 *
 * Filled: general registers, rip, rflags (REG_GPR); cr0, cr2, cr3, cr4 (REG_CR); segment
 * selectors (REG_SEG) and fs/gs bases (REG_SEGBASE); gdt/idt (REG_DESC); efer (REG_EFER), also recorded as
 * MSR 0xC0000080 together with FS.base (0xC0000100) and GS.base (0xC0000101). HMP does not
 * print KERNEL_GS_BASE, LSTAR or PAT, so those MSRs stay unrecorded.
 */
struct err *qemu_hmp_parse_registers(const char *text, struct cpu_state **cpus_ret,
				     size_t *ncpus_ret);

/**
 * qemu_hmp_parse_mtree() - the RAM ranges of the system address space ("memory") in
 * `info mtree -f` output.
 * @blocks: names of the guest RAM blocks to keep (query-memdev ids, e.g. "pc.ram"); ranges
 *          of other regions (pc.bios, option ROMs, MMIO) are left out.
 * @ranges_ret: a new array sorted by address (caller frees); @nranges_ret: its length.
 * Return: NULL, or ERR_FORMAT when the text has no "memory" flat view or a malformed line.
 */
struct err *qemu_hmp_parse_mtree(const char *text, const char *const *blocks, size_t nblocks,
				 struct qemu_ram_range **ranges_ret, size_t *nranges_ret);

/** qemu_hmp_free_cpus() - free an array from qemu_hmp_parse_registers(). */
void qemu_hmp_free_cpus(struct cpu_state *cpus, size_t ncpus);

#endif
