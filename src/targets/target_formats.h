/* SPDX-License-Identifier: MIT */
/*
 * The operations of every file format, listed in the probe table (target_table.c).
 */
#ifndef MMKD_TARGETS_TARGET_FORMATS_H
#define MMKD_TARGETS_TARGET_FORMATS_H

#include "target.h"

extern const struct target_ops target_crashdmp_ops;
extern const struct target_ops target_elf_ops;
extern const struct target_ops target_kdump_ops;
extern const struct target_ops target_lime_ops;
extern const struct target_ops target_raw_ops;

#endif
