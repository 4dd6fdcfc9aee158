// SPDX-License-Identifier: MIT
/*
 * bench_live: read throughput of a live libvirt guest, by access path, next to a raw file.
 *
 *   bench_live peek DOMAIN URI MIB CHUNK_KIB   sequential reads of MIB MiB of guest RAM through
 *                                              virDomainMemoryPeek in CHUNK_KIB chunks
 *   bench_live shared DOMAIN URI MIB           the same through the shared memory file
 *   bench_live command DOMAIN URI N            the cost a live target adds to every command
 *                                              (state, registers), averaged over N commands
 *   bench_live raw FILE                        the same sequential read of a raw dump
 *   bench_live memusage raw FILE N             !memusage's pass over the PFN database
 *   bench_live memusage peek|shared DOMAIN URI N   (memusage_scan) and !memusage 1's owners
 *                                              (memusage_owners), N times each, on a raw
 *                                              image or a live guest of a reference VMM
 *                                              machine; every pass starts as a command does
 *                                              (target_invalidate: live caches dropped)
 *
 * One line of results each, for bench/live.sh. Reads go through target_read_phys() in 64 KiB
 * requests, as the analyzer does.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"

#include "core/as.h"
#include "core/err.h"
#include "core/profile.h"
#include "core/util.h"
#include "model/kernel.h"
#include "model/kinfo.h"
#include "model/memusage.h"
#include "targets/live.h"
#include "targets/target.h"
#include "targets/target_libvirt.h"

#define REQ (64u << 10)

static int fail(struct err *err)
{
	fprintf(stderr, "bench_live: %s\n", err->message);
	err_destroy(err);
	return 1;
}

/* Read [0, len) of guest RAM (runs only) sequentially; return seconds. */
static struct err *read_all(struct target *t, uint64_t len, double *secs_ret, uint64_t *done_ret)
{
	uint8_t *buf = malloc(REQ);
	uint64_t done = 0, sum = 0;
	double t0 = now_seconds();
	size_t r;

	if (!buf)
		return err_nomem;
	for (r = 0; r < t->nruns && done < len; r++) {
		uint64_t pa = t->runs[r].start_pa, end = pa + t->runs[r].len;

		while (pa < end && done < len) {
			size_t n = (size_t)MIN((uint64_t)REQ, MIN(end - pa, len - done));
			struct err *err = target_read_phys(t, pa, buf, n, "benchmark");

			if (err) {
				free(buf);
				return err;
			}
			sum += buf[0];
			pa += n;
			done += n;
		}
	}
	*secs_ret = now_seconds() - t0;
	*done_ret = done;
	free(buf);
	return sum == UINT64_MAX ? err_nomem : NULL; /* keep the reads */
}

static void report(const char *what, uint64_t bytes, double secs, const char *extra)
{
	printf("%-34s %6" PRIu64 " MiB in %7.3f s = %8.1f MB/s%s%s\n", what, bytes >> 20, secs,
	       secs > 0 ? (double)bytes / secs / 1e6 : 0.0, extra[0] ? "  " : "", extra);
}

/* The best of @n timed passes of !memusage (@owners: !memusage 1's per-process pass), each
 * after target_invalidate() as at the start of a command. */
static struct err *memusage_passes(struct target *t, const struct kernel_info *k, bool owners,
				   unsigned n, double *best_ret, uint64_t *pages_ret)
{
	unsigned i;

	*best_ret = 1e9;
	for (i = 0; i < n; i++) {
		double t0 = now_seconds(), secs;
		struct memusage m = { 0 };
		struct owner_usage *o = NULL;
		size_t no = 0;
		struct err *err;

		target_invalidate(t);
		err = owners ? memusage_owners(k, NULL, &o, &no) : memusage_scan(k, NULL, &m);
		secs = now_seconds() - t0;
		free(o);
		if (err)
			return err;
		if (!owners)
			*pages_ret = m.total;
		*best_ret = MIN(*best_ret, secs);
	}
	return NULL;
}

/* !memusage and !memusage 1 on an open target: the DTB as mmkd finds it (CPU 0's CR3 on a
 * live guest, whose stub keeps its own page tables below 2 MiB; a scan on a raw image). */
static int memusage(struct target *t, const char *what, unsigned n)
{
	struct profile *prof = NULL;
	struct kernel_info *k = NULL;
	struct as kas;
	uint64_t dtb, pages = 0;
	unsigned index;
	double scan = 0, own = 0;
	struct err *err = profile_load_builtin(&prof);

	if (!err && t->ncpus && (t->cpus[0].valid & REG_CR))
		dtb = t->cpus[0].cr3 & ~0xFFFULL;
	else if (!err)
		err = dtb_scan(t, &dtb, &index);
	if (!err) {
		as_init_x64(&kas, t, dtb, "kernel");
		err = kinfo_open(t, &kas, prof, &k);
	}
	if (!err)
		err = memusage_passes(t, k, false, n, &scan, &pages);
	if (!err)
		err = memusage_passes(t, k, true, n, &own, &pages);
	kinfo_destroy(k);
	profile_destroy(prof);
	target_close(t);
	if (err)
		return fail(err);
	printf("%-34s %8.2f ms  !memusage 1: %8.2f ms  (%" PRIu64 " pages, best of %u)\n", what,
	       scan * 1e3, own * 1e3, pages, n);
	return 0;
}

#ifdef HAVE_LIBVIRT
static int live(const char *mode, const char *dom, const char *uri, uint64_t arg, size_t chunk)
{
	struct live_opts o = { .access = strcmp(mode, "shared") && strcmp(mode, "memusage-shared")
						 ? LIVE_ACCESS_PEEK : LIVE_ACCESS_SHARED,
			       .chunk_len = chunk };
	struct target *t = NULL;
	double t0 = now_seconds(), secs;
	uint64_t done = 0, calls, bytes;
	struct err *err = target_libvirt_open(dom, uri, &o, &t);
	char what[64], extra[128];

	if (err)
		return fail(err);
	if (!strcmp(mode, "memusage-peek") || !strcmp(mode, "memusage-shared")) {
		snprintf(what, sizeof(what), "!memusage, live %s", mode + 9);
		return memusage(t, what, (unsigned)arg);
	}
	if (!strcmp(mode, "command")) {
		unsigned i;

		secs = now_seconds();
		for (i = 0; i < arg; i++)
			target_invalidate(t);
		secs = now_seconds() - secs;
		printf("%-34s %8.2f ms per command (attach %.1f ms)\n",
		       "live: per-command refresh", secs * 1e3 / (double)arg,
		       (now_seconds() - t0 - secs) * 1e3);
		target_close(t);
		return 0;
	}
	err = read_all(t, arg << 20, &secs, &done);
	if (err) {
		target_close(t);
		return fail(err);
	}
	live_peek_stats(t, &calls, &bytes);
	if (!strcmp(mode, "shared")) {
		snprintf(what, sizeof(what), "live: shared memory file");
		snprintf(extra, sizeof(extra), "(first pass: page faults; %" PRIu64
			 " peeks verified the file)", calls);
		report(what, done, secs, extra);
		err = read_all(t, arg << 20, &secs, &done);
		if (err) {
			target_close(t);
			return fail(err);
		}
		snprintf(extra, sizeof(extra), "(second pass: mapped)");
	} else {
		snprintf(what, sizeof(what), "live: peek, %zu KiB chunks", chunk >> 10);
		snprintf(extra, sizeof(extra), "(%" PRIu64 " calls, %.2f ms/call)", calls,
			 calls ? secs * 1e3 / (double)calls : 0.0);
	}
	report(what, done, secs, extra);
	target_close(t);
	return 0;
}
#endif

int main(int argc, char **argv)
{
	if (argc == 5 && !strcmp(argv[1], "memusage") && !strcmp(argv[2], "raw")) {
		struct target *t = NULL;
		struct err *err = target_open(argv[3], "raw", &t);

		if (err)
			return fail(err);
		return memusage(t, "!memusage, raw image", (unsigned)strtoul(argv[4], NULL, 0));
	}
#ifdef HAVE_LIBVIRT
	if (argc == 6 && !strcmp(argv[1], "memusage") &&
	    (!strcmp(argv[2], "peek") || !strcmp(argv[2], "shared"))) {
		char mode[32];

		snprintf(mode, sizeof(mode), "memusage-%s", argv[2]);
		return live(mode, argv[3], argv[4], strtoull(argv[5], NULL, 0), 0);
	}
#endif
	if (argc == 3 && !strcmp(argv[1], "raw")) {
		struct target *t = NULL;
		struct err *err = target_open(argv[2], "raw", &t);
		uint64_t done = 0;
		double secs;

		if (err)
			return fail(err);
		err = read_all(t, target_max_pa(t), &secs, &done);
		target_close(t);
		if (err)
			return fail(err);
		report("raw file (page cache warm)", done, secs, "");
		return 0;
	}
#ifdef HAVE_LIBVIRT
	if (argc == 6 && !strcmp(argv[1], "peek"))
		return live("peek", argv[2], argv[3], strtoull(argv[4], NULL, 0),
			    (size_t)strtoull(argv[5], NULL, 0) << 10);
	if (argc == 5 && (!strcmp(argv[1], "shared") || !strcmp(argv[1], "command")))
		return live(argv[1], argv[2], argv[3], strtoull(argv[4], NULL, 0), 0);
#endif
	fprintf(stderr, "usage: bench_live peek DOMAIN URI MIB CHUNK_KIB | shared DOMAIN URI MIB |\n"
			"       command DOMAIN URI N | raw FILE | memusage raw FILE N |\n"
			"       memusage peek|shared DOMAIN URI N\n");
	return 2;
}
