/* SPDX-License-Identifier: MIT */
/*
 * Paging structures of the reference VMM: the simulator's shadow of every table (the entries
 * it wrote, kept in C), and the single function that changes an entry, pt_write(), which
 * records the value in the shadow and writes it into simulated RAM at the entry's self-map
 * address through the owning process's auto-entry (book L1699-1868), exactly as Windows does.
 * Kernel-half tables are shared by every process, as their PML4 entries are.
 */
#ifndef MMKD_MODEL_VMM_PT_H
#define MMKD_MODEL_VMM_PT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct err;
struct field;
struct vmm;
struct vproc;
struct ptnode;

/** ptnode_new() - an empty shadow table at @level covering VAs from @base_va. NULL on ENOMEM. */
struct ptnode *ptnode_new(unsigned level, uint64_t base_va);

/**
 * ptnode_free() - free @n and the tables below it.
 * @with_kernel: also free shared kernel tables (only when destroying System's tree).
 */
void ptnode_free(struct ptnode *n, bool with_kernel);

/**
 * pt_node() - the shadow table holding the level-@level entry of @va in @p's tree.
 * Return: the table (borrowed), or NULL if a table above it does not exist.
 */
struct ptnode *pt_node(const struct vproc *p, unsigned level, uint64_t va);

/** pt_index() - index of @va's entry in a table at @level. */
unsigned pt_index(unsigned level, uint64_t va);

/** pt_get() - the level-@level entry of @va as last written (0 if its table does not exist). */
uint64_t pt_get(const struct vproc *p, unsigned level, uint64_t va);

/**
 * pt_write() - change the level-@level entry of @va: record it in the shadow and write it at
 * its self-map address through @p's auto-entry (kernel addresses through System's).
 * The table holding the entry must exist and be valid in @p's tables.
 */
struct err *pt_write(struct vmm *v, struct vproc *p, unsigned level, uint64_t va, uint64_t value);

/**
 * pt_link_table() - attach a new shadow table for the level-(@level+1) entries below the
 * level-@level entry of @va, living in page @pfn. The entry itself is not written.
 * Return: the new table (borrowed from the tree), or NULL on ENOMEM.
 */
struct ptnode *pt_link_table(struct vproc *p, unsigned level, uint64_t va, uint64_t pfn);

/** pt_unlink_table() - detach and free the table below the level-@level entry of @va. */
void pt_unlink_table(struct vproc *p, unsigned level, uint64_t va);

/** pt_used_count() - the number of non-zero entries of @n. */
unsigned pt_used_count(const struct ptnode *n);

/** pt_child() - the table below entry @index of @n (NULL if none). */
struct ptnode *pt_child(const struct ptnode *n, unsigned index);

/**
 * vmm_va_to_pa() - translate @va through @p's shadow tables (kernel VAs through System's).
 * Return: NULL, or ERR_FAULT naming @purpose when the VA is not mapped.
 */
struct err *vmm_va_to_pa(const struct vmm *v, const struct vproc *p, uint64_t va, uint64_t *pa_ret,
			 const char *purpose);

/**
 * vmm_write_va() / vmm_read_va() - copy bytes at a kernel or hyperspace VA (page crossings
 * handled), translating through the shadow.
 */
struct err *vmm_write_va(struct vmm *v, const struct vproc *p, uint64_t va, const void *buf,
			 size_t len);
struct err *vmm_read_va(const struct vmm *v, const struct vproc *p, uint64_t va, void *buf,
			size_t len);

/**
 * vmm_field_write() - read-modify-write one scalar field of a structure at @struct_va.
 * @f: the field (bitfields are merged into their storage unit).
 */
struct err *vmm_field_write(struct vmm *v, const struct vproc *p, uint64_t struct_va,
			    const struct field *f, uint64_t value);

/** vmm_kfield_write() - vmm_field_write() for kernel structures (errors are bugs: asserted). */
void vmm_kfield_write(struct vmm *v, uint64_t struct_va, const struct field *f, uint64_t value);

/** Valid-entry flags the model writes (paging.md §1 "Typical Win7 values", book E35, E55). */
#define PTE_UPPER_USER 0x867ULL	  /* P RW US A D Write */
#define PTE_UPPER_KERNEL 0x863ULL /* P RW A D Write */
#define PTE_KERNEL_DATA 0x8000000000000963ULL /* NX G Write D A RW P (KUSER_SHARED_DATA) */
#define PTE_PFN_DB 0x963ULL		      /* -G-DA--KWEV: the PFN database (book E55, E57) */
#define PTE_KERNEL_POOL 0x963ULL	      /* nonpaged pool is executable on Win7 (E60) */
#define PTE_HYPER 0x8000000000000863ULL	      /* hyperspace data: NX, no G (E35) */
#define PDE_LARGE_KERNEL 0x9E3ULL	      /* -GLDA--KWEV (E54, E68) */

#endif
