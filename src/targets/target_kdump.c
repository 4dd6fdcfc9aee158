// SPDX-License-Identifier: MIT
/*
 * kdump-compressed dumps (layout in kdump_defs.h): what QEMU writes for format=kdump-zlib,
 * wrapped in makedumpfile's flattened records by QEMU 7.2 (live-lab.md §2), or plain (QEMU
 * 8.2+ kdump-raw-*, makedumpfile). Opening indexes the flattened records (one 16-byte header
 * each; the page data is not touched), reads the headers, the notes (CPU registers, as in an
 * ELF core) and the dump bitmap, and builds the runs and a rank table over the bitmap.
 * read_phys() finds a page's descriptor by its rank among the dumped PFNs, then copies or
 * inflates its data (zlib) through a small direct-mapped page cache. lzo, snappy and zstd
 * pages are refused by name: QEMU 7.2 on Debian writes neither (live-lab.md §2).
 */
#include "target_formats.h"

#include <endian.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "core/err.h"
#include "core/util.h"
#include "targets/dump_notes.h"
#include "targets/kdump_defs.h"

#define KD_CACHE_PAGES 64
#define KD_RANK_BITS 4096 /* bits per rank table entry */
#define KD_MAX_NOTES (16U << 20)
/* A zlib-compressed 4 KiB page is never larger than compressBound(4096) (about 4.1 KiB). */
#define KD_MAX_COMPRESSED 8192

struct kd_rec {
	uint64_t voff, len, file_off;
};

struct kd_cache_ent {
	uint64_t pfn_plus1; /* 0: empty */
	uint8_t data[KDUMP_BLOCK_SIZE];
};

struct kdump {
	bool flat;
	struct kd_rec *recs; /* sorted by voff, non-overlapping */
	size_t nrecs;
	uint64_t vsize;	     /* size of the (unflattened) kdump file */
	uint64_t max_mapnr;
	uint8_t *bitmap;     /* the 2nd (dump) bitmap, max_mapnr bits */
	uint64_t *rank;	     /* set bits before each KD_RANK_BITS chunk */
	uint64_t off_page;   /* page descriptor table */
	uint64_t ndesc;
	struct kd_cache_ent cache[KD_CACHE_PAGES];
	uint8_t cbuf[KD_MAX_COMPRESSED];
};

static struct err *kdump_probe(const struct target_src *src, int *score_ret)
{
	*score_ret = 0;
	if (src->len >= 12 && !memcmp(src->map, MDF_SIGNATURE, 12))
		*score_ret = 100;
	else if (src->len >= KDUMP_SIG_LEN && !memcmp(src->map, KDUMP_SIGNATURE, KDUMP_SIG_LEN))
		*score_ret = 100;
	return NULL;
}

/* The flattened format's record headers are big-endian (QEMU write_buffer). */
static uint64_t be64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return be64toh(v);
}

static int rec_cmp(const void *a, const void *b)
{
	const struct kd_rec *x = a, *y = b;

	return x->voff < y->voff ? -1 : x->voff > y->voff;
}

/* Index the flattened records: one header read per record, data untouched. */
static struct err *index_records(struct target *t, struct kdump *kd, bool *truncated)
{
	const uint8_t *m = t->src.map;
	uint64_t len = t->src.len, off = MDF_HEADER_SIZE, cap = 0, i;

	if (be64(m + 16) != MDF_TYPE_FLAT || be64(m + 24) != MDF_VERSION_FLAT)
		return err_create(ERR_UNSUPPORTED,
				  "'%s': makedumpfile header at file offset 0x10: type %llu "
				  "version %llu is not the flattened format (type 1 version 1)",
				  t->path, (unsigned long long)be64(m + 16),
				  (unsigned long long)be64(m + 24));
	for (;;) {
		uint64_t voff, size;

		if (len - off < MDF_RECORD_HDR) {
			*truncated = true;
			break;
		}
		voff = be64(m + off);
		size = be64(m + off + 8);
		if (voff == UINT64_MAX && size == UINT64_MAX)
			break; /* END_FLAG_FLAT_HEADER */
		if (voff >= (1ULL << 62) || size >= (1ULL << 62))
			return err_format(off,
					  "'%s': flattened kdump record at file offset %#llx: offset "
					  "%#llx size %#llx are not valid",
					  t->path, (unsigned long long)off, (unsigned long long)voff,
					  (unsigned long long)size);
		if (size > len - off - MDF_RECORD_HDR) {
			size = len - off - MDF_RECORD_HDR;
			*truncated = true;
		}
		if (kd->nrecs == cap) {
			struct kd_rec *r;

			cap = cap ? cap * 2 : 256;
			r = realloc(kd->recs, cap * sizeof(*r));
			if (!r)
				return err_nomem;
			kd->recs = r;
		}
		kd->recs[kd->nrecs++] = (struct kd_rec){ voff, size, off + MDF_RECORD_HDR };
		kd->vsize = MAX(kd->vsize, voff + size);
		off += MDF_RECORD_HDR + size;
		if (*truncated)
			break;
	}
	if (kd->nrecs > 1) /* qsort(NULL, 0) is undefined; found by fuzz_kdump */
		qsort(kd->recs, kd->nrecs, sizeof(*kd->recs), rec_cmp);
	for (i = 1; i < kd->nrecs; i++)
		if (kd->recs[i].voff < kd->recs[i - 1].voff + kd->recs[i - 1].len)
			return err_format(kd->recs[i].file_off - MDF_RECORD_HDR,
					  "'%s': flattened kdump record at file offset %#llx overlaps "
					  "kdump offsets %#llx-%#llx written by an earlier record",
					  t->path,
					  (unsigned long long)(kd->recs[i].file_off - MDF_RECORD_HDR),
					  (unsigned long long)kd->recs[i - 1].voff,
					  (unsigned long long)(kd->recs[i - 1].voff + kd->recs[i - 1].len));
	return NULL;
}

/* Index of the last record with voff <= @voff, or -1. */
static long find_rec(const struct kdump *kd, uint64_t voff)
{
	size_t lo = 0, hi = kd->nrecs;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (kd->recs[mid].voff <= voff)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (long)lo - 1;
}

/* Zero-copy pointer to [@voff, @voff + @len) when it lies in one record (or the plain file). */
static const uint8_t *kd_ptr(const struct target *t, const struct kdump *kd, uint64_t voff,
			     uint64_t len)
{
	long i;

	if (!kd->flat)
		return (voff <= t->src.len && len <= t->src.len - voff) ? t->src.map + voff : NULL;
	i = find_rec(kd, voff);
	if (i < 0 || voff - kd->recs[i].voff > kd->recs[i].len ||
	    len > kd->recs[i].len - (voff - kd->recs[i].voff))
		return NULL;
	return t->src.map + kd->recs[i].file_off + (voff - kd->recs[i].voff);
}

/* Copy kdump bytes; parts no record wrote read as zero (makedumpfile -R leaves holes). */
static bool kd_read(const struct target *t, const struct kdump *kd, uint64_t voff, void *buf,
		    uint64_t len)
{
	uint8_t *out = buf;
	long i;

	if (voff > kd->vsize || len > kd->vsize - voff)
		return false;
	if (!kd->flat) {
		memcpy(buf, t->src.map + voff, len);
		return true;
	}
	i = find_rec(kd, voff);
	while (len) {
		uint64_t n;

		if (i >= 0 && voff < kd->recs[i].voff + kd->recs[i].len) {
			n = MIN(len, kd->recs[i].voff + kd->recs[i].len - voff);
			memcpy(out, t->src.map + kd->recs[i].file_off + (voff - kd->recs[i].voff), n);
		} else {
			uint64_t next = ((size_t)(i + 1) < kd->nrecs) ? kd->recs[i + 1].voff
								      : kd->vsize;

			n = MIN(len, next - voff);
			memset(out, 0, n);
		}
		out += n;
		voff += n;
		len -= n;
		if ((size_t)(i + 1) < kd->nrecs && voff >= kd->recs[i + 1].voff)
			i++;
	}
	return true;
}

struct kd_hdr {
	uint32_t version, status, block_size, sub_hdr_size, bitmap_blocks, nr_cpus;
	uint64_t max_mapnr, offset_note, note_size;
};

/* The main header and the sub-header; 64-bit layout unless the machine is 32-bit x86. */
static struct err *read_headers(struct target *t, struct kdump *kd, struct kd_hdr *h)
{
	uint8_t hb[KDH64_SIZE], sb[KDS64_SIZE];
	bool is32;

	if (!kd_read(t, kd, 0, hb, sizeof(hb)) || memcmp(hb, KDUMP_SIGNATURE, KDUMP_SIG_LEN))
		return err_format(kd->flat ? MDF_HEADER_SIZE : 0,
				  "'%s': no kdump header ('KDUMP   ' and %u bytes) at kdump offset 0",
				  t->path, KDH64_SIZE);
	is32 = !strncmp((const char *)hb + KDH_OFF_MACHINE, "i386", 4) ||
	       !strncmp((const char *)hb + KDH_OFF_MACHINE, "i686", 4);
	h->version = le32(hb + KDH_OFF_HEADER_VERSION);
	h->status = le32(hb + (is32 ? KDH32_OFF_STATUS : KDH64_OFF_STATUS));
	h->block_size = le32(hb + (is32 ? KDH32_OFF_BLOCK_SIZE : KDH64_OFF_BLOCK_SIZE));
	h->sub_hdr_size = le32(hb + (is32 ? KDH32_OFF_SUB_HDR_SIZE : KDH64_OFF_SUB_HDR_SIZE));
	h->bitmap_blocks = le32(hb + (is32 ? KDH32_OFF_BITMAP_BLOCKS : KDH64_OFF_BITMAP_BLOCKS));
	h->max_mapnr = le32(hb + (is32 ? KDH32_OFF_MAX_MAPNR : KDH64_OFF_MAX_MAPNR));
	h->nr_cpus = le32(hb + (is32 ? KDH32_OFF_NR_CPUS : KDH64_OFF_NR_CPUS));
	if (h->block_size != KDUMP_BLOCK_SIZE)
		return err_create(ERR_UNSUPPORTED,
				  "'%s': kdump block_size %u at kdump offset %#x is not 4096",
				  t->path, h->block_size, is32 ? KDH32_OFF_BLOCK_SIZE : KDH64_OFF_BLOCK_SIZE);
	if (h->status & (KDUMP_LZO | KDUMP_SNAPPY | KDUMP_ZSTD))
		return err_create(ERR_UNSUPPORTED,
				  "'%s': kdump status %#x at kdump offset %#x: lzo, snappy and "
				  "zstd pages are not supported (zlib is)",
				  t->path, h->status, is32 ? KDH32_OFF_STATUS : KDH64_OFF_STATUS);
	if (!h->sub_hdr_size || h->sub_hdr_size > kd->vsize / KDUMP_BLOCK_SIZE ||
	    h->bitmap_blocks % 2 || h->bitmap_blocks > kd->vsize / KDUMP_BLOCK_SIZE)
		return err_format(is32 ? KDH32_OFF_SUB_HDR_SIZE : KDH64_OFF_SUB_HDR_SIZE,
				  "'%s': kdump sub_hdr_size %u and bitmap_blocks %u at kdump "
				  "offset %#x do not fit in the %#llx-byte dump",
				  t->path, h->sub_hdr_size, h->bitmap_blocks,
				  is32 ? KDH32_OFF_SUB_HDR_SIZE : KDH64_OFF_SUB_HDR_SIZE,
				  (unsigned long long)kd->vsize);
	if (!kd_read(t, kd, KDUMP_BLOCK_SIZE, sb, is32 ? KDS32_SIZE : KDS64_SIZE))
		return err_format(KDUMP_BLOCK_SIZE,
				  "'%s': kdump sub-header at kdump offset 0x1000 is truncated",
				  t->path);
	if (h->version >= 4) {
		h->offset_note = le64(sb + (is32 ? KDS32_OFF_OFFSET_NOTE : KDS64_OFF_OFFSET_NOTE));
		h->note_size = is32 ? le32(sb + KDS32_OFF_NOTE_SIZE) : le64(sb + KDS64_OFF_NOTE_SIZE);
	}
	/* header_version 6 moved max_mapnr to 64 bits in the sub-header. */
	if (h->version >= 6)
		h->max_mapnr = le64(sb + (is32 ? KDS32_OFF_MAX_MAPNR_64 : KDS64_OFF_MAX_MAPNR_64));
	return NULL;
}

static struct err *read_notes(struct target *t, struct kdump *kd, const struct kd_hdr *h)
{
	_cleanup_free_ uint8_t *notes = NULL;
	const uint8_t *p;
	struct note_summary s;
	uint64_t file_off;

	if (!h->note_size)
		return NULL;
	if (h->note_size > KD_MAX_NOTES || h->offset_note > kd->vsize ||
	    h->note_size > kd->vsize - h->offset_note)
		return err_format(KDUMP_BLOCK_SIZE,
				  "'%s': kdump notes (offset_note %#llx, note_size %#llx in the "
				  "sub-header at kdump offset 0x1000) lie outside the dump",
				  t->path, (unsigned long long)h->offset_note,
				  (unsigned long long)h->note_size);
	/* Messages name file offsets: find where the note area sits in the file. */
	p = kd_ptr(t, kd, h->offset_note, h->note_size);
	if (p) {
		file_off = (uint64_t)(p - t->src.map);
	} else {
		notes = malloc(h->note_size);
		if (!notes)
			return err_nomem;
		kd_read(t, kd, h->offset_note, notes, h->note_size);
		p = notes;
		file_off = h->offset_note;
	}
	return dump_notes_parse(t, p, h->note_size, file_off, 4, &s);
}

static struct err *read_bitmap(struct target *t, struct kdump *kd, const struct kd_hdr *h,
			       bool *truncated)
{
	uint64_t half = (uint64_t)h->bitmap_blocks / 2 * KDUMP_BLOCK_SIZE;
	uint64_t off2 = (1 + (uint64_t)h->sub_hdr_size) * KDUMP_BLOCK_SIZE + half;
	uint64_t nchunks, i, present, bytes;

	if (h->max_mapnr > half * 8 || h->max_mapnr > (1ULL << 40))
		return err_format(KDUMP_BLOCK_SIZE,
				  "'%s': kdump max_mapnr %#llx does not fit the %#llx-byte bitmaps "
				  "(bitmap_blocks %u)",
				  t->path, (unsigned long long)h->max_mapnr,
				  (unsigned long long)half, h->bitmap_blocks);
	kd->max_mapnr = h->max_mapnr;
	bytes = (kd->max_mapnr + 7) / 8;
	kd->bitmap = calloc(1, bytes ? bytes : 1);
	nchunks = kd->max_mapnr / KD_RANK_BITS + 1;
	kd->rank = calloc(nchunks, sizeof(*kd->rank));
	if (!kd->bitmap || !kd->rank)
		return err_nomem;
	/* The 2nd bitmap lists the dumped pages (the 1st: pages in RAM; QEMU writes both the
	 * same at dump level 1). */
	if (!kd_read(t, kd, off2, kd->bitmap, bytes))
		return err_format(off2, "'%s': kdump 2nd bitmap at kdump offset %#llx is truncated",
				  t->path, (unsigned long long)off2);
	for (i = 0, present = 0; i < nchunks; i++) {
		uint64_t b, end = MIN((i + 1) * KD_RANK_BITS, kd->max_mapnr);

		kd->rank[i] = present;
		for (b = i * KD_RANK_BITS; b < end && b % 64; b++)
			present += (kd->bitmap[b / 8] >> (b % 8)) & 1;
		for (; b + 64 <= end; b += 64)
			present += (uint64_t)__builtin_popcountll(le64(kd->bitmap + b / 8));
		for (; b < end; b++)
			present += (kd->bitmap[b / 8] >> (b % 8)) & 1;
	}
	kd->off_page = (1 + (uint64_t)h->sub_hdr_size + h->bitmap_blocks) * KDUMP_BLOCK_SIZE;
	kd->ndesc = present;
	if (kd->off_page > kd->vsize || present > (kd->vsize - kd->off_page) / KDUMP_PD_SIZE)
		*truncated = true;
	return target_add_bitmap_runs(t, kd->bitmap, kd->max_mapnr, UINT64_MAX, &present,
				      truncated);
}

static void kdump_close(struct target *t)
{
	struct kdump *kd = t->priv;

	if (!kd)
		return;
	free(kd->recs);
	free(kd->bitmap);
	free(kd->rank);
	free(kd);
	t->priv = NULL;
}

static struct err *kdump_open(struct target *t)
{
	struct kdump *kd = calloc(1, sizeof(*kd));
	bool truncated = false;
	struct kd_hdr h = { 0 };
	struct err *err = NULL;

	if (!kd)
		return err_nomem;
	t->priv = kd;
	/* The probe matched 8 bytes of "KDUMP   " or 12 of "makedumpfile"; a 9-byte file is a
	 * plain header cut short (found by fuzz_kdump). */
	kd->flat = t->src.len >= 12 && !memcmp(t->src.map, MDF_SIGNATURE, 12);
	if (kd->flat) {
		if (t->src.len < MDF_HEADER_SIZE)
			return err_format(t->src.len,
					  "'%s': makedumpfile header truncated: %llu bytes of %u",
					  t->path, (unsigned long long)t->src.len, MDF_HEADER_SIZE);
		err = index_records(t, kd, &truncated);
	} else {
		kd->vsize = t->src.len;
	}
	if (!err)
		err = read_headers(t, kd, &h);
	if (!err)
		err = read_notes(t, kd, &h);
	if (!err)
		err = read_bitmap(t, kd, &h, &truncated);
	if (err)
		return err;
	snprintf(t->format, sizeof(t->format), "kdump-compressed%s, %s, %zu CPU%s%s",
		 kd->flat ? " (flattened)" : "", h.status & KDUMP_ZLIB ? "zlib" : "uncompressed",
		 t->ncpus, t->ncpus == 1 ? "" : "s", truncated ? ", truncated" : "");
	return NULL;
}

/* The data of dumped page @pfn (rank @r) into @out. */
static struct err *load_page(struct target *t, struct kdump *kd, uint64_t pfn, uint64_t r,
			     uint8_t *out)
{
	uint8_t pd[KDUMP_PD_SIZE];
	uint64_t doff, pd_off = kd->off_page + r * KDUMP_PD_SIZE;
	uint32_t size, flags;
	const uint8_t *src;
	uLongf dlen = KDUMP_BLOCK_SIZE;

	if (!kd_read(t, kd, pd_off, pd, sizeof(pd)))
		return err_fault("physical", pfn << 12, "page",
				 "its kdump page descriptor lies past the end of the dump");
	doff = le64(pd + KDUMP_PD_OFF_OFFSET);
	size = le32(pd + KDUMP_PD_OFF_SIZE);
	flags = le32(pd + KDUMP_PD_OFF_FLAGS);
	if (flags & (KDUMP_LZO | KDUMP_SNAPPY | KDUMP_ZSTD))
		return err_create(ERR_UNSUPPORTED,
				  "page at physical address %#llx is compressed with flags %#x "
				  "(only zlib is supported)",
				  (unsigned long long)(pfn << 12), flags);
	if (!(flags & KDUMP_ZLIB)) {
		if (size != KDUMP_BLOCK_SIZE || !kd_read(t, kd, doff, out, KDUMP_BLOCK_SIZE))
			return err_fault("physical", pfn << 12, "page",
					 "its kdump data (descriptor size or offset) is invalid");
		return NULL;
	}
	if (size > KD_MAX_COMPRESSED)
		return err_fault("physical", pfn << 12, "page",
				 "its compressed size in the kdump descriptor is too large");
	src = kd_ptr(t, kd, doff, size);
	if (!src) {
		if (!kd_read(t, kd, doff, kd->cbuf, size))
			return err_fault("physical", pfn << 12, "page",
					 "its kdump data lies past the end of the dump");
		src = kd->cbuf;
	}
	if (uncompress(out, &dlen, src, size) != Z_OK || dlen != KDUMP_BLOCK_SIZE)
		return err_fault("physical", pfn << 12, "page", "its zlib data in the kdump is corrupt");
	return NULL;
}

static bool kd_has(const struct kdump *kd, uint64_t pfn, uint64_t *rank_ret)
{
	uint64_t c, b, r;

	if (pfn >= kd->max_mapnr || !((kd->bitmap[pfn / 8] >> (pfn % 8)) & 1))
		return false;
	c = pfn / KD_RANK_BITS;
	r = kd->rank[c];
	b = c * KD_RANK_BITS;
	for (; b + 64 <= pfn; b += 64)
		r += (uint64_t)__builtin_popcountll(le64(kd->bitmap + b / 8));
	for (; b < pfn; b++)
		r += (kd->bitmap[b / 8] >> (b % 8)) & 1;
	*rank_ret = r;
	return r < kd->ndesc;
}

static struct err *kdump_read_phys(struct target *t, uint64_t pa, void *buf, size_t len)
{
	struct kdump *kd = t->priv;
	uint8_t *out = buf;
	struct err *err;

	while (len) {
		uint64_t pfn = pa >> 12, r, in = pa & 0xFFF, n = MIN(len, KDUMP_BLOCK_SIZE - in);
		struct kd_cache_ent *c = &kd->cache[pfn % KD_CACHE_PAGES];

		if (c->pfn_plus1 != pfn + 1) {
			if (!kd_has(kd, pfn, &r))
				return err_fault("physical", pa, "memory", "page not in the dump");
			c->pfn_plus1 = 0;
			err = load_page(t, kd, pfn, r, c->data);
			if (err)
				return err;
			c->pfn_plus1 = pfn + 1;
		}
		memcpy(out, c->data + in, n);
		out += n;
		pa += n;
		len -= n;
	}
	return NULL;
}

const struct target_ops target_kdump_ops = {
	.name = "kdump",
	.probe = kdump_probe,
	.open = kdump_open,
	.read_phys = kdump_read_phys,
	.close = kdump_close,
};
