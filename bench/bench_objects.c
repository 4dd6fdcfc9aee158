// SPDX-License-Identifier: MIT
/*
 * bench_objects DUMP: time the object scans on a dump (make bench runs it on a 16 GiB model):
 *   - the kernel bootstrap (KDBG, globals),
 *   - !memusage's pass over the PFN database, as PFN entries per second, next to a plain
 *     sequential read (sum) of the same bytes through the same page mappings: the ratio says
 *     how close to memory bandwidth the scan runs,
 *   - the process list walk (processes per second) and every process's VAD tree (VADs/s).
 * Prints a table; never fails on timing.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/as.h"
#include "core/err.h"
#include "core/profile.h"
#include "core/util.h"
#include "model/kernel.h"
#include "model/kinfo.h"
#include "model/memusage.h"
#include "model/process.h"
#include "model/vad.h"
#include "targets/target.h"

static struct err *die(struct err *err)
{
	fprintf(stderr, "bench_objects: %s\n", err->message);
	exit(1);
}

/* The baseline: read every byte of the PFN database entries of the RAM runs once. */
static uint64_t baseline_sum(const struct kernel_info *k, uint64_t *bytes)
{
	uint64_t sum = 0;
	size_t r;

	*bytes = 0;
	for (r = 0; r < k->nruns; r++) {
		uint64_t va = k->pfn_db + k->runs[r].base_page * k->l.pfn.size;
		uint64_t end = va + k->runs[r].page_count * k->l.pfn.size;

		for (; va < end; va = (va & ~0xFFFULL) + 0x1000) {
			const uint64_t *p = (const uint64_t *)(const void *)as_page_ptr(k->kas, va);
			size_t i, from = (va & 0xFFF) / 8, to = MIN(512, from + (end - va + 7) / 8);

			if (!p)
				continue;
			for (i = from; i < to; i++)
				sum += p[i];
			*bytes += (to - from) * 8;
		}
	}
	return sum;
}

struct vad_roots {
	uint64_t *root;
	size_t n, cap;
};

static struct err *note_process(void *arg, const struct process_info *p)
{
	struct vad_roots *vr = arg;

	if (!p->vad_root)
		return NULL;
	if (vr->n == vr->cap) {
		uint64_t *r = realloc(vr->root, (vr->cap = vr->cap ? vr->cap * 2 : 1024) * sizeof(*r));

		if (!r)
			return err_nomem;
		vr->root = r;
	}
	vr->root[vr->n++] = p->vad_root;
	return NULL;
}

int main(int argc, char **argv)
{
	struct target *t;
	struct profile *prof;
	struct kernel_info *k;
	struct memusage m;
	struct process_walk_result pr;
	struct vad_walk_result vr;
	struct vad_roots roots = { NULL, 0, 0 };
	uint64_t vads = 0;
	int depth = 0;
	size_t i;
	struct as kas;
	uint64_t dtb, bytes, sum;
	unsigned index;
	double t0, t_boot, t_scan, t_base, t_proc, t_vad;

	if (argc != 2) {
		fprintf(stderr, "usage: bench_objects DUMP\n");
		return 2;
	}
	t0 = now_seconds();
	{
		struct err *err = target_open(argv[1], NULL, &t);

		if (!err)
			err = profile_load_builtin(&prof);
		if (!err)
			err = dtb_scan(t, &dtb, &index);
		if (err)
			die(err);
	}
	as_init_x64(&kas, t, dtb, "kernel");
	{
		struct err *err = kinfo_open(t, &kas, prof, &k);

		if (err)
			die(err);
	}
	t_boot = now_seconds() - t0;
	/* warm the page cache once so both passes read from memory */
	baseline_sum(k, &bytes);
	t0 = now_seconds();
	memusage_scan(k, NULL, &m);
	t_scan = now_seconds() - t0;
	t0 = now_seconds();
	sum = baseline_sum(k, &bytes);
	t_base = now_seconds() - t0;
	t0 = now_seconds();
	process_walk(k, note_process, &roots, &pr);
	t_proc = now_seconds() - t0;
	t0 = now_seconds();
	for (i = 0; i < roots.n; i++) {
		vad_walk(k, roots.root[i], NULL, NULL, &vr);
		vads += vr.count;
		depth = vr.max_depth > depth ? vr.max_depth : depth;
	}
	t_vad = now_seconds() - t0;
	free(roots.root);

	printf("dump: %s (%" PRIu64 " RAM pages, %.1f GiB)\n", argv[1], kinfo_ram_pages(k),
	       kinfo_ram_pages(k) / 262144.0);
	printf("%-34s %12s %16s\n", "operation", "seconds", "rate");
	printf("%-34s %12.4f\n", "open + KDBG bootstrap", t_boot);
	printf("%-34s %12.4f %12.1f M PFN entries/s\n", "!memusage scan", t_scan,
	       m.total / t_scan / 1e6);
	printf("%-34s %12.4f %12.1f M PFN entries/s (%.2f GB/s; checksum %" PRIx64 ")\n",
	       "baseline: sequential read", t_base, m.total / t_base / 1e6, bytes / t_base / 1e9,
	       sum & 0xffff);
	printf("%-34s %12.2f\n", "ratio scan / baseline throughput", t_base / t_scan);
	printf("%-34s %12.4f %12.0f processes/s (%" PRIu64 " processes)\n", "!process 0 0 walk",
	       t_proc, pr.count / t_proc, pr.count);
	printf("%-34s %12.4f %12.0f VADs/s (%" PRIu64 " VADs in %zu trees, max depth %d)\n",
	       "!vad walk (every process)", t_vad, vads / t_vad, vads, roots.n, depth);
	kinfo_destroy(k);
	profile_destroy(prof);
	target_close(t);
	return 0;
}
