// SPDX-License-Identifier: MIT
/*
 * Invariant checker. See check.h.
 */
#include "check.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/util.h"
#include "model/vmm/alloc.h"
#include "model/vmm/content.h"
#include "model/vmm/fault.h"
#include "model/vmm/pagefile.h"
#include "model/vmm/pfndb.h"
#include "model/vmm/pt.h"
#include "model/vmm/vad.h"
#include "model/vmm/vstate.h"
#include "model/vmm/wsl.h"

static struct err *broken(const char *id, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static struct err *broken(const char *id, const char *fmt, ...)
{
	char msg[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return err_create(ERR_FORMAT, "invariant %s broken: %s", id, msg);
}

#define ULL(x) ((unsigned long long)(x))

static bool is_ram(const struct vmm *v, uint64_t pfn)
{
	return pfn >= 1 && pfn <= v->highest_pfn && !(pfn >= 0x9F && pfn < 0x100);
}

/* L1, L2, L6: walk one list; mark its pages in @seen. */
static struct err *check_list(struct vmm *v, const struct vlist *l, const char *name, unsigned idx,
			      uint8_t *seen)
{
	uint64_t pfn = l->flink, prev = VMM_LIST_END, n = 0;

	while (pfn != VMM_LIST_END) {
		const struct vpfn *p;

		if (!is_ram(v, pfn))
			return broken("L1", "%s list %u: link to %#llx, not a RAM page", name, idx, ULL(pfn));
		p = &v->pfn[pfn];
		if (seen[pfn])
			return broken("L7", "%s list %u: pfn %#llx is linked twice (cycle or two lists)",
				      name, idx, ULL(pfn));
		seen[pfn] = 1;
		if (!p->linked || p->loc != l->loc)
			return broken("L2", "%s list %u: pfn %#llx has PageLocation %u (linked %u)",
				      name, idx, ULL(pfn), p->loc, p->linked);
		if (list_of(v, pfn) != l)
			return broken("L3", "%s list %u: pfn %#llx belongs on another list (color, "
				      "priority or VA class)", name, idx, ULL(pfn));
		if (p->u2 != prev)
			return broken("L1", "%s list %u: pfn %#llx has Blink %#llx, previous is %#llx",
				      name, idx, ULL(pfn), ULL(p->u2), ULL(prev));
		prev = pfn;
		pfn = p->u1;
		if (++n > v->npages)
			return broken("L1", "%s list %u does not end", name, idx);
	}
	if (l->blink != prev)
		return broken("L1", "%s list %u: head Blink %#llx, last page %#llx", name, idx,
			      ULL(l->blink), ULL(prev));
	if (l->total != n)
		return broken("L1", "%s list %u: head Total %llu, %llu pages linked", name, idx,
			      ULL(l->total), ULL(n));
	return NULL;
}

static struct err *check_lists(struct vmm *v, uint8_t *seen)
{
	uint64_t z = 0, f = 0, s = 0, pfn;
	unsigned i;
	struct err *err = NULL;

	for (i = 0; i < v->colors && !err; i++) {
		err = check_list(v, &v->zeroed[i], "zeroed", i, seen);
		if (!err)
			err = check_list(v, &v->free[i], "free", i, seen);
		z += v->zeroed[i].total;
		f += v->free[i].total;
	}
	for (i = 0; i < VMM_NPRIO && !err; i++) {
		err = check_list(v, &v->standby[i], "standby", i, seen);
		s += v->standby[i].total;
	}
	if (!err)
		err = check_list(v, &v->mod_user, "modified (process)", 0, seen);
	if (!err)
		err = check_list(v, &v->mod_system, "modified (system)", 0, seen);
	if (!err)
		err = check_list(v, &v->mod_nowrite, "modified no-write", 0, seen);
	if (!err)
		err = check_list(v, &v->bad, "bad", 0, seen);
	if (err)
		return err;
	if (z != v->zeroed_total || f != v->free_total || s != v->standby_total ||
	    v->mod_user.total + v->mod_system.total != v->modified_total)
		return broken("L11", "list totals: zeroed %llu/%llu free %llu/%llu standby %llu/%llu",
			      ULL(z), ULL(v->zeroed_total), ULL(f), ULL(v->free_total), ULL(s),
			      ULL(v->standby_total));
	if (v->c.available != z + f + s)
		return broken("L10", "MmAvailablePages %llu, zeroed + free + standby = %llu",
			      ULL(v->c.available), ULL(z + f + s));
	for (pfn = 0; pfn <= v->highest_pfn; pfn++)
		if (v->pfn[pfn].linked && !seen[pfn])
			return broken("L7", "pfn %#llx is marked linked but is on no list", ULL(pfn));
	return NULL;
}

/* P5, P15-P17: the page's own fields. */
static struct err *check_flags(const struct vpfn *p, uint64_t pfn)
{
	if (p->prio > 7)
		return broken("P15", "pfn %#llx has priority %u", ULL(pfn), p->prio);
	if (p->wip && (p->loc != LOC_MODIFIED && p->loc != LOC_ACTIVE))
		return broken("P16", "pfn %#llx: WriteInProgress with PageLocation %u", ULL(pfn), p->loc);
	if (p->wip && !pte_is_pagefile(p->orig_pte))
		return broken("P16", "pfn %#llx: WriteInProgress without a paging-file OriginalPte %#llx",
			      ULL(pfn), ULL(p->orig_pte));
	if (p->rip && (p->loc != LOC_STANDBY || p->u2 || !p->ref || p->linked))
		return broken("P17", "pfn %#llx: ReadInProgress with Loc %u share %llu ref %u linked %u",
			      ULL(pfn), p->loc, ULL(p->u2), p->ref, p->linked);
	if (p->loc == LOC_ACTIVE && (p->linked || !p->ref || !p->u2))
		return broken("P5", "pfn %#llx: Active with share %llu ref %u linked %u", ULL(pfn),
			      ULL(p->u2), p->ref, p->linked);
	if ((p->loc == LOC_STANDBY || p->loc == LOC_MODIFIED) && !p->linked && !p->rip && !p->wip &&
	    !p->ref)
		return broken("P5", "pfn %#llx: Loc %u, not linked, no I/O and no reference", ULL(pfn),
			      p->loc);
	return NULL;
}

/* P1, P3, P9, P10 (Active) and P4, P13, L8, L9 (transition lists): the page against its entry. */
static struct err *check_mapping(const struct vmm *v, const struct vpfn *p, uint64_t pfn,
				 const struct vproc *owner, uint64_t va, uint64_t e)
{
	if (p->loc == LOC_ACTIVE) {
		if (!pte_is_valid(e) || pte_pfn(e) != pfn)
			return broken("P3", "pfn %#llx of '%s' is Active but its entry for %#llx is %#llx",
				      ULL(pfn), owner->name, ULL(va), ULL(e));
		if (p->use == USE_PRIVATE && (p->u2 != 1 || p->ref != 1 + p->wip + p->locks))
			return broken("P1", "private pfn %#llx of '%s': share %llu ref %u (wip %u locks %u)",
				      ULL(pfn), owner->name, ULL(p->u2), p->ref, p->wip, p->locks);
		if (p->use == USE_PRIVATE && (e & PTE_WRITE_SW) && !(e & PTE_RW) &&
		    !pte_is_pagefile(p->orig_pte))
			return broken("P10", "pfn %#llx of '%s': clean-writable PTE %#llx without a "
				      "paging-file copy (OriginalPte %#llx)", ULL(pfn), owner->name,
				      ULL(e), ULL(p->orig_pte));
		if (p->use == USE_PRIVATE && p->mod && !p->wip && pte_is_pagefile(p->orig_pte))
			return broken("P9", "pfn %#llx of '%s': Modified with a paging-file OriginalPte %#llx",
				      ULL(pfn), owner->name, ULL(p->orig_pte));
		return NULL;
	}
	if (!pte_is_transition(e) || pte_pfn(e) != pfn)
		return broken("P4", "pfn %#llx of '%s' (Loc %u) but its entry for %#llx is %#llx",
			      ULL(pfn), owner->name, p->loc, ULL(va), ULL(e));
	if (!p->rip && pte_prot(e) != pte_prot(p->orig_pte))
		return broken("P13", "pfn %#llx: transition PTE protection %u, OriginalPte %u", ULL(pfn),
			      pte_prot(e), pte_prot(p->orig_pte));
	if (p->linked && p->loc == LOC_STANDBY && (p->ref || p->mod || !pte_is_pagefile(p->orig_pte)))
		return broken("L8", "standby pfn %#llx: ref %u mod %u OriginalPte %#llx", ULL(pfn),
			      p->ref, p->mod, ULL(p->orig_pte));
	if (p->linked && p->loc == LOC_MODIFIED && (p->ref || !p->mod || pte_is_pagefile(p->orig_pte)))
		return broken("L9", "modified pfn %#llx: ref %u mod %u OriginalPte %#llx", ULL(pfn),
			      p->ref, p->mod, ULL(p->orig_pte));
	(void)v;
	return NULL;
}

/* P1-P17, S1, S7 for one page. */
static struct err *check_page(struct vmm *v, uint64_t pfn)
{
	const struct vpfn *p = &v->pfn[pfn];
	const struct vproc *owner = vmm_owner(v, p);
	struct vproc *op;
	const struct ptnode *n;
	uint64_t va, e;
	unsigned lvl;
	struct err *err = check_flags(p, pfn);

	if (err)
		return err;
	if (!owner || owner->exited || p->use < USE_PS || (p->loc > LOC_MODIFIED && p->loc != LOC_ACTIVE))
		return NULL;
	if (p->loc <= LOC_FREE)
		return broken("P3", "pfn %#llx is on a free list but owned by '%s'", ULL(pfn), owner->name);
	if (p->level == 0) {
		if (p->u1 != owner->eprocess_va || p->pte_frame != pfn)
			return broken("S1", "PML4 pfn %#llx of '%s': u1 %#llx, PteFrame %#llx", ULL(pfn),
				      owner->name, ULL(p->u1), ULL(p->pte_frame));
		return NULL;
	}
	if (!entry_of_page(v, pfn, &op, &lvl, &va))
		return broken("P2", "pfn %#llx of '%s': PteAddress %#llx is not a paging entry",
			      ULL(pfn), owner->name, ULL(p->pte_va));
	if (p->rip && (p->pte_va & 2))
		return NULL; /* E6: the PTE no longer refers to the page */
	e = pt_get(owner, lvl, va);
	err = check_mapping(v, p, pfn, owner, va, e);
	if (err)
		return err;
	n = pt_node(owner, lvl, va);
	if (!n || n->pfn != p->pte_frame || v->pfn[p->pte_frame].loc != LOC_ACTIVE)
		return broken("S7", "pfn %#llx of '%s': PteFrame %#llx is not the Active table "
			      "holding its entry", ULL(pfn), owner->name, ULL(p->pte_frame));
	return NULL;
}

/* S3, S4 (model rule: UsedPageTableEntries = non-zero entries), P3/P4 from the tables. */
static struct err *check_tables(struct vmm *v, struct vproc *p, const struct ptnode *n)
{
	unsigned i, live = 0, used = 0;
	const struct vpfn *t;

	for (i = 0; i < 512; i++) {
		uint64_t e = n->e[i];

		if (!e)
			continue;
		used++;
		if (pte_is_valid(e) || pte_is_transition(e))
			live++;
		if (n->child && n->child[i] && !n->child[i]->kernel && (i != v->selfmap_index || n->level)) {
			struct err *err = check_tables(v, p, n->child[i]);

			if (err)
				return err;
		}
	}
	if (n->pfn == UINT64_MAX)
		return NULL; /* in the paging file: no page to check */
	t = &v->pfn[n->pfn];
	if (t->loc != LOC_ACTIVE)
		return live ? broken("S5", "table %#llx of '%s' is not Active but has %u valid or "
				     "transition entries", ULL(n->base_va), p->name, live)
			    : NULL;
	if (t->u2 != 1 + live)
		return broken("S3", "level-%u table pfn %#llx of '%s' (VAs from %#llx): share %llu, "
			      "1 + valid/transition entries = %u", n->level, ULL(n->pfn), p->name,
			      ULL(n->base_va), ULL(t->u2), 1 + live);
	if (va_is_user(n->base_va) && n->level && t->used != used)
		return broken("S4", "table pfn %#llx of '%s': UsedPageTableEntries %u, %u non-zero",
			      ULL(n->pfn), p->name, t->used, used);
	return NULL;
}

/* W1-W5: the working set list. */
static struct err *check_wsl(struct vmm *v, struct vproc *p)
{
	const struct vwsl *w = &p->wsl;
	uint32_t i, valid = 0, free_n = 0, prev = WSL_FREE_HEAD, cur, highest = 0;

	for (i = 0; i <= w->last_initialized; i++) {
		uint64_t e = w->e[i], va, entry, pfn;
		int lvl;
		unsigned k;

		if (!wsle_valid(v, e))
			continue;
		valid++;
		highest = i;
		va = wsle_va(v, e);
		if (va_is_user(va)) {
			entry = pt_get(p, 3, va);
		} else if ((lvl = selfmap_level_of(&v->sm, va)) >= 0) {
			uint64_t m = va;

			if (lvl == 0)
				continue; /* the PML4 (entry 0) */
			for (k = 0; k < 4 - (unsigned)lvl; k++)
				m = selfmap_va_from_pte(&v->sm, m);
			entry = pt_get(p, (unsigned)lvl - 1, m);
		} else {
			entry = pt_get(p, 3, va); /* hyperspace data */
		}
		pfn = pte_pfn(entry);
		if (!pte_is_valid(entry) || v->pfn[pfn].u1 != i)
			return broken("W5", "WSLE %u of '%s' (VA %#llx): entry %#llx, page WsIndex %#llx",
				      i, p->name, ULL(va), ULL(entry), ULL(v->pfn[pfn].u1));
	}
	if (valid != w->size || w->peak < w->size)
		return broken("W4", "'%s': WorkingSetSize %u (peak %u), %u valid entries", p->name,
			      w->size, w->peak, valid);
	if (highest != w->last_entry)
		return broken("W1", "'%s': LastEntry %u, highest valid entry %u", p->name, w->last_entry,
			      highest);
	for (cur = w->first_free; cur != WSL_FREE_END; cur = wsle_free_next(v, w->e[cur])) {
		if (cur > w->last_initialized || wsle_valid(v, w->e[cur]) ||
		    wsle_free_prev(v, w->e[cur]) != prev || ++free_n > w->last_initialized)
			return broken("W2", "'%s': free WSLE chain broken at %u (previous %u)", p->name,
				      cur, prev);
		prev = cur;
	}
	if (free_n + valid != w->last_initialized + 1)
		return broken("W2", "'%s': %u free + %u valid entries, %u initialized", p->name, free_n,
			      valid, w->last_initialized + 1);
	return NULL;
}

/* The VAD tree: address order, AVL balance and heights, parents, commit. */
static struct err *check_vads(struct vproc *p)
{
	const struct vad *d, *prev = NULL;
	uint64_t n = 0, commit = 0;

	for (d = vad_first(p); d; d = vad_next(d)) {
		if (d->start_vpn > d->end_vpn || (prev && prev->end_vpn >= d->start_vpn))
			return broken("V1", "'%s': VAD %#llx-%#llx out of order or overlapping", p->name,
				      ULL(d->start_vpn), ULL(d->end_vpn));
		if (d->height != 1 + MAX(vad_height(d->left), vad_height(d->right)) ||
		    vad_balance(d) < -1 || vad_balance(d) > 1)
			return broken("V2", "'%s': VAD %#llx is not AVL-balanced (balance %d)", p->name,
				      ULL(d->start_vpn), vad_balance(d));
		if ((d->left && d->left->parent != d) || (d->right && d->right->parent != d))
			return broken("V3", "'%s': VAD %#llx has a child whose parent is not it", p->name,
				      ULL(d->start_vpn));
		if (d->commit > d->end_vpn - d->start_vpn + 1)
			return broken("V4", "'%s': VAD %#llx commits %llu pages", p->name,
				      ULL(d->start_vpn), ULL(d->commit));
		commit += d->commit;
		prev = d;
		n++;
	}
	if (n != p->vad_count || (p->vad_root && p->vad_root->parent))
		return broken("V3", "'%s': %llu VADs in order, count %llu", p->name, ULL(n),
			      ULL(p->vad_count));
	if (commit != p->commit)
		return broken("G1", "'%s': VAD commit %llu, process commit %llu", p->name, ULL(commit),
			      ULL(p->commit));
	return NULL;
}

/* G2: every paging-file slot in use has exactly one owner (a PTE or an OriginalPte). */
static struct err *claim(const struct vmm *v, uint8_t *owned, uint64_t off, const char *who,
			 uint64_t what)
{
	if (off >= v->pf.size_pages || !pagefile_used(v, off))
		return broken("G2", "%s %#llx refers to paging-file offset %#llx, not in use", who,
			      ULL(what), ULL(off));
	if (owned[off])
		return broken("G2", "paging-file offset %#llx has two owners (%s %#llx)", ULL(off), who,
			      ULL(what));
	owned[off] = 1;
	return NULL;
}

static struct err *claim_tables(const struct vmm *v, const struct ptnode *n, uint8_t *owned)
{
	unsigned i;
	struct err *err;

	for (i = 0; i < 512; i++) {
		if (pte_is_pagefile(n->e[i]) && va_is_user(n->base_va)) {
			err = claim(v, owned, n->e[i] >> 32, "PTE in table at", n->base_va);
			if (err)
				return err;
		}
		if (n->child && n->child[i] && !n->child[i]->kernel && va_is_user(n->child[i]->base_va)) {
			err = claim_tables(v, n->child[i], owned);
			if (err)
				return err;
		}
	}
	return NULL;
}

static struct err *check_pagefile(struct vmm *v)
{
	uint8_t *owned;
	uint64_t pfn, off, used = 1;
	unsigned i;
	struct err *err = NULL;

	if (!v->pf.size_pages)
		return NULL;
	owned = calloc(v->pf.size_pages, 1);
	if (!owned)
		return err_nomem;
	owned[0] = 1;
	for (pfn = 0; pfn <= v->highest_pfn && !err; pfn++) {
		const struct vpfn *p = &v->pfn[pfn];

		if (p->use >= USE_PS && pte_is_pagefile(p->orig_pte) && !(p->pte_va & 2) &&
		    vmm_owner(v, p) && !vmm_owner(v, p)->exited)
			err = claim(v, owned, p->orig_pte >> 32, "OriginalPte of pfn", pfn);
	}
	for (i = 0; i < v->nprocs && !err; i++)
		if (!v->procs[i]->exited)
			err = claim_tables(v, v->procs[i]->root, owned);
	for (off = 1; off < v->pf.size_pages && !err; off++) {
		if (pagefile_used(v, off)) {
			used++;
			if (!owned[off])
				err = broken("G2", "paging-file offset %#llx is in use but nothing refers to it",
					     ULL(off));
		}
	}
	if (!err && used != v->pf.used)
		err = broken("G2", "paging file: %llu slots marked, %llu counted", ULL(used), ULL(v->pf.used));
	free(owned);
	return err;
}

static struct err *check_contents(struct vmm *v)
{
	uint64_t pfn;

	for (pfn = 0; pfn <= v->highest_pfn; pfn++) {
		const struct vpfn *p = &v->pfn[pfn];
		const struct vproc *o = vmm_owner(v, p);
		uint64_t va;

		if (p->use != USE_PRIVATE || !o || o->exited || p->rip)
			continue;
		va = page_va(v, pfn);
		if (!content_check(physmem_page(&v->pm, pfn << 12), o->pid, va, page_version(o, va)))
			return broken("C0", "pfn %#llx (VA %#llx of '%s') does not hold the bytes last "
				      "written there (version %u)", ULL(pfn), ULL(va), o->name,
				      page_version(o, va));
	}
	return NULL;
}

/* Q1: nothing in the first 2 MiB. A QEMU guest's firmware and the guest stub own it, and the
 * QEMU tests load the image from 0x200000 on (live-lab.md §3): every machine must stay
 * bootable. The pages there are Active firmware pages in the PFN database (pfndb.c); their
 * bytes are not the model's. Read in place: physmem_page() would mark the pages present. */
static struct err *check_low_memory(const struct vmm *v)
{
	const uint64_t *w = (const uint64_t *)(const void *)v->pm.ram;
	uint64_t i, n = MIN(VMM_FIRST_MODEL_PA, v->pm.size) / 8;

	for (i = 0; i < n; i++)
		if (w[i])
			return broken("Q1", "physical %#llx holds %#llx: the first 2 MiB belong to the "
				      "firmware of a QEMU guest", ULL(i * 8), ULL(w[i]));
	return NULL;
}

struct err *vmm_check_all(struct vmm *v, bool contents)
{
	uint8_t *seen = calloc(v->highest_pfn + 1, 1);
	uint64_t pfn;
	unsigned i;
	struct err *err;

	if (!seen)
		return err_nomem;
	err = check_lists(v, seen);
	free(seen);
	for (pfn = 0; pfn <= v->highest_pfn && !err; pfn++)
		if (is_ram(v, pfn))
			err = check_page(v, pfn);
	for (i = 0; i < v->nprocs && !err; i++) {
		struct vproc *p = v->procs[i];

		if (p->exited)
			continue;
		err = check_tables(v, p, p->root);
		if (!err)
			err = check_wsl(v, p);
		if (!err)
			err = check_vads(p);
	}
	if (!err && v->c.committed > v->c.commit_limit)
		err = broken("G1", "committed %llu > limit %llu", ULL(v->c.committed),
			     ULL(v->c.commit_limit));
	if (!err)
		err = check_pagefile(v);
	if (!err && contents)
		err = check_contents(v);
	if (!err && contents)
		err = check_low_memory(v);
	return err;
}

/* The invariants around one page: its own (P*), its list neighbours (L1), the table that
 * holds its entry (S3, S4) and its working set entry (W5). */
static struct err *check_local(struct vmm *v, uint64_t pfn)
{
	const struct vpfn *p = &v->pfn[pfn];
	struct vproc *owner = vmm_owner(v, p);
	struct err *err = is_ram(v, pfn) ? check_page(v, pfn) : NULL;
	unsigned lvl;
	uint64_t va;

	if (err)
		return err;
	if (p->linked) {
		if ((p->u1 != VMM_LIST_END && (!is_ram(v, p->u1) || v->pfn[p->u1].u2 != pfn)) ||
		    (p->u2 != VMM_LIST_END && (!is_ram(v, p->u2) || v->pfn[p->u2].u1 != pfn)))
			return broken("L1", "pfn %#llx: its list neighbours (Flink %#llx, Blink %#llx) "
				      "do not link back", ULL(pfn), ULL(p->u1), ULL(p->u2));
	}
	if (!owner || owner->exited || p->level == 0 || !entry_of_page(v, pfn, &owner, &lvl, &va))
		return NULL;
	{
		const struct ptnode *n = pt_node(owner, lvl, va);
		unsigned i, live = 0, used = 0;

		if (!n || n->pfn == UINT64_MAX)
			return NULL;
		for (i = 0; i < 512; i++) {
			used += n->e[i] != 0;
			live += pte_is_valid(n->e[i]) || pte_is_transition(n->e[i]);
		}
		if (v->pfn[n->pfn].u2 != 1 + live)
			return broken("S3", "table pfn %#llx of '%s' holding the entry of pfn %#llx: share "
				      "%llu, 1 + valid/transition entries = %u", ULL(n->pfn), owner->name,
				      ULL(pfn), ULL(v->pfn[n->pfn].u2), 1 + live);
		if (va_is_user(n->base_va) && lvl && v->pfn[n->pfn].used != used)
			return broken("S4", "table pfn %#llx of '%s': UsedPageTableEntries %u, %u non-zero",
				      ULL(n->pfn), owner->name, v->pfn[n->pfn].used, used);
	}
	if (p->loc == LOC_ACTIVE && p->level && p->u1 && p->use != USE_KERNEL) {
		uint64_t e = p->u1 <= owner->wsl.last_initialized ? owner->wsl.e[p->u1] : 0;

		if (!wsle_valid(v, e) || wsle_va(v, e) != (page_va(v, pfn) & ~0xFFFULL))
			return broken("W5", "pfn %#llx of '%s': WsIndex %llu holds %#llx, not its VA %#llx",
				      ULL(pfn), owner->name, ULL(p->u1), ULL(e), ULL(page_va(v, pfn)));
	}
	return NULL;
}

/* After each page operation: the invariants around the pages its events touched, and every
 * invariant every 256 steps (and at every statement boundary, vmm.c). */
struct err *vmm_check_step(struct vmm *v)
{
	struct vtrace *t = &v->trace;
	struct err *err = NULL;
	unsigned i;

	if (!v->check)
		return NULL;
	if (t->recent_overflow || ++t->steps % 256 == 0) {
		err = vmm_check_all(v, false);
	} else {
		for (i = 0; i < t->nrecent && !err; i++)
			err = check_local(v, t->recent[i]);
	}
	t->nrecent = 0;
	t->recent_overflow = false;
	return err;
}
