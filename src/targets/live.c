// SPDX-License-Identifier: MIT
/*
 * The live target core shared by every transport: RAM layout, registers, access path, chunk
 * cache, guest state. See live.h; measured facts in live-lab.md §4.
 */
#include "live.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "core/err.h"
#include "core/util.h"
#include "targets/qemu_hmp.h"

enum {
	LIVE_DEFAULT_CHUNK = 1 << 20,	/* >= 1 MiB: 200+ MB/s against 3 MB/s at 4 KiB */
	LIVE_DEFAULT_NCHUNKS = 16,
	LIVE_MAX_BLOCKS = 64,
	LIVE_VERIFY_SAMPLES = 8,
};

/* A guest RAM block (a QEMU memory backend) and, on the fast path, its file mapped. */
struct live_block {
	char id[64];
	uint64_t size;
	bool share;
	char *mem_path;	    /* memory-backend-file only (owned) */
	const uint8_t *map; /* read-only mapping of mem_path, or NULL */
	uint64_t map_len;
};

struct live_range {
	uint64_t start_pa, len, block_off;
	size_t block;
};

struct live_chunk {
	uint8_t *data;
	uint64_t start_pa;
	size_t len;
	uint32_t gen;
	bool valid;
	uint64_t stamp; /* LRU clock */
};

struct live {
	const struct live_backend *be;
	void *ctx;
	char *subject;		/* "domain 'x'", for messages (owned) */
	struct live_opts opts;
	struct live_block *blocks;
	size_t nblocks;
	struct live_range *ranges;
	size_t nranges;
	bool shared;		/* reading from the mapped files */
	struct live_chunk *chunks;
	uint64_t clock;
	enum live_state state;
	struct err *lost;	/* set once the guest is gone; every read returns a copy */
	uint64_t peek_calls, peek_bytes;
};

static struct err *err_copy(const struct err *e)
{
	return err_create(e->code, "%s", e->message);
}

/* ---- layout: query-memdev, qom-get mem-path, info mtree -f ---- */

static void blocks_free(struct live *lv)
{
	size_t i;

	for (i = 0; i < lv->nblocks; i++) {
		if (lv->blocks[i].map)
			munmap((void *)lv->blocks[i].map, lv->blocks[i].map_len);
		free(lv->blocks[i].mem_path);
	}
	free(lv->blocks);
	lv->blocks = NULL;
	lv->nblocks = 0;
	free(lv->ranges);
	lv->ranges = NULL;
	lv->nranges = 0;
	lv->shared = false;
}

/* Run a QMP command and return its "return" member (new reference in *ret). */
static struct err *qmp_return(struct live *lv, const char *cmd, json_t **ret)
{
	_cleanup_free_ char *reply = NULL;
	json_error_t jerr;
	json_t *j, *r, *e;
	struct err *err;

	err = lv->be->qmp(lv->ctx, cmd, &reply);
	if (err)
		return err;
	j = json_loads(reply, 0, &jerr);
	if (!j)
		return err_create(ERR_FORMAT, "%s: unparsable monitor reply to %s", lv->subject, cmd);
	e = json_object_get(j, "error");
	if (e) {
		const char *desc = json_string_value(json_object_get(e, "desc"));

		err = err_create(ERR_UNSUPPORTED, "%s: monitor command %s failed: %s", lv->subject,
				 cmd, desc ? desc : "unknown error");
		json_decref(j);
		return err;
	}
	r = json_object_get(j, "return");
	if (!r) {
		json_decref(j);
		return err_create(ERR_FORMAT, "%s: monitor reply to %s has no result", lv->subject,
				  cmd);
	}
	*ret = json_incref(r);
	json_decref(j);
	return NULL;
}

/* The memory-backend-file path of memdev @id, or NULL if it has none (RAM backend). */
static char *memdev_path(struct live *lv, const char *id)
{
	_cleanup_free_ char *cmd = NULL;
	struct err *err;
	json_t *r = NULL;
	char *path = NULL;

	if (asprintf(&cmd,
		     "{\"execute\":\"qom-get\",\"arguments\":{\"path\":\"/objects/%s\","
		     "\"property\":\"mem-path\"}}",
		     id) < 0)
		return NULL;
	err = qmp_return(lv, cmd, &r);
	if (err) {
		err_destroy(err); /* no such property: a RAM (not file) backend */
		return NULL;
	}
	if (json_is_string(r) && json_string_value(r)[0])
		path = strdup(json_string_value(r));
	json_decref(r);
	return path;
}

static struct err *load_memdevs(struct live *lv)
{
	json_t *list = NULL, *m;
	struct err *err;
	size_t i;

	err = qmp_return(lv, "{\"execute\":\"query-memdev\"}", &list);
	if (err)
		return err;
	if (!json_is_array(list) || json_array_size(list) > LIVE_MAX_BLOCKS) {
		json_decref(list);
		return err_create(ERR_FORMAT, "%s: unexpected query-memdev reply", lv->subject);
	}
	lv->blocks = calloc(json_array_size(list) + 1, sizeof(*lv->blocks));
	if (!lv->blocks) {
		json_decref(list);
		return err_nomem;
	}
	json_array_foreach(list, i, m) {
		struct live_block *b = &lv->blocks[lv->nblocks];
		const char *id = json_string_value(json_object_get(m, "id"));

		if (!id || strlen(id) >= sizeof(b->id) || strpbrk(id, "\"\\/"))
			continue; /* anonymous backends cannot back machine RAM by name */
		snprintf(b->id, sizeof(b->id), "%s", id);
		b->size = (uint64_t)json_integer_value(json_object_get(m, "size"));
		b->share = json_is_true(json_object_get(m, "share"));
		b->mem_path = memdev_path(lv, id);
		lv->nblocks++;
	}
	json_decref(list);
	if (!lv->nblocks) {
		/* Machines without memdevs: QEMU names the RAM block "pc.ram" (hw/i386). */
		snprintf(lv->blocks[0].id, sizeof(lv->blocks[0].id), "pc.ram");
		lv->nblocks = 1;
	}
	return NULL;
}

static size_t block_index(const struct live *lv, const char *id)
{
	size_t i;

	for (i = 0; i < lv->nblocks; i++)
		if (!strcmp(lv->blocks[i].id, id))
			break;
	return i;
}

/* Merge the mtree ranges of one block that are contiguous in address and offset. */
static struct err *set_ranges(struct live *lv, struct target *t, const struct qemu_ram_range *rs,
			      size_t n)
{
	size_t i;
	struct err *err;

	lv->ranges = calloc(n ? n : 1, sizeof(*lv->ranges));
	if (!lv->ranges)
		return err_nomem;
	for (i = 0; i < n; i++) {
		size_t b = block_index(lv, rs[i].block);
		struct live_range *last = lv->nranges ? &lv->ranges[lv->nranges - 1] : NULL;

		if (b >= lv->nblocks)
			continue;
		if (lv->blocks[b].size && (rs[i].block_off > lv->blocks[b].size ||
					   rs[i].len > lv->blocks[b].size - rs[i].block_off))
			return err_create(ERR_FORMAT, "%s: RAM range %#" PRIx64 " lies outside block '%s'",
					  lv->subject, rs[i].start_pa, rs[i].block);
		if (last && last->block == b && last->start_pa + last->len == rs[i].start_pa &&
		    last->block_off + last->len == rs[i].block_off) {
			last->len += rs[i].len;
			continue;
		}
		lv->ranges[lv->nranges++] =
			(struct live_range){ rs[i].start_pa, rs[i].len, rs[i].block_off, b };
	}
	target_clear_runs(t);
	for (i = 0; i < lv->nranges; i++) {
		err = target_add_run(t, lv->ranges[i].start_pa, lv->ranges[i].len, UINT64_MAX);
		if (err)
			return err;
	}
	if (!lv->nranges)
		return err_create(ERR_FORMAT, "%s: the memory map shows no guest RAM", lv->subject);
	return NULL;
}

static struct err *load_layout(struct live *lv, struct target *t)
{
	_cleanup_free_ char *text = NULL;
	_cleanup_free_ const char **ids = NULL;
	struct qemu_ram_range *rs = NULL;
	size_t n = 0, i;
	struct err *err;

	blocks_free(lv);
	err = load_memdevs(lv);
	if (err)
		return err;
	ids = calloc(lv->nblocks, sizeof(*ids));
	if (!ids)
		return err_nomem;
	for (i = 0; i < lv->nblocks; i++)
		ids[i] = lv->blocks[i].id;
	err = lv->be->hmp(lv->ctx, "info mtree -f", &text);
	if (err)
		return err;
	err = qemu_hmp_parse_mtree(text, ids, lv->nblocks, &rs, &n);
	if (err)
		return err_prefix(err, "%s", lv->subject);
	err = set_ranges(lv, t, rs, n);
	free(rs);
	return err;
}

/* ---- registers ---- */

static void cpus_clear(struct target *t)
{
	qemu_hmp_free_cpus(t->cpus, t->ncpus);
	t->cpus = NULL;
	t->ncpus = 0;
}

static struct err *load_registers(struct live *lv, struct target *t)
{
	_cleanup_free_ char *text = NULL;
	struct cpu_state *cpus = NULL;
	size_t n = 0;
	struct err *err;

	err = lv->be->hmp(lv->ctx, "info registers -a", &text);
	if (err)
		return err;
	err = qemu_hmp_parse_registers(text, &cpus, &n);
	if (err)
		return err_prefix(err, "%s", lv->subject);
	cpus_clear(t);
	t->cpus = cpus;
	t->ncpus = n;
	return NULL;
}

/* ---- access path ---- */

static void describe_peek(struct live *lv, struct target *t, const char *why_not_shared)
{
	size_t c = lv->opts.chunk_len;

	snprintf(t->access, sizeof(t->access), "%s memory peek, %zu %s chunks%s%s", lv->be->name,
		 c >= (1u << 20) ? c >> 20 : c >> 10, c >= (1u << 20) ? "MiB" : "KiB",
		 why_not_shared ? "; shared memory not used: " : "",
		 why_not_shared ? why_not_shared : "");
}

static bool block_is_used(const struct live *lv, size_t b)
{
	size_t r;

	for (r = 0; r < lv->nranges; r++)
		if (lv->ranges[r].block == b)
			return true;
	return false;
}

/*
 * Map the file of every block that backs guest RAM, read-only. Return: NULL, or why the fast
 * path cannot be used.
 */
static struct err *map_blocks(struct live *lv)
{
	size_t i;

	if (lv->be->is_local && !lv->be->is_local(lv->ctx))
		return err_create(ERR_UNSUPPORTED, "the guest runs on another host");
	for (i = 0; i < lv->nblocks; i++) {
		struct live_block *b = &lv->blocks[i];
		struct stat st;
		void *m;
		int fd;

		if (!block_is_used(lv, i))
			continue; /* a memdev that is not in the memory map (hotplug, NVDIMM...) */
		if (!b->mem_path || !b->share)
			return err_create(ERR_UNSUPPORTED,
					  "RAM block '%s' is not a shared memory-backend-file", b->id);
		fd = open(b->mem_path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return err_os(errno, "cannot open '%s'", b->mem_path);
		if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || (uint64_t)st.st_size < b->size ||
		    !b->size) {
			close(fd);
			return err_create(ERR_UNSUPPORTED, "'%s' is not a %" PRIu64 "-byte file",
					  b->mem_path, b->size);
		}
		/* PROT_READ only: the guest's memory is never written through this mapping. */
		m = mmap(NULL, b->size, PROT_READ, MAP_SHARED, fd, 0);
		close(fd);
		if (m == MAP_FAILED)
			return err_os(errno, "cannot map '%s'", b->mem_path);
		b->map = m;
		b->map_len = b->size;
	}
	return NULL;
}

static struct err *peek_raw(struct live *lv, uint64_t pa, void *buf, size_t len);

/*
 * The mapped files must hold the guest's memory: compare sampled pages with the transport's
 * own reads. A running guest may change a page between the two reads, so one identical
 * non-zero page is proof enough; a file that matches nowhere is not the guest's RAM.
 */
static struct err *verify_blocks(struct live *lv)
{
	uint64_t total = 0, step, pos;
	unsigned i, same_nonzero = 0, zero_both = 0, tried = 0;
	uint8_t a[4096], b[4096];
	struct err *err;
	size_t r;

	for (r = 0; r < lv->nranges; r++)
		total += lv->ranges[r].len;
	step = total / LIVE_VERIFY_SAMPLES;
	for (i = 0, pos = 0; i < LIVE_VERIFY_SAMPLES; i++, pos += step) {
		uint64_t p = pos & ~(PAGE_SIZE - 1), acc = 0;
		const struct live_range *rg = NULL;
		static const uint8_t zero[4096];

		for (r = 0; r < lv->nranges; r++) {
			if (p < acc + lv->ranges[r].len) {
				rg = &lv->ranges[r];
				break;
			}
			acc += lv->ranges[r].len;
		}
		if (!rg || p - acc + sizeof(a) > rg->len)
			continue;
		err = peek_raw(lv, rg->start_pa + (p - acc), a, sizeof(a));
		if (err)
			return err;
		memcpy(b, lv->blocks[rg->block].map + rg->block_off + (p - acc), sizeof(b));
		tried++;
		if (!memcmp(a, b, sizeof(a))) {
			if (memcmp(a, zero, sizeof(a)))
				same_nonzero++;
			else
				zero_both++;
		}
	}
	if (same_nonzero || (tried && zero_both == tried))
		return NULL;
	return err_create(ERR_UNSUPPORTED, "the memory file's content differs from the guest's");
}

static void unmap_blocks(struct live *lv)
{
	size_t i;

	for (i = 0; i < lv->nblocks; i++) {
		if (lv->blocks[i].map)
			munmap((void *)lv->blocks[i].map, lv->blocks[i].map_len);
		lv->blocks[i].map = NULL;
	}
	lv->shared = false;
}

static struct err *choose_access(struct live *lv, struct target *t)
{
	struct err *why = NULL;

	if (lv->opts.access != LIVE_ACCESS_PEEK) {
		why = map_blocks(lv);
		if (!why)
			why = verify_blocks(lv);
		if (!why) {
			lv->shared = true;
			snprintf(t->access, sizeof(t->access), "shared memory file %s (mmap, read-only)",
				 lv->blocks[lv->ranges[0].block].mem_path);
			return NULL;
		}
		unmap_blocks(lv);
		if (lv->opts.access == LIVE_ACCESS_SHARED) {
			struct err *e = err_create(ERR_UNSUPPORTED,
						   "%s: cannot read guest RAM from a shared file: %s",
						   lv->subject, why->message);

			err_destroy(why);
			return e;
		}
	}
	describe_peek(lv, t, why ? why->message : NULL);
	err_destroy(why);
	return NULL;
}

/* ---- state ---- */

static const char *state_name(enum live_state s)
{
	return s == LIVE_RUNNING ? "running" : s == LIVE_PAUSED ? "paused" : "shut off";
}

/* Query the state; on LIVE_OFF remember why every later read fails. */
static struct err *check_state(struct live *lv, struct target *t, bool notify)
{
	enum live_state s = LIVE_OFF;
	const char *why = NULL;
	struct err *err;

	err = lv->be->state(lv->ctx, &s, &why);
	if (err) {
		/* The transport itself is gone (connection closed): the guest is lost too. The
		 * subject comes last: !pte shows what follows the message's last colon. */
		lv->lost = err_create(ERR_NOT_FOUND,
				      "the live target is gone (%s): %s is no longer reachable "
				      "(.reload re-attaches)",
				      err->message, lv->subject);
		err_destroy(err);
		s = LIVE_OFF;
		why = "unreachable";
	} else if (s == LIVE_OFF) {
		lv->lost = err_create(ERR_NOT_FOUND,
				      "the live target is gone: %s is %s (.reload re-attaches)",
				      lv->subject, why ? why : "shut off");
	}
	if (notify && s != lv->state) {
		snprintf(t->notice, sizeof(t->notice), "%s is now %s%s", lv->subject,
			 why ? why : state_name(s),
			 s == LIVE_PAUSED ? ": reading its memory as of the pause" : "");
	}
	lv->state = s;
	snprintf(t->state, sizeof(t->state), "%s", why ? why : state_name(s));
	if (lv->lost)
		return err_copy(lv->lost);
	return NULL;
}

/* ---- reads ---- */

static struct err *peek_raw(struct live *lv, uint64_t pa, void *buf, size_t len)
{
	uint8_t *out = buf;

	while (len) {
		size_t n = MIN(len, lv->be->max_peek);
		struct err *err = lv->be->peek(lv->ctx, pa, out, n);

		if (err)
			return err;
		lv->peek_calls++;
		lv->peek_bytes += n;
		out += n;
		pa += n;
		len -= n;
	}
	return NULL;
}

static const struct live_range *find_range(const struct live *lv, uint64_t pa)
{
	size_t lo = 0, hi = lv->nranges;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct live_range *r = &lv->ranges[mid];

		if (pa < r->start_pa)
			hi = mid;
		else if (pa - r->start_pa >= r->len)
			lo = mid + 1;
		else
			return r;
	}
	return NULL;
}

/* The cached chunk holding @pa (in range @r), reading it if needed. */
static struct err *get_chunk(struct live *lv, struct target *t, const struct live_range *r,
			     uint64_t pa, struct live_chunk **ret)
{
	uint64_t base = pa & ~((uint64_t)lv->opts.chunk_len - 1);
	uint64_t start = MAX(base, r->start_pa);
	uint64_t end = MIN(base + lv->opts.chunk_len, r->start_pa + r->len);
	struct live_chunk *c, *victim = NULL;
	bool victim_fresh = false;
	unsigned i;
	struct err *err;

	/* A hit, else the first stale chunk, else the least recently used one. */
	for (i = 0; i < lv->opts.nchunks; i++) {
		bool fresh;

		c = &lv->chunks[i];
		fresh = c->valid && c->gen == t->gen;
		if (fresh && c->start_pa == start) {
			c->stamp = ++lv->clock;
			*ret = c;
			return NULL;
		}
		if (!fresh && (!victim || victim_fresh)) {
			victim = c;
			victim_fresh = false;
		} else if (fresh && (!victim || (victim_fresh && c->stamp < victim->stamp))) {
			victim = c;
			victim_fresh = true;
		}
	}
	victim->valid = false;
	err = peek_raw(lv, start, victim->data, (size_t)(end - start));
	if (err)
		return err;
	victim->start_pa = start;
	victim->len = (size_t)(end - start);
	victim->gen = t->gen;
	victim->valid = true;
	victim->stamp = ++lv->clock;
	*ret = victim;
	return NULL;
}

struct err *live_read_phys(struct target *t, uint64_t pa, void *buf, size_t len)
{
	struct live *lv = t->priv;
	uint8_t *out = buf;
	struct err *err;

	if (lv->lost)
		return err_copy(lv->lost);
	while (len) {
		const struct live_range *r = find_range(lv, pa);
		size_t n;

		if (!r)
			return err_fault("physical", pa, NULL, "not in the guest's RAM");
		n = (size_t)MIN((uint64_t)len, r->start_pa + r->len - pa);
		if (lv->shared) {
			memcpy(out, lv->blocks[r->block].map + r->block_off + (pa - r->start_pa), n);
		} else {
			struct live_chunk *c;

			err = get_chunk(lv, t, r, pa, &c);
			if (err) {
				/* Did the guest go away under us? Say so rather than "peek failed". */
				struct err *st = check_state(lv, t, true);

				if (st) {
					err_destroy(err);
					return st;
				}
				return err;
			}
			n = (size_t)MIN((uint64_t)n, c->start_pa + c->len - pa);
			memcpy(out, c->data + (pa - c->start_pa), n);
		}
		out += n;
		pa += n;
		len -= n;
	}
	return NULL;
}

const uint8_t *live_page_ptr(struct target *t, uint64_t page)
{
	struct live *lv = t->priv;
	const struct live_range *r;

	/* only the shared file is memory we can point into; peeks go through the cache */
	if (!lv->shared || lv->lost)
		return NULL;
	r = find_range(lv, page);
	if (!r || page + PAGE_SIZE > r->start_pa + r->len)
		return NULL;
	return lv->blocks[r->block].map + r->block_off + (page - r->start_pa);
}

void live_invalidate(struct target *t)
{
	struct live *lv = t->priv;
	struct err *err;

	/* t->gen was bumped by target_invalidate(): every cached chunk is stale now. */
	if (lv->lost)
		return;
	err = check_state(lv, t, true);
	if (err) {
		err_destroy(err);
		cpus_clear(t);
		return;
	}
	err = load_registers(lv, t);
	if (err) {
		snprintf(t->notice, sizeof(t->notice), "cannot refresh registers: %s",
			 err->message);
		err_destroy(err);
		cpus_clear(t);
	}
}

static struct err *attach(struct live *lv, struct target *t)
{
	struct err *err;

	err = check_state(lv, t, false);
	if (err)
		return err;
	err = load_layout(lv, t);
	if (!err)
		err = load_registers(lv, t);
	if (!err)
		err = choose_access(lv, t);
	return err;
}

struct err *live_reload(struct target *t)
{
	struct live *lv = t->priv;
	struct err *err;

	err_destroy(lv->lost);
	lv->lost = NULL;
	t->notice[0] = '\0';
	if (lv->be->reattach) {
		err = lv->be->reattach(lv->ctx);
		if (err) {
			lv->lost = err_copy(err);
			snprintf(t->state, sizeof(t->state), "unreachable");
			cpus_clear(t);
			return err;
		}
	}
	err = attach(lv, t);
	if (err) {
		if (!lv->lost)
			lv->lost = err_copy(err);
		cpus_clear(t);
	}
	return err;
}

void live_close(struct target *t)
{
	struct live *lv = t->priv;
	unsigned i;

	if (!lv)
		return;
	blocks_free(lv);
	if (lv->chunks)
		for (i = 0; i < lv->opts.nchunks; i++)
			free(lv->chunks[i].data);
	free(lv->chunks);
	err_destroy(lv->lost);
	if (lv->be && lv->be->close)
		lv->be->close(lv->ctx);
	free(lv->subject);
	free(lv);
	t->priv = NULL;
}

static struct err *alloc_chunks(struct live *lv)
{
	size_t c = lv->opts.chunk_len ? lv->opts.chunk_len : LIVE_DEFAULT_CHUNK;
	unsigned i;

	if (c > lv->be->max_peek)
		c = lv->be->max_peek;
	if (c < PAGE_SIZE || (c & (c - 1)))
		return err_create(ERR_INVALID_ARG, "peek chunk size %zu is not a power of two >= 4 KiB",
				  c);
	lv->opts.chunk_len = c;
	if (!lv->opts.nchunks)
		lv->opts.nchunks = LIVE_DEFAULT_NCHUNKS;
	lv->chunks = calloc(lv->opts.nchunks, sizeof(*lv->chunks));
	if (!lv->chunks)
		return err_nomem;
	for (i = 0; i < lv->opts.nchunks; i++)
		if (!(lv->chunks[i].data = malloc(c)))
			return err_nomem;
	return NULL;
}

struct err *live_target_create(const struct target_ops *ops, const struct live_backend *be,
			       void *ctx, const char *name, const char *subject,
			       const struct live_opts *opts, struct target **ret)
{
	struct target *t = NULL;
	struct live *lv;
	struct err *err;

	lv = calloc(1, sizeof(*lv));
	if (!lv) {
		be->close(ctx);
		return err_nomem;
	}
	lv->be = be;
	lv->ctx = ctx;
	lv->opts = *opts;
	lv->state = LIVE_RUNNING;
	lv->subject = strdup(subject);
	err = target_create(ops, name, &t);
	if (err) {
		be->close(ctx);
		free(lv->subject);
		free(lv);
		return err;
	}
	t->priv = lv;
	t->live = true;
	if (!lv->subject)
		err = err_nomem;
	if (!err)
		err = alloc_chunks(lv);
	if (!err)
		err = attach(lv, t);
	if (err) {
		target_close(t);
		return err;
	}
	if (lv->state == LIVE_PAUSED)
		snprintf(t->notice, sizeof(t->notice), "%s is %s: reading its memory as of the pause",
			 lv->subject, t->state);
	*ret = t;
	return NULL;
}

void live_peek_stats(const struct target *t, uint64_t *calls_ret, uint64_t *bytes_ret)
{
	const struct live *lv = t->priv;

	*calls_ret = lv->peek_calls;
	*bytes_ret = lv->peek_bytes;
}

bool live_access_parse(const char *s, enum live_access *ret)
{
	if (!strcmp(s, "auto"))
		*ret = LIVE_ACCESS_AUTO;
	else if (!strcmp(s, "peek"))
		*ret = LIVE_ACCESS_PEEK;
	else if (!strcmp(s, "shared"))
		*ret = LIVE_ACCESS_SHARED;
	else
		return false;
	return true;
}
