// SPDX-License-Identifier: MIT
/*
 * Writer dispatch and the raw writer. See writer.h.
 */
#include "writer.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "core/err.h"
#include "core/util.h"

static const struct {
	const char *name;
	struct err *(*write)(const struct dump_image *img, const char *path);
} writers[] = {
	{ "raw", writer_raw },
};

const char *dump_write_formats(void)
{
	return "raw";
}

struct err *dump_write(const struct dump_image *img, const char *format, const char *path)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(writers); i++)
		if (!strcmp(writers[i].name, format))
			return writers[i].write(img, path);
	return err_create(ERR_INVALID_ARG, "unknown dump format '%s' (known: %s)", format,
			  dump_write_formats());
}

bool dump_image_page_present(const struct dump_image *img, uint64_t pfn)
{
	if ((pfn << 12) >= img->mem_size)
		return false;
	if (!img->present)
		return true;
	return (img->present[pfn / 64] >> (pfn % 64)) & 1;
}

static bool page_is_zero(const uint8_t *p)
{
	static const uint8_t zero[4096];

	return !memcmp(p, zero, sizeof(zero));
}

struct err *writer_raw(const struct dump_image *img, const char *path)
{
	uint64_t end = 0, pfn;
	struct err *err = NULL;
	int fd;

	if (img->nruns)
		end = img->runs[img->nruns - 1].start_pa + img->runs[img->nruns - 1].len;
	else
		end = img->mem_size;
	if (end > img->mem_size)
		return err_create(ERR_INVALID_ARG, "image runs extend past its memory");
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return err_os(errno, "cannot create '%s'", path);
	/* A raw image is physical memory from 0: holes and zero pages stay sparse. */
	for (pfn = 0; (pfn << 12) < end; pfn++) {
		const uint8_t *p = img->mem + (pfn << 12);

		if (!dump_image_page_present(img, pfn) || page_is_zero(p))
			continue;
		if (pwrite(fd, p, 4096, (off_t)(pfn << 12)) != 4096) {
			err = err_os(errno, "cannot write '%s'", path);
			break;
		}
	}
	if (!err && ftruncate(fd, (off_t)end) < 0)
		err = err_os(errno, "cannot size '%s'", path);
	if (close(fd) < 0 && !err)
		err = err_os(errno, "cannot close '%s'", path);
	return err;
}
