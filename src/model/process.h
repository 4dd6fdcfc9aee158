/* SPDX-License-Identifier: MIT */
/*
 * Processes, read side: _EPROCESS fields (structures.md §6-7) and a bounded, cycle-safe walk
 * of PsActiveProcessHead / ActiveProcessLinks.
 */
#ifndef MMKD_MODEL_PROCESS_H
#define MMKD_MODEL_PROCESS_H

#include <stdbool.h>
#include <stdint.h>

struct err;
struct kernel_info;

/* A walk never visits more than this many processes (hostile lists). */
#define PROCESS_WALK_MAX 1000000

struct process_info {
	uint64_t eprocess;
	uint64_t pid, parent_pid;
	char name[16];			/* ImageFileName, NUL-terminated */
	uint64_t dtb;			/* Pcb.DirectoryTableBase */
	uint64_t vad_root;		/* root VAD node (VadRoot.BalancedRoot.RightChild) */
	uint64_t vad_count;		/* VadRoot.NumberGenericTableElements */
	uint64_t peb, object_table, session, token;
	uint64_t commit_charge, commit_charge_peak, virtual_size, peak_virtual_size;
	uint64_t private_pages;
	uint32_t modified_pages, active_threads;
	uint32_t ws_size, ws_peak, ws_min, ws_max, ws_private, page_fault_count,
		hard_fault_count, repurpose_count;
	uint32_t ws_type;
	bool ws_max_hard;
	uint64_t wsl;			/* Vm.VmWorkingSetList */
	uint32_t next_page_color;
	int64_t create_time;
	uint32_t flags, flags2;
	unsigned header_type;		/* Pcb.Header.Type: 3 for a process */
};

/** process_read() - read the EPROCESS at @eprocess. */
struct err *process_read(const struct kernel_info *k, uint64_t eprocess, struct process_info *ret);

/** Visitor: one process; return err_stop to stop. */
typedef struct err *(*process_fn)(void *arg, const struct process_info *p);

struct process_walk_result {
	uint64_t count;
	bool broken;	/* the list is corrupt: see why */
	char why[200];
};

/**
 * process_walk() - every process on ActiveProcessLinks, in list order. A link that cannot be
 * read, does not point back (Blink), or loops stops the walk with @res->broken and a reason;
 * the processes before it were visited.
 */
struct err *process_walk(const struct kernel_info *k, process_fn fn, void *arg,
			 struct process_walk_result *res);

/**
 * process_find() - a process by EPROCESS address or by pid (a value that is not a kernel
 * address is taken as a pid). ERR_NOT_FOUND when there is none.
 */
struct err *process_find(const struct kernel_info *k, uint64_t addr_or_pid,
			 struct process_info *ret);

/**
 * process_is_linked() - is the process at @eprocess still on the active process list (its
 * ActiveProcessLinks.Flink's Blink points back at it)? An exited process is unlinked.
 */
bool process_is_linked(const struct kernel_info *k, uint64_t eprocess);

/**
 * process_find_name() - the one process whose ImageFileName is @name (case-insensitive;
 * ImageFileName keeps 15 characters, so a longer @name matches its first 15).
 * Return: NULL; ERR_NOT_FOUND when none has it; ERR_INVALID_ARG naming the pids when
 * several do.
 */
struct err *process_find_name(const struct kernel_info *k, const char *name,
			      struct process_info *ret);

#endif
