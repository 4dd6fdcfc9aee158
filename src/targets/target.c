// SPDX-License-Identifier: MIT
/*
 * Generic target plumbing: open + probe, run lookup, physical reads. See target.h.
 */
#include "target.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/err.h"
#include "core/util.h"

struct err *target_create(const struct target_ops *ops, const char *name, struct target **ret)
{
	struct target *t = calloc(1, sizeof(*t));

	if (!t)
		return err_nomem;
	t->ops = ops;
	t->path = strdup(name ? name : "");
	t->src.fd = -1;
	if (!t->path) {
		free(t);
		return err_nomem;
	}
	*ret = t;
	return NULL;
}

static struct err *map_file(const char *path, struct target_src *src)
{
	struct stat st;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return err_os(errno, "cannot open '%s'", path);
	if (fstat(fd, &st) < 0) {
		int e = errno;

		close(fd);
		return err_os(e, "cannot stat '%s'", path);
	}
	if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode)) {
		close(fd);
		return err_create(ERR_INVALID_ARG, "'%s' is not a regular file", path);
	}
	src->path = path;
	src->fd = fd;
	src->len = (uint64_t)st.st_size;
	src->map = NULL;
	if (src->len) {
		/* Read-only mapping: the dump is never written (DESIGN "Read-only"). */
		void *m = mmap(NULL, src->len, PROT_READ, MAP_SHARED, fd, 0);

		if (m == MAP_FAILED) {
			int e = errno;

			close(fd);
			return err_os(e, "cannot map '%s'", path);
		}
		madvise(m, src->len, MADV_RANDOM);
		src->map = m;
	}
	return NULL;
}

static void unmap_file(struct target_src *src)
{
	if (src->map)
		munmap((void *)src->map, src->len);
	if (src->fd >= 0)
		close(src->fd);
	src->map = NULL;
	src->fd = -1;
}

struct err *target_open(const char *path, const char *format, struct target **ret)
{
	struct target_src src = { .fd = -1 };
	const struct target_ops *best = NULL;
	struct target *t = NULL;
	struct err *err;
	int best_score = 0;
	size_t i;

	err = map_file(path, &src);
	if (err)
		return err;
	for (i = 0; i < target_table_len; i++) {
		const struct target_ops *ops = target_table[i];
		int score = 0;

		if (format && strcmp(format, ops->name) != 0)
			continue;
		if (!ops->probe)
			continue;
		err = ops->probe(&src, &score);
		if (err) {
			/* A probe error means "not this format"; keep probing. */
			err_destroy(err);
			continue;
		}
		if (score > best_score) {
			best_score = score;
			best = ops;
		}
	}
	if (!best) {
		unmap_file(&src);
		if (format)
			return err_create(ERR_FORMAT, "'%s' is not a %s dump", path, format);
		return err_create(ERR_FORMAT, "'%s': unrecognized dump format", path);
	}
	err = target_create(best, path, &t);
	if (err) {
		unmap_file(&src);
		return err;
	}
	t->src = src;
	t->src.path = t->path;
	t->mem = src.map;
	err = best->open(t);
	if (err) {
		target_close(t);
		return err;
	}
	if (!t->nruns) {
		err = err_create(ERR_FORMAT, "'%s': the dump contains no physical memory", path);
		target_close(t);
		return err;
	}
	*ret = t;
	return NULL;
}

void target_close(struct target *t)
{
	size_t i;

	if (!t)
		return;
	if (t->ops && t->ops->close)
		t->ops->close(t);
	unmap_file(&t->src);
	for (i = 0; i < t->ncpus; i++)
		free(t->cpus[i].msrs);
	free(t->cpus);
	free(t->runs);
	free(t->path);
	free(t);
}

struct err *target_add_run(struct target *t, uint64_t start_pa, uint64_t len, uint64_t file_off)
{
	struct phys_run *r;

	if (!len)
		return NULL;
	if (start_pa + len < start_pa)
		return err_create(ERR_FORMAT, "physical run at %#llx wraps around",
				  (unsigned long long)start_pa);
	if (t->nruns) {
		struct phys_run *last = &t->runs[t->nruns - 1];

		if (start_pa < last->start_pa + last->len)
			return err_create(ERR_FORMAT,
					  "physical run at %#llx overlaps or is out of order",
					  (unsigned long long)start_pa);
		if (start_pa == last->start_pa + last->len && last->file_off != UINT64_MAX &&
		    file_off == last->file_off + last->len) {
			last->len += len;
			return NULL;
		}
	}
	r = realloc(t->runs, (t->nruns + 1) * sizeof(*r));
	if (!r)
		return err_nomem;
	t->runs = r;
	t->runs[t->nruns++] = (struct phys_run){ start_pa, len, file_off };
	return NULL;
}

struct err *target_add_cpus(struct target *t, size_t n)
{
	struct cpu_state *c = calloc(n ? n : 1, sizeof(*c));

	if (!c)
		return err_nomem;
	free(t->cpus);
	t->cpus = c;
	t->ncpus = n;
	return NULL;
}

struct err *target_add_msr(struct cpu_state *cpu, uint32_t index, uint64_t value)
{
	struct msr_val *m;
	size_t i;

	for (i = 0; i < cpu->nmsrs; i++) {
		if (cpu->msrs[i].index == index) {
			cpu->msrs[i].value = value;
			return NULL;
		}
	}
	m = realloc(cpu->msrs, (cpu->nmsrs + 1) * sizeof(*m));
	if (!m)
		return err_nomem;
	cpu->msrs = m;
	cpu->msrs[cpu->nmsrs++] = (struct msr_val){ index, value };
	return NULL;
}

bool target_cpu_msr(const struct cpu_state *cpu, uint32_t index, uint64_t *ret)
{
	size_t i;

	for (i = 0; i < cpu->nmsrs; i++) {
		if (cpu->msrs[i].index == index) {
			*ret = cpu->msrs[i].value;
			return true;
		}
	}
	return false;
}

/* Index of the run containing @pa, or -1. */
static long find_run(struct target *t, uint64_t pa)
{
	size_t lo = 0, hi = t->nruns;

	if (t->last_run < t->nruns) {
		const struct phys_run *r = &t->runs[t->last_run];

		if (pa >= r->start_pa && pa - r->start_pa < r->len)
			return (long)t->last_run;
	}
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct phys_run *r = &t->runs[mid];

		if (pa < r->start_pa)
			hi = mid;
		else if (pa - r->start_pa >= r->len)
			lo = mid + 1;
		else {
			t->last_run = mid;
			return (long)mid;
		}
	}
	return -1;
}

bool target_has_page(struct target *t, uint64_t pa)
{
	return find_run(t, pa & ~(PAGE_SIZE - 1)) >= 0;
}

const uint8_t *target_page_ptr(struct target *t, uint64_t pa)
{
	long i;
	const struct phys_run *r;
	uint64_t page = pa & ~(PAGE_SIZE - 1), off;

	if (t->ops->page_ptr)
		return t->ops->page_ptr(t, page);
	if (!t->mem || t->ops->read_phys)
		return NULL;
	i = find_run(t, page);
	if (i < 0)
		return NULL;
	r = &t->runs[i];
	if (r->file_off == UINT64_MAX || page - r->start_pa + PAGE_SIZE > r->len)
		return NULL;
	off = r->file_off + (page - r->start_pa);
	if (t->src.map && off + PAGE_SIZE > t->src.len)
		return NULL;
	return t->mem + off;
}

struct err *target_read_phys(struct target *t, uint64_t pa, void *buf, size_t len,
			     const char *purpose)
{
	uint8_t *out = buf;

	if (t->ops->read_phys)
		return t->ops->read_phys(t, pa, buf, len);
	while (len) {
		long i = find_run(t, pa);
		const struct phys_run *r;
		uint64_t n, off;

		if (i < 0)
			return err_fault("physical", pa, purpose, "page not in the dump");
		r = &t->runs[i];
		n = MIN((uint64_t)len, r->len - (pa - r->start_pa));
		off = r->file_off + (pa - r->start_pa);
		if (r->file_off == UINT64_MAX || !t->mem ||
		    (t->src.map && (off > t->src.len || n > t->src.len - off)))
			return err_fault("physical", pa, purpose, "page data outside the file");
		memcpy(out, t->mem + off, n);
		out += n;
		pa += n;
		len -= n;
	}
	return NULL;
}

void target_invalidate(struct target *t)
{
	t->gen++;
	if (t->ops && t->ops->invalidate)
		t->ops->invalidate(t);
}

struct err *target_reload(struct target *t)
{
	t->gen++;
	if (t->ops && t->ops->reload)
		return t->ops->reload(t);
	if (t->ops && t->ops->invalidate)
		t->ops->invalidate(t);
	return NULL;
}

uint64_t target_max_pa(const struct target *t)
{
	if (!t->nruns)
		return 0;
	return t->runs[t->nruns - 1].start_pa + t->runs[t->nruns - 1].len;
}

/* ---- in-memory target ---- */

static const struct target_ops target_mem_ops = {
	.name = "memory",
};

struct err *target_mem_create(const char *name, const uint8_t *buf, uint64_t len, bool single_run,
			      struct target **ret)
{
	struct target *t = NULL;
	struct err *err;

	err = target_create(&target_mem_ops, name, &t);
	if (err)
		return err;
	t->mem = buf;
	snprintf(t->format, sizeof(t->format), "in-memory");
	if (single_run) {
		err = target_add_run(t, 0, len, 0);
		if (err) {
			target_close(t);
			return err;
		}
	}
	*ret = t;
	return NULL;
}
