/* SPDX-License-Identifier: MIT */
/*
 * The extension table: every ! command, sorted by name.
 */
#ifndef MMKD_EXT_EXT_TABLE_H
#define MMKD_EXT_EXT_TABLE_H

#include <stddef.h>

#include "ext/ext.h"

extern const struct ext_def ext_db;
extern const struct ext_def ext_dd;
extern const struct ext_def ext_dq;
extern const struct ext_def ext_memusage;
extern const struct ext_def ext_mmcheck;
extern const struct ext_def ext_pfn;
extern const struct ext_def ext_pfnhist;
extern const struct ext_def ext_pfnlist;
extern const struct ext_def ext_process;
extern const struct ext_def ext_pte;
extern const struct ext_def ext_ptov;
extern const struct ext_def ext_vad;
extern const struct ext_def ext_vahist;
extern const struct ext_def ext_vm;
extern const struct ext_def ext_vtop;
extern const struct ext_def ext_wsle;

extern const struct ext_def *const ext_table[];
extern const size_t ext_table_len;

/** ext_find() - look up an extension by name (without '!'). */
const struct ext_def *ext_find(const char *name);

#endif
