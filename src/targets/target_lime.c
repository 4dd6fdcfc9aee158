// SPDX-License-Identifier: MIT
/*
 * LiME (formats.md §1e, from Volatility 3's lime.py): a sequence of segments, each a 32-byte
 * header {u32 magic 0x4C694D45, u32 version 1, u64 start, u64 end (inclusive), u64 reserved}
 * followed by exactly end - start + 1 bytes of physical memory. Segments increase. Opening
 * reads only the headers (one per segment, each at the end of the previous segment's data).
 */
#include "target_formats.h"

#include <stdio.h>

#include "core/err.h"
#include "core/util.h"

#define LIME_MAGIC 0x4C694D45U
#define LIME_VERSION 1
#define LIME_HDR_LEN 32
#define LIME_MAX_PA (1ULL << 52)

static struct err *lime_probe(const struct target_src *src, int *score_ret)
{
	*score_ret = 0;
	if (src->len >= 8 && le32(src->map) == LIME_MAGIC)
		*score_ret = le32(src->map + 4) == LIME_VERSION ? 100 : 50;
	return NULL;
}

static struct err *lime_open(struct target *t)
{
	const uint8_t *m = t->src.map;
	uint64_t len = t->src.len, off = 0, next_pa = 0, nseg = 0;
	bool truncated = false;
	struct err *err;

	while (off < len) {
		uint64_t start, end, size, have;

		if (len - off < LIME_HDR_LEN) {
			truncated = true;
			break;
		}
		if (le32(m + off) != LIME_MAGIC || le32(m + off + 4) != LIME_VERSION)
			return err_format(off,
					  "'%s': LiME segment %llu: no magic 'EMiL' version 1 at file "
					  "offset %#llx",
					  t->path, (unsigned long long)nseg, (unsigned long long)off);
		start = le64(m + off + 8);
		end = le64(m + off + 16);
		if (end < start || end >= LIME_MAX_PA)
			return err_format(off + 8,
					  "'%s': LiME segment %llu at file offset %#llx: range "
					  "%#llx-%#llx is empty or beyond 52-bit physical memory",
					  t->path, (unsigned long long)nseg, (unsigned long long)off,
					  (unsigned long long)start, (unsigned long long)end);
		if (start < next_pa)
			return err_format(off + 8,
					  "'%s': LiME segment %llu at file offset %#llx starts at %#llx, "
					  "below the end of the previous segment (%#llx)",
					  t->path, (unsigned long long)nseg, (unsigned long long)off,
					  (unsigned long long)start, (unsigned long long)next_pa);
		size = end - start + 1;
		off += LIME_HDR_LEN;
		have = MIN(size, len - off);
		if (have < size)
			truncated = true;
		err = target_add_run(t, start, have, off);
		if (err)
			return err;
		next_pa = end + 1;
		nseg++;
		if (have < size)
			break;
		off += size;
	}
	snprintf(t->format, sizeof(t->format), "LiME, %llu segment%s%s", (unsigned long long)nseg,
		 nseg == 1 ? "" : "s", truncated ? ", truncated" : "");
	return NULL;
}

const struct target_ops target_lime_ops = {
	.name = "lime",
	.probe = lime_probe,
	.open = lime_open,
};
