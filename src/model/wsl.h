/* SPDX-License-Identifier: MIT */
/*
 * Working set lists, read side (structures.md §8): the _MMWSL header of a process (in its
 * hyperspace, read through the process's address space) and its _MMWSLE entries.
 */
#ifndef MMKD_MODEL_WSL_H
#define MMKD_MODEL_WSL_H

#include <stdbool.h>
#include <stdint.h>

struct as;
struct err;
struct kernel_info;

/* Largest WSLE index examined: 8 TB of user VA in 4 KiB pages is 2^31 entries; a real
 * working set list this large cannot be mapped, so stop far earlier. */
#define WSL_MAX_ENTRIES (1U << 26)

struct wsl_info {
	uint64_t address;	/* VA of the _MMWSL */
	uint32_t first_free, first_dynamic, last_entry, next_slot, last_initialized,
		next_aging_slot, nondirect_count, last_vad_bit;
	uint64_t wsle;		/* VA of Wsle[0] */
	uint64_t lowest_pagable, nondirect_hash, hash_table_start, highest_permitted_hash;
};

struct wsle_info {
	uint32_t index;
	uint64_t raw;
	bool valid;
	uint64_t va;		/* page-aligned (VirtualPageNumber << 12) */
	unsigned age, protection;
	bool hashed, direct, locked;	/* locked: index below FirstDynamic (B:3010) */
	uint32_t prev_free, next_free;	/* free entries */
};

/** wsl_read() - the _MMWSL at @wsl_va in address space @pas (a process's). */
struct err *wsl_read(const struct kernel_info *k, struct as *pas, uint64_t wsl_va,
		     struct wsl_info *ret);

/** wsle_decode() - decode one 8-byte entry. */
void wsle_decode(const struct kernel_info *k, const struct wsl_info *w, uint32_t index,
		 uint64_t raw, struct wsle_info *ret);

/** Visitor: one entry; err_stop stops. */
typedef struct err *(*wsle_fn)(void *arg, const struct wsle_info *e);

/**
 * wsle_walk() - entries 0..min(LastInitializedWsle, @limit) in index order (valid ones only
 * unless @all). An unreadable entry page ends the walk with an error naming it.
 */
struct err *wsle_walk(const struct kernel_info *k, struct as *pas, const struct wsl_info *w,
		      bool all, wsle_fn fn, void *arg);

#endif
