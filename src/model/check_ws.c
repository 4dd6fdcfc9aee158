// SPDX-License-Identifier: MIT
/*
 * The checker's process (X), PML4 (S1), working set (W) and VAD (V) families
 * (spec/transitions.md §4.3-4.4; VAD tree order and AVL balance, structures.md §5).
 */
#include <stdlib.h>
#include <string.h>

#include "core/as.h"
#include "core/err.h"
#include "core/util.h"
#include "model/check_int.h"
#include "model/kernel.h"
#include "model/kinfo.h"
#include "model/pfn.h"
#include "model/process.h"
#include "model/pte.h"
#include "model/vad.h"
#include "model/wsl.h"

/* Height of the subtree at @node (bounded), checking the AVL balance on the way. */
static int vad_height(struct checker *c, const struct process_info *pi, uint64_t node, int depth)
{
	struct vad_info v;
	int hl, hr;

	if (!node || depth > VAD_MAX_DEPTH)
		return 0;
	if (vad_read(c->k, node, &v))
		return 0;
	hl = vad_height(c, pi, v.left, depth + 1);
	hr = vad_height(c, pi, v.right, depth + 1);
	if (hl - hr > 1 || hr - hl > 1)
		check_report(c, "V2", "VAD tree", false, ~0ULL, node,
			     "%s: VAD %#llx is out of AVL balance (left height %d, right %d)", pi->name,
			     (unsigned long long)node, hl, hr);
	else if (v.balance != hr - hl)
		check_report(c, "V3", "VAD tree", true, ~0ULL, node,
			     "%s: VAD %#llx records balance %d, its subtrees differ by %d", pi->name,
			     (unsigned long long)node, v.balance, hr - hl);
	return 1 + MAX(hl, hr);
}

static void check_vads(struct checker *c, const struct process_info *pi)
{
	struct vad_walk_result res;
	struct err *err;

	if (!pi->vad_root)
		return;
	err = vad_walk(c->k, pi->vad_root, NULL, NULL, &res);
	if (err) {
		check_report(c, "V1", "VAD tree", false, ~0ULL, pi->vad_root, "%s: %s", pi->name,
			     err->message);
		err_destroy(err);
		return;
	}
	c->st->vads += res.count;
	if (res.broken) {
		check_report(c, "V1", "VAD tree", false, ~0ULL, pi->vad_root, "%s: %s", pi->name,
			     res.why);
		return;
	}
	if (res.count != pi->vad_count)
		check_report(c, "V4", "VAD tree", false, ~0ULL, pi->eprocess,
			     "%s: VadRoot counts %llu VADs, the tree has %llu", pi->name,
			     (unsigned long long)pi->vad_count, (unsigned long long)res.count);
	vad_height(c, pi, pi->vad_root, 0);
}

struct ws_state {
	struct checker *c;
	const struct process_info *pi;
	struct as *pas;
	const struct wsl_info *w;
	uint64_t in_use;
	uint8_t *seen_free;	/* free entries reached by the free chain */
};

static struct err *check_wsle(void *arg, const struct wsle_info *e)
{
	struct ws_state *ws = arg;
	struct checker *c = ws->c;
	struct xlate x;
	struct mmpfn p;
	struct err *err;

	c->st->wsles++;
	if (!e->valid)
		return NULL;
	ws->in_use++;
	if (e->index > ws->w->last_entry)
		check_report(c, "W1", "working sets", false, ~0ULL, ws->w->wsle + e->index * 8ULL,
			     "%s: WSLE %#x is in use above LastEntry %#x", ws->pi->name, e->index,
			     ws->w->last_entry);
	/* W5: the PTE of the entry's VA is valid and its page names this entry */
	err = as_translate(ws->pas, e->va, &x);
	if (err) {
		check_report(c, "W5", "working sets", false, ~0ULL, ws->w->wsle + e->index * 8ULL,
			     "%s: WSLE %#x holds VA %#llx, which is not mapped (%s)", ws->pi->name,
			     e->index, (unsigned long long)e->va, err->message);
		err_destroy(err);
		return NULL;
	}
	if (x.leaf != LVL_PT)
		return NULL; /* large pages have no WSLE (P20); a kernel alias is not ours to judge */
	err = pfn_read(c->k, x.pa >> 12, &p);
	if (err) {
		err_destroy(err);
		return NULL;
	}
	if (p.location != MM_ACTIVE)
		check_report(c, "W5", "working sets", false, p.pfn, p.address,
			     "%s: WSLE %#x maps VA %#llx to PFN %#llx, which is %s", ws->pi->name,
			     e->index, (unsigned long long)e->va, (unsigned long long)p.pfn,
			     pfn_state_name(p.location));
	else if (!p.prototype && p.pte_frame != p.pfn && (p.u1 & 0xFFFFFFFF) != e->index)
		check_report(c, "W5", "working sets", false, p.pfn, p.address,
			     "%s: WSLE %#x maps VA %#llx, but PFN %#llx names WSLE %#llx",
			     ws->pi->name, e->index, (unsigned long long)e->va,
			     (unsigned long long)p.pfn, (unsigned long long)(p.u1 & 0xFFFFFFFF));
	else if (((x.entry[LVL_PT] >> 52) & 0x7FF) != (e->index & 0x7FF))
		check_report(c, "P12", "pages", true, p.pfn, p.address,
			     "%s: PTE of VA %#llx has SoftwareWsIndex %#llx, its WSLE is %#x",
			     ws->pi->name, (unsigned long long)e->va,
			     (unsigned long long)((x.entry[LVL_PT] >> 52) & 0x7FF), e->index);
	return NULL;
}

/* W2: the free chain from FirstFree, bounded by the initialized entries. */
static void check_free_chain(struct ws_state *ws)
{
	struct checker *c = ws->c;
	uint64_t idx = ws->w->first_free, prev = 0x7FFFFFFF, n = 0;

	while (idx != 0xFFFFFFFF && idx != 0xFFFFFFFFFFFFFFFFULL) {
		uint64_t raw;
		struct wsle_info e;

		if (idx > ws->w->last_initialized || n++ > ws->w->last_initialized) {
			check_report(c, "W2", "working sets", false, ~0ULL, ws->w->address,
				     "%s: the WSLE free chain reaches index %#llx beyond LastInitialized "
				     "%#x (or loops)", ws->pi->name, (unsigned long long)idx,
				     ws->w->last_initialized);
			return;
		}
		if (as_read_u64(ws->pas, ws->w->wsle + idx * 8, &raw, NULL))
			return;
		wsle_decode(ws->c->k, ws->w, (uint32_t)idx, raw, &e);
		if (e.valid || e.prev_free != prev) {
			check_report(c, "W2", "working sets", false, ~0ULL, ws->w->wsle + idx * 8,
				     "%s: free WSLE %#llx is %s (previous %#x, expected %#llx)",
				     ws->pi->name, (unsigned long long)idx,
				     e.valid ? "in use" : "badly linked", e.prev_free,
				     (unsigned long long)prev);
			return;
		}
		prev = idx;
		idx = e.next_free;
	}
}

struct map_state {
	struct checker *c;
	const struct process_info *pi;
	struct as *pas;
	const struct wsl_info *w;
};

/* W7 and V5: every valid 4 KiB user page has a WSLE and lies in a VAD. */
static struct err *check_mapping(void *arg, uint64_t va, uint64_t pa, uint64_t size, uint64_t e)
{
	struct map_state *ms = arg;
	struct checker *c = ms->c;
	struct vad_info v;
	struct mmpfn p;
	uint64_t raw;
	struct err *err;

	c->st->ptes++;
	if (size != 0x1000)
		return NULL;
	err = vad_find(c->k, ms->pi->vad_root, va, &v);
	if (err) {
		check_report(c, "V5", "VAD tree", false, pa >> 12, va,
			     "%s: VA %#llx is mapped (PFN %#llx) but lies in no VAD", ms->pi->name,
			     (unsigned long long)va, (unsigned long long)(pa >> 12));
		err_destroy(err);
	}
	if (pfn_read(c->k, pa >> 12, &p) || p.prototype || p.location != MM_ACTIVE ||
	    p.pte_frame == p.pfn)
		return NULL;
	if (as_read_u64(ms->pas, ms->w->wsle + (p.u1 & 0xFFFFFFFF) * 8, &raw, NULL) ||
	    !(raw & 1) || (raw & ~0xFFFULL) != (va & 0x0000FFFFFFFFF000ULL))
		check_report(c, "W7", "working sets", false, p.pfn, va,
			     "%s: VA %#llx is valid (PFN %#llx, WsIndex %#llx) but that WSLE holds "
			     "%#llx", ms->pi->name, (unsigned long long)va, (unsigned long long)p.pfn,
			     (unsigned long long)(p.u1 & 0xFFFFFFFF), (unsigned long long)raw);
	return NULL;
}

static void check_working_set(struct checker *c, const struct process_info *pi, struct as *pas)
{
	struct ws_state ws = { c, pi, pas, NULL, 0, NULL };
	struct map_state ms = { c, pi, pas, NULL };
	struct wsl_info w;
	struct err *err;

	if (!pi->wsl)
		return;
	err = wsl_read(c->k, pas, pi->wsl, &w);
	if (err) {
		check_report(c, "W1", "working sets", false, ~0ULL, pi->eprocess,
			     "%s: cannot read its working set list: %s", pi->name, err->message);
		err_destroy(err);
		return;
	}
	ws.w = &w;
	ms.w = &w;
	if (w.last_entry > w.last_initialized)
		check_report(c, "W1", "working sets", false, ~0ULL, w.address,
			     "%s: LastEntry %#x is above LastInitializedWsle %#x", pi->name,
			     w.last_entry, w.last_initialized);
	if (w.first_dynamic != 5)
		check_report(c, "W3", "working sets", false, ~0ULL, w.address,
			     "%s: FirstDynamic is %u, not 5", pi->name, w.first_dynamic);
	err = wsle_walk(c->k, pas, &w, false, check_wsle, &ws);
	if (err) {
		check_report(c, "W1", "working sets", false, ~0ULL, w.wsle, "%s: %s", pi->name,
			     err->message);
		err_destroy(err);
		return;
	}
	if (ws.in_use != pi->ws_size)
		check_report(c, "W4", "working sets", false, ~0ULL, pi->eprocess,
			     "%s: WorkingSetSize is %u, %llu WSLEs are in use", pi->name, pi->ws_size,
			     (unsigned long long)ws.in_use);
	if (pi->ws_peak < pi->ws_size)
		check_report(c, "W4", "working sets", false, ~0ULL, pi->eprocess,
			     "%s: PeakWorkingSetSize %u is below WorkingSetSize %u", pi->name,
			     pi->ws_peak, pi->ws_size);
	check_free_chain(&ws);
	err = as_walk(pas, 0, 0x00007FFFFFFFFFFFULL, 0, check_mapping, &ms);
	err_destroy(err);
}

struct proc_state {
	struct checker *c;
};

static struct err *check_one_process(void *arg, const struct process_info *pi)
{
	struct proc_state *ps = arg;
	struct checker *c = ps->c;
	struct mmpfn pml4;
	unsigned index;
	struct as *pas;

	c->st->processes++;
	if (pi->header_type != 3)
		check_report(c, "X2", "processes", false, ~0ULL, pi->eprocess,
			     "EPROCESS %#llx (%s) has dispatcher type %u, not 3 (ProcessObject)",
			     (unsigned long long)pi->eprocess, pi->name, pi->header_type);
	if (!dtb_is_pml4(c->k->kas->t, pi->dtb, &index)) {
		check_report(c, "X3", "processes", false, ~0ULL, pi->eprocess,
			     "%s (EPROCESS %#llx): DirBase %#llx does not hold a PML4", pi->name,
			     (unsigned long long)pi->eprocess, (unsigned long long)pi->dtb);
		return NULL;
	}
	/* S1: the PML4's PFN entry names this process and points to itself (B:5255-5262) */
	if (!pfn_read(c->k, pi->dtb >> 12, &pml4) && pi->pid != 4 &&
	    (pml4.u1 != pi->eprocess || pml4.pte_frame != pml4.pfn))
		check_report(c, "S1", "paging structures", false, pml4.pfn, pml4.address,
			     "%s: its PML4 PFN %#llx has u1 %#llx and containing page %#llx",
			     pi->name, (unsigned long long)pml4.pfn, (unsigned long long)pml4.u1,
			     (unsigned long long)pml4.pte_frame);
	check_vads(c, pi);
	if (pi->pid == 4)
		return NULL; /* System: no process working set (structures.md §7) */
	pas = malloc(sizeof(*pas));
	if (!pas)
		return err_nomem;
	as_init_x64(pas, c->k->kas->t, pi->dtb, "process");
	check_working_set(c, pi, pas);
	free(pas);
	return NULL;
}

void check_processes(struct checker *c)
{
	struct proc_state ps = { c };
	struct process_walk_result res;
	struct err *err = process_walk(c->k, check_one_process, &ps, &res);

	if (err) {
		check_report(c, "X1", "processes", false, ~0ULL, c->k->ps_active_process_head, "%s",
			     err->message);
		err_destroy(err);
	}
	if (res.broken)
		check_report(c, "X1", "processes", false, ~0ULL, c->k->ps_active_process_head,
			     "the process list is broken after %llu processes: %s",
			     (unsigned long long)res.count, res.why);
}
