// SPDX-License-Identifier: MIT
/*
 * .reload: re-attach a live target and forget everything read from it (DESIGN.md "Live
 * targets"). Every command already starts with fresh memory and registers; .reload also
 * re-reads the guest's RAM layout, re-chooses the access path, finds the guest again after it
 * was shut down and restarted, and makes the next command find the DTB anew.
 */
#include <inttypes.h>

#include "cmd/builtins.h"
#include "cmd/session.h"
#include "core/err.h"
#include "targets/target.h"

static struct err *reload_run(struct ext_ctx *ctx, const struct ext_args *args, struct out *o)
{
	struct session *s = ctx->session;
	struct snapshot *snap = session_snap(s);
	struct target *t;
	struct err *err;

	if (!snap)
		return err_create(ERR_INVALID_ARG, "no dump is open");
	t = snap->t;
	err = target_reload(t);
	session_snapshot_reset(snap);
	if (err)
		return err;
	t->notice[0] = '\0';
	out_printf(o, "Reloaded %s%s%s\n", t->path, t->live ? ": " : "", t->live ? t->state : "");
	out_str(o, "path", t->path);
	out_bool(o, "live", t->live);
	if (t->live) {
		out_printf(o, "Access:   %s\n", t->access);
		out_str(o, "state", t->state);
		out_str(o, "access", t->access);
	}
	return NULL;
}

const struct ext_def builtin_reload = {
	.name = ".reload",
	.summary = "re-read a live target from scratch",
	.synopsis = ".reload",
	.help = "Drops every cache of the current target and, for a live guest, attaches again: it\n"
		"re-reads the guest's RAM layout and registers, chooses the access path again, finds\n"
		"the guest anew if it was shut down and started again, and lets the next command\n"
		"find the kernel page-table root again. Memory and registers are re-read before\n"
		"every command anyway; .reload is for changes of the machine itself. On a dump it\n"
		"only drops caches.",
	.run = reload_run,
};
