// SPDX-License-Identifier: MIT
/*
 * Shadow paging structures and entry writes through the self-map. See pt.h.
 */
#include "pt.h"

#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/util.h"
#include "model/vmm/pfndb.h"
#include "model/vmm/vstate.h"

static const unsigned level_shift[4] = { 39, 30, 21, 12 };

unsigned pt_index(unsigned level, uint64_t va)
{
	return (unsigned)((va >> level_shift[level]) & 0x1FF);
}

struct ptnode *ptnode_new(unsigned level, uint64_t base_va)
{
	struct ptnode *n = calloc(1, sizeof(*n));

	if (!n)
		return NULL;
	n->level = level;
	n->base_va = base_va;
	n->pfn = UINT64_MAX;
	if (level < 3) {
		n->child = calloc(512, sizeof(*n->child));
		if (!n->child) {
			free(n);
			return NULL;
		}
	} else {
		n->ver = calloc(512, sizeof(*n->ver));
		if (!n->ver) {
			free(n);
			return NULL;
		}
	}
	return n;
}

void ptnode_free(struct ptnode *n, bool with_kernel)
{
	unsigned i;

	if (!n)
		return;
	if (n->child)
		for (i = 0; i < 512; i++)
			if (n->child[i] && (with_kernel || !n->child[i]->kernel))
				ptnode_free(n->child[i], with_kernel);
	free(n->child);
	free(n->ver);
	free(n);
}

unsigned pt_used_count(const struct ptnode *n)
{
	unsigned i, c = 0;

	for (i = 0; i < 512; i++)
		c += n->e[i] != 0;
	return c;
}

struct ptnode *pt_child(const struct ptnode *n, unsigned index)
{
	return n->child ? n->child[index] : NULL;
}

struct ptnode *pt_node(const struct vproc *p, unsigned level, uint64_t va)
{
	struct ptnode *n = p->root;
	unsigned l;

	for (l = 0; l < level && n; l++)
		n = pt_child(n, pt_index(l, va));
	return n;
}

uint64_t pt_get(const struct vproc *p, unsigned level, uint64_t va)
{
	struct ptnode *n = pt_node(p, level, va);

	return n ? n->e[pt_index(level, va)] : 0;
}

/* Tables of kernel addresses other than the process-private PML4 slots are System's. */
static bool va_is_private_slot(const struct vmm *v, uint64_t va)
{
	unsigned slot = (unsigned)((va >> 39) & 0x1FF);

	return va_is_user(va) || slot == v->selfmap_index || slot == 0x1EE;
}

static const struct vproc *tree_for(const struct vmm *v, const struct vproc *p, uint64_t va)
{
	if (!p || !va_is_private_slot(v, va))
		return v->system;
	return p;
}

struct err *pt_write(struct vmm *v, struct vproc *p, unsigned level, uint64_t va, uint64_t value)
{
	struct vproc *owner = (struct vproc *)tree_for(v, p, va);
	struct ptnode *n = pt_node(owner, level, va);

	if (!n)
		return err_create(ERR_INVALID_ARG,
				  "internal: no level-%u table for %#llx in process %u", level,
				  (unsigned long long)va, owner->pid);
	/* UsedPageTableEntries of a user-range table counts its non-zero entries [INF,
	 * transitions.md §6.3]; system-range tables keep 0 (B:8299, B:11628). */
	if (va_is_user(va) && n->pfn != UINT64_MAX) {
		uint64_t old = n->e[pt_index(level, va)];

		if (!old != !value) {
			v->pfn[n->pfn].used = (uint16_t)(v->pfn[n->pfn].used + (value ? 1 : -1));
			pfn_sync(v, n->pfn);
		}
	}
	n->e[pt_index(level, va)] = value;
	/* Every entry is written at its self-map address, through the auto-entry. */
	return ptb_write_va(&owner->b, selfmap_entry_va(&v->sm, level, va), value);
}

struct ptnode *pt_link_table(struct vproc *p, unsigned level, uint64_t va, uint64_t pfn)
{
	struct ptnode *parent = pt_node(p, level, va), *n;
	unsigned idx = pt_index(level, va);
	uint64_t span = 1ULL << level_shift[level];

	if (!parent || level >= 3)
		return NULL;
	n = ptnode_new(level + 1, canon48(va & ~(span - 1)));
	if (!n)
		return NULL;
	n->parent = parent;
	n->index = idx;
	n->pfn = pfn;
	n->kernel = p->is_system && !va_is_user(va) && ((va >> 39) & 0x1FF) != 0x1EE;
	parent->child[idx] = n;
	return n;
}

void pt_unlink_table(struct vproc *p, unsigned level, uint64_t va)
{
	struct ptnode *parent = pt_node(p, level, va);
	unsigned idx = pt_index(level, va);

	if (!parent || !parent->child || !parent->child[idx])
		return;
	ptnode_free(parent->child[idx], false);
	parent->child[idx] = NULL;
}

struct err *vmm_va_to_pa(const struct vmm *v, const struct vproc *p, uint64_t va, uint64_t *pa_ret,
			 const char *purpose)
{
	const struct ptnode *n = tree_for(v, p, va)->root;
	unsigned l;

	for (l = 0; n && l < 4; l++) {
		uint64_t e = n->e[pt_index(l, va)];

		if (!(e & PTE_P))
			break;
		if (l == 3 || ((l == 1 || l == 2) && (e & PTE_PS))) {
			uint64_t size = 1ULL << level_shift[l];
			uint64_t base = (e & PTE_ADDR_MASK) & ~(size - 1);

			*pa_ret = base + (va & (size - 1));
			return NULL;
		}
		n = pt_child(n, pt_index(l, va));
	}
	return err_fault("model kernel", va, purpose, "not mapped in the simulator's tables");
}

struct err *vmm_write_va(struct vmm *v, const struct vproc *p, uint64_t va, const void *buf,
			 size_t len)
{
	const uint8_t *src = buf;

	while (len) {
		size_t chunk = MIN(len, (size_t)(0x1000 - (va & 0xFFF)));
		uint64_t pa;
		struct err *err = vmm_va_to_pa(v, p, va, &pa, "simulator write");

		if (err)
			return err;
		err = physmem_write(&v->pm, pa, src, chunk);
		if (err)
			return err;
		va += chunk;
		src += chunk;
		len -= chunk;
	}
	return NULL;
}

struct err *vmm_read_va(const struct vmm *v, const struct vproc *p, uint64_t va, void *buf,
			size_t len)
{
	uint8_t *dst = buf;

	while (len) {
		size_t chunk = MIN(len, (size_t)(0x1000 - (va & 0xFFF)));
		uint64_t pa;
		struct err *err = vmm_va_to_pa(v, p, va, &pa, "simulator read");

		if (err)
			return err;
		err = physmem_read(&v->pm, pa, dst, chunk);
		if (err)
			return err;
		va += chunk;
		dst += chunk;
		len -= chunk;
	}
	return NULL;
}

struct err *vmm_field_write(struct vmm *v, const struct vproc *p, uint64_t struct_va,
			    const struct field *f, uint64_t value)
{
	uint8_t tmp[16];
	struct field g = *f;
	struct err *err;

	if (!f->size || f->size > sizeof(tmp))
		return err_create(ERR_INVALID_ARG, "internal: field of size %llu is not a scalar",
				  (unsigned long long)f->size);
	err = vmm_read_va(v, p, struct_va + f->offset, tmp, f->size);
	if (err)
		return err;
	g.offset = 0;
	field_write(&g, tmp, f->size, value);
	return vmm_write_va(v, p, struct_va + f->offset, tmp, f->size);
}

void vmm_kfield_write(struct vmm *v, uint64_t struct_va, const struct field *f, uint64_t value)
{
	struct err *err = vmm_field_write(v, NULL, struct_va, f, value);

	BUG_ON(err != NULL);
}
