// SPDX-License-Identifier: MIT
/*
 * !wsle [FLAGS] [ADDR]: a working set list, header and entries (book B:3116-3126,
 * B:8284-8289, B:9235-9263).
 */
#include <inttypes.h>
#include <stdlib.h>

#include "core/err.h"
#include "core/util.h"
#include "ext/ext.h"
#include "ext/ext_table.h"
#include "ext/lib/extutil.h"
#include "model/kinfo.h"
#include "model/pfn.h"
#include "model/process.h"
#include "model/wsl.h"

/* The process working set list is at the same address in every process (B:2922). */
#define PROCESS_WSL_VA 0xFFFFF70001080000ULL

struct wsle_state {
	struct out *o;
	const struct kernel_info *k;
	struct as *pas;
	uint64_t valid, free;
};

/* ReferenceCount of the page an entry maps: its PFN entry, through the process's PTE. */
static bool entry_refcount(struct wsle_state *st, uint64_t va, unsigned *ret)
{
	struct mmpfn p;
	struct xlate x;
	struct err *err = as_translate(st->pas, va, &x);

	if (!err)
		err = pfn_read(st->k, x.pa >> 12, &p);
	if (err) {
		err_destroy(err);
		return false;
	}
	*ret = p.reference_count;
	return true;
}

static struct err *one_entry(void *arg, const struct wsle_info *e)
{
	struct wsle_state *st = arg;
	unsigned refs = 0;
	bool have_refs = false;

	if (e->valid) {
		st->valid++;
		have_refs = entry_refcount(st, e->va, &refs);
		/* WinDbg's columns (B:8284-8289): the entry as stored, age, locked, the page's
		 * reference count */
		if (have_refs)
			out_printf(st->o, "%016" PRIx64 "  %8u  %6d  %14u\n", e->raw, e->age,
				   e->locked, refs);
		else
			out_printf(st->o, "%016" PRIx64 "  %8u  %6d  %14s\n", e->raw, e->age,
				   e->locked, "?");
	} else {
		st->free++;
		out_printf(st->o, "%016" PRIx64 "  free entry %x: previous %x next %x\n", e->raw,
			   e->index, e->prev_free, e->next_free);
	}
	out_record_begin(st->o);
	out_u64(st->o, "index", e->index, OUT_DEC);
	out_bool(st->o, "valid", e->valid);
	if (e->valid) {
		out_u64(st->o, "va", e->va, OUT_HEX);
		out_u64(st->o, "age", e->age, OUT_DEC);
		out_bool(st->o, "locked", e->locked);
		out_bool(st->o, "direct", e->direct);
		out_bool(st->o, "hashed", e->hashed);
		out_u64(st->o, "protection", e->protection, OUT_DEC);
		if (have_refs)
			out_u64(st->o, "reference_count", refs, OUT_DEC);
		else
			out_null(st->o, "reference_count");
	} else {
		out_u64(st->o, "previous_free", e->prev_free, OUT_HEX);
		out_u64(st->o, "next_free", e->next_free, OUT_HEX);
	}
	out_end(st->o);
	return NULL;
}

static struct err *wsle_run(struct ext_ctx *ctx, const struct ext_args *args, struct out *o)
{
	const struct kernel_info *k = ctx->s->k;
	uint64_t flags = args->a[0].set ? args->a[0].u : 0;
	uint64_t wsl_va = args->a[1].set ? args->a[1].u : PROCESS_WSL_VA;
	struct wsle_state st = { o, k, NULL, 0, 0 };
	struct process_info p;
	struct as *pas = NULL;
	struct wsl_info w;
	struct err *err;

	err = ext_resolve_process(ctx, &args->a[2], &p);
	if (err)
		return err;
	if (args->a[2].set) {
		err = ext_process_as(ctx, &p, &pas);
		if (err)
			return err;
	}
	if (!args->a[1].set && p.wsl)
		wsl_va = p.wsl;
	err = wsl_read(k, pas ? pas : ctx->pas, wsl_va, &w);
	if (err)
		goto out;
	out_printf(o, "\nWorking Set @ %016" PRIx64 " (%s, Cid %" PRIx64 ")\n", w.address, p.name,
		   p.pid);
	out_printf(o, "    FirstFree %8x  FirstDynamic %8x\n", w.first_free, w.first_dynamic);
	out_printf(o, "    LastEntry %8x  NextSlot     %8x  LastInitialized %8x\n", w.last_entry,
		   w.next_slot, w.last_initialized);
	/* WinDbg always prints 0 for both (B:9232: "the !wsle extension always reports 0 for
	 * the hash table size and address"); the real values are in the JSON. */
	out_printf(o, "    NonDirect %8x  HashTable    %8x  HashTableSize   %8x\n",
		   w.nondirect_count, 0U, 0U);
	out_u64(o, "address", w.address, OUT_HEX);
	out_u64(o, "eprocess", p.eprocess, OUT_HEX);
	out_u64(o, "first_free", w.first_free, OUT_DEC);
	out_u64(o, "first_dynamic", w.first_dynamic, OUT_DEC);
	out_u64(o, "last_entry", w.last_entry, OUT_DEC);
	out_u64(o, "last_initialized", w.last_initialized, OUT_DEC);
	out_u64(o, "next_slot", w.next_slot, OUT_DEC);
	out_u64(o, "nondirect_count", w.nondirect_count, OUT_DEC);
	out_u64(o, "wsle", w.wsle, OUT_HEX);
	out_u64(o, "nondirect_hash", w.nondirect_hash, OUT_HEX);
	out_u64(o, "hash_table_start", w.hash_table_start, OUT_HEX);
	out_list_begin(o, "entries");
	if (flags & 1) {
		st.pas = pas ? pas : ctx->pas;
		out_printf(o, "\nVirtual Address         Age  Locked  ReferenceCount\n");
		err = wsle_walk(k, st.pas, &w, (flags & 2) != 0, one_entry, &st);
	}
	out_end(o);
	if (!err && (flags & 1))
		out_printf(o, "\n%" PRIu64 " valid entries%s\n", st.valid,
			   (flags & 2) ? "" : " (flags 3 also lists free ones)");
out:
	free(pas);
	return err;
}

static const struct ext_opt wsle_opts[] = {
	{ "FLAGS", OPT_U64, true, false, "1: list the valid entries; 3: also the free ones" },
	{ "ADDR", OPT_ADDR, true, false, "address of the _MMWSL (default: the process's)" },
	{ "--process", OPT_PROCESS, false, false, "EPROCESS address, pid or image name (default: current)" },
	{ 0 },
};

static const struct ext_example wsle_examples[] = {
	{ 0 },
};

const struct ext_def ext_wsle = {
	.name = "wsle",
	.summary = "display a working set list",
	.synopsis = "!wsle [FLAGS] [ADDR] [--process EPROCESS|PID|IMAGE]",
	.help = "Shows the _MMWSL header of the current process (or --process): FirstFree,\n"
		"FirstDynamic, LastEntry, NextSlot, LastInitialized (LastInitializedWsle) and\n"
		"NonDirect; HashTable and HashTableSize print 0, as WinDbg's do (the JSON has the\n"
		"real NonDirectHash and HashTableStart). With FLAGS 1, one line per valid entry in\n"
		"WinDbg's columns: the entry as stored (VA with its flag bits), age, locked (index\n"
		"below FirstDynamic) and the reference count of the page it maps; FLAGS 3 lists\n"
		"free entries too, with their free-list links. JSON entries carry the index, the\n"
		"page-aligned VA, direct, hashed and protection as well.",
	.examples = wsle_examples,
	.opts = wsle_opts,
	.needs = NEEDS_KERNEL,
	.run = wsle_run,
};
