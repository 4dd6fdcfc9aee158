// SPDX-License-Identifier: MIT
/*
 * .process [/p] [/r] [EPROCESS]: the process context that user-mode addresses translate in.
 */
#include <inttypes.h>

#include "cmd/builtins.h"
#include "cmd/session.h"
#include "core/err.h"
#include "core/util.h"
#include "model/kernel.h"
#include "model/kinfo.h"
#include "model/process.h"

static struct err *dotprocess_run(struct ext_ctx *ctx, const struct ext_args *args, struct out *o)
{
	struct session *s = ctx->session;
	struct snapshot *snap = session_snap(s);
	struct process_info p;
	unsigned index;
	struct err *err;

	if (!args->a[2].set) {
		err = process_read(snap->k, ctx->proc_eprocess, &p);
		if (err)
			return err;
		out_printf(o, "Implicit process is %016" PRIx64 " (%s)%s\n", p.eprocess, p.name,
			   s->have_proc ? "" : ", the default");
		out_u64(o, "eprocess", p.eprocess, OUT_HEX);
		out_str(o, "name", p.name);
		out_bool(o, "explicit", s->have_proc);
		return NULL;
	}
	if (args->a[2].u == 0) {
		s->have_proc = false;
		out_printf(o, "Implicit process is now the default (%016" PRIx64 ")\n",
			   snap->cur_eprocess);
		out_u64(o, "eprocess", snap->cur_eprocess, OUT_HEX);
		out_bool(o, "explicit", false);
		return NULL;
	}
	err = process_find(snap->k, args->a[2].u, &p);
	if (err)
		return err;
	if (!dtb_is_pml4(snap->t, p.dtb, &index))
		return err_create(ERR_FORMAT,
				  "process %016" PRIx64 " (%s): DirBase %" PRIx64
				  " does not hold a PML4 with a self-map; context not changed",
				  p.eprocess, p.name, p.dtb);
	s->have_proc = true;
	s->proc_eprocess = p.eprocess;
	s->proc_dtb = p.dtb;
	as_init_x64(&s->proc_as, snap->t, p.dtb, "process");
	out_printf(o, "Implicit process is now %016" PRIx64 " (%s)\n", p.eprocess, p.name);
	out_u64(o, "eprocess", p.eprocess, OUT_HEX);
	out_str(o, "name", p.name);
	out_u64(o, "dtb", p.dtb, OUT_HEX);
	out_bool(o, "explicit", true);
	return NULL;
}

static const struct ext_opt dotprocess_opts[] = {
	{ "/p", OPT_FLAG, false, false, "accepted for WinDbg compatibility (always in effect)" },
	{ "/r", OPT_FLAG, false, false, "accepted for WinDbg compatibility" },
	{ "EPROCESS", OPT_PROCESS, true, false, "EPROCESS address, pid or image name; 0 resets" },
	{ 0 },
};

const struct ext_def builtin_dotprocess = {
	.name = ".process",
	.summary = "set or show the current process context",
	.synopsis = ".process [/p] [/r] [EPROCESS|PID|IMAGE]",
	.help = "Makes user-mode addresses translate through EPROCESS's page tables (its DirBase)\n"
		"for !pte, db, u, dt, !vad, !wsle and the rest; a pid is accepted too, and 0\n"
		"returns to the default (the process whose DirBase was in the CPU's CR3, or\n"
		"System). Without an argument, shows the current process. A process whose DirBase\n"
		"does not hold a PML4 is refused.",
	.opts = dotprocess_opts,
	.needs = NEEDS_KERNEL,
	.run = dotprocess_run,
};
