// SPDX-License-Identifier: MIT
/*
 * The table of ! commands, sorted by name (tests/unit/test_meta checks order and that every
 * entry has golden tests and a man page section).
 */
#include "ext/ext_table.h"

#include <string.h>

#include "core/util.h"

const struct ext_def *const ext_table[] = {
	&ext_db,
	&ext_dd,
	&ext_dq,
	&ext_memusage,
	&ext_mmcheck,
	&ext_pfn,
	&ext_pfnhist,
	&ext_pfnlist,
	&ext_process,
	&ext_pte,
	&ext_ptov,
	&ext_vad,
	&ext_vahist,
	&ext_vm,
	&ext_vtop,
	&ext_wsle,
};

const size_t ext_table_len = ARRAY_SIZE(ext_table);

const struct ext_def *ext_find(const char *name)
{
	size_t i;

	for (i = 0; i < ext_table_len; i++)
		if (!strcmp(ext_table[i]->name, name))
			return ext_table[i];
	return NULL;
}
