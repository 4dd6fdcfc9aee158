// SPDX-License-Identifier: MIT
/*
 * Shared helpers of the object commands. See extutil.h.
 */
#include "extutil.h"

#include <stdlib.h>

#include "core/as.h"
#include "core/err.h"
#include "model/kernel.h"
#include "model/process.h"

struct err *ext_process_as(struct ext_ctx *ctx, const struct process_info *p, struct as **ret)
{
	unsigned index;
	struct as *as;

	if (!dtb_is_pml4(ctx->s->t, p->dtb, &index))
		return err_create(ERR_FORMAT,
				  "process %#llx (%s): DirBase %#llx does not hold a PML4 with a self-map",
				  (unsigned long long)p->eprocess, p->name,
				  (unsigned long long)p->dtb);
	as = malloc(sizeof(*as));
	if (!as)
		return err_nomem;
	as_init_x64(as, ctx->s->t, p->dtb, "process");
	*ret = as;
	return NULL;
}

struct err *ext_resolve_process(struct ext_ctx *ctx, const struct ext_arg *arg,
				struct process_info *ret)
{
	if (arg && arg->set)
		return process_find(ctx->s->k, arg->u, ret);
	if (!ctx->proc_eprocess)
		return err_create(ERR_NOT_FOUND,
				  "no current process: select one with .process EPROCESS");
	return process_read(ctx->s->k, ctx->proc_eprocess, ret);
}

bool ext_snap_record_begin(struct ext_ctx *ctx, struct out *o, size_t i, bool ok, const char *why)
{
	out_record_begin(o);
	out_u64(o, "snapshot", i, OUT_DEC);
	out_str(o, "name", ctx->snaps[i].name);
	if (!ok) {
		out_printf(o, "%3zu  %-16s %s\n", i, ctx->snaps[i].name, why);
		out_str(o, "error", why);
		out_end(o);
	}
	return ok;
}
