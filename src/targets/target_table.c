// SPDX-License-Identifier: MIT
/*
 * The probe table: every file format, in probe order. The highest score wins; ties go to the
 * earlier entry. To add a format: write target_<fmt>.c exporting target_<fmt>_ops, declare it
 * in target_formats.h, list it here and in Makefile.am, and add a fuzz harness.
 */
#include "target_formats.h"

#include "core/util.h"

const struct target_ops *const target_table[] = {
	&target_crashdmp_ops,
	&target_elf_ops,
	&target_kdump_ops,
	&target_lime_ops,
	&target_raw_ops,
};

const size_t target_table_len = ARRAY_SIZE(target_table);
