// SPDX-License-Identifier: MIT
/*
 * kdump-compressed writers (layout in kdump_defs.h), following QEMU's create_kdump_vmcore:
 * header version 6, one block of DiskDumpHeader64, the sub-header and the ELF notes (the same
 * notes as the ELF writer), the two identical bitmaps (dump level 1) written chunk by chunk
 * alternately, one page descriptor per RAM page, a shared zero page first in the data, every
 * other page zlib-compressed at Z_BEST_SPEED when that makes it smaller. Descriptors and data
 * go out through 16 KiB caches (QEMU's 4 * page size), so records straddle descriptors and
 * compressed pages as QEMU's do. "kdump" wraps it all in makedumpfile's flattened records
 * (what QEMU 7.2 writes); "kdump-raw" writes the plain file (QEMU 8.2+, makedumpfile).
 */
#include "writer.h"

#include <endian.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "core/err.h"
#include "core/util.h"
#include "targets/dump_notes.h"
#include "targets/kdump_defs.h"

#define KD_CACHE 16384

struct kd_sink {
	int fd;
	const char *path;
	bool flat;
	uint64_t flat_off; /* next record position in a flattened file */
	uint64_t end;	   /* end of the data in kdump offsets */
};

struct kd_cache {
	uint64_t off; /* kdump offset of buf[0] */
	size_t used;
	uint8_t buf[KD_CACHE];
};

static void put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

static void put64(uint8_t *p, uint64_t v)
{
	memcpy(p, &v, 8);
}

static struct err *sink_write(struct kd_sink *s, uint64_t off, const void *buf, size_t len)
{
	struct err *err;

	if (!len)
		return NULL;
	s->end = MAX(s->end, off + len);
	if (!s->flat)
		return dump_write_at(s->fd, buf, len, off, s->path);
	{
		uint64_t rec[2] = { htobe64(off), htobe64(len) };

		err = dump_write_at(s->fd, rec, sizeof(rec), s->flat_off, s->path);
		if (err)
			return err;
	}
	err = dump_write_at(s->fd, buf, len, s->flat_off + MDF_RECORD_HDR, s->path);
	s->flat_off += MDF_RECORD_HDR + len;
	return err;
}

static struct err *cache_flush(struct kd_sink *s, struct kd_cache *c)
{
	struct err *err = sink_write(s, c->off, c->buf, c->used);

	c->off += c->used;
	c->used = 0;
	return err;
}

static struct err *cache_put(struct kd_sink *s, struct kd_cache *c, const void *buf, size_t len)
{
	struct err *err;

	if (c->used + len > KD_CACHE) {
		err = cache_flush(s, c);
		if (err)
			return err;
	}
	memcpy(c->buf + c->used, buf, len);
	c->used += len;
	return NULL;
}

/* Offset of the VMCOREINFO note's descriptor inside @notes, or 0. */
static uint64_t vmcoreinfo_desc(const uint8_t *notes, size_t len, uint32_t *size_ret)
{
	size_t off = 0;

	while (off + 12 <= len) {
		uint32_t namesz = le32(notes + off), descsz = le32(notes + off + 4);
		size_t desc = off + 12 + ((namesz + 3) & ~3U);

		if (namesz == 11 && !memcmp(notes + off + 12, "VMCOREINFO", 11)) {
			*size_ret = descsz;
			return desc;
		}
		off = desc + ((descsz + 3) & ~3U);
	}
	return 0;
}

struct kd_layout {
	uint64_t max_mapnr, bitmap_len, sub_hdr_blocks, bitmap_blocks;
	uint64_t off_bitmap, off_page, off_data, npages;
};

static struct err *write_headers(struct kd_sink *s, const struct dump_image *img,
				 const uint8_t *notes, size_t nnotes, const struct kd_layout *l)
{
	uint8_t h[KDH64_SIZE] = { 0 }, sub[KDS64_SIZE] = { 0 };
	uint32_t vsize = 0;
	uint64_t voff = vmcoreinfo_desc(notes, nnotes, &vsize);
	struct err *err;

	memcpy(h + KDH_OFF_SIGNATURE, KDUMP_SIGNATURE, KDUMP_SIG_LEN);
	put32(h + KDH_OFF_HEADER_VERSION, KDUMP_HEADER_VERSION);
	memcpy(h + KDH_OFF_MACHINE, "x86_64", 6); /* QEMU's ELF_MACHINE_UNAME */
	put32(h + KDH64_OFF_STATUS, KDUMP_ZLIB);
	put32(h + KDH64_OFF_BLOCK_SIZE, KDUMP_BLOCK_SIZE);
	put32(h + KDH64_OFF_SUB_HDR_SIZE, (uint32_t)l->sub_hdr_blocks);
	put32(h + KDH64_OFF_BITMAP_BLOCKS, (uint32_t)l->bitmap_blocks);
	put32(h + KDH64_OFF_MAX_MAPNR, (uint32_t)MIN(l->max_mapnr, UINT32_MAX));
	put32(h + KDH64_OFF_NR_CPUS, (uint32_t)img->ncpus);
	put32(sub + KDS64_OFF_DUMP_LEVEL, 1);
	if (voff) {
		put64(sub + KDS64_OFF_OFFSET_VMCOREINFO, KDUMP_BLOCK_SIZE + KDS64_SIZE + voff);
		put64(sub + KDS64_OFF_SIZE_VMCOREINFO, vsize);
	}
	put64(sub + KDS64_OFF_OFFSET_NOTE, KDUMP_BLOCK_SIZE + KDS64_SIZE);
	put64(sub + KDS64_OFF_NOTE_SIZE, nnotes);
	put64(sub + KDS64_OFF_MAX_MAPNR_64, l->max_mapnr);
	err = sink_write(s, 0, h, sizeof(h));
	if (!err)
		err = sink_write(s, KDUMP_BLOCK_SIZE, sub, sizeof(sub));
	if (!err)
		err = sink_write(s, KDUMP_BLOCK_SIZE + KDS64_SIZE, notes, nnotes);
	return err;
}

/* Both bitmaps, 4 KiB chunk by chunk alternately (QEMU's set_dump_bitmap). */
static struct err *write_bitmaps(struct kd_sink *s, const struct phys_run *r, size_t n,
				 const struct kd_layout *l)
{
	_cleanup_free_ uint8_t *bm = calloc(1, l->bitmap_len ? l->bitmap_len : 1);
	struct err *err = NULL;
	uint64_t off, p;
	size_t i;

	if (!bm)
		return err_nomem;
	for (i = 0; i < n; i++)
		for (p = r[i].start_pa >> 12; p < (r[i].start_pa + r[i].len) >> 12; p++)
			bm[p / 8] |= (uint8_t)(1U << (p % 8));
	for (off = 0; !err && off < l->bitmap_len; off += KDUMP_BLOCK_SIZE) {
		err = sink_write(s, l->off_bitmap + off, bm + off, KDUMP_BLOCK_SIZE);
		if (!err)
			err = sink_write(s, l->off_bitmap + l->bitmap_len + off, bm + off,
					 KDUMP_BLOCK_SIZE);
	}
	return err;
}

static void make_pd(uint8_t *pd, uint64_t off, uint32_t size, uint32_t flags)
{
	memset(pd, 0, KDUMP_PD_SIZE);
	put64(pd + KDUMP_PD_OFF_OFFSET, off);
	put32(pd + KDUMP_PD_OFF_SIZE, size);
	put32(pd + KDUMP_PD_OFF_FLAGS, flags);
}

static struct err *write_pages(struct kd_sink *s, const struct dump_image *img,
			       const struct phys_run *r, size_t n, const struct kd_layout *l)
{
	static const uint8_t zero[KDUMP_BLOCK_SIZE];
	_cleanup_free_ struct kd_cache *desc = calloc(1, sizeof(*desc));
	_cleanup_free_ struct kd_cache *data = calloc(1, sizeof(*data));
	uint8_t zpd[KDUMP_PD_SIZE], pd[KDUMP_PD_SIZE], out[8192];
	uint64_t data_off = l->off_data + KDUMP_BLOCK_SIZE, p;
	struct err *err;
	size_t i;

	if (!desc || !data)
		return err_nomem;
	desc->off = l->off_page;
	data->off = l->off_data;
	/* Every zero page shares the first data page (QEMU write_dump_pages). */
	make_pd(zpd, l->off_data, KDUMP_BLOCK_SIZE, 0);
	err = cache_put(s, data, zero, sizeof(zero));
	for (i = 0; !err && i < n; i++) {
		for (p = r[i].start_pa >> 12; !err && p < (r[i].start_pa + r[i].len) >> 12; p++) {
			const uint8_t *page = img->mem + (p << 12);
			uLongf out_len = sizeof(out);

			if (dump_image_zero_page(img, p)) {
				err = cache_put(s, desc, zpd, sizeof(zpd));
				continue;
			}
			if (compress2(out, &out_len, page, KDUMP_BLOCK_SIZE, Z_BEST_SPEED) == Z_OK &&
			    out_len < KDUMP_BLOCK_SIZE) {
				make_pd(pd, data_off, (uint32_t)out_len, KDUMP_ZLIB);
				err = cache_put(s, data, out, out_len);
			} else {
				out_len = KDUMP_BLOCK_SIZE;
				make_pd(pd, data_off, KDUMP_BLOCK_SIZE, 0);
				err = cache_put(s, data, page, KDUMP_BLOCK_SIZE);
			}
			data_off += out_len;
			if (!err)
				err = cache_put(s, desc, pd, sizeof(pd));
		}
	}
	if (!err)
		err = cache_flush(s, desc);
	if (!err)
		err = cache_flush(s, data);
	return err;
}

static struct err *write_kdump(const struct dump_image *img, const char *path, bool flat)
{
	_cleanup_free_ uint8_t *notes = NULL;
	struct kd_sink s = { .fd = -1, .path = path, .flat = flat };
	struct phys_run one;
	const struct phys_run *r;
	struct kd_layout l;
	size_t nnotes = 0, n;
	struct err *err;

	err = dump_image_check(img);
	if (!err)
		err = dump_notes_build(img, &notes, &nnotes);
	if (err)
		return err;
	r = dump_image_runs(img, &one, &n);
	memset(&l, 0, sizeof(l));
	l.max_mapnr = n ? (r[n - 1].start_pa + r[n - 1].len) >> 12 : 0;
	/* QEMU dump_init: each bitmap is a whole number of blocks. */
	l.bitmap_len = ((l.max_mapnr + 7) / 8 + KDUMP_BLOCK_SIZE - 1) / KDUMP_BLOCK_SIZE *
		       KDUMP_BLOCK_SIZE;
	l.sub_hdr_blocks = (KDS64_SIZE + nnotes + KDUMP_BLOCK_SIZE - 1) / KDUMP_BLOCK_SIZE;
	l.bitmap_blocks = l.bitmap_len / KDUMP_BLOCK_SIZE * 2;
	l.off_bitmap = (1 + l.sub_hdr_blocks) * KDUMP_BLOCK_SIZE;
	l.off_page = l.off_bitmap + l.bitmap_blocks * KDUMP_BLOCK_SIZE;
	l.npages = dump_image_pages(img);
	l.off_data = l.off_page + KDUMP_PD_SIZE * l.npages;
	err = dump_create(path, &s.fd);
	if (err)
		return err;
	if (flat) {
		uint8_t mh[MDF_HEADER_SIZE] = { 0 };
		uint64_t type = htobe64(MDF_TYPE_FLAT), version = htobe64(MDF_VERSION_FLAT);

		memcpy(mh, MDF_SIGNATURE, sizeof(MDF_SIGNATURE) - 1);
		memcpy(mh + 16, &type, 8);
		memcpy(mh + 24, &version, 8);
		err = dump_write_at(s.fd, mh, sizeof(mh), 0, path);
		s.flat_off = MDF_HEADER_SIZE;
	}
	if (!err)
		err = write_headers(&s, img, notes, nnotes, &l);
	if (!err)
		err = write_bitmaps(&s, r, n, &l);
	if (!err)
		err = write_pages(&s, img, r, n, &l);
	if (!err && flat) {
		int64_t end[2] = { -1, -1 };

		err = dump_write_at(s.fd, end, sizeof(end), s.flat_off, path);
		s.flat_off += sizeof(end);
	}
	return dump_close(s.fd, flat ? s.flat_off : s.end, path, err);
}

struct err *writer_kdump(const struct dump_image *img, const char *path)
{
	return write_kdump(img, path, true);
}

struct err *writer_kdump_raw(const struct dump_image *img, const char *path)
{
	return write_kdump(img, path, false);
}
