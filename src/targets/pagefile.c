// SPDX-License-Identifier: MIT
/*
 * Paging file images. See pagefile.h.
 */
#include "pagefile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/err.h"
#include "targets/target.h"

struct err *pagefile_image_open(const char *path, struct pagefile_image **ret)
{
	struct pagefile_image *pf = calloc(1, sizeof(*pf));
	struct stat st;

	if (!pf || !(pf->path = strdup(path))) {
		free(pf);
		return err_nomem;
	}
	pf->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (pf->fd < 0 || fstat(pf->fd, &st) < 0) {
		struct err *err = err_os(errno, "cannot open paging file '%s'", path);

		pagefile_image_close(pf);
		return err;
	}
	if (!S_ISREG(st.st_mode)) {
		pagefile_image_close(pf);
		return err_create(ERR_INVALID_ARG, "paging file '%s' is not a regular file", path);
	}
	pf->len = (uint64_t)st.st_size;
	if (pf->len) {
		void *m = mmap(NULL, pf->len, PROT_READ, MAP_SHARED, pf->fd, 0);

		if (m == MAP_FAILED) {
			struct err *err = err_os(errno, "cannot map paging file '%s'", path);

			pagefile_image_close(pf);
			return err;
		}
		pf->map = m;
	}
	*ret = pf;
	return NULL;
}

struct err *pagefile_image_from_target(const char *name, struct target *t,
				       struct pagefile_image **ret)
{
	struct pagefile_image *pf = calloc(1, sizeof(*pf));

	if (!pf || !(pf->path = strdup(name))) {
		free(pf);
		target_close(t);
		return err_nomem;
	}
	pf->fd = -1;
	pf->t = t;
	pf->len = target_max_pa(t);
	*ret = pf;
	return NULL;
}

void pagefile_image_close(struct pagefile_image *pf)
{
	if (!pf)
		return;
	target_close(pf->t);
	if (pf->map)
		munmap((void *)pf->map, pf->len);
	if (pf->fd >= 0)
		close(pf->fd);
	free(pf->path);
	free(pf);
}

struct err *pagefile_image_read(const struct pagefile_image *pf, uint64_t offset, void *buf, size_t len)
{
	if (offset > pf->len || len > pf->len - offset)
		return err_create(ERR_FAULT, "paging file '%s' has no byte %#llx (it is %#llx bytes)",
				  pf->path, (unsigned long long)(offset + len - 1),
				  (unsigned long long)pf->len);
	if (pf->t)
		return target_read_phys(pf->t, offset, buf, len, "a paging file page");
	memcpy(buf, pf->map + offset, len);
	return NULL;
}
