// SPDX-License-Identifier: MIT
/*
 * bench_translate DIR: the foundation's figures (issue 2).
 *   - Address translation: a machine with 1 GiB mapped in 4 KiB pages (512 page tables, built
 *     through the auto-entry), written as a raw dump and opened as one; random VAs of the
 *     range translated (a) cold: every translation a full four-level walk (as_translate, the
 *     !pte/!vtop path), (b) through the translation cache over random VAs of the whole range
 *     (mostly misses), (c) warm: the cache holding a working set of 512 pages. In
 *     translations per second.
 *   - Dump open time: a 64 GiB sparse raw dump (the same page tables at its start); open must
 *     not read the file, so it costs the same as a small one. Median of 15 opens.
 * Prints a table; never fails on timing.
 */
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/as.h"
#include "core/err.h"
#include "core/util.h"
#include "model/vmm/physmem.h"
#include "model/vmm/ptbuild.h"
#include "targets/target.h"
#include "targets/writer.h"

#define RAM (2ULL << 30)
#define BASE_VA 0x0000010000000000ULL
#define SPAN (1ULL << 30)
#define NTRANS 2000000

struct bump {
	struct physmem *pm;
	uint64_t next;
};

static struct err *bump_alloc(void *arg, uint64_t va, unsigned level, uint64_t *ret)
{
	struct bump *b = arg;

	(void)va;
	(void)level;
	*ret = b->next;
	physmem_zero_page(b->pm, b->next);
	b->next += 0x1000;
	return NULL;
}

static void die(struct err *err)
{
	fprintf(stderr, "bench_translate: %s\n", err->message);
	exit(1);
}

/* xorshift64*: the same VAs every run */
static uint64_t rnd(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545F4914F6CDD1DULL;
}

static void build(struct physmem *pm)
{
	struct bump bp = { pm, 0x100000 };
	struct ptbuild b;
	uint64_t off;
	struct err *err = ptb_init(&b, pm, 0x1000, 0x1ED, 0, bump_alloc, &bp);

	for (off = 0; off < SPAN && !err; off += 0x1000)
		err = ptb_map(&b, BASE_VA + off, 0x40000000 + off, false, 0x8000000000000867ULL);
	if (err)
		die(err);
}

static int by_double(const void *a, const void *b)
{
	double d = *(const double *)a - *(const double *)b;

	return d < 0 ? -1 : d > 0;
}

/* Median time to open @path and find its first run. */
static double open_median(const char *path)
{
	double t[15];
	int i;

	for (i = 0; i < 15; i++) {
		struct target *tg = NULL;
		double t0 = now_seconds();
		struct err *err = target_open(path, NULL, &tg);

		if (err)
			die(err);
		t[i] = now_seconds() - t0;
		target_close(tg);
	}
	qsort(t, 15, sizeof(t[0]), by_double);
	return t[7];
}

int main(int argc, char **argv)
{
	char raw[4096], big[4096];
	struct physmem pm;
	struct dump_image img;
	struct phys_run run = { 0, RAM, 0 };
	struct target *t = NULL;
	struct as as;
	struct xlate x;
	uint64_t seed = 0x9E3779B97F4A7C15ULL, pa, sum = 0, i, ws[512];
	double t0, t_cold, t_miss, t_warm, o_small, o_big;
	int fd;

	if (argc != 2) {
		fprintf(stderr, "usage: bench_translate DIR\n");
		return 2;
	}
	snprintf(raw, sizeof(raw), "%s/translate.raw", argv[1]);
	snprintf(big, sizeof(big), "%s/translate-64g.raw", argv[1]);
	if (physmem_init(&pm, RAM))
		return 1;
	build(&pm);
	memset(&img, 0, sizeof(img));
	img.mem = pm.ram;
	img.mem_size = RAM;
	img.runs = &run;
	img.nruns = 1;
	img.present = pm.touched;
	if (dump_write(&img, "raw", raw) || target_open(raw, NULL, &t))
		return 1;
	as_init_x64(&as, t, 0x1000, "kernel");

	t0 = now_seconds();
	for (i = 0; i < NTRANS; i++) {
		struct err *err = as_translate(&as, BASE_VA + (rnd(&seed) % SPAN), &x);

		if (err)
			die(err);
		sum += x.pa;
	}
	t_cold = now_seconds() - t0;
	as_flush(&as);
	t0 = now_seconds();
	for (i = 0; i < NTRANS; i++) {
		struct err *err = as_va_to_pa(&as, BASE_VA + (rnd(&seed) % SPAN), &pa, NULL);

		if (err)
			die(err);
		sum += pa;
	}
	t_miss = now_seconds() - t0;
	for (i = 0; i < 512; i++)
		ws[i] = BASE_VA + (rnd(&seed) % SPAN);
	as_flush(&as);
	as.tlb_hits = as.tlb_misses = 0;
	t0 = now_seconds();
	for (i = 0; i < NTRANS; i++) {
		struct err *err = as_va_to_pa(&as, ws[i % 512], &pa, NULL);

		if (err)
			die(err);
		sum += pa;
	}
	t_warm = now_seconds() - t0;

	/* a 64 GiB sparse dump holding the same tables */
	fd = open(big, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || ftruncate(fd, 64ULL << 30) || pwrite(fd, pm.ram, 0x400000, 0) != 0x400000)
		return 1;
	close(fd);
	o_small = open_median(raw);
	o_big = open_median(big);

	printf("machine: 2 GiB RAM, 1 GiB mapped in 4 KiB pages (%llu page tables); "
	       "checksum %04" PRIx64 "\n", SPAN >> 21, sum & 0xffff);
	printf("%-44s %10s %16s\n", "operation", "seconds", "rate");
	printf("%-44s %10.3f %12.2f M/s\n", "translate, cold (full walk every time)", t_cold,
	       NTRANS / t_cold / 1e6);
	printf("%-44s %10.3f %12.2f M/s\n", "translate, cache, random over 1 GiB", t_miss,
	       NTRANS / t_miss / 1e6);
	printf("%-44s %10.3f %12.2f M/s (hit rate %.1f%%)\n", "translate, cache warm (512-page set)",
	       t_warm, NTRANS / t_warm / 1e6,
	       100.0 * as.tlb_hits / (double)(as.tlb_hits + as.tlb_misses));
	printf("%-44s %10.6f s\n", "open a 2 GiB sparse raw dump (median)", o_small);
	printf("%-44s %10.6f s (%.2fx the 2 GiB one)\n", "open a 64 GiB sparse raw dump (median)",
	       o_big, o_big / o_small);
	target_close(t);
	physmem_deinit(&pm);
	unlink(raw);
	unlink(big);
	return 0;
}
