// SPDX-License-Identifier: MIT
/*
 * !ptov DTB-PFN: every present mapping of an address space, physical → virtual, large pages
 * included. The walk is bounded (as_walk) so aliased hostile tables cannot make it endless.
 */
#include <inttypes.h>
#include <stdlib.h>

#include "core/err.h"
#include "core/util.h"
#include "ext/ext.h"
#include "ext/ext_table.h"

struct ptov_state {
	struct out *o;
	uint64_t count;
};

static struct err *ptov_one(void *arg, uint64_t va, uint64_t pa, uint64_t size, uint64_t entry)
{
	struct ptov_state *st = arg;

	if (size == 0x1000)
		out_printf(st->o, "%" PRIx64 " %" PRIx64 "\n", pa, va);
	else
		out_printf(st->o, "%" PRIx64 " %" PRIx64 " (%s page)\n", pa, va,
			   size == (1ULL << 21) ? "2MB" : "1GB");
	out_record_begin(st->o);
	out_u64(st->o, "va", va, OUT_HEX);
	out_u64(st->o, "pa", pa, OUT_HEX);
	out_u64(st->o, "size", size, OUT_HEX);
	out_end(st->o);
	st->count++;
	return NULL;
}

static struct err *ptov_run(struct ext_ctx *ctx, const struct ext_args *args, struct out *o)
{
	uint64_t pfn = args->a[0].u;
	struct ptov_state st = { o, 0 };
	struct as *as = ctx->pas, *tmp = NULL;
	struct err *err;

	if (pfn) {
		tmp = malloc(sizeof(*tmp));
		if (!tmp)
			return err_nomem;
		as_init_x64(tmp, ctx->s->t, pfn << 12, "virtual");
		as = tmp;
	}
	out_printf(o, "Amd64PtoV: pagedir %" PRIx64 "\n", as->dtb);
	out_u64(o, "dtb", as->dtb, OUT_HEX);
	out_list_begin(o, "mappings");
	err = as_walk(as, 0, ~0ULL, 0, ptov_one, &st);
	out_end(o);
	out_u64(o, "count", st.count, OUT_DEC);
	free(tmp);
	return err;
}

static const struct ext_opt ptov_opts[] = {
	{ "DTB-PFN", OPT_U64, true, true, "page frame number of the PML4 (0: current process)" },
	{ 0 },
};

static const struct ext_example ptov_examples[] = {
	{ 0 },
};

const struct ext_def ext_ptov = {
	.name = "ptov",
	.summary = "list every physical-to-virtual mapping of an address space",
	.synopsis = "!ptov DTB-PFN",
	.help = "Walks every page table reachable from the PML4 whose page frame number is DTB-PFN\n"
		"(0: the current process) and prints one line per present mapping, physical address\n"
		"first, then virtual address; 2 MiB and 1 GiB pages are marked. The paging-structure\n"
		"region appears too: through the auto-entry every table page is itself mapped.",
	.examples = ptov_examples,
	.opts = ptov_opts,
	.needs = NEEDS_DTB,
	.run = ptov_run,
};
