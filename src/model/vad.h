/* SPDX-License-Identifier: MIT */
/*
 * VADs, read side (structures.md §5): _MMVAD_SHORT/_MMVAD nodes of a process's AVL tree,
 * walked in address order, bounded in depth and count and cycle-safe.
 */
#ifndef MMKD_MODEL_VAD_H
#define MMKD_MODEL_VAD_H

#include <stdbool.h>
#include <stdint.h>

struct err;
struct kernel_info;

/* An AVL tree of a million nodes is 28 levels deep; anything beyond this depth is a loop. */
#define VAD_MAX_DEPTH 64
#define VAD_MAX_NODES 4000000

struct vad_info {
	uint64_t address;
	int level;		/* depth in the tree, root 0; -1 when looked up alone */
	uint64_t parent;	/* u1.Parent with the balance bits masked */
	int balance;
	uint64_t left, right;
	uint64_t start_vpn, end_vpn;	/* EndingVpn is inclusive (B:2371) */
	uint64_t commit_charge;		/* all ones printed as -1 (B:11858) */
	unsigned vad_type, protection;
	bool private_memory, mem_commit, no_change;
	unsigned preferred_node;
	bool is_long;			/* mapped VADs carry the _MMVAD fields */
	uint64_t subsection, first_prototype_pte, vads_process;
};

/** vad_read() - read one VAD node. */
struct err *vad_read(const struct kernel_info *k, uint64_t address, struct vad_info *ret);

/** Visitor for vad_walk(), in ascending address order. err_stop stops. */
typedef struct err *(*vad_fn)(void *arg, const struct vad_info *v);

struct vad_walk_result {
	uint64_t count;
	int max_depth;
	uint64_t level_sum;
	bool broken;
	char why[200];
};

/**
 * vad_walk() - in-order walk of the tree rooted at @root. A node that cannot be read, a
 * child whose parent pointer disagrees, a repeated node or a tree deeper than VAD_MAX_DEPTH
 * stops the walk with @res->broken (nodes already visited were reported).
 */
struct err *vad_walk(const struct kernel_info *k, uint64_t root, vad_fn fn, void *arg,
		     struct vad_walk_result *res);

/** vad_find() - the VAD containing @va (binary search down the tree, bounded). */
struct err *vad_find(const struct kernel_info *k, uint64_t root, uint64_t va,
		     struct vad_info *ret);

/** Name of a _MI_VAD_TYPE value ("VadNone", "VadImageMap", ...; structures.md §5.7). */
const char *vad_type_name(unsigned type);

#endif
