// SPDX-License-Identifier: MIT
/*
 * !vad [ROOT|ADDR] [1]: a process's VAD tree in address order, or the VAD of one address,
 * in WinDbg's layout (book B:2386-2419, B:8261-8267, B:11198-11204).
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/util.h"
#include "ext/ext.h"
#include "ext/ext_table.h"
#include "ext/lib/extutil.h"
#include "model/kinfo.h"
#include "model/process.h"
#include "model/pte.h"
#include "model/vad.h"

struct vad_state {
	struct out *o;
	bool details;
};

static void print_vad(struct out *o, const struct vad_info *v, bool details)
{
	char prot[40];
	int64_t commit = (v->commit_charge == ((1ULL << 51) - 1)) ? -1 : (int64_t)v->commit_charge;

	vad_prot_name(v->protection, prot, sizeof(prot));
	out_printf(o, "%016" PRIx64 " (%2d) %10" PRIx64 " %10" PRIx64 " %9" PRId64 " %-7s %-4s %s\n",
		   v->address, v->level, v->start_vpn, v->end_vpn, commit,
		   v->private_memory ? "Private" : "Mapped", v->vad_type == 2 ? "Exe" : "",
		   prot);
	if (details)
		out_printf(o, "    VadType %u (%s) MemCommit %d NoChange %d Protection %#x "
			      "PreferredNode %u Parent %016" PRIx64 " Balance %d\n",
			   v->vad_type, vad_type_name(v->vad_type), v->mem_commit, v->no_change,
			   v->protection, v->preferred_node, v->parent, v->balance);
	out_record_begin(o);
	out_u64(o, "address", v->address, OUT_HEX);
	out_i64(o, "level", v->level);
	out_u64(o, "start_vpn", v->start_vpn, OUT_HEX);
	out_u64(o, "end_vpn", v->end_vpn, OUT_HEX);
	out_i64(o, "commit", commit);
	out_str(o, "type", vad_type_name(v->vad_type));
	out_str(o, "protection", prot);
	out_u64(o, "protection_code", v->protection, OUT_DEC);
	out_bool(o, "private", v->private_memory);
	out_bool(o, "mem_commit", v->mem_commit);
	out_end(o);
}

static struct err *one_vad(void *arg, const struct vad_info *v)
{
	struct vad_state *st = arg;

	print_vad(st->o, v, st->details);
	return NULL;
}

static struct err *vad_run(struct ext_ctx *ctx, const struct ext_args *args, struct out *o)
{
	const struct kernel_info *k = ctx->s->k;
	struct vad_state st = { o, args->a[1].set && (args->a[1].u & 1) };
	struct vad_walk_result res;
	struct process_info p;
	uint64_t root = 0;
	struct err *err;

	out_printf(o, "VAD              level      start        end    commit\n");
	if (args->a[0].set && args->a[0].u < 0xFFFF800000000000ULL) {
		/* a user address: the VAD containing it in the current process */
		struct vad_info v;

		err = ext_resolve_process(ctx, NULL, &p);
		if (!err)
			err = vad_find(k, p.vad_root, args->a[0].u, &v);
		if (err)
			return err;
		out_list_begin(o, "vads");
		print_vad(o, &v, st.details);
		out_end(o);
		return NULL;
	}
	if (args->a[0].set) {
		root = args->a[0].u;
	} else {
		err = ext_resolve_process(ctx, NULL, &p);
		if (err)
			return err;
		root = p.vad_root;
	}
	out_u64(o, "root", root, OUT_HEX);
	out_list_begin(o, "vads");
	err = root ? vad_walk(k, root, one_vad, &st, &res) : NULL;
	out_end(o);
	if (err)
		return err;
	if (!root)
		memset(&res, 0, sizeof(res));
	out_printf(o, "\nTotal VADs: %5" PRIu64 ", average level: %4" PRIu64 ", maximum depth: %d\n",
		   res.count, res.count ? (res.level_sum + res.count - 1) / res.count : 0,
		   res.max_depth);
	out_u64(o, "count", res.count, OUT_DEC);
	out_i64(o, "max_depth", res.max_depth);
	out_bool(o, "tree_broken", res.broken);
	if (res.broken)
		out_warn(o, "the VAD tree is broken: %s", res.why);
	return NULL;
}

static const struct ext_opt vad_opts[] = {
	{ "ROOT|ADDR", OPT_ADDR, true, false,
	  "a VAD (its subtree is shown) or a user address (the VAD containing it)" },
	{ "FLAGS", OPT_U64, true, false, "1: details of each VAD" },
	{ 0 },
};

static const struct ext_example vad_examples[] = {
	{ 0 },
};

const struct ext_def ext_vad = {
	.name = "vad",
	.summary = "display virtual address descriptors",
	.synopsis = "!vad [ROOT|ADDR] [1]",
	.help = "Without an argument, walks the VAD tree of the current process in address order;\n"
		"with a VAD address, the tree rooted there; with a user address, the one VAD that\n"
		"contains it, at its depth in the tree. Each line: VAD address, level in the tree,\n"
		"start and end VPN (inclusive), committed pages (-1 for all ones), Private or Mapped,\n"
		"Exe for image mappings, and the protection. The footer gives the VAD count,\n"
		"average level and maximum depth. The walk is bounded and cycle-safe: a node\n"
		"whose parent pointer disagrees, ranges out of order or a tree deeper than 64\n"
		"levels are reported as a broken tree. Flag 1 adds each VAD's flags.",
	.examples = vad_examples,
	.opts = vad_opts,
	.needs = NEEDS_KERNEL,
	.run = vad_run,
};
