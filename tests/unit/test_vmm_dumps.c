// SPDX-License-Identifier: MIT
/*
 * The reference VMM's golden dumps, decoded through the analyzer's read path and compared
 * with the simulator's own truth files (testdumps/README.md): the DTB and auto-entry found by
 * dtb_scan(), every _MMPFN read at the PFN database through the kernel address space with
 * struct mm_layout fields, every PTE (and upper entry) read through the self-map with
 * pte_walk(), the processes on ActiveProcessLinks with their VAD trees and working set
 * lists, and walks of every _MMPFNLIST: each visits exactly the pages whose PageLocation says
 * they are on it, in a consistent Flink/Blink chain, with the head's count.
 *
 * Nothing here uses the simulator's code: only the dump, the profile and the truth file.
 */
#include <dirent.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/as.h"
#include "core/profile.h"
#include "core/util.h"
#include "model/kernel.h"
#include "model/layout.h"
#include "model/pte.h"
#include "tap.h"
#include "targets/target.h"

static const char *const state_names[8] = {
	"Zeroed", "Free", "Standby", "Modified", "ModifiedNoWrite", "Bad", "Active", "Transition",
};

struct ctx {
	const char *name; /* "scenario/snap" */
	struct profile *prof;
	struct mm_layout L;
	struct target *t;
	struct as kas;
	struct selfmap sm;
	json_t *truth;
	uint64_t kbase, pfn_db;
	FILE *pagefile; /* <snap>.pagefile.sys, or NULL */
	unsigned diag; /* mismatch lines printed */
};

static uint64_t hexval(json_t *j)
{
	const char *s = json_string_value(j);

	return s ? strtoull(s, NULL, 16) : 0;
}

static void diag_line(struct ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void diag_line(struct ctx *c, const char *fmt, ...)
{
	va_list ap;

	if (c->diag++ >= 8)
		return;
	printf("# %s: ", c->name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

static uint64_t sym(struct ctx *c, const char *name)
{
	uint64_t rva = 0;
	struct err *err = profile_symbol(c->prof, name, &rva);

	err_destroy(err);
	return c->kbase + rva;
}

static uint64_t rd64(struct ctx *c, struct as *as, uint64_t va, bool *ok)
{
	uint64_t v = 0;
	struct err *err = as_read_u64(as, va, &v, "test read");

	if (err) {
		*ok = false;
		err_destroy(err);
	}
	return v;
}

static bool read_buf(struct as *as, uint64_t va, void *buf, size_t n)
{
	struct err *err = as_read(as, va, buf, n, "test read");

	err_destroy(err);
	return !err;
}

/* ---------------------------------------------------------------- PFN database */

static unsigned check_pfn(struct ctx *c, json_t *row)
{
	const struct pfn_layout *P = &c->L.pfn;
	uint64_t pfn = hexval(json_object_get(row, "pfn")), u1, u2;
	uint8_t b[0x30];
	unsigned bad = 0, loc;
	json_t *f;
	size_t i;
	bool mod = false, wip = false, rip = false, shared = false;
	static const char *const cache[4] = { "NonCached", "Cached", "WriteComb", "?" };

	if (!read_buf(&c->kas, c->pfn_db + pfn * P->size, b, sizeof(b))) {
		diag_line(c, "pfn %#" PRIx64 ": _MMPFN unreadable", pfn);
		return 1;
	}
	u1 = field_read(&P->flink, b, sizeof(b));
	u2 = field_read(&P->blink, b, sizeof(b));
	loc = (unsigned)field_read(&P->page_location, b, sizeof(b));
#define CK(cond, what)                                                                             \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			diag_line(c, "pfn %#" PRIx64 ": %s", pfn, what);                           \
			bad++;                                                                     \
		}                                                                                  \
	} while (0)
	CK(!strcmp(state_names[loc], json_string_value(json_object_get(row, "state"))), "state");
	CK(field_read(&P->pte_address, b, sizeof(b)) == hexval(json_object_get(row, "pte_address")),
	   "pte_address");
	CK(field_read(&P->reference_count, b, sizeof(b)) ==
		   (uint64_t)json_integer_value(json_object_get(row, "reference_count")),
	   "reference_count");
	CK(field_read(&P->original_pte, b, sizeof(b)) == hexval(json_object_get(row, "original_pte")),
	   "original_pte");
	CK(field_read(&P->pte_frame, b, sizeof(b)) == hexval(json_object_get(row, "pte_frame")),
	   "pte_frame");
	if (!json_is_null(json_object_get(row, "share_count")))
		CK(u2 == (uint64_t)json_integer_value(json_object_get(row, "share_count")), "share_count");
	if (!json_is_null(json_object_get(row, "flink"))) {
		CK(u1 == hexval(json_object_get(row, "flink")), "flink");
		CK(u2 == hexval(json_object_get(row, "blink")), "blink");
	}
	if (!json_is_null(json_object_get(row, "ws_index")))
		CK(field_read(&P->ws_index, b, sizeof(b)) ==
			   (uint64_t)json_integer_value(json_object_get(row, "ws_index")),
		   "ws_index");
	json_array_foreach(json_object_get(row, "flags"), i, f) {
		mod |= !strcmp(json_string_value(f), "Modified");
		wip |= !strcmp(json_string_value(f), "WriteInProgress");
		rip |= !strcmp(json_string_value(f), "ReadInProgress");
		shared |= !strcmp(json_string_value(f), "Shared");
	}
	CK(field_read(&P->modified, b, sizeof(b)) == mod, "Modified flag");
	CK(field_read(&P->write_in_progress, b, sizeof(b)) == wip, "WriteInProgress flag");
	CK(field_read(&P->read_in_progress, b, sizeof(b)) == rip, "ReadInProgress flag");
	CK(field_read(&P->prototype_pte, b, sizeof(b)) == shared, "Shared flag");
	CK(field_read(&P->priority, b, sizeof(b)) ==
		   (uint64_t)json_integer_value(json_object_get(row, "priority")),
	   "priority");
	CK(!strcmp(cache[field_read(&P->cache_attribute, b, sizeof(b)) & 3],
		   json_string_value(json_object_get(row, "cache"))),
	   "cache");
	CK(field_read(&P->used_pte_entries, b, sizeof(b)) ==
		   (uint64_t)json_integer_value(json_object_get(row, "used_entry_count")),
	   "used_entry_count");
#undef CK
	return bad;
}

static void check_pfns(struct ctx *c)
{
	json_t *pfns = json_object_get(c->truth, "pfns"), *row;
	unsigned bad = 0;
	size_t i;

	if (!pfns) {
		ok(1, "%s: truth has no pfns[] (skipped by the scenario)", c->name);
		return;
	}
	json_array_foreach(pfns, i, row)
		bad += check_pfn(c, row);
	ok(!bad, "%s: all %zu _MMPFN entries read through the kernel space agree with the truth",
	   c->name, json_array_size(pfns));
}

/* ---------------------------------------------------------------- PTEs */

/*
 * The level-@level entry of @va when the self-map cannot reach it: its table is in transition
 * (still in RAM, at the PFN of the parent's transition entry) or in the paging file (at the
 * parent's PageFileHigh offset of <snap>.pagefile.sys), as an analyzer with --pagefile reads it.
 */
static bool entry_offline(struct ctx *c, uint64_t dtb, uint64_t va, unsigned level, uint64_t *ret)
{
	uint64_t e = 0, where = dtb & ~0xFFFULL;
	bool in_file = false;
	unsigned l;

	for (l = 0; l <= level; l++) {
		uint64_t addr = where + ((va >> (39 - 9 * l)) & 0x1FF) * 8;

		if (in_file) {
			if (!c->pagefile || fseeko(c->pagefile, (off_t)addr, SEEK_SET) ||
			    fread(&e, 8, 1, c->pagefile) != 1)
				return false;
		} else {
			struct err *err = target_read_phys(c->t, addr, &e, 8, "offline entry");

			if (err) {
				err_destroy(err);
				return false;
			}
		}
		if (l == level)
			break;
		if (e & 1 || ((e & 0x800) && !(e & 0x400))) {
			where = e & 0x0000FFFFFFFFF000ULL; /* valid or transition: the page in RAM */
			in_file = false;
		} else if (!(e & 0xC00) && (e >> 32)) {
			where = (e >> 32) << 12; /* paging file (PageFileLow 0) */
			in_file = true;
		} else {
			return false;
		}
	}
	*ret = e;
	return true;
}

static void check_ptes(struct ctx *c, json_t *proc)
{
	struct as pas;
	json_t *row;
	size_t i;
	unsigned bad = 0, n = 0, upper = 0;
	static const char *const lvl[3] = { "pxe", "ppe", "pde" };

	as_init_x64(&pas, c->t, hexval(json_object_get(proc, "dtb")), "process");
	/* Upper entries, read where the self-map puts them. */
	json_array_foreach(json_object_get(proc, "paging_structures"), i, row) {
		uint64_t va = hexval(json_object_get(row, "va")), want = hexval(json_object_get(row, "value"));
		const char *ls = json_string_value(json_object_get(row, "level"));
		unsigned l = !strcmp(ls, lvl[0]) ? 0 : !strcmp(ls, lvl[1]) ? 1 : 2;
		struct pte_walk w;

		uint64_t got = 0;
		bool have;

		pte_walk(&pas, &c->sm, va, &w);
		upper++;
		have = w.nread > l && w.addr[l] == hexval(json_object_get(row, "address"));
		if (have)
			got = w.entry[l];
		else
			have = entry_offline(c, hexval(json_object_get(proc, "dtb")), va, l, &got);
		if (!have || got != want) {
			diag_line(c, "pid %lld %s of %#" PRIx64 ": read %#" PRIx64 " want %#" PRIx64,
				  json_integer_value(json_object_get(proc, "pid")), ls, va, got, want);
			bad++;
		}
	}
	/* Every page of every VAD: the PTE, or the entry where the walk stops. */
	json_array_foreach(json_object_get(proc, "ptes"), i, row) {
		uint64_t va = hexval(json_object_get(row, "va")), want = hexval(json_object_get(row, "pte"));
		struct pte_walk w;

		pte_walk(&pas, &c->sm, va, &w);
		n++;
		if (w.nread == 4 && !w.unreadable) {
			if (w.entry[3] != want) {
				diag_line(c, "pid %lld PTE of %#" PRIx64 ": read %#" PRIx64 " want %#" PRIx64,
					  json_integer_value(json_object_get(proc, "pid")), va, w.entry[3], want);
				bad++;
			}
		} else {
			uint64_t got = 0;

			/* The page table is not mapped (in transition or paged out): read the PTE
			 * where the table is. A zero upper entry means a zero PTE. */
			if (w.unreadable || w.stop_level < 0 ||
			    (w.entry[w.stop_level] && !entry_offline(c, hexval(json_object_get(proc, "dtb")), va, 3, &got)) ||
			    got != want) {
				diag_line(c, "pid %lld PTE of %#" PRIx64 " behind a non-valid table: %#" PRIx64
					  " want %#" PRIx64 " (%s)",
					  json_integer_value(json_object_get(proc, "pid")), va, got, want, w.why);
				bad++;
			}
		}
	}
	ok(!bad, "%s: pid %lld: %u upper entries and %u PTEs read through the self-map agree",
	   c->name, json_integer_value(json_object_get(proc, "pid")), upper, n);
}

/* ---------------------------------------------------------------- processes, VADs, WSL */

static void vad_inorder(struct ctx *c, uint64_t node, json_t *out, unsigned depth, unsigned *guard)
{
	const struct vad_layout *V = &c->L.vad;
	uint8_t b[0x40];
	json_t *o;

	if (!node || ++*guard > 1000000 || !read_buf(&c->kas, node, b, sizeof(b)))
		return;
	vad_inorder(c, field_read(&V->left_child, b, sizeof(b)), out, depth + 1, guard);
	o = json_pack("{sIsIsIsIsIsI}", "address", (json_int_t)node, "level", (json_int_t)depth,
		      "start", (json_int_t)field_read(&V->starting_vpn, b, sizeof(b)), "end",
		      (json_int_t)field_read(&V->ending_vpn, b, sizeof(b)), "commit",
		      (json_int_t)field_read(&V->commit_charge, b, sizeof(b)), "memcommit",
		      (json_int_t)field_read(&V->mem_commit, b, sizeof(b)));
	json_array_append_new(out, o);
	vad_inorder(c, field_read(&V->right_child, b, sizeof(b)), out, depth + 1, guard);
}

static void check_process(struct ctx *c, uint64_t ep, json_t *proc)
{
	const struct eprocess_layout *E = &c->L.eprocess;
	uint8_t *b = calloc(1, E->size);
	char name[16] = { 0 };
	json_t *vads = json_array(), *want, *got, *e;
	unsigned guard = 0, bad = 0;
	size_t i;
	struct as pas;

	if (!b || !read_buf(&c->kas, ep, b, E->size)) {
		ok(0, "%s: EPROCESS %#" PRIx64 " readable", c->name, ep);
		free(b);
		json_decref(vads);
		return;
	}
	memcpy(name, b + E->image_file_name.offset, 15);
	ok(field_read(&E->unique_process_id, b, E->size) ==
			   (uint64_t)json_integer_value(json_object_get(proc, "pid")) &&
		   !strcmp(name, json_string_value(json_object_get(proc, "name"))) &&
		   field_read(&E->directory_table_base, b, E->size) == hexval(json_object_get(proc, "dtb")) &&
		   ep == hexval(json_object_get(proc, "eprocess")),
	   "%s: process %s (pid %lld): EPROCESS, name and DirBase agree", c->name, name,
	   json_integer_value(json_object_get(proc, "pid")));
	/* VadRoot: the sentinel's RightChild is the root (structures.md §5.2). */
	vad_inorder(c, field_read(&c->L.avl.root_right_child, b + E->vad_root.offset, c->L.avl.size),
		    vads, 0, &guard);
	want = json_object_get(proc, "vads");
	bad = json_array_size(vads) != json_array_size(want);
	json_array_foreach(want, i, e) {
		got = json_array_get(vads, i);
		if (!got || (uint64_t)json_integer_value(json_object_get(got, "start")) != hexval(json_object_get(e, "start_vpn")) ||
		    (uint64_t)json_integer_value(json_object_get(got, "end")) != hexval(json_object_get(e, "end_vpn")) ||
		    json_integer_value(json_object_get(got, "commit")) != json_integer_value(json_object_get(e, "commit")) ||
		    json_integer_value(json_object_get(got, "level")) != json_integer_value(json_object_get(e, "level")) ||
		    (uint64_t)json_integer_value(json_object_get(got, "address")) != hexval(json_object_get(e, "address")))
			bad++;
	}
	ok(!bad, "%s: pid %lld: %zu VADs found by walking the AVL tree agree (order, level, commit)",
	   c->name, json_integer_value(json_object_get(proc, "pid")), json_array_size(want));
	json_decref(vads);
	/* The working set list in hyperspace, through the process's own tables. */
	as_init_x64(&pas, c->t, hexval(json_object_get(proc, "dtb")), "process");
	bad = 0;
	{
		const struct wsl_layout *W = &c->L.wsl;
		uint8_t h[0x488];
		json_t *wsl = json_object_get(proc, "wsl");

		if (!read_buf(&pas, 0xFFFFF70001080000ULL, h, sizeof(h)) ||
		    field_read(&W->first_free, h, sizeof(h)) != (uint64_t)json_integer_value(json_object_get(wsl, "first_free")) ||
		    field_read(&W->last_entry, h, sizeof(h)) != (uint64_t)json_integer_value(json_object_get(wsl, "last_entry")) ||
		    field_read(&W->last_initialized, h, sizeof(h)) != (uint64_t)json_integer_value(json_object_get(wsl, "last_initialized")))
			bad++;
		json_array_foreach(json_object_get(wsl, "entries"), i, e) {
			uint64_t idx = (uint64_t)json_integer_value(json_object_get(e, "index")), wsle = 0;
			bool rd = true;

			wsle = rd64(c, &pas, field_read(&W->wsle, h, sizeof(h)) + idx * 8, &rd);
			if (!rd || !field_read(&W->e_valid, &wsle, 8) ||
			    canon48(field_read(&W->e_vpn, &wsle, 8) << 12) != hexval(json_object_get(e, "va")) ||
			    field_read(&W->e_age, &wsle, 8) != (uint64_t)json_integer_value(json_object_get(e, "age")))
				bad++;
		}
	}
	ok(!bad, "%s: pid %lld: the _MMWSL header and %zu working set entries agree", c->name,
	   json_integer_value(json_object_get(proc, "pid")),
	   json_array_size(json_object_get(json_object_get(proc, "wsl"), "entries")));
	free(b);
	check_ptes(c, proc);
}

static void check_processes(struct ctx *c)
{
	json_t *procs = json_object_get(c->truth, "processes");
	uint64_t head = sym(c, "PsActiveProcessHead"), link;
	size_t n = 0;
	bool rd = true;

	link = rd64(c, &c->kas, head, &rd);
	while (rd && link != head && n < 100000) {
		json_t *proc = json_array_get(procs, n);

		if (!proc)
			break;
		check_process(c, link - c->L.eprocess.active_process_links.offset, proc);
		link = rd64(c, &c->kas, link, &rd);
		n++;
	}
	ok(rd && n == json_array_size(procs), "%s: ActiveProcessLinks holds the %zu processes in order",
	   c->name, json_array_size(procs));
}

/* ---------------------------------------------------------------- page lists */

enum { MARK_NONE, MARK_LIST = 1 };

/* Walk one _MMPFNLIST; every page must carry @loc and be on no other list. */
static bool walk_list(struct ctx *c, uint64_t head_va, unsigned loc, uint8_t *mark, uint64_t npfn,
		      uint64_t *total_ret, int color, unsigned mask, int prio)
{
	const struct pfnlist_layout *H = &c->L.pfnlist;
	const struct pfn_layout *P = &c->L.pfn;
	uint8_t h[0x28], b[0x30];
	uint64_t pfn, prev = UINT64_MAX, n = 0, db = hexval(json_object_get(json_object_get(c->truth, "machine"), "pfn_database"));

	if (!read_buf(&c->kas, head_va, h, sizeof(h)))
		return false;
	*total_ret = field_read(&H->total, h, sizeof(h));
	for (pfn = field_read(&H->flink, h, sizeof(h)); pfn != UINT64_MAX; n++) {
		if (pfn >= npfn || n > npfn || mark[pfn] || !read_buf(&c->kas, db + pfn * P->size, b, sizeof(b)))
			return false;
		mark[pfn] = MARK_LIST;
		if (field_read(&P->page_location, b, sizeof(b)) != loc ||
		    field_read(&P->blink, b, sizeof(b)) != prev ||
		    (color >= 0 && (pfn & mask) != (unsigned)color) ||
		    (prio >= 0 && field_read(&P->priority, b, sizeof(b)) != (unsigned)prio))
			return false;
		prev = pfn;
		pfn = field_read(&P->flink, b, sizeof(b));
	}
	return field_read(&H->blink, h, sizeof(h)) == prev && n == *total_ret;
}

static void check_lists(struct ctx *c)
{
	const struct pfn_layout *P = &c->L.pfn;
	json_t *m = json_object_get(c->truth, "machine");
	uint64_t npfn = hexval(json_object_get(m, "highest_pfn")) + 1, pfn, total, sum[8] = { 0 };
	uint64_t db = hexval(json_object_get(m, "pfn_database")), by_color, kd = hexval(json_object_get(m, "kdbg"));
	uint8_t *mark = calloc(npfn, 1), b[0x30];
	unsigned colors = 0, i, bad = 0;
	bool rd = true;
	const char *kname[4] = { "MmZeroedPageListHead", "MmFreePageListHead", "MmStandbyPageListHead",
				 "MmModifiedPageListHead" };

	if (!mark)
		return;
	read_buf(&c->kas, sym(c, "MmSecondaryColors"), &colors, 4);
	by_color = sym(c, "MmFreePagesByColor");
	for (i = 0; i < 2 * colors && !bad; i++) {
		uint64_t heads = rd64(c, &c->kas, by_color + 8 * (i / colors), &rd);

		if (!rd || !walk_list(c, heads + (i % colors) * c->L.pfnlist.size, i / colors, mark, npfn,
				      &total, (int)(i % colors), colors - 1, -1))
			bad++;
		sum[i / colors] += total;
	}
	for (i = 0; i < 8 && !bad; i++) {
		if (!walk_list(c, sym(c, "MmStandbyPageListByPriority") + i * c->L.pfnlist.size, 2, mark,
			       npfn, &total, -1, 0, (int)i))
			bad++;
		sum[2] += total;
	}
	if (!bad && !walk_list(c, sym(c, "MmModifiedProcessListByColor"), 3, mark, npfn, &total, -1, 0, -1))
		bad++;
	sum[3] += total;
	if (!bad && !walk_list(c, sym(c, "MmModifiedPageListByColor"), 3, mark, npfn, &total, -1, 0, -1))
		bad++;
	sum[3] += total;
	if (!bad && !walk_list(c, rd64(c, &c->kas, kd + c->L.kdbg.mm_modified_no_write_list.offset, &rd),
			       4, mark, npfn, &total, -1, 0, -1))
		bad++;
	if (!bad && !walk_list(c, sym(c, "MmBadPageListHead"), 5, mark, npfn, &total, -1, 0, -1))
		bad++;
	ok(!bad && rd, "%s: every _MMPFNLIST (%u colors x zeroed/free, 8 standby, 2 modified, no-write, "
	   "bad) is a consistent Flink/Blink chain of its PageLocation with the head's Total",
	   c->name, colors);
	/* Exactly the pages whose PageLocation says they are listed (not in-flight I/O or locked). */
	bad = 0;
	for (pfn = 1; pfn < npfn; pfn++) {
		unsigned loc;
		bool listed;

		if (pfn >= 0x9F && pfn < 0x100)
			continue;
		if (!read_buf(&c->kas, db + pfn * P->size, b, sizeof(b))) {
			bad++;
			continue;
		}
		loc = (unsigned)field_read(&P->page_location, b, sizeof(b));
		listed = loc <= 5 && !field_read(&P->read_in_progress, b, sizeof(b)) &&
			 !field_read(&P->write_in_progress, b, sizeof(b)) &&
			 !field_read(&P->reference_count, b, sizeof(b));
		if (listed != (mark[pfn] == MARK_LIST)) {
			diag_line(c, "pfn %#" PRIx64 ": PageLocation %u, %s a list", pfn, loc,
				  mark[pfn] ? "on" : "not on");
			bad++;
		}
	}
	ok(!bad, "%s: the lists hold exactly the pages whose PageLocation says so", c->name);
	/* The KDBG heads carry the global totals. */
	bad = 0;
	for (i = 0; i < 4; i++) {
		uint8_t h[0x28];

		if (!read_buf(&c->kas, sym(c, kname[i]), h, sizeof(h)) ||
		    field_read(&c->L.pfnlist.total, h, sizeof(h)) != sum[i])
			bad++;
	}
	ok(!bad, "%s: MmZeroed/Free/Standby/ModifiedPageListHead totals match the lists", c->name);
	free(mark);
}

/* ---------------------------------------------------------------- driver */

static void check_snapshot(const char *dir, const char *scn, const char *snap,
			   struct profile *prof, const struct mm_layout *L)
{
	char path[1400], name[256];
	struct ctx c = { .name = name, .prof = prof, .L = *L };
	json_error_t jerr;
	json_t *m;
	uint64_t dtb;
	unsigned idx;
	struct err *err;

	snprintf(name, sizeof(name), "%s/%s", scn, snap);
	snprintf(path, sizeof(path), "%s/%s.truth.json", dir, snap);
	c.truth = json_load_file(path, 0, &jerr);
	if (!c.truth) {
		ok(0, "%s: truth file parses (%s)", name, jerr.text);
		return;
	}
	m = json_object_get(c.truth, "machine");
	snprintf(path, sizeof(path), "%s/%s.raw", dir, snap);
	err = target_open(path, NULL, &c.t);
	if (err) {
		ok(0, "%s: open %s: %s", name, path, err->message);
		err_destroy(err);
		json_decref(c.truth);
		return;
	}
	snprintf(path, sizeof(path), "%s/%s.pagefile.sys", dir, snap);
	c.pagefile = fopen(path, "rb");
	err = dtb_scan(c.t, &dtb, &idx);
	ok(!err && dtb == hexval(json_object_get(m, "dtb")) &&
		   idx == strtoul(json_string_value(json_object_get(m, "selfmap_index")), NULL, 16),
	   "%s: dtb_scan finds the System DTB %#" PRIx64 " and auto-entry %#x", name, dtb, idx);
	err_destroy(err);
	as_init_x64(&c.kas, c.t, hexval(json_object_get(m, "dtb")), "kernel");
	c.pfn_db = hexval(json_object_get(m, "pfn_database"));
	selfmap_init(&c.sm, (unsigned)strtoul(json_string_value(json_object_get(m, "selfmap_index")), NULL, 16));
	{
		uint8_t k[0x340];
		uint64_t kd = hexval(json_object_get(m, "kdbg"));

		ok(read_buf(&c.kas, kd, k, sizeof(k)) &&
			   field_read(&c.L.kdbg.owner_tag, k, sizeof(k)) == 0x4742444B &&
			   field_read(&c.L.kdbg.kern_base, k, sizeof(k)) == hexval(json_object_get(m, "kernel_base")) &&
			   field_read(&c.L.kdbg.mm_pfn_database, k, sizeof(k)) != 0,
		   "%s: KDBG at %#" PRIx64 " has its tag and KernBase", name, kd);
		c.kbase = field_read(&c.L.kdbg.kern_base, k, sizeof(k));
	}
	check_pfns(&c);
	check_processes(&c);
	check_lists(&c);
	target_close(c.t);
	if (c.pagefile)
		fclose(c.pagefile);
	json_decref(c.truth);
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static size_t list_dir(const char *dir, const char *suffix, char ***ret)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **a = NULL;
	size_t n = 0, sl = suffix ? strlen(suffix) : 0;

	if (!d)
		return 0;
	while ((e = readdir(d))) {
		size_t l = strlen(e->d_name);

		if (e->d_name[0] == '.')
			continue;
		if (suffix && (l <= sl || strcmp(e->d_name + l - sl, suffix)))
			continue;
		a = realloc(a, (n + 1) * sizeof(*a));
		a[n++] = strndup(e->d_name, suffix ? l - sl : l);
	}
	closedir(d);
	qsort(a, n, sizeof(*a), cmp_names);
	*ret = a;
	return n;
}

int main(void)
{
	const char *top = getenv("top_builddir");
	char td[1024], dir[1100];
	char **scns = NULL, **snaps = NULL;
	size_t ns, i, j, total = 0;
	struct profile *prof;
	struct mm_layout L;

	snprintf(td, sizeof(td), "%s/testdumps", top ? top : "build");
	ck_no_err(profile_load_builtin(&prof), "load the built-in profile");
	ck_no_err(mm_layout_init(&L, prof), "resolve the layout");
	ns = list_dir(td, NULL, &scns);
	for (i = 0; i < ns; i++) {
		size_t nsnap;

		snprintf(dir, sizeof(dir), "%s/%s", td, scns[i]);
		nsnap = list_dir(dir, ".truth.json", &snaps);
		for (j = 0; j < nsnap; j++) {
			check_snapshot(dir, scns[i], snaps[j], prof, &L);
			free(snaps[j]);
			total++;
		}
		free(snaps);
		snaps = NULL;
		free(scns[i]);
	}
	free(scns);
	ok(total > 0, "found %zu golden snapshots under %s", total, td);
	profile_destroy(prof);
	return done_testing();
}
