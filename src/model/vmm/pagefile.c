// SPDX-License-Identifier: MIT
/*
 * The paging file. See pagefile.h.
 */
#include "pagefile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "core/err.h"
#include "core/util.h"
#include "model/vmm/content.h"
#include "model/vmm/kimage.h"
#include "model/vmm/pool.h"
#include "model/vmm/pt.h"
#include "model/vmm/vstate.h"

static const char pf_name[] = "\\??\\C:\\pagefile.sys";

static void bit_render(struct vmm *v, uint64_t off)
{
	uint8_t byte = (uint8_t)(v->pf.bitmap[off / 64] >> (off % 64 / 8 * 8));
	struct err *err = vmm_write_va(v, NULL, v->pf.bitmap_buf_va + off / 8, &byte, 1);

	BUG_ON(err != NULL);
}

static void bit_set(struct vmm *v, uint64_t off, bool used)
{
	if (used)
		v->pf.bitmap[off / 64] |= 1ULL << (off % 64);
	else
		v->pf.bitmap[off / 64] &= ~(1ULL << (off % 64));
	bit_render(v, off);
}

bool pagefile_used(const struct vmm *v, uint64_t off)
{
	return off < v->pf.size_pages && (v->pf.bitmap[off / 64] >> (off % 64)) & 1;
}

struct err *pagefile_create(struct vmm *v)
{
	struct vpagefile *pf = &v->pf;
	const struct pagingfile_layout *L = &v->l.pagingfile;
	uint64_t name_va, bytes, i, sym;
	struct err *err;

	if (!pf->size_pages)
		return NULL;
	pf->data = mmap(NULL, pf->size_pages << 12, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (pf->data == MAP_FAILED) {
		pf->data = NULL;
		return err_os(errno, "cannot reserve a %llu MiB paging file image",
			      (unsigned long long)(pf->size_pages >> 8));
	}
	pf->bitmap = calloc((pf->size_pages + 63) / 64, 8);
	if (!pf->bitmap)
		return err_nomem;
	err = pool_alloc(v, POOL_TAG_PAGEFILE, L->size, &pf->obj_va);
	if (!err)
		err = pool_alloc(v, POOL_TAG_PAGEFILE, v->l.bitmap.size, &pf->bitmap_hdr_va);
	if (!err)
		err = pool_alloc(v, POOL_TAG_PAGEFILE, sizeof(pf_name) * 2, &name_va);
	bytes = ((pf->size_pages + 31) / 32) * 4;
	if (!err)
		err = pool_alloc_pages(v, (bytes + 0xFFF) >> 12, &pf->bitmap_buf_va);
	if (!err)
		err = kimage_symbol(v, "MmPagingFile", &sym);
	if (err)
		return err;
	pf->name_va = name_va;
	for (i = 0; i < sizeof(pf_name) - 1; i++) {
		uint16_t c = (uint8_t)pf_name[i];

		err = vmm_write_va(v, NULL, name_va + 2 * i, &c, 2);
		BUG_ON(err != NULL);
	}
	vmm_kfield_write(v, pf->obj_va, &L->size_pages, pf->size_pages);
	vmm_kfield_write(v, pf->obj_va, &L->maximum_size, pf->size_pages);
	vmm_kfield_write(v, pf->obj_va, &L->minimum_size, pf->size_pages);
	vmm_kfield_write(v, pf->obj_va, &L->file_name_length, 2 * (sizeof(pf_name) - 1));
	vmm_kfield_write(v, pf->obj_va, &v->vl.pagingfile.name_maximum_length, 2 * sizeof(pf_name));
	vmm_kfield_write(v, pf->obj_va, &L->file_name_buffer, name_va);
	vmm_kfield_write(v, pf->obj_va, &L->bitmap, pf->bitmap_hdr_va);
	vmm_kfield_write(v, pf->obj_va, &L->page_file_number, 0);
	vmm_kfield_write(v, pf->bitmap_hdr_va, &v->l.bitmap.size_of_bitmap, pf->size_pages);
	vmm_kfield_write(v, pf->bitmap_hdr_va, &v->l.bitmap.buffer, pf->bitmap_buf_va);
	err = vmm_write_va(v, NULL, sym, &pf->obj_va, 8); /* MmPagingFile[0] */
	BUG_ON(err != NULL);
	/* Slot 0 is never handed out: PageFileHigh 0 means "no copy". */
	bit_set(v, 0, true);
	pf->used = pf->peak = 1;
	pf->hint = 1;
	v->c.commit_limit += pf->size_pages;
	pagefile_sync(v);
	return NULL;
}

void pagefile_destroy(struct vmm *v)
{
	if (v->pf.data)
		munmap(v->pf.data, v->pf.size_pages << 12);
	free(v->pf.bitmap);
	v->pf.data = NULL;
	v->pf.bitmap = NULL;
}

bool pagefile_alloc(struct vmm *v, unsigned n, uint64_t *off_ret)
{
	struct vpagefile *pf = &v->pf;
	uint64_t start, run = 0, pass, off;

	if (!pf->size_pages || n == 0)
		return false;
	/* First fit from the hint, wrapping once. */
	for (pass = 0; pass < 2; pass++) {
		start = pass ? 1 : pf->hint;
		run = 0;
		for (off = start; off < pf->size_pages; off++) {
			if (pagefile_used(v, off)) {
				run = 0;
				continue;
			}
			if (++run == n) {
				uint64_t first = off + 1 - n, k;

				for (k = first; k <= off; k++)
					bit_set(v, k, true);
				pf->used += n;
				pf->peak = MAX(pf->peak, pf->used);
				pf->hint = off + 1 < pf->size_pages ? off + 1 : 1;
				pf->last_alloc = n;
				*off_ret = first;
				return true;
			}
		}
	}
	return false;
}

void pagefile_free(struct vmm *v, uint64_t off)
{
	BUG_ON(!pagefile_used(v, off) || off == 0);
	bit_set(v, off, false);
	v->pf.used--;
}

void pagefile_release_copy(struct vmm *v, struct vpfn *pg)
{
	pagefile_free(v, pg->orig_pte >> 32);
	pg->orig_pte = pte_soft(pte_prot(pg->orig_pte));
}

void pagefile_write(struct vmm *v, uint64_t off, const uint8_t *page)
{
	BUG_ON(off >= v->pf.size_pages);
	memcpy(v->pf.data + (off << 12), page, 4096);
}

void pagefile_read(const struct vmm *v, uint64_t off, uint8_t *page)
{
	BUG_ON(off >= v->pf.size_pages);
	memcpy(page, v->pf.data + (off << 12), 4096);
}

void pagefile_sync(struct vmm *v)
{
	const struct pagingfile_layout *L = &v->l.pagingfile;
	struct vpagefile *pf = &v->pf;

	if (!pf->size_pages)
		return;
	vmm_kfield_write(v, pf->obj_va, &L->free_space, pf->size_pages - pf->used);
	vmm_kfield_write(v, pf->obj_va, &L->peak_usage, pf->peak);
	vmm_kfield_write(v, pf->obj_va, &v->vl.pagingfile.bitmap_hint, pf->hint);
	vmm_kfield_write(v, pf->obj_va, &v->vl.pagingfile.last_allocation_size, pf->last_alloc);
}

struct err *pagefile_save(const struct vmm *v, const char *path)
{
	const struct vpagefile *pf = &v->pf;
	uint64_t off;
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	struct err *err = NULL;

	if (fd < 0)
		return err_os(errno, "cannot create '%s'", path);
	for (off = 0; off < pf->size_pages && !err; off++) {
		const uint8_t *p = pf->data + (off << 12);

		if (!pagefile_used(v, off) || content_is_zero(p))
			continue;
		if (pwrite(fd, p, 4096, (off_t)(off << 12)) != 4096)
			err = err_os(errno, "cannot write '%s'", path);
	}
	if (!err && ftruncate(fd, (off_t)(pf->size_pages << 12)) < 0)
		err = err_os(errno, "cannot size '%s'", path);
	if (close(fd) < 0 && !err)
		err = err_os(errno, "cannot close '%s'", path);
	return err;
}
