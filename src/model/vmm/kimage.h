/* SPDX-License-Identifier: MIT */
/*
 * Boot of the reference VMM's machine and its kernel: the PE-shaped kernel image at
 * 0xFFFFF800'00200000 (= physical 0x200000, mapped by one 2 MiB page as in book E68), its
 * globals and KDDEBUGGER_DATA64 at the profile's symbol RVAs (KDBG fields hold the globals'
 * addresses, formats.md §1b), the KPCR/KPRCB of CPU 0 with a CONTEXT for win-dmp, the
 * KUSER_SHARED_DATA page, the PFN database with the per-color list heads after it and
 * nonpaged pool after those (B:14504-14622), the System process, and CPU 0's registers and
 * MSRs (PAT 0x0007010600070106, B:1332; MTRRs describing RAM as write-back).
 */
#ifndef MMKD_MODEL_VMM_KIMAGE_H
#define MMKD_MODEL_VMM_KIMAGE_H

#include <stdint.h>

struct err;
struct vmm;

/** kimage_boot() - lay out the whole machine for @v (ram, colors, selfmap set). */
struct err *kimage_boot(struct vmm *v);

/** kimage_sync_globals() - render the kernel counters and the KDBG list-head totals. */
void kimage_sync_globals(struct vmm *v);

/**
 * vmm_protect_mask() - MmProtectToPteMask[@prot]: the valid-PTE bits (0-11 and 63) for a
 * protection (B:4205-4233, paging.md §4).
 */
uint64_t vmm_protect_mask(unsigned prot);

/** kimage_symbol() - VA of a kernel global by name (ERR_LAYOUT if the profile lacks it). */
struct err *kimage_symbol(const struct vmm *v, const char *name, uint64_t *va_ret);

#endif
