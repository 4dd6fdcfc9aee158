// SPDX-License-Identifier: MIT
/*
 * Writer dispatch, shared helpers and the raw writer. See writer.h.
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
	{ "elf", writer_elf },
	{ "dmp", writer_dmp },
	{ "dmp-bitmap", writer_dmp_bitmap },
	{ "lime", writer_lime },
	{ "kdump", writer_kdump },
	{ "kdump-raw", writer_kdump_raw },
	{ "vmcoreinfo", writer_vmcoreinfo },
};

const char *dump_write_formats(void)
{
	return "raw,elf,dmp,dmp-bitmap,lime,kdump,kdump-raw,vmcoreinfo";
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
	if (pfn >= (img->mem_size >> 12))
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

bool dump_image_zero_page(const struct dump_image *img, uint64_t pfn)
{
	return !dump_image_page_present(img, pfn) || page_is_zero(img->mem + (pfn << 12));
}

const struct phys_run *dump_image_runs(const struct dump_image *img, struct phys_run *one,
				       size_t *n_ret)
{
	if (img->nruns) {
		*n_ret = img->nruns;
		return img->runs;
	}
	*one = (struct phys_run){ 0, img->mem_size & ~0xFFFULL, 0 };
	*n_ret = one->len ? 1 : 0;
	return one;
}

struct err *dump_image_check(const struct dump_image *img)
{
	uint64_t next = 0;
	size_t i;

	for (i = 0; i < img->nruns; i++) {
		const struct phys_run *r = &img->runs[i];

		if ((r->start_pa | r->len) & 0xFFF || !r->len)
			return err_create(ERR_INVALID_ARG, "image run %zu (%#llx+%#llx) is not "
					  "page-aligned", i, (unsigned long long)r->start_pa,
					  (unsigned long long)r->len);
		if (r->start_pa < next)
			return err_create(ERR_INVALID_ARG, "image run %zu at %#llx overlaps or is "
					  "out of order", i, (unsigned long long)r->start_pa);
		if (r->start_pa + r->len > img->mem_size)
			return err_create(ERR_INVALID_ARG, "image run %zu extends past the image "
					  "memory (%#llx bytes)", i,
					  (unsigned long long)img->mem_size);
		next = r->start_pa + r->len;
	}
	return NULL;
}

uint64_t dump_image_pages(const struct dump_image *img)
{
	struct phys_run one;
	const struct phys_run *r;
	uint64_t pages = 0;
	size_t i, n;

	r = dump_image_runs(img, &one, &n);
	for (i = 0; i < n; i++)
		pages += r[i].len >> 12;
	return pages;
}

struct err *dump_write_at(int fd, const void *buf, size_t len, uint64_t off, const char *path)
{
	const uint8_t *p = buf;

	while (len) {
		ssize_t n = pwrite(fd, p, len, (off_t)off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return err_os(n < 0 ? errno : EIO, "cannot write '%s'", path);
		p += n;
		off += (uint64_t)n;
		len -= (size_t)n;
	}
	return NULL;
}

struct err *dump_write_pages(const struct dump_image *img, int fd, uint64_t pfn, uint64_t count,
			     uint64_t file_off, const char *path)
{
	uint64_t i;
	struct err *err;

	for (i = 0; i < count; i++) {
		if (dump_image_zero_page(img, pfn + i))
			continue;
		err = dump_write_at(fd, img->mem + ((pfn + i) << 12), 4096, file_off + (i << 12),
				    path);
		if (err)
			return err;
	}
	return NULL;
}

struct err *dump_create(const char *path, int *fd_ret)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	if (fd < 0)
		return err_os(errno, "cannot create '%s'", path);
	*fd_ret = fd;
	return NULL;
}

struct err *dump_close(int fd, uint64_t size, const char *path, struct err *err)
{
	if (!err && ftruncate(fd, (off_t)size) < 0)
		err = err_os(errno, "cannot size '%s'", path);
	if (close(fd) < 0 && !err)
		err = err_os(errno, "cannot close '%s'", path);
	return err;
}

struct err *writer_raw(const struct dump_image *img, const char *path)
{
	struct phys_run one;
	const struct phys_run *r;
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
	/* A raw image is physical memory from 0: holes, gaps and zero pages stay sparse. */
	for (i = 0; !err && i < n; i++)
		err = dump_write_pages(img, fd, r[i].start_pa >> 12, r[i].len >> 12, r[i].start_pa,
				       path);
	return dump_close(fd, n ? r[n - 1].start_pa + r[n - 1].len : 0, path, err);
}
