// SPDX-License-Identifier: MIT
/*
 * Raw physical memory image: byte N of the file is physical address N. Every file is a valid
 * raw image, so this probe scores lowest and wins only when nothing else claims the file.
 */
#include "target_formats.h"

#include <stdio.h>

#include "core/err.h"
#include "core/util.h"

static struct err *raw_probe(const struct target_src *src, int *score_ret)
{
	/* Page-multiple files are the usual shape of a raw image. */
	*score_ret = (src->len && (src->len % PAGE_SIZE) == 0) ? 2 : 1;
	return NULL;
}

static struct err *raw_open(struct target *t)
{
	snprintf(t->format, sizeof(t->format), "raw physical memory");
	return target_add_run(t, 0, t->src.len & ~(PAGE_SIZE - 1), 0);
}

const struct target_ops target_raw_ops = {
	.name = "raw",
	.probe = raw_probe,
	.open = raw_open,
};
