// SPDX-License-Identifier: MIT
/*
 * !vtop DTB-PFN VA: translate through an explicit page-table root, printing each entry's
 * physical address as WinDbg's Amd64VtoP does. DTB-PFN 0 means the current process.
 */
#include <inttypes.h>
#include <stdlib.h>

#include "core/err.h"
#include "core/util.h"
#include "ext/ext.h"
#include "ext/ext_table.h"

static const char *const vtop_names[4] = { "PML4E", "PDPE", "PDE", "PTE" };

static struct err *vtop_run(struct ext_ctx *ctx, const struct ext_args *args, struct out *o)
{
	uint64_t pfn = args->a[0].u, va = args->a[1].u;
	struct as *as = ctx->pas, *tmp = NULL;
	struct xlate x;
	struct err *err;
	char a1[18], a2[18];
	unsigned l;

	if (pfn) {
		tmp = malloc(sizeof(*tmp));
		if (!tmp)
			return err_nomem;
		as_init_x64(tmp, ctx->s->t, pfn << 12, "virtual");
		as = tmp;
	}
	out_printf(o, "Amd64VtoP: Virt %s, pagedir %s\n", fmt_addr(a1, va), fmt_addr(a2, as->dtb));
	out_u64(o, "va", va, OUT_HEX);
	out_u64(o, "dtb", as->dtb, OUT_HEX);
	err = as_translate(as, va, &x);
	out_list_begin(o, "entries");
	for (l = 0; l < x.nlevels; l++) {
		out_printf(o, "Amd64VtoP: %s %s\n", vtop_names[l], fmt_addr(a1, x.entry_pa[l]));
		out_record_begin(o);
		out_str(o, "name", vtop_names[l]);
		out_u64(o, "address", x.entry_pa[l], OUT_HEX);
		out_u64(o, "contents", x.entry[l], OUT_HEX);
		out_end(o);
	}
	out_end(o);
	if (err) {
		if (err->code != ERR_FAULT || x.fault_level < 0 || x.nlevels == 0) {
			free(tmp);
			return err;
		}
		out_printf(o, "Amd64VtoP: %s not present (contents %016" PRIx64 ")\n",
			   vtop_names[x.fault_level], x.entry[x.fault_level]);
		out_printf(o, "Virtual address %" PRIx64 " translation fails, error 0xD0000147.\n", va);
		out_bool(o, "translated", false);
		out_str(o, "fault_level", vtop_names[x.fault_level]);
		err_destroy(err);
		free(tmp);
		return NULL;
	}
	if (x.leaf != LVL_PT)
		out_printf(o, "Amd64VtoP: Large page mapped phys %s\n", fmt_addr(a1, x.pa));
	else
		out_printf(o, "Amd64VtoP: Mapped phys %s\n", fmt_addr(a1, x.pa));
	out_printf(o, "Virtual address %" PRIx64 " translates to physical address %" PRIx64 ".\n",
		   va, x.pa);
	out_bool(o, "translated", true);
	out_u64(o, "pa", x.pa, OUT_HEX);
	out_u64(o, "page_size", x.page_size, OUT_HEX);
	free(tmp);
	return NULL;
}

static const struct ext_opt vtop_opts[] = {
	{ "DTB-PFN", OPT_U64, true, true, "page frame number of the PML4 (0: current process)" },
	{ "VA", OPT_ADDR, true, true, "virtual address to translate" },
	{ 0 },
};

static const struct ext_example vtop_examples[] = {
	{ "!vtop 0 1c0000", "book.raw", NULL },
	{ 0 },
};

const struct ext_def ext_vtop = {
	.name = "vtop",
	.summary = "translate a virtual address through an explicit page-table root",
	.synopsis = "!vtop DTB-PFN VA",
	.help = "Walks the four paging levels of VA starting at the PML4 whose page frame number\n"
		"is DTB-PFN (0 means the current process) and prints the physical address of each\n"
		"entry, then the physical address VA translates to. 2 MiB and 1 GiB pages are\n"
		"reported as large pages.",
	.examples = vtop_examples,
	.opts = vtop_opts,
	.needs = NEEDS_DTB,
	.run = vtop_run,
};
