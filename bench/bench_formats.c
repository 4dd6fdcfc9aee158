// SPDX-License-Identifier: MIT
/*
 * bench_formats [--read MiB] [--opens N] RAW DUMP...: for each dump, the time target_open()
 * takes (median and worst of N opens; the first open of a file is also shown, the page cache
 * then holds only what earlier runs touched) and the sequential throughput of target_read_phys()
 * over the first MiB of physical memory in 1 MiB reads: the first pass ("cold": page faults,
 * page cache filled for sparse holes) and the second ("warm"), next to a plain memcpy of the
 * same bytes out of a warm mapping of RAW and a read(2) of them, the baselines. Prints a table.
 * No pass/fail: timing is never a test (DEVELOPERS.md).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/err.h"
#include "core/util.h"
#include "targets/target.h"

#define CHUNK (1U << 20)

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Seconds to read [0, @len) of physical memory; pages the dump lacks are skipped. */
static double read_pass(struct target *t, uint8_t *buf, uint64_t len, uint64_t *bytes_ret)
{
	double t0 = now_seconds();
	uint64_t bytes = 0, pa;

	for (pa = 0; pa < len; pa += CHUNK) {
		struct err *err = target_read_phys(t, pa, buf, CHUNK, "bench");

		if (err) {
			uint64_t p;

			/* A chunk touching a hole: read its present pages one by one. */
			err_destroy(err);
			for (p = pa; p < pa + CHUNK; p += 4096) {
				err = target_read_phys(t, p, buf, 4096, "bench");
				if (!err)
					bytes += 4096;
				err_destroy(err);
			}
			continue;
		}
		bytes += CHUNK;
	}
	*bytes_ret = bytes;
	return now_seconds() - t0;
}

static double baseline_memcpy(const char *raw, uint8_t *buf, uint64_t len)
{
	int fd = open(raw, O_RDONLY);
	const uint8_t *m;
	double t0, best = 1e9;
	uint64_t off;
	int pass;

	if (fd < 0)
		return 0;
	m = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);
	close(fd);
	if (m == MAP_FAILED)
		return 0;
	for (pass = 0; pass < 3; pass++) {
		t0 = now_seconds();
		for (off = 0; off < len; off += CHUNK)
			memcpy(buf, m + off, CHUNK);
		if (pass)
			best = MIN(best, now_seconds() - t0);
	}
	munmap((void *)m, len);
	return best;
}

static double baseline_read(const char *raw, uint8_t *buf, uint64_t len)
{
	int fd = open(raw, O_RDONLY);
	double t0, best = 1e9;
	uint64_t off;
	int pass;

	if (fd < 0)
		return 0;
	for (pass = 0; pass < 3; pass++) {
		t0 = now_seconds();
		for (off = 0; off < len; off += CHUNK)
			if (pread(fd, buf, CHUNK, (off_t)off) != CHUNK)
				break;
		if (pass)
			best = MIN(best, now_seconds() - t0);
	}
	close(fd);
	return best;
}

static void bench_one(const char *path, uint8_t *buf, uint64_t len, int nopens, double base)
{
	double *opens = calloc((size_t)nopens, sizeof(double)), first = 0, secs, cold;
	struct target *t = NULL;
	struct stat st;
	uint64_t bytes = 0;
	struct err *err;
	int i;

	if (!opens || stat(path, &st) < 0) {
		printf("%-28s cannot stat: %s\n", path, strerror(errno));
		free(opens);
		return;
	}
	for (i = 0; i < nopens; i++) {
		double t0 = now_seconds();

		err = target_open(path, NULL, &t);
		opens[i] = now_seconds() - t0;
		if (err) {
			printf("%-28s %s\n", path, err->message);
			err_destroy(err);
			free(opens);
			return;
		}
		if (i == 0)
			first = opens[0];
		if (i + 1 < nopens)
			target_close(t);
	}
	cold = read_pass(t, buf, len, &bytes); /* also faults the file's pages in */
	secs = read_pass(t, buf, len, &bytes);
	qsort(opens, (size_t)nopens, sizeof(double), cmp_double);
	printf("%-16s %-9s %6.2f %8.0f %8.3f %8.3f %8.3f %9.0f %9.0f %7.2f\n",
	       strrchr(path, '/') ? strrchr(path, '/') + 1 : path, t->ops->name,
	       st.st_size / 1073741824.0, st.st_blocks * 512 / 1048576.0, first * 1e3,
	       opens[nopens / 2] * 1e3, opens[nopens - 1] * 1e3, bytes / 1048576.0 / cold,
	       bytes / 1048576.0 / secs, base > 0 ? (bytes / secs) / (len / base) : 0);
	target_close(t);
	free(opens);
}

int main(int argc, char **argv)
{
	uint64_t len = 1024ULL << 20;
	int nopens = 20, i = 1;
	double base_memcpy, base_read;
	uint8_t *buf = malloc(CHUNK);

	while (i < argc && !strncmp(argv[i], "--", 2)) {
		if (!strcmp(argv[i], "--read") && i + 1 < argc)
			len = strtoull(argv[++i], NULL, 0) << 20;
		else if (!strcmp(argv[i], "--opens") && i + 1 < argc)
			nopens = MAX(1, atoi(argv[++i]));
		i++;
	}
	if (argc - i < 2 || !buf) {
		fprintf(stderr, "usage: bench_formats [--read MiB] [--opens N] RAW DUMP...\n");
		return 2;
	}
	base_memcpy = baseline_memcpy(argv[i], buf, len);
	base_read = baseline_read(argv[i], buf, len);
	printf("sequential read of the first %llu MiB of physical memory, 1 MiB per call\n",
	       (unsigned long long)(len >> 20));
	printf("baseline: memcpy from a mapping of %s: %.0f MB/s; pread(2): %.0f MB/s\n\n", argv[i],
	       len / 1048576.0 / base_memcpy, len / 1048576.0 / base_read);
	printf("%-16s %-9s %6s %8s %8s %8s %8s %9s %9s %7s\n", "dump", "reader", "GiB", "disk MiB",
	       "open1 ms", "open ms", "max ms", "cold MB/s", "warm MB/s", "x memcpy");
	for (i++; i < argc; i++)
		bench_one(argv[i], buf, len, nopens, base_memcpy);
	free(buf);
	return 0;
}
