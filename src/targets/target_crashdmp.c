// SPDX-License-Identifier: MIT
/*
 * Windows 64-bit crash dumps ('PAGEDU64', formats.md §1a): full dumps (DumpType 1, the
 * PhysicalMemoryBlock runs stored back to back from file offset 0x2000) and bitmap dumps
 * (DumpType 5 and 6: 'SDMP'/'FDMP' header at 0x2000, then one bit per PFN; present pages are
 * stored in ascending PFN order from FirstPage). Both map every present page to a file range,
 * so reads are plain copies from the mapping. The header's kernel pointers become hints, the
 * CONTEXT record becomes CPU 0. The RDMP types 8, 9 and 0xA are refused by name: their layout
 * is known only from reverse engineering (kdmp-parser) and cannot be checked here.
 */
#include "target_formats.h"

#include <stdio.h>
#include <string.h>

#include "core/err.h"
#include "core/util.h"
#include "targets/dmp_header.h"

static struct err *crashdmp_probe(const struct target_src *src, int *score_ret)
{
	/* The signature alone claims the file, so that a truncated header is reported as a
	 * crash dump error instead of being opened as a raw image. */
	*score_ret = 0;
	if (src->len >= 8 && le32(src->map) == DMP_SIGNATURE &&
	    le32(src->map + 4) == DMP_VALID_DUMP64)
		*score_ret = 100;
	return NULL;
}

/* Add the page range [@pfn, @pfn + @count) stored at @file_off, clipped to the file. */
static struct err *add_stored(struct target *t, uint64_t pfn, uint64_t count, uint64_t file_off,
			      bool *truncated)
{
	uint64_t len = t->src.len, have;

	if (file_off >= len) {
		*truncated = true;
		return NULL;
	}
	have = (len - file_off) / PAGE_SIZE;
	if (have < count) {
		count = have;
		*truncated = true;
	}
	return target_add_run(t, pfn << PAGE_SHIFT, count << PAGE_SHIFT, file_off);
}

static struct err *open_full(struct target *t, const struct dmp_header *h, bool *truncated)
{
	uint64_t off = DMP_HEADER_SIZE;
	struct err *err;
	uint32_t i;

	if (!h->has_runs)
		return err_format(DMP_OFF_PMB,
				  "'%s': full crash dump without a PhysicalMemoryBlock "
				  "(NumberOfRuns at file offset 0x88 is 'PAGE')",
				  t->path);
	/* Runs follow back to back in descriptor order, no holes stored (formats.md §1a). */
	for (i = 0; i < h->nruns; i++) {
		err = add_stored(t, h->runs[i].base_page, h->runs[i].page_count, off, truncated);
		if (err)
			return err;
		off += h->runs[i].page_count * PAGE_SIZE;
	}
	t->hints.has_kernel_runs = true;
	return NULL;
}

static struct err *open_bitmap(struct target *t, uint32_t *sig_ret, bool *truncated)
{
	const uint8_t *b = t->src.map + DMP_HEADER_SIZE;
	uint64_t len = t->src.len, nbits, nbytes, first, total, present;
	struct err *err;

	if (len < DMP_HEADER_SIZE + DMP_BMP_OFF_BITMAP)
		return err_format(len,
				  "'%s': bitmap crash dump truncated: the bitmap header at file "
				  "offset 0x2000 needs %#x bytes, the file has %llu",
				  t->path, DMP_BMP_OFF_BITMAP, (unsigned long long)len);
	*sig_ret = le32(b + DMP_BMP_OFF_SIGNATURE);
	if ((*sig_ret != DMP_BMP_SDMP && *sig_ret != DMP_BMP_FDMP) ||
	    le32(b + DMP_BMP_OFF_VALID_DUMP) != DMP_BMP_VALID)
		return err_format(DMP_HEADER_SIZE,
				  "'%s': bitmap crash dump: no 'SDMP'/'FDMP' + 'DUMP' signature at "
				  "file offset 0x2000",
				  t->path);
	nbits = le64(b + DMP_BMP_OFF_PAGES);
	first = le64(b + DMP_BMP_OFF_FIRST_PAGE);
	total = le64(b + DMP_BMP_OFF_TOTAL_PRESENT);
	nbytes = (nbits + 7) / 8;
	if (nbits > (1ULL << 40) || nbytes > len - (DMP_HEADER_SIZE + DMP_BMP_OFF_BITMAP))
		return err_format(DMP_HEADER_SIZE + DMP_BMP_OFF_PAGES,
				  "'%s': bitmap crash dump: Pages %#llx at file offset 0x2030 "
				  "needs a bitmap beyond the end of the file",
				  t->path, (unsigned long long)nbits);
	if (first < DMP_HEADER_SIZE + DMP_BMP_OFF_BITMAP + nbytes || first > len)
		return err_format(DMP_HEADER_SIZE + DMP_BMP_OFF_FIRST_PAGE,
				  "'%s': bitmap crash dump: FirstPage %#llx at file offset 0x2020 "
				  "is not between the end of the bitmap and the end of the file",
				  t->path, (unsigned long long)first);
	err = target_add_bitmap_runs(t, b + DMP_BMP_OFF_BITMAP, nbits, first, &present, truncated);
	if (err)
		return err;
	if (present != total)
		return err_format(DMP_HEADER_SIZE + DMP_BMP_OFF_TOTAL_PRESENT,
				  "'%s': bitmap crash dump: TotalPresentPages %#llx at file offset "
				  "0x2028 differs from the %#llx bits set in the bitmap",
				  t->path, (unsigned long long)total, (unsigned long long)present);
	return NULL;
}

static struct err *crashdmp_open(struct target *t)
{
	const uint8_t *m = t->src.map;
	struct dmp_header h;
	bool truncated = false;
	uint32_t sig = 0;
	struct err *err;

	err = dmp_header_parse(m, t->src.len, t->path, 0, &h);
	if (err)
		return err;
	switch (h.dump_type) {
	case DMP_TYPE_FULL:
		err = open_full(t, &h, &truncated);
		break;
	case DMP_TYPE_BITMAP:
	case DMP_TYPE_LIVE_BITMAP:
		/* Type 6 (live kernel dump) has the same on-disk encoding as 5 (Vol3 PR
		 * #1990, formats.md §1a). */
		err = open_bitmap(t, &sig, &truncated);
		break;
	default:
		return err_create(ERR_UNSUPPORTED,
				  "'%s': crash dump DumpType %#x (%s) at file offset 0xf98 is not "
				  "supported; mmkd reads full (1) and bitmap (5, 6) dumps",
				  t->path, h.dump_type, dmp_type_name(h.dump_type));
	}
	if (err)
		return err;
	if (h.has_context) {
		err = target_add_cpus(t, 1);
		if (err)
			return err;
		dmp_context_to_cpu(m + DMP_OFF_CONTEXT, &t->cpus[0]);
	}
	dmp_header_hints(&h, "crash dump header", &t->hints);
	snprintf(t->format, sizeof(t->format), "Windows crash dump, %s%s (DumpType %u)%s",
		 dmp_type_name(h.dump_type),
		 sig == DMP_BMP_FDMP ? " FDMP" : sig == DMP_BMP_SDMP ? " SDMP" : "", h.dump_type,
		 truncated ? ", truncated" : "");
	return NULL;
}

const struct target_ops target_crashdmp_ops = {
	.name = "crashdump",
	.probe = crashdmp_probe,
	.open = crashdmp_open,
};
