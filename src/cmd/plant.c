// SPDX-License-Identifier: MIT
/*
 * mmkd-model plant: copy a raw dump and plant one named corruption into the copy, chosen so
 * that exactly one invariant family of spec/transitions.md §4 breaks. The structure to corrupt
 * is found with the analyzer's own read path; the change is written at its physical address.
 * Prints what it changed (JSON) so a test can check that !mmcheck names it.
 */
#include "plant.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/as.h"
#include "core/err.h"
#include "core/profile.h"
#include "core/util.h"
#include "model/kernel.h"
#include "model/kinfo.h"
#include "model/pfn.h"
#include "model/process.h"
#include "model/pte.h"
#include "model/vad.h"
#include "model/wsl.h"
#include "targets/target.h"

struct planter {
	struct target *t;
	struct as kas;
	struct selfmap sm;
	struct kernel_info *k;
	int fd;			/* the copy */
	uint64_t pfn, address;	/* what was corrupted */
	uint64_t eprocess, pid;	/* the process it belongs to, 0 if none */
	const char *expect;	/* invariant !mmcheck should report */
};

static struct err *poke(struct planter *pl, struct as *as, uint64_t va, uint64_t value,
			unsigned size)
{
	uint64_t pa;
	struct err *err = as_va_to_pa(as, va, &pa, "corruption target");

	if (err)
		return err;
	if (pwrite(pl->fd, &value, size, (off_t)pa) != (ssize_t)size)
		return err_os(errno, "cannot write the copy");
	return NULL;
}

/* The first page of a non-empty list, with its successor if @need_two. */
static struct err *list_page(struct planter *pl, bool need_two, struct mmpfn *a, struct mmpfn *b,
			     uint64_t *head_ret)
{
	const struct kernel_info *k = pl->k;
	uint64_t heads[10], i;
	unsigned n = 0;

	for (i = 0; i < 8; i++)
		heads[n++] = k->standby_by_priority + i * k->l.pfnlist.size;
	heads[n++] = k->modified_process_list;
	heads[n++] = k->modified_page_list;
	for (i = 0; i < n; i++) {
		struct pfnlist_result r;
		struct err *err = pfnlist_walk(k, heads[i], -1, NULL, NULL, &r);

		if (err)
			return err;
		if (r.walked < (need_two ? 2 : 1))
			continue;
		err = pfn_read(k, r.flink, a);
		if (!err && need_two)
			err = pfn_read(k, a->u1, b);
		*head_ret = heads[i];
		return err;
	}
	return err_create(ERR_NOT_FOUND, "no standby or modified list with %s page%s to corrupt",
			  need_two ? "two" : "a", need_two ? "s" : "");
}

struct first_proc {
	struct process_info p;
	bool found;
};

static struct err *pick_process(void *arg, const struct process_info *p)
{
	struct first_proc *fp = arg;

	if (p->pid != 4 && p->vad_root && p->ws_size) {
		fp->p = *p;
		fp->found = true;
		return err_stop;
	}
	return NULL;
}

static struct err *user_process(struct planter *pl, struct process_info *ret)
{
	struct first_proc fp = { .found = false };
	struct process_walk_result res;
	struct err *err = process_walk(pl->k, pick_process, &fp, &res);

	if (err)
		return err;
	if (!fp.found)
		return err_create(ERR_NOT_FOUND, "no user process with VADs and a working set");
	*ret = fp.p;
	return NULL;
}

struct first_wsle {
	struct wsle_info e;
	bool found;
};

static struct err *pick_wsle(void *arg, const struct wsle_info *e)
{
	struct first_wsle *fw = arg;

	if (e->valid && !e->locked && e->va < 0x0000800000000000ULL) {
		fw->e = *e;
		fw->found = true;
		return err_stop;
	}
	return NULL;
}

static struct err *plant_one(struct planter *pl, const char *name)
{
	const struct kernel_info *k = pl->k;
	struct mmpfn a, b;
	struct process_info p = { 0 };
	uint64_t head;
	struct err *err;

	if (!strcmp(name, "list-loop") || !strcmp(name, "list-outside")) {
		bool loop = !strcmp(name, "list-loop");

		err = list_page(pl, true, &a, &b, &head);
		if (err)
			return err;
		pl->pfn = b.pfn;
		pl->address = head;
		pl->expect = "L1";
		return poke(pl, k->kas, b.address + k->l.pfn.flink.offset,
			    loop ? a.pfn : k->highest_pfn + 0x1000, 8);
	}
	if (!strcmp(name, "list-count")) {
		err = list_page(pl, false, &a, &b, &head);
		if (err)
			return err;
		pl->address = head;
		pl->pfn = ~0ULL;
		pl->expect = "L1";
		{
			uint64_t total;

			err = as_read_u64(k->kas, head + k->l.pfnlist.total.offset, &total, NULL);
			if (err)
				return err;
			return poke(pl, k->kas, head + k->l.pfnlist.total.offset, total + 1, 8);
		}
	}
	if (!strcmp(name, "list-location")) {
		uint8_t byte;

		err = list_page(pl, false, &a, &b, &head);
		if (err)
			return err;
		pl->pfn = a.pfn;
		pl->address = head;
		pl->expect = "L2";
		err = as_read_u8(k->kas, a.address + k->l.pfn.page_location.offset, &byte, NULL);
		if (err)
			return err;
		/* Standby <-> Modified: the other transition list */
		byte = (uint8_t)((byte & ~7) | (a.location == MM_STANDBY ? MM_MODIFIED : MM_STANDBY));
		return poke(pl, k->kas, a.address + k->l.pfn.page_location.offset, byte, 1);
	}
	err = user_process(pl, &p);
	if (err)
		return err;
	pl->eprocess = p.eprocess;
	pl->pid = p.pid;
	if (!strcmp(name, "ws-size")) {
		pl->address = p.eprocess;
		pl->pfn = ~0ULL;
		pl->expect = "W4";
		return poke(pl, k->kas, p.eprocess + k->l.eprocess.vm.offset + k->l.mmsupport.ws_size.offset,
			    p.ws_size + 1, 4);
	}
	if (!strcmp(name, "vad-count")) {
		pl->address = p.eprocess;
		pl->pfn = ~0ULL;
		pl->expect = "V4";
		/* NumberGenericTableElements lives in bits 8-63 of the qword after BalancedRoot */
		return poke(pl, k->kas,
			    p.eprocess + k->l.eprocess.vad_root.offset + k->l.avl.number_elements.offset,
			    ((p.vad_count + 1) << k->l.avl.number_elements.bit_pos), 8);
	}
	if (!strcmp(name, "vad-loop")) {
		struct vad_info root;

		err = vad_read(k, p.vad_root, &root);
		if (err)
			return err;
		pl->address = p.vad_root;
		pl->pfn = ~0ULL;
		pl->expect = "V1";
		/* the root's rightmost descendant points back at the root */
		{
			uint64_t node = p.vad_root;
			struct vad_info v = root;
			int guard = 0;

			while (v.right && guard++ < VAD_MAX_DEPTH) {
				node = v.right;
				err = vad_read(k, node, &v);
				if (err)
					return err;
			}
			pl->address = node;
			return poke(pl, k->kas, node + k->l.vad.right_child.offset, p.vad_root, 8);
		}
	}
	if (!strcmp(name, "process-loop") || !strcmp(name, "process-dtb")) {
		pl->address = p.eprocess;
		pl->pfn = ~0ULL;
		if (!strcmp(name, "process-dtb")) {
			pl->expect = "X3";
			/* a wild DTB: a page of zeroes cannot hold a PML4 */
			return poke(pl, k->kas,
				    p.eprocess + k->l.eprocess.directory_table_base.offset,
				    (k->highest_pfn - 1) << 12, 8);
		}
		pl->expect = "X1";
		return poke(pl, k->kas, p.eprocess + k->l.eprocess.active_process_links.offset,
			    p.eprocess + k->l.eprocess.active_process_links.offset, 8);
	}
	{
		struct as *pas = malloc(sizeof(*pas));
		struct first_wsle fw = { .found = false };
		struct wsl_info w;

		if (!pas)
			return err_nomem;
		as_init_x64(pas, pl->t, p.dtb, "process");
		err = wsl_read(k, pas, p.wsl, &w);
		if (!err)
			err = wsle_walk(k, pas, &w, false, pick_wsle, &fw);
		if (!err && !fw.found)
			err = err_create(ERR_NOT_FOUND, "no user working set entry to corrupt");
		if (!err && !strcmp(name, "wsle-va")) {
			pl->address = w.wsle + fw.e.index * 8ULL;
			pl->pfn = ~0ULL;
			pl->expect = "W5";
			err = poke(pl, pas, w.wsle + fw.e.index * 8ULL, fw.e.raw + 0x100000, 8);
		} else if (!err && (!strcmp(name, "pte-backlink") || !strcmp(name, "pt-share"))) {
			struct xlate x;

			err = as_translate(pas, fw.e.va, &x);
			if (!err)
				err = pfn_read(k, x.pa >> 12, &a);
			if (!err && !strcmp(name, "pte-backlink")) {
				pl->pfn = a.pfn;
				pl->address = a.address;
				pl->expect = "P1";
				err = poke(pl, k->kas, a.address + k->l.pfn.pte_address.offset,
					   a.pte_address + 8, 8);
			} else if (!err) {
				err = pfn_read(k, a.pte_frame, &b);
				pl->pfn = b.pfn;
				pl->address = b.address;
				pl->expect = "S3";
				if (!err)
					err = poke(pl, k->kas, b.address + k->l.pfn.share_count.offset,
						   b.u2 + 1, 8);
			}
		} else if (!err) {
			err = err_create(ERR_INVALID_ARG, "unknown corruption '%s' (known: %s)", name,
					 PLANT_NAMES);
		}
		free(pas);
		return err;
	}
}

struct err *plant_corruption(const char *name, const char *in, const char *out, FILE *report)
{
	struct planter pl = { .fd = -1 };
	struct profile *prof = NULL;
	uint64_t dtb;
	unsigned index;
	struct err *err;

	err = file_copy_sparse(in, out);
	if (!err)
		err = target_open(in, "raw", &pl.t);
	if (!err)
		err = profile_load_builtin(&prof);
	if (!err)
		err = dtb_scan(pl.t, &dtb, &index);
	if (!err) {
		as_init_x64(&pl.kas, pl.t, dtb, "kernel");
		selfmap_init(&pl.sm, index);
		err = kinfo_open(pl.t, &pl.kas, prof, &pl.k);
	}
	if (!err) {
		pl.fd = open(out, O_WRONLY);
		if (pl.fd < 0)
			err = err_os(errno, "cannot open '%s'", out);
	}
	if (!err)
		err = plant_one(&pl, name);
	if (!err && report) {
		fprintf(report, "{\"corruption\": \"%s\", \"invariant\": \"%s\", ", name, pl.expect);
		if (pl.pfn != ~0ULL)
			fprintf(report, "\"pfn\": \"0x%" PRIx64 "\", ", pl.pfn);
		else
			fprintf(report, "\"pfn\": null, ");
		fprintf(report, "\"address\": \"0x%" PRIx64 "\", ", pl.address);
		if (pl.eprocess)
			fprintf(report, "\"eprocess\": \"0x%" PRIx64 "\", \"pid\": %" PRIu64 "}\n",
				pl.eprocess, pl.pid);
		else
			fprintf(report, "\"eprocess\": null, \"pid\": null}\n");
	}
	if (pl.fd >= 0)
		close(pl.fd);
	kinfo_destroy(pl.k);
	profile_destroy(prof);
	target_close(pl.t);
	return err;
}
