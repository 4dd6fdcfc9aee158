// SPDX-License-Identifier: MIT
/*
 * VAD tree reading. See vad.h.
 */
#include "vad.h"

#include <stdlib.h>
#include <string.h>

#include "core/as.h"
#include "core/err.h"
#include "core/util.h"
#include "model/kinfo.h"
#include "model/layout.h"

const char *vad_type_name(unsigned type)
{
	static const char *const names[8] = {
		"VadNone",	   "VadDevicePhysicalMemory", "VadImageMap",	 "VadAwe",
		"VadWriteWatch", "VadLargePages",	      "VadRotatePhysical", "VadLargePageSection",
	};

	return names[type & 7];
}

struct err *vad_read(const struct kernel_info *k, uint64_t address, struct vad_info *v)
{
	const struct vad_layout *vl = &k->l.vad;
	uint8_t buf[0x100];
	uint64_t len = MIN(vl->long_size, sizeof(buf));
	struct err *err;

	memset(v, 0, sizeof(*v));
	if (!address || (address & 7))
		return err_create(ERR_FORMAT, "VAD pointer %#llx is not an aligned address",
				  (unsigned long long)address);
	err = as_read(k->kas, address, buf, vl->short_size, "_MMVAD_SHORT");
	if (err)
		return err;
	/* The long part is optional: a short VAD may end at a page boundary. */
	if (as_read(k->kas, address + vl->short_size, buf + vl->short_size,
		    len - vl->short_size, NULL) != NULL) {
		memset(buf + vl->short_size, 0, len - vl->short_size);
		len = vl->short_size;
	}
	v->address = address;
	v->level = -1;
	v->parent = field_read(&vl->parent, buf, len) & ~3ULL;
	v->balance = (int)(int64_t)field_read(&vl->balance, buf, len);
	v->left = field_read(&vl->left_child, buf, len);
	v->right = field_read(&vl->right_child, buf, len);
	v->start_vpn = field_read(&vl->starting_vpn, buf, len);
	v->end_vpn = field_read(&vl->ending_vpn, buf, len);
	v->commit_charge = field_read(&vl->commit_charge, buf, len);
	v->vad_type = (unsigned)field_read(&vl->vad_type, buf, len);
	v->protection = (unsigned)field_read(&vl->protection, buf, len);
	v->private_memory = field_read(&vl->private_memory, buf, len);
	v->mem_commit = field_read(&vl->mem_commit, buf, len);
	v->no_change = field_read(&vl->no_change, buf, len);
	v->preferred_node = (unsigned)field_read(&vl->preferred_node, buf, len);
	v->is_long = !v->private_memory;
	if (v->is_long && len >= vl->long_size) {
		v->subsection = field_read(&vl->subsection, buf, len);
		v->first_prototype_pte = field_read(&vl->first_prototype_pte, buf, len);
		v->vads_process = field_read(&vl->vads_process, buf, len) & ~7ULL;
	}
	return NULL;
}

struct frame {
	uint64_t addr;
	int depth;
};

static void broken(struct vad_walk_result *res, const char *fmt, unsigned long long a,
		   unsigned long long b)
{
	res->broken = true;
	snprintf(res->why, sizeof(res->why), fmt, a, b);
}

struct err *vad_walk(const struct kernel_info *k, uint64_t root, vad_fn fn, void *arg,
		     struct vad_walk_result *res)
{
	struct frame stack[VAD_MAX_DEPTH + 1];
	int sp = 0;
	uint64_t cur = root, expect_parent = 0, prev_end = 0;
	int depth = 0;
	bool have_prev = false;
	struct err *err = NULL;

	memset(res, 0, sizeof(*res));
	/* Iterative in-order walk; each node's own depth is pushed with it. */
	while (cur || sp) {
		while (cur) {
			struct vad_info v;

			if (depth > VAD_MAX_DEPTH) {
				broken(res, "VAD tree deeper than %llu levels at %#llx (a loop?)",
				       VAD_MAX_DEPTH, cur);
				return NULL;
			}
			err = vad_read(k, cur, &v);
			if (err) {
				res->broken = true;
				snprintf(res->why, sizeof(res->why), "%s", err->message);
				err_destroy(err);
				return NULL;
			}
			if (expect_parent && v.parent != expect_parent) {
				broken(res, "VAD %#llx: parent pointer %#llx does not match its parent",
				       cur, v.parent);
				return NULL;
			}
			stack[sp++] = (struct frame){ cur, depth };
			expect_parent = cur;
			cur = v.left;
			depth++;
		}
		{
			struct frame f = stack[--sp];
			struct vad_info v;

			err = vad_read(k, f.addr, &v);
			if (err) {
				res->broken = true;
				snprintf(res->why, sizeof(res->why), "%s", err->message);
				err_destroy(err);
				return NULL;
			}
			v.level = f.depth;
			/* In-order means strictly ascending, non-overlapping ranges: a repeat or a
			 * loop shows up here too (structures.md §5.1). */
			if (have_prev && v.start_vpn <= prev_end) {
				broken(res, "VAD %#llx starts at VPN %#llx, not after the previous VAD",
				       f.addr, v.start_vpn);
				return NULL;
			}
			if (v.end_vpn < v.start_vpn) {
				broken(res, "VAD %#llx ends (VPN %#llx) before it starts", f.addr,
				       v.end_vpn);
				return NULL;
			}
			if (++res->count > VAD_MAX_NODES) {
				broken(res, "more than %llu VADs at %#llx", VAD_MAX_NODES, f.addr);
				return NULL;
			}
			have_prev = true;
			prev_end = v.end_vpn;
			res->level_sum += (uint64_t)f.depth;
			if (f.depth > res->max_depth)
				res->max_depth = f.depth;
			if (fn) {
				err = fn(arg, &v);
				if (err)
					return err == err_stop ? NULL : err;
			}
			cur = v.right;
			expect_parent = f.addr;
			depth = f.depth + 1;
		}
	}
	return NULL;
}

struct err *vad_find(const struct kernel_info *k, uint64_t root, uint64_t va,
		     struct vad_info *ret)
{
	uint64_t vpn = va >> 12, cur = root;
	int depth;

	for (depth = 0; cur && depth <= VAD_MAX_DEPTH; depth++) {
		struct err *err = vad_read(k, cur, ret);

		if (err)
			return err;
		if (vpn < ret->start_vpn)
			cur = ret->left;
		else if (vpn > ret->end_vpn)
			cur = ret->right;
		else {
			ret->level = depth; /* its depth below the root */
			return NULL;
		}
	}
	if (cur)
		return err_create(ERR_FORMAT, "VAD tree deeper than %d levels (a loop?)",
				  VAD_MAX_DEPTH);
	return err_create(ERR_NOT_FOUND, "no VAD contains %#llx", (unsigned long long)va);
}
