/* SPDX-License-Identifier: MIT */
/*
 * Page-table descriptions (*.ptd): the first dump builder's input language. Each statement
 * is one line ('#' starts a comment):
 *
 *   ram SIZE                         machine RAM (SIZE: hex 0x.., decimal, or with K/M/G)
 *   pml4 PA [selfmap INDEX] [value V] create the PML4 at PA with its auto-entry
 *                                    (default index 0x1ED, value PA|0x863)
 *   alloc PA                         next free page for paging structures the builder creates
 *   map VA PA [4K|2M] [FLAGS]        map a page; FLAGS are the low 12 bits and bit 63 (hex),
 *                                    default 0x863 kernel / 0x8000000000000867 user
 *   entry pxe|ppe|pde|pte VA VALUE   write the raw entry of VA at its self-map address,
 *                                    creating missing upper tables
 *   qword PA VALUE | string PA TEXT | fill PA LEN BYTE   physical memory content
 *   hole PA LEN                      no RAM there (a gap between the dump's physical runs)
 *   cpu N REG VALUE [REG VALUE...]   registers of CPU N (rax..r15, rip, rflags, cr0, cr2,
 *                                    cr3, cr4, cr8, efer, cs ds es fs gs ss, fsbase, gsbase,
 *                                    kernelgsbase, gdtbase, gdtlimit, idtbase, idtlimit)
 *   msr N INDEX VALUE                an MSR value recorded for CPU N
 *   hint kdbg|pfndb|psactivehead|psloadedmodulelist|nprocessors VALUE
 *                                    a value a crash dump header carries
 *
 * The builder records what it wrote; the truth file it emits is that record, independent of
 * the analyzer's read path.
 */
#ifndef MMKD_MODEL_VMM_PTDESC_H
#define MMKD_MODEL_VMM_PTDESC_H

#include <stdio.h>

#include <jansson.h>

#include "model/vmm/physmem.h"
#include "model/vmm/ptbuild.h"
#include "targets/target.h"

struct err;

struct ptdesc {
	struct physmem pm;
	struct ptbuild b;
	bool have_pml4;
	uint64_t next_alloc;	/* bump allocator for new table pages */
	json_t *truth;		/* {"dtb", "selfmap_index", "entries": [...], "maps": [...]} */
	json_t *entries;	/* borrowed from truth */
	json_t *maps;		/* borrowed from truth */
	struct phys_run *runs;	/* RAM runs: [0, ram) minus the holes (owned) */
	size_t nruns;
	struct cpu_state *cpus;	/* CPU N of the cpu/msr statements (owned, with their msrs) */
	size_t ncpus;
	struct target_hints hints; /* from hint statements (dtb: the pml4) */
};

/**
 * ptdesc_build() - run a description file.
 * @name: file name for messages. Return: NULL or an error naming the line.
 */
struct err *ptdesc_build(struct ptdesc *d, FILE *f, const char *name);
void ptdesc_deinit(struct ptdesc *d);

#endif
