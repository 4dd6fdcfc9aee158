// SPDX-License-Identifier: MIT
/*
 * x64 paging walk, translation cache and reads. See as.h. Facts: paging.md §1-§2, §6.
 */
#include "as.h"

#include <stdio.h>
#include <string.h>

#include "core/err.h"
#include "core/util.h"
#include "targets/target.h"

/* Paging levels as data (Volatility style): VA bit shift of each level and whether a PS
 * bit there maps a page. PS at the PML4 level is reserved (paging.md §1, bit 7). */
static const struct {
	unsigned shift;
	bool ps_allowed;
	uint64_t page_mask; /* address bits of a large-page entry at this level */
} levels[4] = {
	[LVL_PML4] = { 39, false, 0 },
	[LVL_PDPT] = { 30, true, 0x000FFFFFC0000000ULL },
	[LVL_PD] = { 21, true, 0x000FFFFFFFE00000ULL },
	[LVL_PT] = { 12, false, PTE_ADDR_MASK },
};

static const char *const level_names[4] = { "PML4E", "PDPTE", "PDE", "PTE" };

void as_init_phys(struct as *as, struct target *t)
{
	memset(as, 0, sizeof(*as));
	as->kind = AS_PHYS;
	as->t = t;
	snprintf(as->name, sizeof(as->name), "physical");
}

void as_init_x64(struct as *as, struct target *t, uint64_t dtb, const char *name)
{
	memset(as, 0, sizeof(*as));
	as->kind = AS_X64;
	as->t = t;
	as->dtb = dtb & PTE_ADDR_MASK;
	as->nxe = true;
	snprintf(as->name, sizeof(as->name), "%s", name ? name : "virtual");
}

void as_flush(struct as *as)
{
	memset(as->tlb, 0, sizeof(as->tlb));
}

struct err *as_translate(struct as *as, uint64_t va, struct xlate *x)
{
	uint64_t table = as->dtb;
	bool user = true, writable = true, nx = false;
	unsigned l;

	memset(x, 0, sizeof(*x));
	x->va = va;
	x->leaf = -1;
	x->fault_level = -1;
	if (as->kind == AS_PHYS) {
		x->ok = true;
		x->pa = va;
		x->page_size = PAGE_SIZE;
		return NULL;
	}
	if (!is_canonical(va))
		return err_fault(as->name, va, "translation", "non-canonical address");
	for (l = LVL_PML4; l <= LVL_PT; l++) {
		uint64_t idx = (va >> levels[l].shift) & 0x1FF;
		uint64_t epa = table + idx * 8, e;
		struct err *err;

		err = target_read_phys(as->t, epa, &e, 8, level_names[l]);
		if (err) {
			x->fault_level = (int)l;
			if (err->code == ERR_FAULT) {
				/* name the entry and where it should have been */
				char why[96];

				snprintf(why, sizeof(why), "its %s at physical %#llx is not in the dump",
					 level_names[l], (unsigned long long)epa);
				err_destroy(err);
				return err_fault(as->name, va, "memory", why);
			}
			return err;
		}
		x->entry[l] = e;
		x->entry_pa[l] = epa;
		x->nlevels = l + 1;
		if (!(e & PTE_P)) {
			x->fault_level = (int)l;
			return err_fault(as->name, va, "memory", "page not present");
		}
		user = user && (e & PTE_US);
		writable = writable && (e & PTE_RW);
		nx = nx || (as->nxe && (e & PTE_NX));
		if ((e & PTE_PS) && l != LVL_PT) {
			if (!levels[l].ps_allowed) {
				x->fault_level = (int)l;
				return err_fault(as->name, va, "memory",
						 "reserved PS bit set in a PML4 entry");
			}
			x->leaf = (int)l;
			x->page_size = 1ULL << levels[l].shift;
			x->pa = (e & levels[l].page_mask) + (va & (x->page_size - 1));
			break;
		}
		if (l == LVL_PT) {
			x->leaf = LVL_PT;
			x->page_size = PAGE_SIZE;
			x->pa = (e & PTE_ADDR_MASK) + (va & (PAGE_SIZE - 1));
			break;
		}
		table = e & PTE_ADDR_MASK;
	}
	x->ok = true;
	x->user = user;
	x->writable = writable;
	x->nx = nx;
	return NULL;
}

struct err *as_va_to_pa(struct as *as, uint64_t addr, uint64_t *pa_ret, const char *purpose)
{
	struct as_tlb_entry *te;
	struct xlate x;
	struct err *err;
	uint64_t vpn;

	if (as->kind == AS_PHYS) {
		*pa_ret = addr;
		return NULL;
	}
	vpn = (addr >> PAGE_SHIFT) + 1;
	te = &as->tlb[(addr >> PAGE_SHIFT) % AS_TLB_SIZE];
	if (te->vpn == vpn && te->gen == as->t->gen) {
		as->tlb_hits++;
		*pa_ret = te->pa_page | (addr & (PAGE_SIZE - 1));
		return NULL;
	}
	as->tlb_misses++;
	err = as_translate(as, addr, &x);
	if (err) {
		if (err->code == ERR_FAULT && purpose) {
			/* Re-word only the purpose: keep the address and reason. */
			const char *why = strchr(err->message, ':');
			struct err *e2 = err_fault(as->name, addr, purpose,
						   why ? why + 2 : "page not present");
			err_destroy(err);
			return e2;
		}
		return err;
	}
	te->vpn = vpn;
	te->gen = as->t->gen;
	te->pa_page = x.pa & ~(PAGE_SIZE - 1);
	*pa_ret = x.pa;
	return NULL;
}

struct err *as_read(struct as *as, uint64_t addr, void *buf, size_t len, const char *purpose)
{
	uint8_t *out = buf;

	while (len) {
		uint64_t pa, n = PAGE_SIZE - (addr & (PAGE_SIZE - 1));
		struct err *err;

		if (n > len)
			n = len;
		err = as_va_to_pa(as, addr, &pa, purpose);
		if (err)
			return err;
		err = target_read_phys(as->t, pa, out, n, purpose);
		if (err) {
			if (as->kind == AS_X64 && err->code == ERR_FAULT) {
				/* Name the virtual address the user asked for, and where it led. */
				char why[64];
				struct err *e2;

				snprintf(why, sizeof(why), "its physical page %#llx is not in the dump",
					 (unsigned long long)(pa & ~(PAGE_SIZE - 1)));
				e2 = err_fault(as->name, addr, purpose, why);
				err_destroy(err);
				return e2;
			}
			return err;
		}
		out += n;
		addr += n;
		len -= n;
	}
	return NULL;
}

struct err *as_read_u64(struct as *as, uint64_t addr, uint64_t *ret, const char *purpose)
{
	return as_read(as, addr, ret, 8, purpose);
}

struct err *as_read_u32(struct as *as, uint64_t addr, uint32_t *ret, const char *purpose)
{
	return as_read(as, addr, ret, 4, purpose);
}

struct err *as_read_u16(struct as *as, uint64_t addr, uint16_t *ret, const char *purpose)
{
	return as_read(as, addr, ret, 2, purpose);
}

struct err *as_read_u8(struct as *as, uint64_t addr, uint8_t *ret, const char *purpose)
{
	return as_read(as, addr, ret, 1, purpose);
}

const uint8_t *as_page_ptr(struct as *as, uint64_t addr)
{
	uint64_t pa;
	struct err *err = as_va_to_pa(as, addr, &pa, NULL);

	if (err) {
		err_destroy(err);
		return NULL;
	}
	return target_page_ptr(as->t, pa);
}

struct walk_state {
	struct as *as;
	uint64_t start, end;
	uint64_t budget;
	as_walk_fn fn;
	void *arg;
};

static struct err *walk_level(struct walk_state *w, uint64_t table, unsigned l, uint64_t va_base)
{
	uint64_t span = 1ULL << levels[l].shift;
	unsigned i;

	for (i = 0; i < 512; i++) {
		uint64_t va = canon48(va_base | ((uint64_t)i << levels[l].shift));
		uint64_t last = va + span - 1, e;
		struct err *err;

		if (last < w->start)
			continue;
		if (va > w->end)
			break;
		if (!w->budget--)
			return err_create(ERR_UNSUPPORTED,
					  "page-table walk stopped after too many entries "
					  "(aliased tables?) at %#llx", (unsigned long long)va);
		err = target_read_phys(w->as->t, table + i * 8ULL, &e, 8, level_names[l]);
		if (err) {
			/* An unreadable table page is skipped, not fatal for an enumeration. */
			err_destroy(err);
			continue;
		}
		if (!(e & PTE_P))
			continue;
		if (l == LVL_PT || ((e & PTE_PS) && levels[l].ps_allowed)) {
			uint64_t pa = (l == LVL_PT) ? (e & PTE_ADDR_MASK) : (e & levels[l].page_mask);

			err = w->fn(w->arg, va, pa, span, e);
			if (err)
				return err;
			continue;
		}
		if (e & PTE_PS)
			continue; /* reserved at PML4 level */
		err = walk_level(w, e & PTE_ADDR_MASK, l + 1, va & 0x0000FFFFFFFFFFFFULL);
		if (err)
			return err;
	}
	return NULL;
}

struct err *as_walk(struct as *as, uint64_t start, uint64_t end, uint64_t budget, as_walk_fn fn,
		    void *arg)
{
	struct walk_state w = { as, start, end, budget ? budget : (1ULL << 28), fn, arg };
	struct err *err;

	if (as->kind != AS_X64)
		return err_create(ERR_UNSUPPORTED, "cannot walk page tables of a physical space");
	err = walk_level(&w, as->dtb, LVL_PML4, 0);
	if (err == err_stop)
		err = NULL;
	return err;
}
