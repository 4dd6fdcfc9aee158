// SPDX-License-Identifier: MIT
/*
 * LiME writer: one segment per RAM run, each a 32-byte header {magic 0x4C694D45, version 1,
 * start, end (inclusive), 0} followed by the run's bytes (formats.md §1e). Zero pages stay
 * holes.
 */
#include "writer.h"

#include <string.h>

#include "core/err.h"
#include "core/util.h"

struct err *writer_lime(const struct dump_image *img, const char *path)
{
	struct phys_run one;
	const struct phys_run *r;
	uint64_t off = 0;
	struct err *err;
	size_t i, n;
	int fd = -1;

	err = dump_image_check(img);
	if (err)
		return err;
	r = dump_image_runs(img, &one, &n);
	err = dump_create(path, &fd);
	if (err)
		return err;
	for (i = 0; !err && i < n; i++) {
		uint8_t h[32] = { 0 };
		uint32_t magic = 0x4C694D45, version = 1;
		uint64_t start = r[i].start_pa, end = r[i].start_pa + r[i].len - 1;

		memcpy(h, &magic, 4);
		memcpy(h + 4, &version, 4);
		memcpy(h + 8, &start, 8);
		memcpy(h + 16, &end, 8);
		err = dump_write_at(fd, h, sizeof(h), off, path);
		off += sizeof(h);
		if (!err)
			err = dump_write_pages(img, fd, start >> 12, r[i].len >> 12, off, path);
		off += r[i].len;
	}
	return dump_close(fd, off, path, err);
}
