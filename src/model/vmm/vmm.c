// SPDX-License-Identifier: MIT
/*
 * The reference VMM's API: machine creation, statement dispatch, snapshots. See vmm.h.
 */
#include "vmm.h"

#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/profile.h"
#include "core/util.h"
#include "model/vmm/check.h"
#include "model/vmm/fault.h"
#include "model/vmm/kimage.h"
#include "model/vmm/mpw.h"
#include "model/vmm/pagefile.h"
#include "model/vmm/pool.h"
#include "model/vmm/process.h"
#include "model/vmm/scenario.h"
#include "model/vmm/trace.h"
#include "model/vmm/trim.h"
#include "model/vmm/truth.h"
#include "model/vmm/vad.h"
#include "model/vmm/vmops.h"
#include "model/vmm/vstate.h"

#define MIN_RAM (16ULL << 20)
#define MAX_RAM (64ULL << 30) /* the C records and the PFN database stay under ~2 GiB */

static uint64_t rng_next(uint64_t *s)
{
	uint64_t z = (*s += 0x9E3779B97F4A7C15ULL);

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

/* selfmap=random: an index in 0x100-0x1FF from the seed that is none of the kernel's
 * regions (hyperspace 0x1EE, shared page 0x1EF, image 0x1F0, system PTEs 0x1F1, session
 * 0x1F2, PFN database and pool 0x1F5). The self-map moves; nothing else does. */
static unsigned random_selfmap(uint64_t *rng)
{
	for (;;) {
		unsigned i = 0x100 + (unsigned)(rng_next(rng) % 0x100);

		if (i != 0x1EE && i != 0x1EF && i != 0x1F0 && i != 0x1F1 && i != 0x1F2 && i != 0x1F5)
			return i;
	}
}

static struct err *machine_setup(struct vmm *v, const struct stmt *s)
{
	struct err *err;

	if (s->ram < MIN_RAM || s->ram > MAX_RAM || (s->ram & 0xFFF))
		return err_create(ERR_INVALID_ARG,
				  "ram=%llu must be a multiple of 4 KiB between 16 MiB and 64 GiB",
				  (unsigned long long)s->ram);
	if (s->pagefile & 0xFFF)
		return err_create(ERR_INVALID_ARG, "pagefile size must be a multiple of 4 KiB");
	v->seed = s->seed;
	v->rng = s->seed;
	v->selfmap_index = s->selfmap_random ? random_selfmap(&v->rng) : s->selfmap;
	selfmap_init(&v->sm, v->selfmap_index);
	v->colors = s->colors;
	v->color_mask = s->colors - 1;
	v->ram_bytes = s->ram;
	v->npages = s->ram >> 12;
	v->highest_pfn = v->npages - 1;
	v->ram_pages = 0x9E + (v->npages - 0x100);
	v->pf.size_pages = s->pagefile >> 12;
	v->c.resident_available = v->ram_pages;
	v->c.commit_limit = v->ram_pages;
	v->low_pages = MAX(32, v->ram_pages / 64);
	v->high_pages = 2 * v->low_pages;
	v->next_pid = 0x104;
	err = physmem_init(&v->pm, s->ram);
	if (err)
		return err;
	v->pfn = calloc(v->npages, sizeof(*v->pfn));
	v->zeroed = calloc(v->colors, sizeof(*v->zeroed));
	v->free = calloc(v->colors, sizeof(*v->free));
	if (!v->pfn || !v->zeroed || !v->free)
		return err_nomem;
	return kimage_boot(v);
}

struct err *vmm_create(const char *line, unsigned lineno, const struct vmm_options *o,
		       struct vmm **ret)
{
	struct vmm *v;
	struct stmt s;
	struct err *err = stmt_parse(line, &s);

	if (err)
		return err;
	if (s.kind != ST_MACHINE)
		return err_create(ERR_INVALID_ARG, "the first statement must be 'machine'");
	v = calloc(1, sizeof(*v));
	if (!v)
		return err_nomem;
	v->check = o->check;
	v->truth_pfns = o->truth_pfns;
	v->truth_ptes = o->truth_ptes;
	v->trace.f = o->trace;
	v->line = lineno;
	v->scenario_name = o->name ? strdup(o->name) : NULL;
	err = profile_load_builtin(&v->prof);
	if (!err)
		err = mm_layout_init(&v->l, v->prof);
	if (!err)
		err = vmm_layout_init(&v->vl, v->prof);
	if (!err)
		err = machine_setup(v, &s);
	if (!err && v->check)
		err = vmm_check_all(v, true);
	if (err) {
		vmm_destroy(v);
		return err;
	}
	*ret = v;
	return NULL;
}

void vmm_destroy(struct vmm *v)
{
	unsigned i;
	struct vio *io, *next;

	if (!v)
		return;
	for (i = 0; i < v->nprocs; i++) {
		vad_free_all(v->procs[i]);
		if (v->procs[i] != v->system)
			process_free(v->procs[i]);
	}
	process_free(v->system);
	for (io = v->io; io; io = next) {
		next = io->next;
		free(io);
	}
	free(v->procs);
	pagefile_destroy(v);
	pool_deinit(v);
	physmem_deinit(&v->pm);
	free(v->pfn);
	free(v->pfndb_page_pa);
	free(v->zeroed);
	free(v->free);
	free(v->cpu.msrs);
	free(v->scenario_name);
	profile_destroy(v->prof);
	free(v);
}

/* Render what statements leave for later (counters, headers), as Windows would have. */
static void flush(struct vmm *v)
{
	unsigned i;

	for (i = 0; i < v->nprocs; i++) {
		struct vproc *p = v->procs[i];

		if (!p->exited && p->dirty_vads)
			vad_flush(v, p);
	}
	process_flush(v);
	pagefile_sync(v);
	v->c.last_repurposed = 0;
	for (i = 0; i < VMM_NPRIO; i++)
		v->c.last_repurposed += v->c.repurposed[i]; /* sampled by the WSM (B:4830-4906) */
	kimage_sync_globals(v);
}

static struct err *find(struct vmm *v, const char *name, struct vproc **ret)
{
	struct vproc *p = vmm_process_find(v, name);

	if (!p)
		return err_create(ERR_INVALID_ARG, "no process named '%s'", name);
	if (p->is_system)
		return err_create(ERR_INVALID_ARG, "System has no user address space in the model");
	*ret = p;
	return NULL;
}

static struct err *dispatch(struct vmm *v, const struct stmt *s)
{
	struct vproc *p = NULL;
	struct err *err = NULL;

	switch (s->kind) {
	case ST_ALLOC:
	case ST_TOUCH:
	case ST_TRIM:
	case ST_FREE:
	case ST_EXIT:
	case ST_PROTECT:
	case ST_LOCK:
	case ST_UNLOCK:
		err = find(v, s->name, &p);
		break;
	default:
		break;
	}
	if (err)
		return err;
	switch (s->kind) {
	case ST_PROCESS: {
		struct process_opts o = { .pid = s->pid, .max_ws = s->wsmax, .hard_max = s->hard };

		return process_create(v, s->name, &o, &p);
	}
	case ST_ALLOC:
		return vmm_alloc(v, p, s->addr, s->size, s->prot, s->commit);
	case ST_TOUCH:
		return vmm_touch(v, p, s->addr, s->size, s->write, s->nowait);
	case ST_TRIM:
		if (!s->count) {
			ws_age(v, p);
			return NULL;
		}
		return trim_pages(v, p, s->count, s->count == UINT64_MAX ? TRIM_EMPTY : TRIM_FORCE);
	case ST_MPW:
		return mpw_run(v, s->nowait, false, NULL);
	case ST_ZERO:
		vmm_zero(v);
		return NULL;
	case ST_FREE:
		return vmm_free(v, p, s->addr, s->size, s->release);
	case ST_EXIT:
		return vmm_exit(v, p);
	case ST_PROTECT:
		return vmm_protect(v, p, s->addr, s->size, s->prot);
	case ST_LOCK:
	case ST_UNLOCK:
		return vmm_lock(v, p, s->addr, s->size, s->kind == ST_LOCK);
	case ST_COMPLETE:
		return io_complete_all(v, true);
	case ST_MACHINE:
		return err_create(ERR_INVALID_ARG, "'machine' may appear only once, first");
	case ST_SNAPSHOT:
		return err_create(ERR_INVALID_ARG, "internal: snapshots go through vmm_snapshot()");
	default:
		return NULL;
	}
}

struct err *vmm_exec(struct vmm *v, const char *line, unsigned lineno)
{
	struct stmt s;
	struct err *err = stmt_parse(line, &s);

	if (err || s.kind == ST_EMPTY)
		return err;
	v->line = lineno;
	/* I/O issued by the previous statement completes now (mpw.h). */
	err = io_complete_all(v, false);
	if (!err)
		err = dispatch(v, &s);
	if (!err)
		err = balance_if_low(v);
	if (!err)
		flush(v);
	if (!err && v->check)
		err = vmm_check_all(v, true);
	return err;
}

struct err *vmm_snapshot(struct vmm *v, const char *name, struct dump_image *img,
			 json_t **truth_ret)
{
	struct phys_run *runs = v->img_runs;
	struct err *err;

	flush(v);
	if (v->check) {
		err = vmm_check_all(v, true);
		if (err)
			return err;
	}
	memset(img, 0, sizeof(*img));
	/* MmPhysicalMemoryBlock: [0x1000, 0x9F000) and [0x100000, RAM) */
	runs[0] = (struct phys_run){ 0x1000, 0x9E000, 0 };
	runs[1] = (struct phys_run){ 0x100000, v->ram_bytes - 0x100000, 0 };
	img->mem = v->pm.ram;
	img->mem_size = v->pm.size;
	img->runs = runs;
	img->nruns = 2;
	img->present = v->pm.touched;
	img->cpus = &v->cpu;
	img->ncpus = 1;
	img->hints.has_dtb = true;
	img->hints.dtb = v->system->pml4_pfn << 12;
	img->hints.dtb_source = "reference VMM";
	img->hints.has_kdbg = true;
	img->hints.kdbg_va = v->kdbg_va;
	img->hints.has_pfn_db = true;
	img->hints.pfn_db = VMM_PFN_DB_VA;
	img->hints.has_ps_active_head = !kimage_symbol(v, "PsActiveProcessHead",
						      &img->hints.ps_active_head);
	img->hints.has_ps_loaded_module_list =
		!kimage_symbol(v, "PsLoadedModuleList", &img->hints.ps_loaded_module_list);
	img->hints.has_kernel_runs = true;
	*truth_ret = truth_build(v, name);
	return *truth_ret ? NULL : err_nomem;
}

struct err *vmm_save_pagefile(const struct vmm *v, const char *path)
{
	return pagefile_save(v, path);
}

void vmm_pagefile_view(const struct vmm *v, const uint8_t **data_ret, uint64_t *bytes_ret,
		       uint64_t *used)
{
	uint64_t off;

	*data_ret = v->pf.size_pages ? v->pf.data : NULL;
	*bytes_ret = v->pf.size_pages << 12;
	for (off = 0; used && off < v->pf.size_pages; off++) {
		if (off % 64 == 0)
			used[off / 64] = 0;
		if (pagefile_used(v, off))
			used[off / 64] |= 1ULL << (off % 64);
	}
}

bool vmm_has_pagefile(const struct vmm *v)
{
	return v->pf.size_pages != 0;
}

struct err *vmm_check(struct vmm *v)
{
	return vmm_check_all(v, true);
}

void vmm_stats(const struct vmm *v, struct vmm_stats *ret)
{
	unsigned i;

	memset(ret, 0, sizeof(*ret));
	for (i = 0; i < v->nprocs; i++)
		ret->faults += v->procs[i]->page_faults;
	ret->demand_zero = v->c.demand_zero;
	ret->soft_faults = v->c.soft_faults;
	ret->page_reads = v->c.page_reads;
	ret->page_writes = v->c.page_writes;
	ret->events = trace_count(v);
}
