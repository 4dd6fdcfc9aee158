// SPDX-License-Identifier: MIT
/*
 * Page-array target with shared pages (target_pages.h). Storage: one pointer per physical
 * page up to the highest RAM address; NULL is an all-zero page (or a page outside RAM, which
 * the runs tell apart); otherwise a reference-counted block that consecutive snapshots share
 * while its bytes stay the same.
 */
#include "target_pages.h"

#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/util.h"

struct pblk {
	uint64_t refs;
	uint8_t data[PAGE_SIZE];
};

struct pages {
	struct pblk **blk; /* npages entries */
	uint64_t npages;
	struct target_pages_stats st;
};

static const uint8_t zero_page[PAGE_SIZE];

static void pages_close(struct target *t)
{
	struct pages *p = t->priv;
	uint64_t i;

	if (!p)
		return;
	for (i = 0; i < p->npages; i++) {
		if (p->blk[i] && --p->blk[i]->refs == 0)
			free(p->blk[i]);
	}
	free(p->blk);
	free(p);
	t->priv = NULL;
}

static const uint8_t *pages_page_ptr(struct target *t, uint64_t page)
{
	struct pages *p = t->priv;
	uint64_t n = page >> PAGE_SHIFT;

	if (n >= p->npages || !target_has_page(t, page))
		return NULL;
	return p->blk[n] ? p->blk[n]->data : zero_page;
}

static struct err *pages_read(struct target *t, uint64_t pa, void *buf, size_t len)
{
	uint8_t *out = buf;

	while (len) {
		uint64_t off = pa & (PAGE_SIZE - 1), n = MIN((uint64_t)len, PAGE_SIZE - off);
		const uint8_t *pg = pages_page_ptr(t, pa - off);

		if (!pg)
			return err_fault("physical", pa, NULL, "page not in the dump");
		memcpy(out, pg + off, n);
		out += n;
		pa += n;
		len -= n;
	}
	return NULL;
}

static const struct target_ops target_pages_ops = {
	.name = "model",
	.read_phys = pages_read,
	.page_ptr = pages_page_ptr,
	.close = pages_close,
};

static struct err *copy_cpus(struct target *t, const struct cpu_state *cpus, size_t n)
{
	struct err *err;
	size_t i, j;

	if (!n)
		return NULL;
	err = target_add_cpus(t, n);
	for (i = 0; i < n && !err; i++) {
		t->cpus[i] = cpus[i];
		t->cpus[i].msrs = NULL;
		t->cpus[i].nmsrs = 0;
		for (j = 0; j < cpus[i].nmsrs && !err; j++)
			err = target_add_msr(&t->cpus[i], cpus[i].msrs[j].index, cpus[i].msrs[j].value);
	}
	return err;
}

/* Store page @n of @mem in @p, sharing @prev's block when the bytes are the same. */
static struct err *store_page(struct pages *p, struct pages *prev, uint64_t n, const uint8_t *src)
{
	struct pblk *old = prev && n < prev->npages ? prev->blk[n] : NULL;

	p->st.pages++;
	if (!memcmp(src, zero_page, PAGE_SIZE)) {
		p->st.zero++;
		return NULL;
	}
	if (old && !memcmp(old->data, src, PAGE_SIZE)) {
		old->refs++;
		p->blk[n] = old;
		p->st.shared++;
		return NULL;
	}
	p->blk[n] = malloc(sizeof(struct pblk));
	if (!p->blk[n])
		return err_nomem;
	p->blk[n]->refs = 1;
	memcpy(p->blk[n]->data, src, PAGE_SIZE);
	p->st.copied++;
	return NULL;
}

struct err *target_pages_create(const char *name, const char *format, const uint8_t *mem,
				uint64_t mem_size, const uint64_t *present, const struct phys_run *runs,
				size_t nruns, const struct cpu_state *cpus, size_t ncpus,
				struct target *prev, struct target **ret)
{
	struct pages *p, *pp = prev && prev->ops == &target_pages_ops ? prev->priv : NULL;
	struct target *t = NULL;
	struct err *err;
	size_t r;

	err = target_create(&target_pages_ops, name, &t);
	if (err)
		return err;
	snprintf(t->format, sizeof(t->format), "%s", format);
	p = calloc(1, sizeof(*p));
	if (!p) {
		target_close(t);
		return err_nomem;
	}
	t->priv = p;
	p->npages = mem_size >> PAGE_SHIFT;
	p->blk = calloc(p->npages ? p->npages : 1, sizeof(*p->blk));
	if (!p->blk)
		err = err_nomem;
	for (r = 0; r < nruns && !err; r++) {
		uint64_t a = runs[r].start_pa & ~(PAGE_SIZE - 1), end = runs[r].start_pa + runs[r].len;

		if (end > p->npages << PAGE_SHIFT || end < runs[r].start_pa) {
			err = err_create(ERR_INVALID_ARG, "RAM run at %#llx is outside the image",
					 (unsigned long long)runs[r].start_pa);
			break;
		}
		err = target_add_run(t, runs[r].start_pa, runs[r].len, UINT64_MAX);
		for (; a < end && !err; a += PAGE_SIZE) {
			uint64_t n = a >> PAGE_SHIFT;

			if (present && !(present[n / 64] >> (n % 64) & 1)) {
				p->st.pages++;
				p->st.zero++;
				continue;
			}
			err = store_page(p, pp, n, mem + a);
		}
	}
	if (!err)
		err = copy_cpus(t, cpus, ncpus);
	if (err) {
		target_close(t);
		return err;
	}
	*ret = t;
	return NULL;
}

bool target_pages_stats(const struct target *t, struct target_pages_stats *ret)
{
	if (!t || t->ops != &target_pages_ops)
		return false;
	*ret = ((const struct pages *)t->priv)->st;
	return true;
}
