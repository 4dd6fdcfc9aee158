// SPDX-License-Identifier: MIT
/*
 * Processes: EPROCESS, PML4, hyperspace, process list. See process.h.
 */
#include "process.h"

#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/util.h"
#include "model/vmm/alloc.h"
#include "model/vmm/pfndb.h"
#include "model/vmm/pool.h"
#include "model/vmm/pt.h"
#include "model/vmm/trace.h"
#include "model/vmm/vstate.h"
#include "model/vmm/wsl.h"

#define WS_DEFAULT_MIN 50  /* `!process` shows (now, 50, 345) (B:4523, B:5385) */
#define WS_DEFAULT_MAX 345
/* A FILETIME in 2010 as the boot time; each process is created one second after the
 * previous one (deterministic, no clock involved). */
#define VMM_BOOT_TIME 129100000000000000ULL

struct vproc *vmm_process_find(const struct vmm *v, const char *name)
{
	unsigned i;

	for (i = v->nprocs; i-- > 0;)
		if (!v->procs[i]->exited && !strcmp(v->procs[i]->name, name))
			return v->procs[i];
	return NULL;
}

void process_ps_page(struct vmm *v, struct vproc *p, uint64_t pfn, unsigned level,
		     uint64_t pte_va, uint64_t pte_frame, uint32_t ws_index)
{
	struct vpfn *pg = &v->pfn[pfn];

	pg->use = USE_PS;
	pg->owner = p->slot + 1;
	pg->loc = LOC_ACTIVE;
	pg->level = (uint8_t)level;
	pg->u1 = ws_index;
	pg->u2 = 1; /* valid entries + 1 (B:4193, B:8293) */
	pg->ref = 1;
	pg->pte_va = pte_va;
	pg->pte_frame = pte_frame;
	pg->orig_pte = pte_soft(MM_READWRITE); /* B:11651-11662: restore pte 00000080 */
	pg->mod = 1;			       /* "Active M" (B:11661) */
	pg->wip = pg->rip = 0;
	pg->prio = 5;
	pg->ca = 1;
	pg->used = 0;
	pg->proto = 0;
	if (pte_frame != pfn) {
		v->pfn[pte_frame].u2++;
		pfn_sync(v, pte_frame);
	}
	pfn_sync(v, pfn);
}

struct err *process_hyper_page(struct vmm *v, struct vproc *p, uint64_t va, bool in_ws,
			       uint32_t fixed_index, uint64_t *pfn_ret)
{
	struct ptnode *pt = pt_node(p, 3, va);
	struct vpfn *pg;
	uint32_t index = fixed_index;
	uint64_t pfn, pte;
	unsigned from;
	struct err *err;

	if (!pt)
		return err_create(ERR_INVALID_ARG, "internal: no hyperspace table for %#llx",
				  (unsigned long long)va);
	err = page_alloc(v, p, ALLOC_ZERO, &pfn, &from);
	if (!err && in_ws)
		err = wsl_add(v, p, va, &index);
	if (err)
		return err;
	pg = &v->pfn[pfn];
	process_ps_page(v, p, pfn, 4, selfmap_pte_va(&v->sm, va), pt->pfn, index);
	pg->use = USE_HYPER;
	pfn_sync(v, pfn);
	pte = (pfn << 12) | PTE_HYPER | ((uint64_t)(index & 0x7FF) << PTE_WSINDEX_SHIFT);
	err = pt_write(v, p, 3, va, pte);
	if (err)
		return err;
	trace_emit(v, &(struct vev){ .event = dz_event(from), .what = "hyperspace page of the process",
				    .has = VEV_PFN | VEV_VA | VEV_FROM | VEV_TO | VEV_PTE,
				    .pfn = pfn, .va = va, .p = p, .from = from, .to = LOC_ACTIVE,
				    .pte_before = 0, .pte_after = pte });
	*pfn_ret = pfn;
	return NULL;
}

struct err *process_hyper_table(struct vmm *v, struct vproc *p, unsigned level, uint64_t va,
			       bool in_ws, uint32_t fixed_index, uint64_t *pfn_ret)
{
	uint64_t pfn, table_va = selfmap_entry_va(&v->sm, level + 1, va) & ~0xFFFULL, entry;
	uint32_t index = fixed_index;
	unsigned from;
	struct err *err = page_alloc(v, p, ALLOC_ZERO, &pfn, &from);

	if (!err && in_ws)
		err = wsl_add(v, p, table_va, &index);
	if (err)
		return err;
	process_ps_page(v, p, pfn, level + 1, selfmap_entry_va(&v->sm, level, va),
			pt_node(p, level, va)->pfn, index);
	if (!pt_link_table(p, level, va, pfn))
		return err_nomem;
	/* SoftwareWsIndex: the table's WSLE (fixed entries 1-3 for hyperspace, B:3000-3010) */
	entry = (pfn << 12) | PTE_UPPER_KERNEL | ((uint64_t)(index & 0x7FF) << PTE_WSINDEX_SHIFT);
	err = pt_write(v, p, level, va, entry);
	if (err)
		return err;
	trace_emit(v, &(struct vev){ .event = "H1", .what = "hyperspace paging structure",
				    .has = VEV_PFN | VEV_VA | VEV_FROM | VEV_TO | VEV_PTE,
				    .pfn = pfn, .va = table_va, .p = p, .from = from,
				    .to = LOC_ACTIVE, .pte_before = 0, .pte_after = entry });
	*pfn_ret = pfn;
	return NULL;
}

/* Hyperspace: PDPT, PD, the WSL's PT and page (entries 1-4), UMPB PTEs, UMAB PT and page. */
static struct err *hyperspace_create(struct vmm *v, struct vproc *p)
{
	uint64_t fixed[5], pt_umab, va;
	struct err *err;

	fixed[0] = p->pml4_pfn;
	err = process_hyper_table(v, p, 0, VMM_HYPER_VA, false, 1, &fixed[1]);
	if (!err)
		err = process_hyper_table(v, p, 1, VMM_HYPER_VA, false, 2, &fixed[2]);
	if (!err)
		err = process_hyper_table(v, p, 2, VMM_WSL_VA, false, 3, &fixed[3]);
	if (!err)
		err = process_hyper_page(v, p, VMM_WSL_VA, false, 4, &fixed[4]);
	if (err)
		return err;
	v->pfn[fixed[4]].u1 = 4;
	pfn_sync(v, fixed[4]);
	err = wsl_create(v, p, fixed);
	if (err)
		return err;
	/* The UMPB is mapped on demand; its unmapped PTEs hold 0x80 (B:11713, B:2636-2648). */
	for (va = VMM_UMPB_VA; va < VMM_WSL_VA; va += 0x1000) {
		err = pt_write(v, p, 3, va, pte_soft(MM_READWRITE));
		if (err)
			return err;
	}
	/* The UMAB: one page mapped, covering the VAs below 2 GB (B:2604-2632). */
	err = process_hyper_table(v, p, 2, VMM_HYPER_VA, true, 0, &pt_umab);
	if (!err)
		err = process_hyper_page(v, p, VMM_HYPER_VA, true, 0, &p->umab_pfn);
	return err;
}

static void list_entry_write(struct vmm *v, uint64_t entry_va, uint64_t flink, uint64_t blink)
{
	vmm_kfield_write(v, entry_va, &v->vl.le_flink, flink);
	vmm_kfield_write(v, entry_va, &v->vl.le_blink, blink);
}

static uint64_t links_va(const struct vmm *v, const struct vproc *p)
{
	return p->eprocess_va + v->l.eprocess.active_process_links.offset;
}

/* The live process before / after slot @i in ActiveProcessLinks order (NULL: the head). */
static struct vproc *live_neighbor(const struct vmm *v, unsigned i, int dir)
{
	int j = (int)i + dir;

	for (; j >= 0 && j < (int)v->nprocs; j += dir)
		if (!v->procs[j]->exited)
			return v->procs[j];
	return NULL;
}

static uint64_t head_va(const struct vmm *v)
{
	uint64_t rva = 0;
	struct err *err = profile_symbol(v->prof, "PsActiveProcessHead", &rva);

	BUG_ON(err != NULL);
	return sym_va(v, rva);
}

static uint64_t entry_of(const struct vmm *v, const struct vproc *p)
{
	return p ? links_va(v, p) : head_va(v);
}

static void link_tail(struct vmm *v, struct vproc *p)
{
	struct vproc *prev = live_neighbor(v, p->slot, -1);
	uint64_t me = entry_of(v, p), head = head_va(v), before = entry_of(v, prev);

	list_entry_write(v, me, head, before);
	vmm_kfield_write(v, before, &v->vl.le_flink, me);
	vmm_kfield_write(v, head, &v->vl.le_blink, me);
}

void process_unlink(struct vmm *v, struct vproc *p)
{
	uint64_t prev = entry_of(v, live_neighbor(v, p->slot, -1));
	uint64_t next = entry_of(v, live_neighbor(v, p->slot, +1));

	vmm_kfield_write(v, prev, &v->vl.le_flink, next);
	vmm_kfield_write(v, next, &v->vl.le_blink, prev);
}

static void eprocess_render(struct vmm *v, struct vproc *p)
{
	const struct eprocess_layout *E = &v->l.eprocess;
	const struct vmm_layout *X = &v->vl;
	size_t n = E->size;
	uint8_t *b = calloc(1, n);
	uint64_t self = p->eprocess_va;
	struct err *err;

	BUG_ON(!b);
	field_write(&E->header_type, b, n, 3); /* ProcessObject */
	field_write(&X->eprocess.header_size, b, n, 0x58); /* sizeof(_KPROCESS) / 4 */
	field_write(&E->directory_table_base, b, n, p->pml4_pfn << 12);
	field_write(&E->unique_process_id, b, n, p->pid);
	field_write(&E->create_time, b, n, p->create_time);
	field_write(&E->inherited_from_pid, b, n, p->is_system ? 0 : 4);
	field_write(&E->active_threads, b, n, 1);
	field_write(&X->eprocess.thread_list_flink, b, n, self + X->eprocess.thread_list_flink.offset);
	field_write(&X->eprocess.thread_list_blink, b, n, self + X->eprocess.thread_list_flink.offset);
	field_write(&E->working_set_page, b, n, p->wsl.page_pfn[0]);
	field_write(&E->default_page_priority, b, n, 5);
	field_write(&X->eprocess.flags_has_address_space, b, n, 1);
	field_write(&X->eprocess.flags_address_space_initialized, b, n, 2);
	field_write(&E->exit_status, b, n, 0x103); /* STATUS_PENDING while running */
	memcpy(b + E->image_file_name.offset, p->image, MIN(sizeof(p->image) - 1, E->image_file_name.size));
	/* VadRoot (_MM_AVL_TABLE): the sentinel's parent is itself; RightChild is the root.
	 * The AVL field is relative to the table, which sits at EPROCESS.VadRoot. */
	{
		struct field parent = X->avl.parent;

		parent.offset += E->vad_root.offset;
		field_write(&parent, b, n, self + E->vad_root.offset);
	}
	err = vmm_write_va(v, NULL, self, b, n);
	BUG_ON(err != NULL);
	free(b);
}

void process_sync_counters(struct vmm *v, struct vproc *p)
{
	p->dirty = true;
}

static void flush_one(struct vmm *v, struct vproc *p)
{
	const struct eprocess_layout *E = &v->l.eprocess;
	const struct mmsupport_layout *M = &v->l.mmsupport;
	uint64_t ep = p->eprocess_va, vm = ep + E->vm.offset;

	vmm_kfield_write(v, vm, &M->minimum_ws, p->min_ws);
	vmm_kfield_write(v, vm, &M->maximum_ws, p->max_ws);
	vmm_kfield_write(v, vm, &M->ws_size, p->wsl.size);
	vmm_kfield_write(v, vm, &M->peak_ws, p->wsl.peak);
	vmm_kfield_write(v, vm, &M->ws_private_size, p->wsl.size);
	vmm_kfield_write(v, vm, &M->vm_working_set_list, VMM_WSL_VA);
	vmm_kfield_write(v, vm, &M->next_page_color, p->next_color);
	vmm_kfield_write(v, vm, &M->page_fault_count, p->page_faults);
	vmm_kfield_write(v, vm, &M->hard_fault_count, p->hard_faults);
	vmm_kfield_write(v, vm, &M->repurpose_count, p->repurposes);
	vmm_kfield_write(v, vm, &M->ws_type, 0);
	vmm_kfield_write(v, vm, &M->maximum_ws_hard, p->hard_max);
	vmm_kfield_write(v, ep, &E->commit_charge, p->commit);
	vmm_kfield_write(v, ep, &E->commit_charge_peak, MAX(p->commit, p->peak_virtual_size >> 12));
	vmm_kfield_write(v, ep, &E->number_of_private_pages, p->private_pages);
	vmm_kfield_write(v, ep, &E->virtual_size, p->virtual_size);
	vmm_kfield_write(v, ep, &E->peak_virtual_size, p->peak_virtual_size);
	vmm_kfield_write(v, ep, &E->modified_page_count, p->modified_pages);
	wsl_sync_header(v, p);
	p->dirty = false;
}

void process_flush(struct vmm *v)
{
	unsigned i;

	for (i = 0; i < v->nprocs; i++)
		if (v->procs[i]->dirty && !v->procs[i]->exited)
			flush_one(v, v->procs[i]);
}

static struct err *proc_new(struct vmm *v, const char *name, struct vproc **ret)
{
	struct vproc *p;

	if (v->nprocs == v->cap_procs) {
		unsigned cap = v->cap_procs ? v->cap_procs * 2 : 16;
		struct vproc **a = realloc(v->procs, cap * sizeof(*a));

		if (!a)
			return err_nomem;
		v->procs = a;
		v->cap_procs = cap;
	}
	p = calloc(1, sizeof(*p));
	if (!p || !(p->name = strdup(name))) {
		free(p);
		return err_nomem;
	}
	strncpy(p->image, name, sizeof(p->image) - 1);
	p->slot = v->nprocs;
	p->min_ws = WS_DEFAULT_MIN;
	p->max_ws = WS_DEFAULT_MAX;
	p->create_time = VMM_BOOT_TIME + (uint64_t)p->slot * 10000000ULL;
	p->vad_free_hint_vpn = 0x10;
	v->procs[v->nprocs++] = p;
	*ret = p;
	return NULL;
}

/* The PML4: its record (u1 = EPROCESS, PteFrame = itself, B:5255-5262), the auto-entry and
 * the kernel half copied from System's PML4. System's PML4 was built at boot. */
static struct err *pml4_create(struct vmm *v, struct vproc *p, uint64_t pfn)
{
	uint64_t self_entry = v->sm.pxe_base + v->selfmap_index * 8ULL;
	struct err *err;
	unsigned i, valid = 0;

	if (!p->is_system) {
		p->pml4_pfn = pfn;
		p->root = ptnode_new(0, 0);
		if (!p->root)
			return err_nomem;
		p->root->pfn = pfn;
		err = ptb_init(&p->b, &v->pm, pfn << 12, v->selfmap_index, 0, NULL, NULL);
		if (err)
			return err;
		p->root->e[v->selfmap_index] = (pfn << 12) | PTE_UPPER_KERNEL;
		for (i = 0x100; i < 0x200; i++) {
			uint64_t e = v->system->root->e[i];

			if (i == v->selfmap_index || i == 0x1EE || !(e & PTE_P))
				continue;
			p->root->e[i] = e;
			p->root->child[i] = v->system->root->child[i];
			err = ptb_write_va(&p->b, v->sm.pxe_base + i * 8ULL, e);
			if (err)
				return err;
		}
	}
	process_ps_page(v, p, pfn, 0, self_entry, pfn, 0);
	for (i = 0; i < 512; i++)
		valid += (p->root->e[i] & PTE_P) != 0;
	v->pfn[pfn].u1 = p->eprocess_va;
	v->pfn[pfn].u2 = 1 + valid;
	pfn_sync(v, pfn);
	return NULL;
}

static struct err *process_build(struct vmm *v, struct vproc *p)
{
	uint64_t pfn;
	unsigned from;
	struct err *err = pool_alloc(v, POOL_TAG_PROCESS, v->l.eprocess.size, &p->eprocess_va);

	if (err)
		return err;
	if (!p->is_system) {
		err = page_alloc(v, p, ALLOC_ZERO, &pfn, &from);
		if (err)
			return err;
		trace_emit(v, &(struct vev){ .event = "H1", .what = "PML4 of a new process",
					    .has = VEV_PFN | VEV_VA | VEV_FROM | VEV_TO, .pfn = pfn,
					    .va = v->sm.pxe_base, .p = p, .from = from,
					    .to = LOC_ACTIVE });
	} else {
		pfn = p->pml4_pfn;
	}
	err = pml4_create(v, p, pfn);
	if (!err)
		err = hyperspace_create(v, p);
	if (err)
		return err;
	eprocess_render(v, p);
	link_tail(v, p);
	v->c.resident_available -= p->min_ws;
	flush_one(v, p);
	return NULL;
}

struct err *process_system_create(struct vmm *v, uint64_t pml4_pfn)
{
	struct vproc *p;
	struct err *err = proc_new(v, "System", &p);

	if (err)
		return err;
	p->is_system = true;
	p->pid = 4;
	p->pml4_pfn = pml4_pfn;
	p->root = ptnode_new(0, 0);
	if (!p->root)
		return err_nomem;
	p->root->pfn = pml4_pfn;
	v->system = p;
	/* The boot PML4 and its auto-entry, the one entry written by physical address. */
	err = ptb_init(&p->b, &v->pm, pml4_pfn << 12, v->selfmap_index, 0, NULL, NULL);
	if (err)
		return err;
	p->root->e[v->selfmap_index] = (pml4_pfn << 12) | PTE_UPPER_KERNEL;
	return NULL;
}

struct err *process_system_finish(struct vmm *v)
{
	return process_build(v, v->system);
}

struct err *process_create(struct vmm *v, const char *name, const struct process_opts *o,
			   struct vproc **ret)
{
	struct vproc *p;
	uint32_t pid = o->pid;
	unsigned i;
	struct err *err;

	if (vmm_process_find(v, name))
		return err_create(ERR_INVALID_ARG, "process '%s' already exists", name);
	if (pid) {
		if (pid % 4)
			return err_create(ERR_INVALID_ARG, "pid %u is not a multiple of 4", pid);
		for (i = 0; i < v->nprocs; i++)
			if (!v->procs[i]->exited && v->procs[i]->pid == pid)
				return err_create(ERR_INVALID_ARG, "pid %u is in use by '%s'", pid,
						  v->procs[i]->name);
	} else {
		bool used;

		do {
			pid = v->next_pid;
			v->next_pid += 4;
			used = false;
			for (i = 0; i < v->nprocs; i++)
				used |= !v->procs[i]->exited && v->procs[i]->pid == pid;
		} while (used);
	}
	err = proc_new(v, name, &p);
	if (err)
		return err;
	p->pid = pid;
	if (o->max_ws)
		p->max_ws = o->max_ws;
	p->hard_max = o->hard_max;
	err = process_build(v, p);
	if (err)
		return err;
	*ret = p;
	return NULL;
}

void process_free(struct vproc *p)
{
	if (!p)
		return;
	ptnode_free(p->root, p->is_system);
	wsl_destroy(p);
	free(p->name);
	free(p);
}
