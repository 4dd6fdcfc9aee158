// SPDX-License-Identifier: MIT
/*
 * PFN database scans. See memusage.h.
 */
#include "memusage.h"

#include <stdlib.h>
#include <string.h>

#include "core/as.h"
#include "core/err.h"
#include "core/progress.h"
#include "core/util.h"
#include "model/kinfo.h"
#include "model/pfn.h"

struct err *memusage_scan(const struct kernel_info *k, struct progress *prog, struct memusage *m)
{
	const uint64_t esize = k->l.pfn.size, loc_off = k->l.pfn.page_location.offset;
	const unsigned loc_shift = k->l.pfn.page_location.bit_pos;
	uint64_t total = kinfo_ram_pages(k), done = 0;
	size_t r;

	memset(m, 0, sizeof(*m));
	for (r = 0; r < k->nruns; r++) {
		uint64_t pfn = k->runs[r].base_page, end = pfn + k->runs[r].page_count;
		uint64_t cur_page_va = 1;
		const uint8_t *page = NULL;

		if (end > k->highest_pfn + 1)
			end = k->highest_pfn + 1;
		for (; pfn < end; pfn++) {
			uint64_t va = k->pfn_db + pfn * esize + loc_off;
			uint8_t b;

			if ((va & ~0xFFFULL) != cur_page_va) {
				cur_page_va = va & ~0xFFFULL;
				page = as_page_ptr(k->kas, cur_page_va);
				if (!page) {
					/* not mapped directly: read the byte (or the page is absent) */
					struct err *err = as_read_u8(k->kas, va, &b, NULL);

					if (err) {
						err_destroy(err);
						m->unreadable++;
						cur_page_va = 1;
						continue;
					}
					m->by_location[(b >> loc_shift) & 7]++;
					cur_page_va = 1;
					continue;
				}
				if (prog)
					progress_update(prog, done, total);
			}
			b = page[va & 0xFFF];
			m->by_location[(b >> loc_shift) & 7]++;
			done++;
		}
	}
	for (r = 0; r < 8; r++)
		m->total += m->by_location[r];
	return NULL;
}

/* Owner of a page-table chain: PteFrame up to the PML4 page (PteFrame == itself). Results
 * for table pages are memoized in @memo (0 = unknown, 1 = none, else EPROCESS). */
static uint64_t find_owner(const struct kernel_info *k, uint64_t pfn, uint64_t *memo_keys,
			   uint64_t *memo_vals, size_t memo_cap)
{
	uint64_t chain[6], owner = 0;
	int n = 0, i;

	while (n < 5) {
		struct mmpfn p;
		size_t slot = (size_t)(pfn * 0x9E3779B97F4A7C15ULL >> 20) % memo_cap;
		struct err *err;

		if (memo_keys[slot] == pfn + 1) {
			owner = memo_vals[slot];
			break;
		}
		err = pfn_read(k, pfn, &p);
		if (err) {
			err_destroy(err);
			break;
		}
		chain[n++] = pfn;
		if (p.pte_frame == pfn) {
			/* a PML4: u1 is its EPROCESS (B:5255) */
			owner = (p.u1 >= 0xFFFF800000000000ULL) ? p.u1 : 0;
			break;
		}
		pfn = p.pte_frame;
	}
	for (i = 0; i < n; i++) {
		size_t slot = (size_t)(chain[i] * 0x9E3779B97F4A7C15ULL >> 20) % memo_cap;

		memo_keys[slot] = chain[i] + 1;
		memo_vals[slot] = owner;
	}
	return owner;
}

static struct owner_usage *owner_slot(struct owner_usage **arr, size_t *n, size_t *cap,
				      uint64_t eprocess)
{
	size_t i;

	for (i = 0; i < *n; i++)
		if ((*arr)[i].eprocess == eprocess)
			return &(*arr)[i];
	if (*n == *cap) {
		struct owner_usage *na = realloc(*arr, (*cap ? *cap * 2 : 16) * sizeof(**arr));

		if (!na)
			return NULL;
		*arr = na;
		*cap = *cap ? *cap * 2 : 16;
	}
	memset(&(*arr)[*n], 0, sizeof(**arr));
	(*arr)[*n].eprocess = eprocess;
	return &(*arr)[(*n)++];
}

struct err *memusage_owners(const struct kernel_info *k, struct progress *prog,
			    struct owner_usage **ret, size_t *n_ret)
{
	const size_t memo_cap = 1 << 16;
	uint64_t *keys = calloc(memo_cap, sizeof(uint64_t)), *vals = calloc(memo_cap, sizeof(uint64_t));
	struct owner_usage *arr = NULL;
	size_t n = 0, cap = 0, r;
	uint64_t total = kinfo_ram_pages(k), done = 0;

	if (!keys || !vals || !owner_slot(&arr, &n, &cap, 0)) {
		free(keys);
		free(vals);
		free(arr);
		return err_nomem;
	}
	for (r = 0; r < k->nruns; r++) {
		uint64_t pfn = k->runs[r].base_page, end = pfn + k->runs[r].page_count;

		for (; pfn < end && pfn <= k->highest_pfn; pfn++) {
			struct owner_usage *u;
			uint64_t owner = 0;
			struct mmpfn p;
			struct err *err = pfn_read(k, pfn, &p);

			done++;
			if (prog && (done & 0xFFF) == 0)
				progress_update(prog, done, total);
			if (err) {
				err_destroy(err);
				continue;
			}
			/* Only pages that map something have an owner: Active, Standby, Modified,
			 * ModifiedNoWrite (the transition lists keep PteFrame). */
			if (p.location >= MM_STANDBY && p.location != MM_BAD && !p.prototype &&
			    p.pte_frame && p.pte_frame <= k->highest_pfn)
				owner = find_owner(k, p.pte_frame == pfn ? pfn : p.pte_frame, keys, vals,
						   memo_cap);
			u = owner_slot(&arr, &n, &cap, owner);
			if (!u) {
				free(keys);
				free(vals);
				free(arr);
				return err_nomem;
			}
			u->by_location[p.location & 7]++;
		}
	}
	free(keys);
	free(vals);
	*ret = arr;
	*n_ret = n;
	return NULL;
}
