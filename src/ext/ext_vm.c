// SPDX-License-Identifier: MIT
/*
 * !vm: the memory manager's global figures recorded in the dump.
 */
#include <inttypes.h>

#include "core/as.h"
#include "core/err.h"
#include "core/util.h"
#include "ext/ext.h"
#include "ext/ext_table.h"
#include "ext/lib/extutil.h"
#include "model/kinfo.h"
#include "model/pfn.h"

static void line(struct out *o, const char *label, const char *key, uint64_t pages, bool ok)
{
	if (!ok) {
		out_printf(o, "\t%-20s <not in this dump>\n", label);
		out_null(o, key);
		return;
	}
	out_printf(o, "\t%-20s %10" PRIu64 " (%10llu Kb)\n", label, pages, PAGES_KB(pages));
	out_u64(o, key, pages, OUT_DEC);
}

/* Read a global whose address KDBG holds; @ok false if unreadable. */
static uint64_t global(const struct kernel_info *k, const struct field *f, bool *ok)
{
	uint64_t var = field_read(f, k->kdbg, k->l.kdbg.size), v = 0;
	struct err *err;

	*ok = false;
	if (!var)
		return 0;
	err = as_read_u64(k->kas, var, &v, NULL);
	if (err) {
		err_destroy(err);
		return 0;
	}
	*ok = true;
	return v;
}

static uint64_t list_total(const struct kernel_info *k, uint64_t head, bool *ok)
{
	uint64_t v = 0;
	struct err *err;

	*ok = false;
	if (!head)
		return 0;
	err = as_read_u64(k->kas, head + k->l.pfnlist.total.offset, &v, NULL);
	if (err) {
		err_destroy(err);
		return 0;
	}
	*ok = true;
	return v;
}

static struct err *vm_run(struct ext_ctx *ctx, const struct ext_args *args, struct out *o)
{
	const struct kernel_info *k = ctx->s->k;
	const struct kdbg_layout *kl = &k->l.kdbg;
	bool ok;
	uint64_t v;

	out_printf(o, "\n*** Virtual Memory Usage ***\n");
	line(o, "Physical Memory:", "physical_pages", k->number_of_physical_pages,
	     k->number_of_physical_pages != 0);
	line(o, "RAM in runs:", "ram_pages", kinfo_ram_pages(k), true);
	out_u64(o, "highest_pfn", k->highest_pfn, OUT_HEX);
	v = global(k, &kl->mm_available_pages, &ok);
	line(o, "Available Pages:", "available_pages", v, ok);
	v = global(k, &kl->mm_resident_available_pages, &ok);
	line(o, "ResAvail Pages:", "resident_available_pages", v, ok);
	v = list_total(k, k->head[MM_MODIFIED], &ok);
	line(o, "Modified Pages:", "modified_pages", v, ok);
	v = list_total(k, k->head[MM_STANDBY], &ok);
	line(o, "Standby Pages:", "standby_pages", v, ok);
	v = list_total(k, k->head[MM_FREE], &ok);
	line(o, "Free Pages:", "free_pages", v, ok);
	v = list_total(k, k->head[MM_ZEROED], &ok);
	line(o, "Zeroed Pages:", "zeroed_pages", v, ok);
	v = list_total(k, k->head[MM_MODNOWRITE], &ok);
	line(o, "Modified No Write:", "modified_no_write_pages", v, ok);
	v = global(k, &kl->mm_total_committed_pages, &ok);
	line(o, "Committed pages:", "committed_pages", v, ok);
	v = global(k, &kl->mm_total_commit_limit, &ok);
	line(o, "Commit limit:", "commit_limit", v, ok);
	v = global(k, &kl->mm_number_of_paging_files, &ok);
	if (ok) {
		out_printf(o, "\tPaging files:        %10" PRIu64 "\n", v & 0xFFFFFFFF);
		out_u64(o, "paging_files", v & 0xFFFFFFFF, OUT_DEC);
	}
	out_printf(o, "\tPFN database:        %016" PRIx64 " (%u colors)\n", k->pfn_db, k->colors);
	out_u64(o, "pfn_database", k->pfn_db, OUT_HEX);
	out_u64(o, "colors", k->colors, OUT_DEC);
	out_printf(o, "\tKDBG:                %016" PRIx64 " (from %s), kernel base %016" PRIx64 "\n",
		   k->kdbg_va, k->kdbg_source, k->kern_base);
	out_u64(o, "kdbg", k->kdbg_va, OUT_HEX);
	out_str(o, "kdbg_source", k->kdbg_source);
	out_u64(o, "kernel_base", k->kern_base, OUT_HEX);
	return NULL;
}

const struct ext_def ext_vm = {
	.name = "vm",
	.summary = "display the memory manager's global figures",
	.synopsis = "!vm",
	.help = "Prints what the dump records about memory as a whole: physical pages, the pages\n"
		"in the RAM runs, available and resident-available pages, the totals of the\n"
		"modified, standby, free, zeroed and modified-no-write list heads, committed pages\n"
		"and the commit limit, the number of paging files, and where the PFN database and\n"
		"the KDBG block are. A figure the dump does not hold says so.",
	.needs = NEEDS_KERNEL,
	.run = vm_run,
};
