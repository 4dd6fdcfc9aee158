/* SPDX-License-Identifier: MIT */
/*
 * Helpers shared by the object commands (!process, !vad, !wsle, ...).
 */
#ifndef MMKD_EXT_LIB_EXTUTIL_H
#define MMKD_EXT_LIB_EXTUTIL_H

#include <stdint.h>

#include "ext/ext.h"

struct err;
struct process_info;

/**
 * ext_process_as() - an address space over @p's page tables (caller frees with free()).
 * Return: NULL, or ERR_FORMAT when the DirBase does not hold a PML4 ("wild DTB").
 */
struct err *ext_process_as(struct ext_ctx *ctx, const struct process_info *p, struct as **ret);

/**
 * ext_resolve_process() - the process an extension works on: @arg if set (EPROCESS address
 * or pid), else the current process (.process, the CPU's, or System).
 */
struct err *ext_resolve_process(struct ext_ctx *ctx, const struct ext_arg *arg,
				struct process_info *ret);

/** Format a count of pages as WinDbg does "( 1744 kb)". */
#define PAGES_KB(n) ((unsigned long long)(n) * 4)

/**
 * ext_snap_record_begin() - open the JSON record of snapshot @i of a history (its index and
 * name). When the observation failed (@ok false), print its line and error and close the
 * record. Return: @ok (the caller goes on with the record).
 */
bool ext_snap_record_begin(struct ext_ctx *ctx, struct out *o, size_t i, bool ok, const char *why);

#endif
