// SPDX-License-Identifier: MIT
/*
 * _MMPFN decoding and list walks. See pfn.h.
 */
#include "pfn.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/as.h"
#include "core/err.h"
#include "core/util.h"
#include "model/kinfo.h"
#include "model/layout.h"

void pfn_decode(const struct pfn_layout *l, const uint8_t *raw, size_t len, uint64_t pfn,
		uint64_t address, struct mmpfn *p)
{
	memset(p, 0, sizeof(*p));
	p->pfn = pfn;
	p->address = address;
	p->u1 = field_read(&l->flink, raw, len);
	p->u2 = field_read(&l->blink, raw, len);
	p->pte_address = field_read(&l->pte_address, raw, len);
	p->original_pte = field_read(&l->original_pte, raw, len);
	p->pte_frame = field_read(&l->pte_frame, raw, len);
	p->reference_count = (unsigned)field_read(&l->reference_count, raw, len);
	p->used_entry_count = (unsigned)field_read(&l->used_pte_entries, raw, len);
	p->va_type = (unsigned)field_read(&l->va_type, raw, len);
	p->location = (unsigned)field_read(&l->page_location, raw, len);
	p->write_in_progress = field_read(&l->write_in_progress, raw, len);
	p->modified = field_read(&l->modified, raw, len);
	p->read_in_progress = field_read(&l->read_in_progress, raw, len);
	p->cache_attribute = (unsigned)field_read(&l->cache_attribute, raw, len);
	p->priority = (unsigned)field_read(&l->priority, raw, len);
	p->rom = field_read(&l->rom, raw, len);
	p->in_page_error = field_read(&l->in_page_error, raw, len);
	p->kernel_stack = field_read(&l->kernel_stack, raw, len);
	p->removal_requested = field_read(&l->removal_requested, raw, len);
	p->parity_error = field_read(&l->parity_error, raw, len);
	p->prototype = field_read(&l->prototype_pte, raw, len);
	p->page_color = (unsigned)field_read(&l->page_color, raw, len);
	p->image_verified = field_read(&l->pfn_image_verified, raw, len);
	p->awe = field_read(&l->awe_allocation, raw, len);
}

uint64_t pfn_address(const struct kernel_info *k, uint64_t pfn)
{
	return k->pfn_db + pfn * k->l.pfn.size;
}

struct err *pfn_read(const struct kernel_info *k, uint64_t pfn, struct mmpfn *ret)
{
	uint8_t raw[64];
	uint64_t size = MIN(k->l.pfn.size, sizeof(raw));
	struct err *err;

	if (pfn > k->highest_pfn)
		return err_create(ERR_INVALID_ARG,
				  "PFN %#llx is beyond the PFN database (highest page %#llx)",
				  (unsigned long long)pfn, (unsigned long long)k->highest_pfn);
	err = as_read(k->kas, pfn_address(k, pfn), raw, size, "_MMPFN entry");
	if (err)
		return err;
	pfn_decode(&k->l.pfn, raw, size, pfn, pfn_address(k, pfn), ret);
	return NULL;
}

bool pfn_is_linked(const struct mmpfn *p)
{
	return p->location <= MM_BAD && p->reference_count == 0;
}

const char *pfn_state_name(unsigned location)
{
	static const char *const names[8] = { "Zeroed", "Free", "Standby", "Modified",
					      "ModifiedNoWrite", "Bad", "Active", "Transition" };

	return names[location & 7];
}

const char *pfn_state_label(unsigned location)
{
	static const char *const labels[8] = { "Zeroed", "Free", "Standby", "Modified",
					       "ModNoWrt", "Bad", "Active", "Trans" };

	return labels[location & 7];
}

const char *pfn_cache_name(unsigned cache_attribute)
{
	/* u3.e1.CacheAttribute 00 NonCached, 01 Cached, 10 WriteComb (B:16851-16856) */
	switch (cache_attribute & 3) {
	case 0:
		return "NonCached";
	case 1:
		return "Cached";
	case 2:
		return "WriteComb";
	}
	return "HardwareCoherentCached";
}

unsigned pfn_flag_names(const struct mmpfn *p, const char *names[8])
{
	unsigned n = 0;

	if (p->write_in_progress)
		names[n++] = "WriteInProgress";
	if (p->modified)
		names[n++] = "Modified";
	if (p->read_in_progress)
		names[n++] = "ReadInProgress";
	if (p->in_page_error)
		names[n++] = "InPageError";
	if (p->removal_requested)
		names[n++] = "RemovalRequested";
	if (p->parity_error)
		names[n++] = "ParityError";
	if (p->prototype)
		names[n++] = "Shared";
	return n;
}

void pfn_flag_letters(const struct mmpfn *p, char buf[12])
{
	char *s = buf;

	/* Letter order of Appendix A (B:16873-16885): W M R E Y X P. */
	if (p->write_in_progress)
		*s++ = 'W';
	if (p->modified)
		*s++ = 'M';
	if (p->read_in_progress)
		*s++ = 'R';
	if (p->in_page_error)
		*s++ = 'E';
	if (p->removal_requested)
		*s++ = 'Y';
	if (p->parity_error)
		*s++ = 'X';
	if (p->prototype)
		*s++ = 'P';
	*s = '\0';
}

struct err *pfnlist_walk(const struct kernel_info *k, uint64_t head_va, int expect_location,
			 pfnlist_fn fn, void *arg, struct pfnlist_result *res)
{
	const struct pfnlist_layout *ll = &k->l.pfnlist;
	uint8_t head[0x40];
	uint64_t *seen = NULL, cur, prev = PFN_LIST_END, index = 0;
	struct err *err;

	memset(res, 0, sizeof(*res));
	if (ll->size > sizeof(head))
		return err_create(ERR_LAYOUT, "_MMPFNLIST larger than expected");
	err = as_read(k->kas, head_va, head, ll->size, "_MMPFNLIST");
	if (err)
		return err;
	res->total = field_read(&ll->total, head, ll->size);
	res->flink = field_read(&ll->flink, head, ll->size);
	res->blink = field_read(&ll->blink, head, ll->size);
	seen = calloc(k->highest_pfn / 64 + 1, sizeof(*seen));
	if (!seen)
		return err_nomem;
	for (cur = res->flink; cur != PFN_LIST_END; index++) {
		struct mmpfn p;

		if (cur > k->highest_pfn) {
			res->broken = true;
			res->at_pfn = prev;
			snprintf(res->why, sizeof(res->why),
				 "link to PFN %#llx points outside the PFN database (highest %#llx)",
				 (unsigned long long)cur, (unsigned long long)k->highest_pfn);
			break;
		}
		if ((seen[cur / 64] >> (cur % 64)) & 1) {
			res->broken = true;
			res->at_pfn = prev;
			snprintf(res->why, sizeof(res->why), "the chain loops back to PFN %#llx",
				 (unsigned long long)cur);
			break;
		}
		seen[cur / 64] |= 1ULL << (cur % 64);
		err = pfn_read(k, cur, &p);
		if (err) {
			res->broken = true;
			res->at_pfn = cur;
			snprintf(res->why, sizeof(res->why), "%s", err->message);
			err_destroy(err);
			break;
		}
		if (p.u2 != prev) {
			res->broken = true;
			res->at_pfn = cur;
			snprintf(res->why, sizeof(res->why),
				 "PFN %#llx has blink %#llx, expected %#llx", (unsigned long long)cur,
				 (unsigned long long)p.u2, (unsigned long long)prev);
			/* report the page anyway: its membership is what the user asked for */
		}
		if (expect_location >= 0 && p.location != (unsigned)expect_location && !res->broken) {
			res->broken = true;
			res->at_pfn = cur;
			snprintf(res->why, sizeof(res->why), "PFN %#llx on this list is %s",
				 (unsigned long long)cur, pfn_state_name(p.location));
		}
		res->walked++;
		if (fn) {
			err = fn(arg, &p, index);
			if (err) {
				free(seen);
				return err == err_stop ? NULL : err;
			}
		}
		if (res->broken)
			break;
		prev = cur;
		cur = p.u1;
	}
	if (!res->broken && res->walked && res->blink != prev) {
		res->broken = true;
		res->at_pfn = prev;
		snprintf(res->why, sizeof(res->why), "the head's blink %#llx is not the last page %#llx",
			 (unsigned long long)res->blink, (unsigned long long)prev);
	}
	if (!res->broken && res->walked != res->total) {
		res->broken = true;
		res->at_pfn = prev;
		snprintf(res->why, sizeof(res->why), "the head says %llu pages, the chain has %llu",
			 (unsigned long long)res->total, (unsigned long long)res->walked);
	}
	free(seen);
	return NULL;
}

struct err *pfn_owner(const struct kernel_info *k, const struct mmpfn *p, uint64_t *eprocess_ret)
{
	struct mmpfn cur = *p;
	int steps;

	*eprocess_ret = 0;
	if (p->prototype)
		return NULL; /* a section page: its PteFrame is the prototype PTE's page */
	for (steps = 0; steps < 5; steps++) {
		struct err *err;

		if (cur.pte_frame == cur.pfn) {
			if (cur.u1 >= 0xFFFF800000000000ULL && cur.location == MM_ACTIVE)
				*eprocess_ret = cur.u1;
			return NULL;
		}
		if (!cur.pte_frame || cur.pte_frame > k->highest_pfn)
			return NULL;
		err = pfn_read(k, cur.pte_frame, &cur);
		if (err)
			return err;
	}
	return NULL;
}
