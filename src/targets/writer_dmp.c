// SPDX-License-Identifier: MIT
/*
 * Windows 64-bit crash dump writers: full (DumpType 1: the header, then the pages of every
 * PhysicalMemoryBlock run back to back from 0x2000, as QEMU's win_dump.c and elf2dmp write
 * them) and bitmap (DumpType 5: an 'FDMP' header at 0x2000 with one bit per PFN, then every
 * present page in ascending PFN order from FirstPage, kdmp-parser's BuildPhysmemBMPDump read
 * order). Layout facts: formats.md §1a.
 */
#include "writer.h"

#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/util.h"
#include "targets/dmp_header.h"

/* Win7 RTM: MajorVersion 0xF (free build), MinorVersion = build number 7600 (formats.md §1a). */
#define DMP_WIN7_MAJOR 0xF
#define DMP_WIN7_MINOR 7600
/* LIVE_SYSTEM_DUMP: what QEMU and elf2dmp put in a dump taken without a crash. */
#define DMP_BUGCHECK_LIVE 0x161

static void put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

static void put64(uint8_t *p, uint64_t v)
{
	memcpy(p, &v, 8);
}

/* Bitmap layout: one bit per PFN up to the end of the last run; pages from FirstPage. */
struct bmp_layout {
	uint64_t nbits, nbytes, first_page, present;
};

static void bmp_layout(const struct dump_image *img, struct bmp_layout *l)
{
	struct phys_run one;
	const struct phys_run *r;
	size_t n;

	r = dump_image_runs(img, &one, &n);
	l->nbits = n ? (r[n - 1].start_pa + r[n - 1].len) >> 12 : 0;
	l->nbytes = (l->nbits + 7) / 8;
	/* Page-align the first stored page, as Windows does. */
	l->first_page = (DMP_HEADER_SIZE + DMP_BMP_OFF_BITMAP + l->nbytes + 0xFFF) & ~0xFFFULL;
	l->present = dump_image_pages(img);
}

static void fill_pmb(const struct dump_image *img, uint8_t *hdr)
{
	struct phys_run one;
	const struct phys_run *r;
	size_t i, n;

	r = dump_image_runs(img, &one, &n);
	put32(hdr + DMP_OFF_PMB, (uint32_t)n);
	put32(hdr + DMP_OFF_PMB + 4, 0);
	put64(hdr + DMP_OFF_PMB + 8, dump_image_pages(img));
	for (i = 0; i < n; i++) {
		put64(hdr + DMP_OFF_PMB + 0x10 + 0x10 * i, r[i].start_pa >> 12);
		put64(hdr + DMP_OFF_PMB + 0x18 + 0x10 * i, r[i].len >> 12);
	}
}

struct err *dmp_build_header(const struct dump_image *img, bool bitmap, uint8_t *hdr)
{
	static const char comment[] = "mmkd-model reference VMM dump";
	const struct target_hints *h = &img->hints;
	struct phys_run one;
	size_t i, nruns;
	struct err *err;
	uint32_t nproc;

	err = dump_image_check(img);
	if (err)
		return err;
	dump_image_runs(img, &one, &nruns);
	if (nruns > TARGET_MAX_KERNEL_RUNS && !bitmap)
		return err_create(ERR_UNSUPPORTED, "a full crash dump holds at most %u physical "
				  "memory runs; the image has %zu (write dmp-bitmap instead)",
				  TARGET_MAX_KERNEL_RUNS, nruns);
	/* Windows pre-fills the header with 'PAGE' (formats.md §1a, kdmp-parser). */
	for (i = 0; i < DMP_HEADER_SIZE; i += 4)
		put32(hdr + i, DMP_PAGE_FILL);
	put32(hdr + DMP_OFF_SIGNATURE, DMP_SIGNATURE);
	put32(hdr + DMP_OFF_VALID_DUMP, DMP_VALID_DUMP64);
	put32(hdr + DMP_OFF_MAJOR_VERSION, DMP_WIN7_MAJOR);
	put32(hdr + DMP_OFF_MINOR_VERSION, DMP_WIN7_MINOR);
	put64(hdr + DMP_OFF_DTB, h->has_dtb ? h->dtb : 0);
	put64(hdr + DMP_OFF_PFN_DB, h->has_pfn_db ? h->pfn_db : 0);
	put64(hdr + DMP_OFF_PS_LOADED_MODULE_LIST,
	      h->has_ps_loaded_module_list ? h->ps_loaded_module_list : 0);
	put64(hdr + DMP_OFF_PS_ACTIVE_PROCESS_HEAD, h->has_ps_active_head ? h->ps_active_head : 0);
	put32(hdr + DMP_OFF_MACHINE, DMP_MACHINE_AMD64);
	nproc = h->nprocessors ? h->nprocessors : (uint32_t)MAX(img->ncpus, (size_t)1);
	put32(hdr + DMP_OFF_NPROCESSORS, nproc);
	put32(hdr + DMP_OFF_BUGCHECK_CODE, DMP_BUGCHECK_LIVE);
	put32(hdr + DMP_OFF_BUGCHECK_CODE + 4, 0);
	memset(hdr + DMP_OFF_BUGCHECK_PARAMS, 0, 32 + 32); /* parameters, VersionUser */
	put64(hdr + DMP_OFF_KDBG, h->has_kdbg ? h->kdbg_va : 0);
	if (nruns <= TARGET_MAX_KERNEL_RUNS)
		fill_pmb(img, hdr);
	if (img->ncpus)
		dmp_cpu_to_context(&img->cpus[0], hdr + DMP_OFF_CONTEXT);
	memset(hdr + DMP_OFF_EXCEPTION, 0, DMP_OFF_DUMP_TYPE - DMP_OFF_EXCEPTION);
	put32(hdr + DMP_OFF_DUMP_TYPE, bitmap ? DMP_TYPE_BITMAP : DMP_TYPE_FULL);
	put32(hdr + DMP_OFF_DUMP_TYPE + 4, 0);
	if (bitmap) {
		struct bmp_layout l;

		bmp_layout(img, &l);
		put64(hdr + DMP_OFF_REQUIRED_DUMP_SPACE, l.first_page + (l.present << 12));
	} else {
		put64(hdr + DMP_OFF_REQUIRED_DUMP_SPACE,
		      DMP_HEADER_SIZE + (dump_image_pages(img) << 12));
	}
	/* Deterministic output: no wall-clock SystemTime or SystemUpTime. */
	put64(hdr + DMP_OFF_SYSTEM_TIME, 0);
	memset(hdr + DMP_OFF_COMMENT, 0, 128);
	memcpy(hdr + DMP_OFF_COMMENT, comment, sizeof(comment));
	put64(hdr + DMP_OFF_SYSTEM_UP_TIME, 0);
	return NULL;
}

struct err *writer_dmp(const struct dump_image *img, const char *path)
{
	_cleanup_free_ uint8_t *hdr = malloc(DMP_HEADER_SIZE);
	struct phys_run one;
	const struct phys_run *r;
	uint64_t off = DMP_HEADER_SIZE;
	struct err *err;
	size_t i, n;
	int fd = -1;

	if (!hdr)
		return err_nomem;
	err = dmp_build_header(img, false, hdr);
	if (err)
		return err;
	r = dump_image_runs(img, &one, &n);
	err = dump_create(path, &fd);
	if (err)
		return err;
	err = dump_write_at(fd, hdr, DMP_HEADER_SIZE, 0, path);
	for (i = 0; !err && i < n; i++) {
		err = dump_write_pages(img, fd, r[i].start_pa >> 12, r[i].len >> 12, off, path);
		off += r[i].len;
	}
	return dump_close(fd, off, path, err);
}

struct err *writer_dmp_bitmap(const struct dump_image *img, const char *path)
{
	_cleanup_free_ uint8_t *hdr = malloc(DMP_HEADER_SIZE + DMP_BMP_OFF_BITMAP);
	_cleanup_free_ uint8_t *bm = NULL;
	struct phys_run one;
	const struct phys_run *r;
	struct bmp_layout l;
	uint64_t off, p;
	struct err *err;
	size_t i, n;
	int fd = -1;

	if (!hdr)
		return err_nomem;
	err = dmp_build_header(img, true, hdr);
	if (err)
		return err;
	bmp_layout(img, &l);
	bm = calloc(1, l.nbytes ? l.nbytes : 1);
	if (!bm)
		return err_nomem;
	r = dump_image_runs(img, &one, &n);
	for (i = 0; i < n; i++)
		for (p = r[i].start_pa >> 12; p < (r[i].start_pa + r[i].len) >> 12; p++)
			bm[p / 8] |= (uint8_t)(1U << (p % 8));
	memset(hdr + DMP_HEADER_SIZE, 0, DMP_BMP_OFF_BITMAP);
	put32(hdr + DMP_HEADER_SIZE + DMP_BMP_OFF_SIGNATURE, DMP_BMP_FDMP);
	put32(hdr + DMP_HEADER_SIZE + DMP_BMP_OFF_VALID_DUMP, DMP_BMP_VALID);
	put64(hdr + DMP_HEADER_SIZE + DMP_BMP_OFF_FIRST_PAGE, l.first_page);
	put64(hdr + DMP_HEADER_SIZE + DMP_BMP_OFF_TOTAL_PRESENT, l.present);
	put64(hdr + DMP_HEADER_SIZE + DMP_BMP_OFF_PAGES, l.nbits);
	err = dump_create(path, &fd);
	if (err)
		return err;
	err = dump_write_at(fd, hdr, DMP_HEADER_SIZE + DMP_BMP_OFF_BITMAP, 0, path);
	if (!err)
		err = dump_write_at(fd, bm, l.nbytes, DMP_HEADER_SIZE + DMP_BMP_OFF_BITMAP, path);
	off = l.first_page;
	for (i = 0; !err && i < n; i++) {
		err = dump_write_pages(img, fd, r[i].start_pa >> 12, r[i].len >> 12, off, path);
		off += r[i].len;
	}
	return dump_close(fd, off, path, err);
}
