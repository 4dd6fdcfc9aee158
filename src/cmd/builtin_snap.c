// SPDX-License-Identifier: MIT
/*
 * .snap [N]: the snapshot series (several dumps on the command line, or the in-process
 * model's steps): list them, or make snapshot N current for every following command.
 */
#include <inttypes.h>

#include "cmd/builtins.h"
#include "cmd/session.h"
#include "core/err.h"
#include "core/util.h"
#include "targets/target.h"

static struct err *snap_run(struct ext_ctx *ctx, const struct ext_args *args, struct out *o)
{
	struct session *s = ctx->session;
	size_t i;

	if (!s->nsnaps)
		return err_create(ERR_INVALID_ARG, "no dump is open");
	if (args->a[0].set) {
		struct err *err = args->a[0].u >= s->nsnaps
					  ? err_create(ERR_INVALID_ARG,
						       "no snapshot %" PRIu64 " (the series has %zu: 0-%zu)",
						       args->a[0].u, s->nsnaps, s->nsnaps - 1)
					  : session_select(s, (size_t)args->a[0].u, o);

		if (err)
			return err;
	}
	out_list_begin(o, "snapshots");
	for (i = 0; i < s->nsnaps; i++) {
		out_printf(o, "%s %3zu  %-28s %s\n", i == s->cur ? ">" : " ", i, s->snaps[i].name,
			   s->snaps[i].t->format);
		out_record_begin(o);
		out_u64(o, "index", i, OUT_DEC);
		out_str(o, "name", s->snaps[i].name);
		out_str(o, "format", s->snaps[i].t->format);
		out_bool(o, "current", i == s->cur);
		out_end(o);
	}
	out_end(o);
	out_u64(o, "current", s->cur, OUT_DEC);
	return NULL;
}

static const struct ext_opt snap_opts[] = {
	{ "N", OPT_U64, true, false, "make snapshot N current" },
	{ 0 },
};

const struct ext_def builtin_snap = {
	.name = ".snap",
	.summary = "list the snapshot series or select the current snapshot",
	.synopsis = ".snap [N]",
	.help = "Several dumps on the command line (mmkd s1.dmp s2.dmp s3.dmp, any formats) form an\n"
		"ordered series; so do the steps of mmkd --model. Without an argument, lists them\n"
		"and marks the current one (>); with N, makes snapshot N current: every command then\n"
		"runs on it, and the .process context follows the same EPROCESS.",
	.opts = snap_opts,
	.run = snap_run,
};
