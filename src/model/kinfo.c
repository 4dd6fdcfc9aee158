// SPDX-License-Identifier: MIT
/*
 * KDBG discovery and the kernel globals. See kinfo.h; facts from formats.md §1b and §3 and
 * structures.md §4.3 and §14.
 */
#include "kinfo.h"

#include <stdlib.h>
#include <string.h>

#include "core/as.h"
#include "core/err.h"
#include "core/profile.h"
#include "core/util.h"
#include "targets/target.h"

#define KDBG_TAG 0x4742444BU /* 'KDBG' */
/* The initial loader mappings hold the kernel image (paging.md §7 row 6). */
#define KERNEL_REGION_START 0xFFFFF80000000000ULL
#define KERNEL_REGION_END 0xFFFFF87FFFFFFFFFULL
/* At most this many pages of the kernel region are searched for the KDBG tag. */
#define KDBG_SCAN_MAX_PAGES 65536
#define MAX_RUNS 256

static bool is_kernel_va(uint64_t v)
{
	return v >= 0xFFFF800000000000ULL;
}

bool kdbg_check(const struct mm_layout *l, const uint8_t *buf, size_t len)
{
	uint64_t size, kb;

	if (len < l->kdbg.size)
		return false;
	if (field_read(&l->kdbg.owner_tag, buf, len) != KDBG_TAG)
		return false;
	size = field_read(&l->kdbg.block_size, buf, len);
	/* Windows 7 fills at least up to OffsetPrcbContext (0x340 bytes); later builds more. */
	if (size < 0x290 || size > 0x1000)
		return false;
	kb = field_read(&l->kdbg.kern_base, buf, len);
	if (!is_kernel_va(kb) || (kb & 0xFFF))
		return false;
	if (!is_kernel_va(field_read(&l->kdbg.ps_active_process_head, buf, len)))
		return false;
	return is_kernel_va(field_read(&l->kdbg.mm_pfn_database, buf, len));
}

/* KernBase must map a PE image: "MZ" at its first byte. */
static bool kernbase_ok(struct as *kas, uint64_t kb)
{
	uint16_t mz;
	struct err *err = as_read_u16(kas, kb, &mz, "kernel image header");

	if (err) {
		err_destroy(err);
		return false;
	}
	return mz == 0x5A4D;
}

static struct err *kdbg_try(struct kernel_info *k, uint64_t va)
{
	struct err *err;

	err = as_read(k->kas, va, k->kdbg, k->l.kdbg.size, "KDDEBUGGER_DATA64");
	if (err)
		return err;
	if (!kdbg_check(&k->l, k->kdbg, k->l.kdbg.size))
		return err_create(ERR_FORMAT, "no valid KDBG block at %#llx", (unsigned long long)va);
	if (!kernbase_ok(k->kas, field_read(&k->l.kdbg.kern_base, k->kdbg, k->l.kdbg.size)))
		return err_create(ERR_FORMAT, "KDBG at %#llx: KernBase does not map an MZ image",
				  (unsigned long long)va);
	k->kdbg_va = va;
	return NULL;
}

struct scan_state {
	struct kernel_info *k;
	uint64_t pages;
	uint8_t page[4096];
};

/* as_walk callback: search each 4 KiB frame of a mapping for the tag. */
static struct err *scan_mapping(void *arg, uint64_t va, uint64_t pa, uint64_t size, uint64_t e)
{
	struct scan_state *st = arg;
	uint64_t off;

	for (off = 0; off < size; off += 4096) {
		const uint8_t *p;
		unsigned i;

		if (++st->pages > KDBG_SCAN_MAX_PAGES)
			return err_stop;
		p = target_page_ptr(st->k->kas->t, pa + off);
		if (!p) {
			struct err *err = target_read_phys(st->k->kas->t, pa + off, st->page, 4096, NULL);

			if (err) {
				err_destroy(err);
				continue;
			}
			p = st->page;
		}
		/* The tag sits at +0x10 of an 8-byte aligned block. */
		for (i = 0x10; i + 4 <= 4096; i += 8) {
			struct err *err;

			if (le32(p + i) != KDBG_TAG)
				continue;
			err = kdbg_try(st->k, va + off + i - 0x10);
			if (!err)
				return err_stop;
			err_destroy(err);
		}
	}
	return NULL;
}

static struct err *kdbg_find(struct kernel_info *k, struct target *t)
{
	struct scan_state *st;
	struct err *err;

	if (t->hints.has_kdbg) {
		err = kdbg_try(k, t->hints.kdbg_va);
		if (!err) {
			k->kdbg_source = "crash dump header";
			return NULL;
		}
		err_destroy(err);
	}
	st = calloc(1, sizeof(*st));
	if (!st)
		return err_nomem;
	st->k = k;
	err = as_walk(k->kas, KERNEL_REGION_START, KERNEL_REGION_END, 0, scan_mapping, st);
	free(st);
	if (err && err != err_stop)
		return err;
	if (!k->kdbg_va)
		return err_create(ERR_NOT_FOUND,
				  "no KDBG block (KDDEBUGGER_DATA64) found in the kernel image region");
	k->kdbg_source = "kernel image scan";
	return NULL;
}

static uint64_t kdbg_field(const struct kernel_info *k, const struct field *f)
{
	return field_read(f, k->kdbg, k->l.kdbg.size);
}

struct err *kinfo_read_u64(const struct kernel_info *k, uint64_t va, uint64_t *ret,
			   const char *what)
{
	return as_read_u64(k->kas, va, ret, what);
}

uint64_t kinfo_symbol(const struct kernel_info *k, uint64_t rva)
{
	return k->kern_base + rva;
}

/*
 * MmPhysicalMemoryBlock is a pointer variable (PPHYSICAL_MEMORY_DESCRIPTOR); KDBG holds its
 * address (Volatility dereferences twice). Read the runs; fall back to the dump's own runs.
 */
static struct err *load_runs(struct kernel_info *k, struct target *t)
{
	const struct physmem_layout *pl = &k->l.physmem;
	uint64_t var = kdbg_field(k, &k->l.kdbg.mm_physical_memory_block), desc = 0, n = 0, i;
	uint8_t head[0x20];
	struct err *err = NULL;

	if (var && !(err = as_read_u64(k->kas, var, &desc, "MmPhysicalMemoryBlock")) &&
	    is_kernel_va(desc) &&
	    !(err = as_read(k->kas, desc, head, sizeof(head), "PHYSICAL_MEMORY_DESCRIPTOR"))) {
		n = field_read(&pl->number_of_runs, head, sizeof(head));
		if (n && n <= MAX_RUNS) {
			k->runs = calloc(n, sizeof(*k->runs));
			if (!k->runs)
				return err_nomem;
			for (i = 0; i < n; i++) {
				uint64_t r[2];

				err = as_read(k->kas, desc + pl->run0_base.offset + i * pl->run_size, r,
					      16, "PHYSICAL_MEMORY_RUN");
				if (err) {
					free(k->runs);
					k->runs = NULL;
					return err;
				}
				k->runs[i].base_page = r[0];
				k->runs[i].page_count = r[1];
			}
			k->nruns = n;
			k->runs_from_kernel = true;
			return NULL;
		}
	} else {
		err_destroy(err);
	}
	/* No usable descriptor: the dump's own physical runs. */
	k->runs = calloc(t->nruns ? t->nruns : 1, sizeof(*k->runs));
	if (!k->runs)
		return err_nomem;
	for (i = 0; i < t->nruns; i++) {
		k->runs[i].base_page = (t->runs[i].start_pa + 0xFFF) >> 12;
		k->runs[i].page_count = t->runs[i].len >> 12;
	}
	k->nruns = t->nruns;
	return NULL;
}

/* Read a pointer-sized global; 0 and no error when the symbol is unreadable. */
static uint64_t read_global(struct kernel_info *k, uint64_t rva)
{
	uint64_t v = 0;
	struct err *err = as_read_u64(k->kas, kinfo_symbol(k, rva), &v, NULL);

	if (err) {
		err_destroy(err);
		return 0;
	}
	return v;
}

static struct err *load_globals(struct kernel_info *k)
{
	const struct kdbg_layout *kl = &k->l.kdbg;
	const struct symbol_layout *sym = &k->l.sym;
	uint64_t var, v;
	struct err *err;

	k->kern_base = kdbg_field(k, &kl->kern_base);
	k->ps_active_process_head = kdbg_field(k, &kl->ps_active_process_head);
	var = kdbg_field(k, &kl->mm_pfn_database);
	err = as_read_u64(k->kas, var, &k->pfn_db, "MmPfnDatabase");
	if (err)
		return err;
	if (!is_kernel_va(k->pfn_db) || (k->pfn_db & 0xF))
		return err_create(ERR_FORMAT, "MmPfnDatabase holds %#llx, not a kernel address",
				  (unsigned long long)k->pfn_db);
	var = kdbg_field(k, &kl->mm_highest_physical_page);
	err = as_read_u64(k->kas, var, &k->highest_pfn, "MmHighestPhysicalPage");
	if (err)
		return err;
	if (k->highest_pfn > (1ULL << 36))
		return err_create(ERR_FORMAT, "MmHighestPhysicalPage %#llx is beyond 36 bits",
				  (unsigned long long)k->highest_pfn);
	var = kdbg_field(k, &kl->mm_lowest_physical_page);
	if (var && !as_read_u64(k->kas, var, &v, NULL))
		k->lowest_pfn = v;
	var = kdbg_field(k, &kl->mm_number_of_physical_pages);
	if (var && !as_read_u64(k->kas, var, &v, NULL))
		k->number_of_physical_pages = v;
	k->head[MM_ZEROED] = kdbg_field(k, &kl->mm_zeroed_list);
	k->head[MM_FREE] = kdbg_field(k, &kl->mm_free_list);
	k->head[MM_STANDBY] = kdbg_field(k, &kl->mm_standby_list);
	k->head[MM_MODIFIED] = kdbg_field(k, &kl->mm_modified_list);
	k->head[MM_MODNOWRITE] = kdbg_field(k, &kl->mm_modified_no_write_list);
	/* There is no bad-list head in KDBG (formats.md §1b): the profile's symbol. */
	k->head[MM_BAD] = kinfo_symbol(k, sym->mm_bad_page_list);
	k->standby_by_priority = kinfo_symbol(k, sym->mm_standby_by_priority);
	k->modified_process_list = kinfo_symbol(k, sym->mm_modified_process_list);
	k->modified_page_list = kinfo_symbol(k, sym->mm_modified_page_list);
	/* MmFreePagesByColor is PVOID[2] (B:14563-14588); the Slist globals are pointers. */
	k->zeroed_by_color = read_global(k, sym->mm_free_pages_by_color);
	k->free_by_color = read_global(k, sym->mm_free_pages_by_color + 8);
	k->zero_slist = read_global(k, sym->mi_zero_page_slist);
	k->free_slist = read_global(k, sym->mi_free_page_slist);
	k->system_eprocess = read_global(k, sym->ps_initial_system_process);
	v = read_global(k, sym->mm_secondary_colors) & 0xFFFFFFFF;
	if (!v)
		v = (read_global(k, sym->mm_secondary_color_mask) & 0xFFFFFFFF) + 1;
	k->colors = (v && v <= 4096) ? (uint32_t)v : 0;
	return NULL;
}

struct err *kinfo_open(struct target *t, struct as *kas, const struct profile *prof,
		       struct kernel_info **ret)
{
	struct kernel_info *k = calloc(1, sizeof(*k));
	struct err *err;

	if (!k)
		return err_nomem;
	k->kas = kas;
	err = mm_layout_init(&k->l, prof);
	if (err)
		goto fail;
	k->kdbg = calloc(1, k->l.kdbg.size);
	if (!k->kdbg) {
		err = err_nomem;
		goto fail;
	}
	err = kdbg_find(k, t);
	if (err)
		goto fail;
	err = load_globals(k);
	if (err)
		goto fail;
	err = load_runs(k, t);
	if (err)
		goto fail;
	*ret = k;
	return NULL;
fail:
	kinfo_destroy(k);
	return err;
}

void kinfo_destroy(struct kernel_info *k)
{
	if (!k)
		return;
	free(k->kdbg);
	free(k->runs);
	free(k);
}

bool kinfo_is_ram_pfn(const struct kernel_info *k, uint64_t pfn)
{
	size_t i;

	for (i = 0; i < k->nruns; i++)
		if (pfn >= k->runs[i].base_page && pfn - k->runs[i].base_page < k->runs[i].page_count)
			return true;
	return false;
}

uint64_t kinfo_ram_pages(const struct kernel_info *k)
{
	uint64_t n = 0;
	size_t i;

	for (i = 0; i < k->nruns; i++)
		n += k->runs[i].page_count;
	return n;
}
