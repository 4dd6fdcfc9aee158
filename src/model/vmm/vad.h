/* SPDX-License-Identifier: MIT */
/*
 * VADs of the reference VMM: private allocations as _MMVAD_SHORT nodes in nonpaged pool
 * ('VadS'), kept in an AVL tree whose root hangs from EPROCESS.VadRoot (an _MM_AVL_TABLE
 * whose BalancedRoot is a sentinel: the real root is BalancedRoot.RightChild, its parent the
 * sentinel), with u1.Balance = height(right) - height(left) in the low bits of u1.Parent
 * (structures.md §5, B:2312-2371). The UMAB bits of the VAs below 2 GB follow the VADs
 * (one bit per 64 KB, B:2604-2632).
 */
#ifndef MMKD_MODEL_VMM_VAD_H
#define MMKD_MODEL_VMM_VAD_H

#include <stdbool.h>
#include <stdint.h>

struct err;
struct vmm;
struct vproc;
struct vad;

/** vmm_vad_find() - the VAD of @p containing @vpn, or NULL. */
struct vad *vmm_vad_find(const struct vproc *p, uint64_t vpn);

/** vad_overlaps() - does any VAD of @p intersect [@start_vpn, @end_vpn]? */
bool vad_overlaps(const struct vproc *p, uint64_t start_vpn, uint64_t end_vpn);

/**
 * vad_find_free() - the lowest 64 KB-aligned range of @npages free pages at or above 64 KB
 * below MmHighestUserAddress (MiFindEmptyAddressRange's bottom-up search, B:2620-2622).
 */
struct err *vad_find_free(const struct vproc *p, uint64_t npages, uint64_t *start_vpn_ret);

/**
 * vad_insert() - create a private VAD [@start_vpn, @end_vpn] with protection @prot,
 * MemCommit @mem_commit and CommitCharge @commit, and insert it (rebalancing).
 */
struct err *vad_insert(struct vmm *v, struct vproc *p, uint64_t start_vpn, uint64_t end_vpn,
		       unsigned prot, bool mem_commit, uint64_t commit, struct vad **ret);

/** vad_delete() - remove @d from the tree (rebalancing) and free its pool block. */
void vad_delete(struct vmm *v, struct vproc *p, struct vad *d);

/** vad_changed() - @d's fields changed (commit charge): render it with the next vad_flush(). */
void vad_changed(struct vproc *p, struct vad *d);

/** vad_flush() - render the changed nodes and the _MM_AVL_TABLE of @p. */
void vad_flush(struct vmm *v, struct vproc *p);

/** vad_first() / vad_next() - in-order (address order) iteration. */
struct vad *vad_first(const struct vproc *p);
struct vad *vad_next(const struct vad *d);

/** vad_depth() - depth of @d (root 0). */
unsigned vad_depth(const struct vad *d);

/** vad_balance() - height(right) - height(left). */
int vad_balance(const struct vad *d);

/** vad_height() - height of a subtree (NULL: 0). */
int vad_height(const struct vad *d);

/** vad_free_all() - free the C tree (process exit; pool blocks are freed by the caller). */
void vad_free_all(struct vproc *p);

#endif
