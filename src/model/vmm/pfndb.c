// SPDX-License-Identifier: MIT
/*
 * PFN database records, _MMPFN rendering and PFN-linked lists. See pfndb.h.
 */
#include "pfndb.h"

#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/util.h"
#include "model/vmm/pt.h"
#include "model/vmm/vstate.h"

static const char *const state_names[8] = {
	"Zeroed", "Free", "Standby", "Modified", "ModifiedNoWrite", "Bad", "Active", "Transition",
};

const char *vmm_pfn_state_name(unsigned loc)
{
	return state_names[loc & 7];
}

unsigned page_color(const struct vmm *v, uint64_t pfn)
{
	return (unsigned)(pfn & v->color_mask);
}

uint64_t page_va(const struct vmm *v, uint64_t pfn)
{
	uint64_t a = v->pfn[pfn].pte_va & ~7ULL;

	if (!a || !selfmap_in_region(&v->sm, a))
		return 0;
	return selfmap_va_from_pte(&v->sm, a);
}

/* Render one _MMPFN into @b (0x30 bytes) from the C record (structures.md §3). */
static void pfn_render(const struct vmm *v, const struct vpfn *p, uint8_t *b)
{
	const struct pfn_layout *L = &v->l.pfn;
	size_t n = L->size;

	memset(b, 0, n);
	field_write(&L->flink, b, n, p->u1);
	field_write(&L->blink, b, n, p->u2);
	field_write(&L->pte_address, b, n, p->pte_va);
	field_write(&L->reference_count, b, n, p->ref);
	field_write(&L->page_location, b, n, p->loc);
	field_write(&L->write_in_progress, b, n, p->wip);
	field_write(&L->modified, b, n, p->mod);
	field_write(&L->read_in_progress, b, n, p->rip);
	field_write(&L->cache_attribute, b, n, p->ca);
	field_write(&L->priority, b, n, p->prio);
	field_write(&L->used_pte_entries, b, n, p->used);
	field_write(&L->original_pte, b, n, p->orig_pte);
	field_write(&L->pte_frame, b, n, p->pte_frame);
	field_write(&L->prototype_pte, b, n, p->proto);
	/* u4.PageColor stays 0: it is 0 in every dump the book shows (B:8634). */
}

void pfn_sync(struct vmm *v, uint64_t pfn)
{
	uint8_t b[0x30];
	uint64_t off = pfn * v->l.pfn.size, page = off >> 12, in = off & 0xFFF;
	size_t first = (size_t)MIN(sizeof(b), 0x1000 - in);
	struct err *err;

	BUG_ON(pfn > v->highest_pfn);
	pfn_render(v, &v->pfn[pfn], b);
	err = physmem_write(&v->pm, v->pfndb_page_pa[page] + in, b, first);
	if (!err && first < sizeof(b))
		err = physmem_write(&v->pm, v->pfndb_page_pa[page + 1], b + first, sizeof(b) - first);
	BUG_ON(err != NULL);
}

void pfndb_render_all(struct vmm *v)
{
	uint64_t pfn;

	for (pfn = 0; pfn <= v->highest_pfn; pfn++) {
		const struct vpfn *p = &v->pfn[pfn];

		/* Holes (PFN 0, the legacy range) keep all-zero entries (B:14502). */
		if (!p->loc && !p->u1 && !p->u2 && !p->ca && !p->use)
			continue;
		pfn_sync(v, pfn);
	}
}

struct vlist *list_of(struct vmm *v, uint64_t pfn)
{
	const struct vpfn *p = &v->pfn[pfn];

	switch (p->loc) {
	case LOC_ZEROED:
		return &v->zeroed[page_color(v, pfn)];
	case LOC_FREE:
		return &v->free[page_color(v, pfn)];
	case LOC_STANDBY:
		return &v->standby[p->prio];
	case LOC_MODIFIED:
		/* Pages that mapped user VAs go on MmModifiedProcessListByColor, the others
		 * (system VAs, hyperspace, paging structures) on MmModifiedPageListByColor
		 * (observed, B:4941-4960, transitions.md L12). */
		return va_is_user(page_va(v, pfn)) ? &v->mod_user : &v->mod_system;
	case LOC_MODNOWRITE:
		return &v->mod_nowrite;
	case LOC_BAD:
		return &v->bad;
	default:
		return NULL;
	}
}

void list_total_add(struct vmm *v, unsigned loc, int delta)
{
	switch (loc) {
	case LOC_ZEROED:
		v->zeroed_total += (uint64_t)(int64_t)delta;
		v->c.available += (uint64_t)(int64_t)delta;
		break;
	case LOC_FREE:
		v->free_total += (uint64_t)(int64_t)delta;
		v->c.available += (uint64_t)(int64_t)delta;
		break;
	case LOC_STANDBY:
		v->standby_total += (uint64_t)(int64_t)delta;
		v->c.available += (uint64_t)(int64_t)delta;
		break;
	case LOC_MODIFIED:
		v->modified_total += (uint64_t)(int64_t)delta;
		break;
	case LOC_BAD:
		v->c.bad_pages += (uint64_t)(int64_t)delta;
		break;
	default:
		break;
	}
}

void list_head_sync(struct vmm *v, const struct vlist *l)
{
	const struct pfnlist_layout *L = &v->l.pfnlist;
	uint8_t b[0x28];
	struct err *err;

	if (!l->head_va)
		return;
	BUG_ON(L->size > sizeof(b));
	memset(b, 0, sizeof(b));
	field_write(&L->total, b, L->size, l->total);
	field_write(&L->list_name, b, L->size, l->list_name);
	field_write(&L->flink, b, L->size, l->flink);
	field_write(&L->blink, b, L->size, l->blink);
	err = vmm_write_va(v, NULL, l->head_va, b, L->size);
	BUG_ON(err != NULL);
}

void list_insert(struct vmm *v, uint64_t pfn)
{
	struct vpfn *p = &v->pfn[pfn];
	struct vlist *l = list_of(v, pfn);

	BUG_ON(!l || p->linked);
	p->u1 = VMM_LIST_END;
	p->u2 = l->blink;
	if (l->blink == VMM_LIST_END) {
		l->flink = pfn;
	} else {
		v->pfn[l->blink].u1 = pfn;
		pfn_sync(v, l->blink);
	}
	l->blink = pfn;
	l->total++;
	p->linked = 1;
	list_total_add(v, p->loc, 1);
	pfn_sync(v, pfn);
	list_head_sync(v, l);
}

void list_unlink(struct vmm *v, uint64_t pfn)
{
	struct vpfn *p = &v->pfn[pfn];
	struct vlist *l = list_of(v, pfn);
	uint64_t next = p->u1, prev = p->u2;

	BUG_ON(!l || !p->linked);
	if (prev == VMM_LIST_END)
		l->flink = next;
	else {
		v->pfn[prev].u1 = next;
		pfn_sync(v, prev);
	}
	if (next == VMM_LIST_END)
		l->blink = prev;
	else {
		v->pfn[next].u2 = prev;
		pfn_sync(v, next);
	}
	l->total--;
	p->linked = 0;
	p->u1 = 0;
	p->u2 = 0;
	list_total_add(v, p->loc, -1);
	pfn_sync(v, pfn);
	list_head_sync(v, l);
}

uint64_t list_take(struct vmm *v, struct vlist *l)
{
	uint64_t pfn = l->flink;

	if (pfn == VMM_LIST_END)
		return UINT64_MAX;
	list_unlink(v, pfn);
	return pfn;
}

static void list_init(struct vlist *l, unsigned loc, uint64_t head_va)
{
	l->total = 0;
	l->flink = l->blink = VMM_LIST_END;
	l->loc = (uint8_t)loc;
	l->list_name = (uint8_t)loc;
	l->head_va = head_va;
}

struct err *pfndb_init(struct vmm *v)
{
	const uint64_t heads = v->pfndb_end_va, hsz = v->l.pfnlist.size;
	uint64_t pfn;
	unsigned c, i;

	for (c = 0; c < v->colors; c++) {
		/* MmFreePagesByColor[0] (zeroed) and [1] (free) follow the database (B:14556). */
		list_init(&v->zeroed[c], LOC_ZEROED, heads + c * hsz);
		list_init(&v->free[c], LOC_FREE, heads + (v->colors + c) * hsz);
	}
	for (i = 0; i < VMM_NPRIO; i++)
		list_init(&v->standby[i], LOC_STANDBY,
			  sym_va(v, v->l.sym.mm_standby_by_priority) + i * hsz);
	list_init(&v->mod_user, LOC_MODIFIED, sym_va(v, v->l.sym.mm_modified_process_list));
	list_init(&v->mod_system, LOC_MODIFIED, sym_va(v, v->l.sym.mm_modified_page_list));
	list_init(&v->mod_nowrite, LOC_MODNOWRITE, 0);
	list_init(&v->bad, LOC_BAD, sym_va(v, v->l.sym.mm_bad_page_list));
	{
		uint64_t rva;
		struct err *err = profile_symbol(v->prof, "MmModifiedNoWritePageListHead", &rva);

		if (err)
			return err;
		v->mod_nowrite.head_va = sym_va(v, rva);
	}

	for (pfn = 1; pfn <= v->highest_pfn; pfn++) {
		struct vpfn *p = &v->pfn[pfn];

		if (pfn >= 0x9F && pfn < 0x100)
			continue; /* the legacy hole 0xA0000-0xFFFFF (and 0x9F000) is not RAM */
		if (p->use != USE_NONE)
			continue; /* boot allocations */
		p->ca = 1;    /* MmCached */
		if (pfn < (VMM_FIRST_MODEL_PA >> 12)) {
			/* Firmware-owned pages: Active, in no working set (WsIndex 0). */
			p->use = USE_FIRMWARE;
			p->loc = LOC_ACTIVE;
			p->u2 = 1;
			p->ref = 1;
			v->c.resident_available--;
			continue;
		}
		/* Every other page starts Zeroed (simulated RAM is zero-filled). */
		{
			struct vlist *l = &v->zeroed[page_color(v, pfn)];

			p->loc = LOC_ZEROED;
			p->u1 = VMM_LIST_END;
			p->u2 = l->blink;
			if (l->blink == VMM_LIST_END)
				l->flink = pfn;
			else
				v->pfn[l->blink].u1 = pfn;
			l->blink = pfn;
			l->total++;
			p->linked = 1;
			list_total_add(v, LOC_ZEROED, 1);
		}
	}
	pfndb_render_all(v);
	for (c = 0; c < v->colors; c++) {
		list_head_sync(v, &v->zeroed[c]);
		list_head_sync(v, &v->free[c]);
	}
	for (i = 0; i < VMM_NPRIO; i++)
		list_head_sync(v, &v->standby[i]);
	list_head_sync(v, &v->mod_user);
	list_head_sync(v, &v->mod_system);
	list_head_sync(v, &v->mod_nowrite);
	list_head_sync(v, &v->bad);
	return NULL;
}
