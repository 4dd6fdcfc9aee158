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
 *
 * One line of results each, for bench/live.sh. Reads go through target_read_phys() in 64 KiB
 * requests, as the analyzer does.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"

#include "core/err.h"
#include "core/util.h"
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

#ifdef HAVE_LIBVIRT
static int live(const char *mode, const char *dom, const char *uri, uint64_t arg, size_t chunk)
{
	struct live_opts o = { .access = strcmp(mode, "shared") ? LIVE_ACCESS_PEEK
								: LIVE_ACCESS_SHARED,
			       .chunk_len = chunk };
	struct target *t = NULL;
	double t0 = now_seconds(), secs;
	uint64_t done = 0, calls, bytes;
	struct err *err = target_libvirt_open(dom, uri, &o, &t);
	char what[64], extra[128];

	if (err)
		return fail(err);
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
			"       command DOMAIN URI N | raw FILE\n");
	return 2;
}
