// SPDX-License-Identifier: MIT
/*
 * Truth documents. See truth.h.
 */
#include "truth.h"

#include <inttypes.h>
#include <stdio.h>

#include "core/util.h"
#include "model/pte.h"
#include "model/vmm/kimage.h"
#include "model/vmm/pfndb.h"
#include "model/vmm/pt.h"
#include "model/vmm/trace.h"
#include "model/vmm/vad.h"
#include "model/vmm/vstate.h"
#include "model/vmm/wsl.h"

static json_t *hex(uint64_t v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "0x%" PRIx64, v);
	return json_string(buf);
}

static json_t *num(uint64_t v)
{
	return json_integer((json_int_t)v);
}

static json_t *machine(struct vmm *v)
{
	json_t *m = json_object(), *runs = json_array(), *pfs = json_array(), *r;
	uint64_t head = 0;
	char idx[8];

	kimage_symbol(v, "PsActiveProcessHead", &head);
	snprintf(idx, sizeof(idx), "0x%x", v->selfmap_index);
	json_object_set_new(m, "ram_bytes", hex(v->ram_bytes));
	json_object_set_new(m, "selfmap_index", json_string(idx));
	json_object_set_new(m, "colors", num(v->colors));
	json_object_set_new(m, "dtb", hex(v->system->pml4_pfn << 12));
	json_object_set_new(m, "kernel_base", hex(VMM_KERNEL_VA));
	json_object_set_new(m, "kdbg", hex(v->kdbg_va));
	json_object_set_new(m, "pfn_database", hex(VMM_PFN_DB_VA));
	json_object_set_new(m, "highest_pfn", hex(v->highest_pfn));
	json_object_set_new(m, "ps_active_process_head", hex(head));
	r = json_object();
	json_object_set_new(r, "base_page", hex(1));
	json_object_set_new(r, "page_count", hex(0x9E));
	json_array_append_new(runs, r);
	r = json_object();
	json_object_set_new(r, "base_page", hex(0x100));
	json_object_set_new(r, "page_count", hex(v->npages - 0x100));
	json_array_append_new(runs, r);
	json_object_set_new(m, "runs", runs);
	if (v->pf.size_pages) {
		r = json_object();
		json_object_set_new(r, "index", num(0));
		json_object_set_new(r, "size_pages", num(v->pf.size_pages));
		json_object_set_new(r, "free_pages", num(v->pf.size_pages - v->pf.used));
		json_array_append_new(pfs, r);
	}
	json_object_set_new(m, "paging_files", pfs);
	return m;
}

static bool is_ram(uint64_t pfn)
{
	return pfn >= 1 && !(pfn >= 0x9F && pfn < 0x100);
}

static json_t *counts(struct vmm *v)
{
	static const char *const keys[8] = {
		"zeroed", "free", "standby", "modified", "modified_no_write", "bad", "active",
		"transition",
	};
	uint64_t c[8] = { 0 }, pfn, total = 0;
	json_t *o = json_object();
	unsigned i;

	for (pfn = 0; pfn <= v->highest_pfn; pfn++) {
		if (!is_ram(pfn))
			continue;
		c[v->pfn[pfn].loc & 7]++;
		total++;
	}
	for (i = 0; i < 8; i++)
		json_object_set_new(o, keys[i], num(c[i]));
	json_object_set_new(o, "total", num(total));
	return o;
}

static json_t *lists(struct vmm *v)
{
	json_t *o = json_object(), *a = json_array();
	unsigned i;

	json_object_set_new(o, "zeroed", num(v->zeroed_total));
	json_object_set_new(o, "free", num(v->free_total));
	json_object_set_new(o, "standby", num(v->standby_total));
	json_object_set_new(o, "modified", num(v->modified_total));
	json_object_set_new(o, "modified_no_write", num(v->mod_nowrite.total));
	json_object_set_new(o, "bad", num(v->bad.total));
	for (i = 0; i < VMM_NPRIO; i++)
		json_array_append_new(a, num(v->standby[i].total));
	json_object_set_new(o, "standby_by_priority", a);
	return o;
}

static json_t *globals(struct vmm *v)
{
	json_t *o = json_object(), *a = json_array();
	unsigned i;

	json_object_set_new(o, "available_pages", num(v->c.available));
	json_object_set_new(o, "resident_available_pages", num(v->c.resident_available));
	json_object_set_new(o, "total_committed_pages", num(v->c.committed));
	json_object_set_new(o, "commit_limit", num(v->c.commit_limit));
	for (i = 0; i < VMM_NPRIO; i++)
		json_array_append_new(a, num(v->c.repurposed[i]));
	json_object_set_new(o, "repurposed_by_priority", a);
	return o;
}

static json_t *vads(struct vmm *v, struct vproc *p)
{
	json_t *a = json_array();
	struct vad *d;
	char buf[40];

	for (d = vad_first(p); d; d = vad_next(d)) {
		json_t *o = json_object();

		json_object_set_new(o, "address", hex(d->node_va));
		json_object_set_new(o, "level", num(vad_depth(d)));
		json_object_set_new(o, "start_vpn", hex(d->start_vpn));
		json_object_set_new(o, "end_vpn", hex(d->end_vpn));
		json_object_set_new(o, "commit", num(d->commit));
		json_object_set_new(o, "type", json_string("VadNone"));
		json_object_set_new(o, "protection", json_string(vad_prot_name(d->prot, buf, sizeof(buf))));
		json_object_set_new(o, "private", json_true());
		json_object_set_new(o, "mem_commit", json_boolean(d->mem_commit));
		json_array_append_new(a, o);
	}
	return a;
}

static json_t *wsl(struct vmm *v, struct vproc *p)
{
	const struct vwsl *w = &p->wsl;
	json_t *o = json_object(), *a = json_array();
	uint32_t i;

	json_object_set_new(o, "first_free", num(w->first_free));
	json_object_set_new(o, "first_dynamic", num(VMM_FIRST_DYNAMIC));
	json_object_set_new(o, "last_entry", num(w->last_entry));
	json_object_set_new(o, "last_initialized", num(w->last_initialized));
	json_object_set_new(o, "next_slot", num(w->next_slot));
	json_object_set_new(o, "nondirect_count", num(0));
	for (i = 0; i <= w->last_initialized; i++) {
		json_t *e;

		if (!wsle_valid(v, w->e[i]))
			continue;
		e = json_object();
		json_object_set_new(e, "index", num(i));
		json_object_set_new(e, "va", hex(wsle_va(v, w->e[i])));
		json_object_set_new(e, "valid", json_true());
		json_object_set_new(e, "age", num(wsle_age(v, w->e[i])));
		json_object_set_new(e, "locked", json_boolean(i < VMM_FIRST_DYNAMIC));
		json_object_set_new(e, "direct", json_true());
		json_object_set_new(e, "hashed", json_false());
		json_array_append_new(a, e);
	}
	json_object_set_new(o, "entries", a);
	return o;
}

static json_t *pte_row(uint64_t va, uint64_t value, unsigned level)
{
	static const char *const names[4] = { "pxe", "ppe", "pde", "pte" };
	struct pte_info info;
	json_t *o = json_object();

	pte_decode(value, true, level, &info);
	json_object_set_new(o, "va", hex(va));
	json_object_set_new(o, level == 3 ? "pte" : "value", hex(value));
	json_object_set_new(o, "state", json_string(pte_state_name(info.kind)));
	if (level < 3)
		json_object_set_new(o, "level", json_string(names[level]));
	return o;
}

static json_t *ptes(struct vproc *p)
{
	json_t *a = json_array();
	struct vad *d;
	uint64_t vpn;

	for (d = vad_first(p); d; d = vad_next(d))
		for (vpn = d->start_vpn; vpn <= d->end_vpn; vpn++)
			json_array_append_new(a, pte_row(vpn << 12, pt_get(p, 3, vpn << 12), 3));
	return a;
}

/* Every non-zero user-range entry of the PML4, PDPTs and PDs (the upper levels of ptes[]). */
static void upper(struct vmm *v, const struct ptnode *n, json_t *a)
{
	unsigned i;

	for (i = 0; i < 512; i++) {
		uint64_t va = canon48(n->base_va + ((uint64_t)i << (39 - 9 * n->level)));
		json_t *row;

		if (!va_is_user(va) || !n->e[i])
			continue;
		row = pte_row(va, n->e[i], n->level);
		json_object_set_new(row, "address", hex(selfmap_entry_va(&v->sm, n->level, va)));
		json_array_append_new(a, row);
		if (n->level < 2 && n->child && n->child[i])
			upper(v, n->child[i], a);
	}
}

static json_t *processes(struct vmm *v)
{
	json_t *a = json_array();
	unsigned i;

	for (i = 0; i < v->nprocs; i++) {
		struct vproc *p = v->procs[i];
		json_t *o, *up;

		if (p->exited)
			continue;
		o = json_object();
		json_object_set_new(o, "eprocess", hex(p->eprocess_va));
		json_object_set_new(o, "pid", num(p->pid));
		json_object_set_new(o, "name", json_string(p->image));
		json_object_set_new(o, "dtb", hex(p->pml4_pfn << 12));
		json_object_set_new(o, "vad_root", hex(p->vad_root ? p->vad_root->node_va : 0));
		json_object_set_new(o, "working_set_size", num(p->wsl.size));
		json_object_set_new(o, "peak_working_set_size", num(p->wsl.peak));
		json_object_set_new(o, "commit_charge", num(p->commit));
		json_object_set_new(o, "private_pages", num(p->private_pages));
		json_object_set_new(o, "page_fault_count", num(p->page_faults));
		json_object_set_new(o, "hard_fault_count", num(p->hard_faults));
		json_object_set_new(o, "vads", vads(v, p));
		json_object_set_new(o, "wsl", wsl(v, p));
		if (v->truth_ptes) {
			json_object_set_new(o, "ptes", ptes(p));
			up = json_array();
			upper(v, p->root, up);
			json_object_set_new(o, "paging_structures", up);
		}
		json_array_append_new(a, o);
	}
	return a;
}

static json_t *pfn_row(struct vmm *v, uint64_t pfn)
{
	static const char *const cache[4] = { "NonCached", "Cached", "WriteComb", "Cached" };
	const struct vpfn *p = &v->pfn[pfn];
	const struct vproc *owner = vmm_owner(v, p);
	json_t *o = json_object(), *flags = json_array();
	bool in_ws = p->loc == LOC_ACTIVE && owner && p->level && p->u1 && !p->rip;

	json_object_set_new(o, "pfn", hex(pfn));
	json_object_set_new(o, "address", hex(pfn_db_va(pfn)));
	json_object_set_new(o, "state", json_string(vmm_pfn_state_name(p->loc)));
	json_object_set_new(o, "pte_address", hex(p->pte_va));
	json_object_set_new(o, "share_count", p->linked ? json_null() : num(p->u2));
	json_object_set_new(o, "reference_count", num(p->ref));
	json_object_set_new(o, "original_pte", hex(p->orig_pte));
	json_object_set_new(o, "pte_frame", hex(p->pte_frame));
	json_object_set_new(o, "flink", p->linked ? hex(p->u1) : json_null());
	json_object_set_new(o, "blink", p->linked ? hex(p->u2) : json_null());
	if (p->mod)
		json_array_append_new(flags, json_string("Modified"));
	if (p->wip)
		json_array_append_new(flags, json_string("WriteInProgress"));
	if (p->rip)
		json_array_append_new(flags, json_string("ReadInProgress"));
	if (p->proto)
		json_array_append_new(flags, json_string("Shared"));
	json_object_set_new(o, "flags", flags);
	json_object_set_new(o, "priority", num(p->prio));
	json_object_set_new(o, "color", num(page_color(v, pfn)));
	json_object_set_new(o, "cache", json_string(cache[p->ca & 3]));
	json_object_set_new(o, "used_entry_count", num(p->used));
	json_object_set_new(o, "ws_index", in_ws ? num(p->u1) : json_null());
	json_object_set_new(o, "owner_pid", owner ? num(owner->pid) : json_null());
	json_object_set_new(o, "va", owner && p->use >= USE_PS ? hex(page_va(v, pfn)) : json_null());
	return o;
}

json_t *truth_build(struct vmm *v, const char *snap)
{
	json_t *t = json_object();

	json_object_set_new(t, "scenario", json_string(v->scenario_name ? v->scenario_name : ""));
	json_object_set_new(t, "snapshot", json_string(snap));
	json_object_set_new(t, "seq", num(trace_count(v)));
	json_object_set_new(t, "machine", machine(v));
	json_object_set_new(t, "counts", counts(v));
	json_object_set_new(t, "lists", lists(v));
	json_object_set_new(t, "globals", globals(v));
	json_object_set_new(t, "processes", processes(v));
	if (v->truth_pfns) {
		json_t *a = json_array();
		uint64_t pfn;

		for (pfn = 0; pfn <= v->highest_pfn; pfn++)
			if (is_ram(pfn))
				json_array_append_new(a, pfn_row(v, pfn));
		json_object_set_new(t, "pfns", a);
	}
	return t;
}
