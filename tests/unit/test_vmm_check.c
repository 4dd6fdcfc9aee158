// SPDX-License-Identifier: MIT
/*
 * The reference VMM's invariant checker (transitions.md §4) finds broken states: a small
 * machine is run to a state with Active, Standby, Modified, paged-out and free pages, checked
 * clean, then each kind of corruption is made on purpose (and undone) and the checker must
 * name the invariant and the page or structure. Also: the statement parser's errors, and an
 * API-level run that leaves the machine consistent after every statement.
 */
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "model/vmm/pfndb.h"
#include "model/vmm/pt.h"
#include "model/vmm/scenario.h"
#include "model/vmm/vmm.h"
#include "model/vmm/vstate.h"
#include "model/vmm/wsl.h"
#include "tap.h"

static const char *const script[] = {
	"process chk.exe",
	"alloc chk.exe 0x100000 1M rw",
	"touch chk.exe 0x100000 256K write",
	"trim chk.exe",
	"touch chk.exe 0x100000 16K read",
	"trim chk.exe",
	"trim chk.exe 32",
	"mpw",
	"touch chk.exe 0x140000 4K read",
	"trim chk.exe 8",
	"alloc chk.exe any 64K rw",
	"free chk.exe 0x1c0000 64K decommit",
};

static struct vproc *proc(struct vmm *v)
{
	unsigned i;

	for (i = 0; i < v->nprocs; i++)
		if (!strcmp(v->procs[i]->name, "chk.exe"))
			return v->procs[i];
	return NULL;
}

/* First PFN with @pred, or UINT64_MAX. */
static uint64_t find_pfn(struct vmm *v, bool (*pred)(const struct vpfn *))
{
	uint64_t pfn;

	for (pfn = 0x200; pfn <= v->highest_pfn; pfn++)
		if (pred(&v->pfn[pfn]))
			return pfn;
	return UINT64_MAX;
}

static bool on_standby(const struct vpfn *p)
{
	return p->linked && p->loc == LOC_STANDBY;
}

static bool on_modified(const struct vpfn *p)
{
	return p->linked && p->loc == LOC_MODIFIED;
}

static bool active_private(const struct vpfn *p)
{
	return p->loc == LOC_ACTIVE && p->use == USE_PRIVATE;
}

static bool zeroed(const struct vpfn *p)
{
	return p->linked && p->loc == LOC_ZEROED;
}

#define EXPECT(v, id, what, ...)                                                                   \
	ck_err(vmm_check(v), ERR_FORMAT, "invariant " id " broken", "checker names %s: %s", id, what)

static void corrupt_lists(struct vmm *v)
{
	uint64_t pfn, saved;

	/* L1: a broken Blink on a standby list. */
	pfn = find_pfn(v, on_standby);
	ok(pfn != UINT64_MAX, "a standby page exists");
	saved = v->pfn[pfn].u2;
	v->pfn[pfn].u2 = 0x1234;
	EXPECT(v, "L1", "a standby page's Blink");
	v->pfn[pfn].u2 = saved;

	/* L2: a page on the modified list that says it is Standby. */
	pfn = find_pfn(v, on_modified);
	ok(pfn != UINT64_MAX, "a modified page exists");
	v->pfn[pfn].loc = LOC_STANDBY;
	EXPECT(v, "L2", "PageLocation against its list");
	v->pfn[pfn].loc = LOC_MODIFIED;

	/* L10: MmAvailablePages out of step with the lists. */
	v->c.available++;
	EXPECT(v, "L10", "available pages");
	v->c.available--;

	/* L3: zeroed pages on the list of another color (the color mask changes under them). */
	pfn = find_pfn(v, zeroed);
	ok(pfn != UINT64_MAX && v->pfn[pfn].u1 != UINT64_MAX, "a zeroed list with two pages");
	v->color_mask ^= 1;
	EXPECT(v, "L3", "page color against its list");
	v->color_mask ^= 1;
}

static void corrupt_pages(struct vmm *v, struct vproc *p, uint64_t pfn)
{
	uint64_t saved, va = page_va(v, pfn);
	struct ptnode *pt = pt_node(p, 3, va);
	uint64_t *e = &pt->e[pt_index(3, va)];

	/* P1 / S3: the share count of an active private page and of its page table. */
	v->pfn[pfn].u2 = 2;
	EXPECT(v, "P1", "share count of a private page");
	v->pfn[pfn].u2 = 1;
	saved = v->pfn[pfn].pte_frame;
	v->pfn[saved].u2++;
	EXPECT(v, "S3", "share count of a page table");
	v->pfn[saved].u2--;

	/* P3: the PTE of an active page points elsewhere. */
	saved = *e;
	*e ^= 1ULL << 12;
	EXPECT(v, "P3", "a valid PTE against its page");
	*e = saved;

	/* S4: UsedPageTableEntries of a user page table. */
	saved = v->pfn[pfn].pte_frame;
	v->pfn[saved].used++;
	EXPECT(v, "S4", "used entry count of a page table");
	v->pfn[saved].used--;
}

static void corrupt_ws_vads(struct vmm *v, struct vproc *p, uint64_t pfn)
{
	uint32_t idx = (uint32_t)v->pfn[pfn].u1;
	uint64_t e = p->wsl.e[idx];

	/* W4 / W5: the working set size and an entry's VA. */
	p->wsl.size++;
	EXPECT(v, "W4", "working set size");
	p->wsl.size--;
	p->wsl.e[idx] = wsle_make(v, page_va(v, pfn) + 0x1000, 0, 0, true);
	EXPECT(v, "W5", "a working set entry's VA");
	p->wsl.e[idx] = e;

	/* V2: an AVL tree out of balance. */
	p->vad_root->height += 2;
	EXPECT(v, "V2", "VAD tree balance");
	p->vad_root->height -= 2;
}

static void corrupt_pagefile_contents(struct vmm *v, uint64_t pfn)
{
	uint64_t a = find_pfn(v, on_standby), b, saved;
	uint8_t *page = physmem_page(&v->pm, pfn << 12), old = page[100];

	/* G2: a paging-file slot with two owners. */
	v->pfn[a].linked = 0; /* hide it from the search */
	b = find_pfn(v, on_standby);
	v->pfn[a].linked = 1;
	ok(b != UINT64_MAX, "two standby pages exist");
	saved = v->pfn[b].orig_pte;
	v->pfn[b].orig_pte = v->pfn[a].orig_pte;
	ck_err(vmm_check(v), ERR_FORMAT, "G2", "checker names G2: a paging-file slot with two owners");
	v->pfn[b].orig_pte = saved;

	/* C0: the contents of an active page. */
	page[100] ^= 0xFF;
	EXPECT(v, "C0", "page contents");
	page[100] = old;

	/* Q1: a byte in the first 2 MiB (the firmware's in a QEMU guest); the stub's page. */
	v->pm.ram[0x100008] = 0x5A;
	EXPECT(v, "Q1", "physical 0x100008 holds 0x5a");
	v->pm.ram[0x100008] = 0;
	ck_no_err(vmm_check(v), "clean again after Q1");
}

static void parser_cases(void)
{
	struct stmt st;

	ck_err(stmt_parse("frob x", &st), ERR_INVALID_ARG, "unknown statement 'frob'", "unknown statement");
	ck_err(stmt_parse("touch a.exe 0x1000 4K jump", &st), ERR_INVALID_ARG, "expected read or write",
	       "touch needs read or write");
	ck_err(stmt_parse("machine pagefile=1M", &st), ERR_INVALID_ARG, "ram=SIZE", "machine needs ram");
	ck_err(stmt_parse("alloc a.exe 0x1000 4K rw maybe", &st), ERR_INVALID_ARG, "reserve or commit",
	       "alloc's last word");
	ck_err(stmt_parse("snapshot a/b", &st), ERR_INVALID_ARG, "path separator", "snapshot name");
	ck_no_err(stmt_parse("  # a comment", &st), "comment line");
	is_u64(st.kind, ST_EMPTY, "a comment is empty");
	ck_no_err(stmt_parse("alloc a.exe any 2M rx+guard reserve", &st), "alloc any");
	ok(st.addr == UINT64_MAX && st.size == 0x200000 && st.prot == 0x13 && !st.commit,
	   "alloc any 2M rx+guard reserve: any, 2 MiB, protection 0x13, reserve");
	ck_no_err(stmt_parse("touch a.exe 0x7ff`fffe0000 read nowait", &st), "touch with a backtick");
	ok(st.addr == 0x7FFFFFE0000ULL && st.size == 0x1000 && !st.write && st.nowait,
	   "backtick address, default size one page, read, nowait");
}

int main(void)
{
	struct vmm_options o = { .check = true, .truth_pfns = true, .truth_ptes = true };
	struct vmm *v = NULL;
	struct vproc *p;
	uint64_t pfn;
	unsigned i;

	ck_no_err(vmm_create("machine ram=16M pagefile=16M seed=9", 1, &o, &v), "boot a 16 MiB machine");
	if (!v)
		return done_testing();
	for (i = 0; i < ARRAY_SIZE(script); i++)
		ck_no_err(vmm_exec(v, script[i], i + 2), "%s (checked after every event)", script[i]);
	ck_no_err(vmm_check(v), "the machine is consistent");
	p = proc(v);
	pfn = find_pfn(v, active_private);
	ok(p && pfn != UINT64_MAX, "the process and an active private page exist");
	if (p && pfn != UINT64_MAX) {
		corrupt_lists(v);
		corrupt_pages(v, p, pfn);
		corrupt_ws_vads(v, p, pfn);
		corrupt_pagefile_contents(v, pfn);
	}
	ck_no_err(vmm_check(v), "every corruption undone: consistent again");
	vmm_destroy(v);
	parser_cases();
	return done_testing();
}
