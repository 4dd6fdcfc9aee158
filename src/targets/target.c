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

/* Probe @src with every format (or only @format) and open the best match. On failure the
 * mapping is released unless @borrowed. */
static struct err *open_src(struct target_src *src, const char *name, const char *format,
			    bool borrowed, struct target **ret)
{
	const struct target_ops *best = NULL;
	struct target *t = NULL;
	struct err *err;
	int best_score = 0;
	size_t i;

	for (i = 0; i < target_table_len; i++) {
		const struct target_ops *ops = target_table[i];
		int score = 0;

		if (format && strcmp(format, ops->name) != 0)
			continue;
		if (!ops->probe)
			continue;
		err = ops->probe(src, &score);
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
		if (!borrowed)
			unmap_file(src);
		if (format)
			return err_create(ERR_FORMAT, "'%s' is not a %s dump", name, format);
		return err_create(ERR_FORMAT, "'%s': unrecognized dump format", name);
	}
	err = target_create(best, name, &t);
	if (err) {
		if (!borrowed)
			unmap_file(src);
		return err;
	}
	t->src = *src;
	t->src.path = t->path;
	t->map_borrowed = borrowed;
	t->mem = src->map;
	err = best->open(t);
	if (err) {
		target_close(t);
		return err;
	}
	if (!t->nruns) {
		err = err_create(ERR_FORMAT, "'%s': the dump contains no physical memory", name);
		target_close(t);
		return err;
	}
	*ret = t;
	return NULL;
}

struct err *target_open(const char *path, const char *format, struct target **ret)
{
	struct target_src src = { .fd = -1 };
	struct err *err;

	err = map_file(path, &src);
	if (err)
		return err;
	return open_src(&src, path, format, false, ret);
}

struct err *target_open_buffer(const char *name, const uint8_t *buf, uint64_t len,
			       const char *format, struct target **ret)
{
	struct target_src src = { .path = name, .fd = -1, .map = len ? buf : NULL, .len = len };

	return open_src(&src, name, format, true, ret);
}

void target_close(struct target *t)
{
	size_t i;

	if (!t)
		return;
	if (t->ops && t->ops->close)
		t->ops->close(t);
	if (!t->map_borrowed)
		unmap_file(&t->src);
	for (i = 0; i < t->ncpus; i++)
		free(t->cpus[i].msrs);
	free(t->cpus);
	free(t->runs);
	free(t->path);
	free(t);
}

void target_clear_runs(struct target *t)
{
	free(t->runs);
	t->runs = NULL;
	t->nruns = 0;
	t->runs_cap = 0;
	t->last_run = 0;
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
	if (t->nruns == t->runs_cap) {
		/* Geometric growth: bitmap formats add one run per stretch of present pages. */
		size_t cap = t->runs_cap ? t->runs_cap * 2 : 16;

		r = realloc(t->runs, cap * sizeof(*r));
		if (!r)
			return err_nomem;
		t->runs = r;
		t->runs_cap = cap;
	}
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

/* ---- bitmap formats ---- */

/* Bits [64w, 64w + 64) of a bitmap of @nbits bits, as a little-endian word. */
static uint64_t bm_word(const uint8_t *bm, uint64_t nbits, uint64_t w)
{
	uint64_t nbytes = (nbits + 7) / 8, start = w * 8, v;

	if (start + 8 <= nbytes) {
		v = le64(bm + start);
	} else {
		uint8_t tmp[8] = { 0 };

		memcpy(tmp, bm + start, nbytes - start);
		v = le64(tmp);
	}
	if ((w + 1) * 64 > nbits)
		v &= (1ULL << (nbits - w * 64)) - 1;
	return v;
}

/* Add PFNs [@pfn, @pfn + @count) stored from @file_off, clipped to the file. */
static struct err *add_stored(struct target *t, uint64_t pfn, uint64_t count, uint64_t file_off,
			      bool *truncated)
{
	uint64_t have;

	if (file_off != UINT64_MAX) {
		if (file_off >= t->src.len) {
			*truncated = true;
			return NULL;
		}
		have = (t->src.len - file_off) / PAGE_SIZE;
		if (have < count) {
			count = have;
			*truncated = true;
		}
	}
	return target_add_run(t, pfn << PAGE_SHIFT, count << PAGE_SHIFT, file_off);
}

static uint64_t stored_off(uint64_t file_off, uint64_t rank)
{
	return file_off == UINT64_MAX ? UINT64_MAX : file_off + rank * PAGE_SIZE;
}

struct err *target_add_bitmap_runs(struct target *t, const uint8_t *bm, uint64_t nbits,
				   uint64_t file_off, uint64_t *present_ret, bool *truncated_ret)
{
	uint64_t nwords = (nbits + 63) / 64, w, rank = 0, run_start = 0, run_len = 0;
	struct err *err;

	for (w = 0; w < nwords; w++) {
		uint64_t v = bm_word(bm, nbits, w);
		unsigned b;

		if (!v && !run_len)
			continue;
		if (v == ~0ULL && run_len) {
			run_len += 64;
			continue;
		}
		for (b = 0; b < 64; b++) {
			if ((v >> b) & 1) {
				if (!run_len)
					run_start = w * 64 + b;
				run_len++;
				continue;
			}
			if (!run_len)
				continue;
			err = add_stored(t, run_start, run_len, stored_off(file_off, rank), truncated_ret);
			if (err)
				return err;
			rank += run_len;
			run_len = 0;
			if (!(v >> b))
				break;
		}
	}
	if (run_len) {
		err = add_stored(t, run_start, run_len, stored_off(file_off, rank), truncated_ret);
		if (err)
			return err;
		rank += run_len;
	}
	*present_ret = rank;
	return NULL;
}
