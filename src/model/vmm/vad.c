// SPDX-License-Identifier: MIT
/*
 * VAD AVL trees. See vad.h.
 */
#include "vad.h"

#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/util.h"
#include "model/vmm/pool.h"
#include "model/vmm/pt.h"
#include "model/vmm/vstate.h"

#define UMAB_BITS 0x8000ULL /* one UMAB page: 64 KB granules below 2 GB (B:2626-2632) */

int vad_height(const struct vad *d)
{
	return d ? d->height : 0;
}

int vad_balance(const struct vad *d)
{
	return vad_height(d->right) - vad_height(d->left);
}

unsigned vad_depth(const struct vad *d)
{
	unsigned n = 0;

	while (d->parent) {
		d = d->parent;
		n++;
	}
	return n;
}

struct vad *vmm_vad_find(const struct vproc *p, uint64_t vpn)
{
	struct vad *d = p->vad_root;

	while (d) {
		if (vpn < d->start_vpn)
			d = d->left;
		else if (vpn > d->end_vpn)
			d = d->right;
		else
			return d;
	}
	return NULL;
}

/* The first VAD (in address order) whose end is at or above @vpn. */
static struct vad *lower_bound(const struct vproc *p, uint64_t vpn)
{
	struct vad *d = p->vad_root, *best = NULL;

	while (d) {
		if (d->end_vpn >= vpn) {
			best = d;
			d = d->left;
		} else {
			d = d->right;
		}
	}
	return best;
}

bool vad_overlaps(const struct vproc *p, uint64_t start_vpn, uint64_t end_vpn)
{
	struct vad *d = lower_bound(p, start_vpn);

	return d && d->start_vpn <= end_vpn;
}

struct vad *vad_first(const struct vproc *p)
{
	struct vad *d = p->vad_root;

	while (d && d->left)
		d = d->left;
	return d;
}

struct vad *vad_next(const struct vad *d)
{
	if (d->right) {
		d = d->right;
		while (d->left)
			d = d->left;
		return (struct vad *)d;
	}
	while (d->parent && d->parent->right == d)
		d = d->parent;
	return d->parent;
}

struct err *vad_find_free(const struct vproc *p, uint64_t npages, uint64_t *start_vpn_ret)
{
	uint64_t start = (MAX(p->vad_free_hint_vpn, 0x10ULL) + 0xF) & ~0xFULL;
	struct vad *d = lower_bound(p, start);

	for (; d; d = vad_next(d)) {
		if (d->start_vpn > start + npages - 1)
			break;
		start = (d->end_vpn + 1 + 0xF) & ~0xFULL;
	}
	if (start + npages - 1 > (VMM_HIGHEST_USER >> 12))
		return err_create(ERR_NOMEM, "no free range of %llu pages in the user address space",
				  (unsigned long long)npages);
	*start_vpn_ret = start;
	return NULL;
}

static void mark(struct vproc *p, struct vad *d)
{
	if (d && !d->dirty) {
		d->dirty = true;
		d->dirty_next = p->dirty_vads;
		p->dirty_vads = d;
	}
}

void vad_changed(struct vproc *p, struct vad *d)
{
	mark(p, d);
}

static void update(struct vproc *p, struct vad *n)
{
	n->height = 1 + MAX(vad_height(n->left), vad_height(n->right));
	mark(p, n);
}

static struct vad *rot_right(struct vproc *p, struct vad *y)
{
	struct vad *x = y->left;

	y->left = x->right;
	x->right = y;
	update(p, y);
	update(p, x);
	mark(p, y->left);
	return x;
}

static struct vad *rot_left(struct vproc *p, struct vad *x)
{
	struct vad *y = x->right;

	x->right = y->left;
	y->left = x;
	update(p, x);
	update(p, y);
	mark(p, x->right);
	return y;
}

static struct vad *rebalance(struct vproc *p, struct vad *n)
{
	int b;

	update(p, n);
	b = vad_balance(n);
	if (b < -1) {
		if (vad_balance(n->left) > 0)
			n->left = rot_left(p, n->left);
		return rot_right(p, n);
	}
	if (b > 1) {
		if (vad_balance(n->right) < 0)
			n->right = rot_right(p, n->right);
		return rot_left(p, n);
	}
	return n;
}

static struct vad *insert(struct vproc *p, struct vad *n, struct vad *d)
{
	if (!n)
		return d;
	if (d->start_vpn < n->start_vpn)
		n->left = insert(p, n->left, d);
	else
		n->right = insert(p, n->right, d);
	return rebalance(p, n);
}

static struct vad *remove_min(struct vproc *p, struct vad *n, struct vad **min_ret)
{
	if (!n->left) {
		*min_ret = n;
		return n->right;
	}
	n->left = remove_min(p, n->left, min_ret);
	return rebalance(p, n);
}

static struct vad *remove_node(struct vproc *p, struct vad *n, struct vad *d)
{
	struct vad *m;

	if (!n)
		return NULL;
	if (d->start_vpn < n->start_vpn) {
		n->left = remove_node(p, n->left, d);
		return rebalance(p, n);
	}
	if (d->start_vpn > n->start_vpn) {
		n->right = remove_node(p, n->right, d);
		return rebalance(p, n);
	}
	if (!n->left || !n->right)
		return n->left ? n->left : n->right;
	/* Node addresses are fixed (pool blocks): move the successor node itself into place. */
	n->right = remove_min(p, n->right, &m);
	m->left = n->left;
	m->right = n->right;
	return rebalance(p, m);
}

/* Repair parent pointers below every node whose children may have changed. */
static void fix_parents(struct vproc *p)
{
	struct vad *d;

	if (p->vad_root && p->vad_root->parent) {
		p->vad_root->parent = NULL;
		mark(p, p->vad_root);
	}
	for (d = p->dirty_vads; d; d = d->dirty_next) {
		if (d->left && d->left->parent != d) {
			d->left->parent = d;
			mark(p, d->left);
		}
		if (d->right && d->right->parent != d) {
			d->right->parent = d;
			mark(p, d->right);
		}
	}
}

static void render(struct vmm *v, struct vproc *p, struct vad *d)
{
	const struct vad_layout *L = &v->l.vad;
	uint64_t sentinel = p->eprocess_va + v->l.eprocess.vad_root.offset;
	uint8_t b[0x40];
	size_t n = L->short_size;
	struct err *err;

	BUG_ON(n > sizeof(b));
	memset(b, 0, sizeof(b));
	field_write(&L->parent, b, n, d->parent ? d->parent->node_va : sentinel);
	field_write(&L->balance, b, n, (uint64_t)(int64_t)vad_balance(d));
	field_write(&L->left_child, b, n, d->left ? d->left->node_va : 0);
	field_write(&L->right_child, b, n, d->right ? d->right->node_va : 0);
	field_write(&L->starting_vpn, b, n, d->start_vpn);
	field_write(&L->ending_vpn, b, n, d->end_vpn);
	field_write(&L->commit_charge, b, n, d->commit);
	field_write(&L->vad_type, b, n, 0); /* VadNone */
	field_write(&L->mem_commit, b, n, d->mem_commit);
	field_write(&L->protection, b, n, d->prot);
	field_write(&L->private_memory, b, n, 1);
	err = vmm_write_va(v, NULL, d->node_va, b, n);
	BUG_ON(err != NULL);
}

void vad_flush(struct vmm *v, struct vproc *p)
{
	const struct avl_layout *A = &v->l.avl;
	uint64_t table = p->eprocess_va + v->l.eprocess.vad_root.offset;
	struct vad *d, *next;

	fix_parents(p);
	for (d = p->dirty_vads; d; d = next) {
		next = d->dirty_next;
		render(v, p, d);
		d->dirty = false;
		d->dirty_next = NULL;
	}
	p->dirty_vads = NULL;
	vmm_kfield_write(v, table, &A->root_right_child, p->vad_root ? p->vad_root->node_va : 0);
	vmm_kfield_write(v, table, &A->depth_of_tree, (uint64_t)vad_height(p->vad_root));
	vmm_kfield_write(v, table, &A->number_elements, p->vad_count);
	vmm_kfield_write(v, table, &v->vl.avl.node_hint, p->node_hint_va);
}

/* Set or clear the UMAB bits of the 64 KB granules of [start, end] below 2 GB. */
static void umab_update(struct vmm *v, struct vproc *p, uint64_t start_vpn, uint64_t end_vpn,
			bool set)
{
	uint64_t g, first = start_vpn >> 4, last = MIN(end_vpn >> 4, UMAB_BITS - 1);

	for (g = first; g <= last && g < UMAB_BITS; g++) {
		uint64_t va = VMM_HYPER_VA + g / 8;
		uint8_t byte;
		struct err *err = vmm_read_va(v, p, va, &byte, 1);

		BUG_ON(err != NULL);
		if (set)
			byte |= (uint8_t)(1u << (g % 8));
		else
			byte &= (uint8_t)~(1u << (g % 8));
		err = vmm_write_va(v, p, va, &byte, 1);
		BUG_ON(err != NULL);
	}
}

struct err *vad_insert(struct vmm *v, struct vproc *p, uint64_t start_vpn, uint64_t end_vpn,
		       unsigned prot, bool mem_commit, uint64_t commit, struct vad **ret)
{
	struct vad *d = calloc(1, sizeof(*d));
	struct err *err;

	if (!d)
		return err_nomem;
	err = pool_alloc(v, POOL_TAG_VAD_SHORT, v->l.vad.short_size, &d->node_va);
	if (err) {
		free(d);
		return err;
	}
	d->start_vpn = start_vpn;
	d->end_vpn = end_vpn;
	d->prot = prot;
	d->mem_commit = mem_commit;
	d->commit = commit;
	d->height = 1;
	mark(p, d);
	p->vad_root = insert(p, p->vad_root, d);
	p->vad_count++;
	p->node_hint_va = d->node_va;
	if (start_vpn <= p->vad_free_hint_vpn)
		p->vad_free_hint_vpn = (end_vpn + 1 + 0xF) & ~0xFULL;
	vad_flush(v, p);
	umab_update(v, p, start_vpn, end_vpn, true);
	*ret = d;
	return NULL;
}

void vad_delete(struct vmm *v, struct vproc *p, struct vad *d)
{
	struct vad **pp;

	p->vad_root = remove_node(p, p->vad_root, d);
	p->vad_count--;
	for (pp = &p->dirty_vads; *pp; pp = &(*pp)->dirty_next) {
		if (*pp == d) {
			*pp = d->dirty_next;
			break;
		}
	}
	if (p->node_hint_va == d->node_va)
		p->node_hint_va = p->vad_root ? p->vad_root->node_va : 0;
	if (d->start_vpn < p->vad_free_hint_vpn)
		p->vad_free_hint_vpn = d->start_vpn;
	vad_flush(v, p);
	umab_update(v, p, d->start_vpn, d->end_vpn, false);
	pool_free(v, d->node_va);
	free(d);
}

static void free_tree(struct vad *d)
{
	if (!d)
		return;
	free_tree(d->left);
	free_tree(d->right);
	free(d);
}

void vad_free_all(struct vproc *p)
{
	free_tree(p->vad_root);
	p->vad_root = NULL;
	p->dirty_vads = NULL;
	p->vad_count = 0;
}
