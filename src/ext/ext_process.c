// SPDX-License-Identifier: MIT
/*
 * !process [ADDR|PID|0] [FLAGS] [IMAGE]: processes from ActiveProcessLinks, in WinDbg's
 * layout (book B:2377-2384, B:5362-5399, B:8225-8257).
 */
#include <inttypes.h>
#include <string.h>
#include <strings.h>

#include "core/err.h"
#include "core/progress.h"
#include "core/util.h"
#include "ext/ext.h"
#include "ext/ext_table.h"
#include "model/kinfo.h"
#include "model/process.h"

struct proc_state {
	struct out *o;
	uint64_t flags;
	const char *image;
	uint64_t shown;
	struct progress prog;
	uint64_t seen;
};

static void print_process(struct out *o, const struct process_info *p, uint64_t flags)
{
	char a[18];

	out_printf(o, "PROCESS %016" PRIx64 "\n", p->eprocess);
	if (p->session)
		out_printf(o, "    SessionId: <unknown>  Cid: %04" PRIx64 "    Peb: %08" PRIx64
			      "  ParentCid: %04" PRIx64 "\n",
			   p->pid, p->peb, p->parent_pid);
	else
		out_printf(o, "    SessionId: none  Cid: %04" PRIx64 "    Peb: %08" PRIx64
			      "  ParentCid: %04" PRIx64 "\n",
			   p->pid, p->peb, p->parent_pid);
	out_printf(o, "    DirBase: %08" PRIx64 "  ObjectTable: %016" PRIx64
		      "  HandleCount: <Data Not Accessible>\n",
		   p->dtb, p->object_table);
	out_printf(o, "    Image: %s\n", p->name);
	if (flags & 1) {
		/* Private/Modified/Locked are printed with a trailing period, as in the book. */
		out_printf(o, "    VadRoot %016" PRIx64 " Vads %" PRIu64 " Clone 0 Private %" PRIu64
			      ". Modified %u. Locked 0.\n",
			   p->vad_root, p->vad_count, p->private_pages, p->modified_pages);
		out_printf(o, "    Working Set Sizes (now, min, max)  (%u, %u, %u) (%uKB, %uKB, %uKB)\n",
			   p->ws_size, p->ws_min, p->ws_max, p->ws_size * 4, p->ws_min * 4,
			   p->ws_max * 4);
		out_printf(o, "    PeakWorkingSetSize                %u\n", p->ws_peak);
		out_printf(o, "    VirtualSize                       %" PRIu64 " Mb\n",
			   p->virtual_size >> 20);
		out_printf(o, "    PeakVirtualSize                   %" PRIu64 " Mb\n",
			   p->peak_virtual_size >> 20);
		out_printf(o, "    PageFaultCount                    %u\n", p->page_fault_count);
		out_printf(o, "    HardFaultCount                    %u\n", p->hard_fault_count);
		out_printf(o, "    CommitCharge                      %" PRIu64 "\n", p->commit_charge);
		out_printf(o, "    Vm.VmWorkingSetList               %s\n", fmt_addr(a, p->wsl));
	}
	out_printf(o, "\n");
}

static void process_json(struct out *o, const struct process_info *p)
{
	out_u64(o, "eprocess", p->eprocess, OUT_HEX);
	out_u64(o, "pid", p->pid, OUT_DEC);
	out_str(o, "name", p->name);
	out_u64(o, "dtb", p->dtb, OUT_HEX);
	out_u64(o, "vad_root", p->vad_root, OUT_HEX);
	out_u64(o, "vad_count", p->vad_count, OUT_DEC);
	out_u64(o, "working_set_size", p->ws_size, OUT_DEC);
	out_u64(o, "peak_working_set_size", p->ws_peak, OUT_DEC);
	out_u64(o, "minimum_working_set_size", p->ws_min, OUT_DEC);
	out_u64(o, "maximum_working_set_size", p->ws_max, OUT_DEC);
	out_u64(o, "commit_charge", p->commit_charge, OUT_DEC);
	out_u64(o, "private_pages", p->private_pages, OUT_DEC);
	out_u64(o, "modified_pages", p->modified_pages, OUT_DEC);
	out_u64(o, "parent_pid", p->parent_pid, OUT_DEC);
	out_u64(o, "peb", p->peb, OUT_HEX);
	out_u64(o, "virtual_size", p->virtual_size, OUT_HEX);
	out_u64(o, "page_fault_count", p->page_fault_count, OUT_DEC);
	out_u64(o, "hard_fault_count", p->hard_fault_count, OUT_DEC);
	out_u64(o, "working_set_list", p->wsl, OUT_HEX);
}

static struct err *one_process(void *arg, const struct process_info *p)
{
	struct proc_state *st = arg;

	st->seen++;
	progress_update(&st->prog, st->seen, 0);
	if (st->image && strcasecmp(st->image, p->name))
		return NULL;
	print_process(st->o, p, st->flags);
	out_record_begin(st->o);
	process_json(st->o, p);
	out_end(st->o);
	st->shown++;
	return NULL;
}

static struct err *process_run(struct ext_ctx *ctx, const struct ext_args *args, struct out *o)
{
	const struct kernel_info *k = ctx->s->k;
	struct proc_state st = { o, args->a[1].set ? args->a[1].u : 3, args->a[2].s, 0, { 0 }, 0 };
	struct process_walk_result res;
	struct process_info p;
	struct err *err;

	if (!args->a[0].set || args->a[0].u) {
		/* one process: the one named, or with no argument the current one */
		err = args->a[0].set ? process_find(k, args->a[0].u, &p)
				     : process_read(k, ctx->proc_eprocess, &p);
		if (err)
			return err;
		print_process(o, &p, st.flags);
		out_list_begin(o, "processes");
		out_record_begin(o);
		process_json(o, &p);
		out_end(o);
		out_end(o);
		return NULL;
	}
	out_printf(o, "**** NT ACTIVE PROCESS DUMP ****\n");
	progress_begin(&st.prog, ctx->progress, "walking the process list");
	out_list_begin(o, "processes");
	err = process_walk(k, one_process, &st, &res);
	out_end(o);
	progress_end(&st.prog);
	if (err)
		return err;
	if (res.broken)
		out_warn(o, "the process list is broken after %" PRIu64 " processes: %s", res.count,
			 res.why);
	out_u64(o, "count", st.shown, OUT_DEC);
	out_bool(o, "list_broken", res.broken);
	if (st.image && !st.shown)
		return err_create(ERR_NOT_FOUND, "no process with image name '%s'", st.image);
	return NULL;
}

static const struct ext_opt process_opts[] = {
	{ "ADDR|PID|0", OPT_ADDR, true, false, "EPROCESS address, process id, or 0 for all" },
	{ "FLAGS", OPT_U64, true, false, "0 brief, 1 adds VAD root, working set and commit figures" },
	{ "IMAGE", OPT_STR, true, false, "only processes with this image name" },
	{ 0 },
};

static const struct ext_example process_examples[] = {
	{ 0 },
};

const struct ext_def ext_process = {
	.name = "process",
	.summary = "display processes",
	.synopsis = "!process [ADDR|PID|0] [FLAGS] [IMAGE]",
	.help = "With 0, lists every process on PsActiveProcessHead's ActiveProcessLinks (the\n"
		"list walk is bounded and cycle-safe; a broken list is reported with the place it\n"
		"breaks). With an EPROCESS address or a process id, shows that process; without an\n"
		"argument, the current one. Each process shows its EPROCESS, Cid, Peb, ParentCid,\n"
		"DirBase and image name; FLAGS bit 0 adds the VAD root and count, private and\n"
		"modified pages, the working set sizes (now, min, max, peak), virtual size, fault\n"
		"counts and commit charge. IMAGE keeps only processes with that image name.",
	.examples = process_examples,
	.opts = process_opts,
	.needs = NEEDS_KERNEL,
	.run = process_run,
};
