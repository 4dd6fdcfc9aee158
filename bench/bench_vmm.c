// SPDX-License-Identifier: MIT
/*
 * Benchmarks of the reference VMM (`make bench`; never part of `make check`): simulated page
 * faults per second (demand-zero, soft and hard), VAD and process creation, truth building
 * and dump write throughput, on the scale machine of the issue (16 GiB of RAM, 1,000
 * processes, 100,000 VADs) and on a small machine thrashing through its paging file.
 * Figures go to stdout, one per line: "name: value unit (details)".
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/err.h"
#include "core/util.h"
#include "model/vmm/vmm.h"
#include "targets/writer.h"

static void die(struct err *err, const char *what)
{
	if (!err)
		return;
	fprintf(stderr, "bench_vmm: %s: %s\n", what, err->message);
	exit(1);
}

static void run(struct vmm *v, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void run(struct vmm *v, const char *fmt, ...)
{
	char line[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	die(vmm_exec(v, line, 0), line);
}

static uint64_t faults(struct vmm *v)
{
	struct vmm_stats s;

	vmm_stats(v, &s);
	return s.faults;
}

static void report(const char *name, double value, const char *unit, const char *details)
{
	printf(value < 100 ? "%-34s %12.2f %-10s %s\n" : "%-34s %12.0f %-10s %s\n", name, value, unit,
	       details);
	fflush(stdout);
}

/* The scale machine: boot, processes, VADs, demand-zero faults, truth, dump. */
static void scale(const char *tmpdir)
{
	struct vmm_options o = { .truth_pfns = false, .truth_ptes = false };
	struct vmm *v;
	struct dump_image img;
	json_t *truth;
	char path[512], detail[128];
	double t0, t;
	uint64_t f0;
	unsigned i, j;

	t0 = now_seconds();
	die(vmm_create("machine ram=16G pagefile=4G seed=7", 1, &o, &v), "boot");
	report("boot 16 GiB machine", now_seconds() - t0, "s", "PFN database of 4M entries, lists");
	t0 = now_seconds();
	for (i = 1; i <= 1000; i++)
		run(v, "process p%u.exe", i);
	t = now_seconds() - t0;
	report("process creation", 1000 / t, "procs/s", "EPROCESS, PML4, hyperspace, WSL, UMAB");
	t0 = now_seconds();
	for (i = 1; i <= 1000; i++)
		for (j = 0; j < 100; j++)
			run(v, "alloc p%u.exe any 64K rw", i);
	t = now_seconds() - t0;
	report("VAD creation (AVL insert)", 100000 / t, "VADs/s", "100,000 VADs in 1,000 trees");
	f0 = faults(v);
	t0 = now_seconds();
	for (i = 1; i <= 1000; i++)
		run(v, "touch p%u.exe 0x10000 1M write", i);
	t = now_seconds() - t0;
	snprintf(detail, sizeof(detail), "%" PRIu64 " faults (+ page tables) in %.2f s", faults(v) - f0, t);
	report("demand-zero faults (A1, H1)", (double)(faults(v) - f0) / t, "faults/s", detail);
	t0 = now_seconds();
	die(vmm_snapshot(v, "scale", &img, &truth), "snapshot");
	report("truth build (no pfns/ptes)", now_seconds() - t0, "s", "1,000 processes, 100,000 VADs");
	snprintf(path, sizeof(path), "%s/bench-scale.raw", tmpdir);
	t0 = now_seconds();
	die(dump_write(&img, "raw", path), "dump");
	t = now_seconds() - t0;
	snprintf(detail, sizeof(detail), "16 GiB raw image in %.2f s", t);
	report("dump write throughput", (double)(16ULL << 30) / t / (1 << 20), "MiB/s", detail);
	unlink(path);
	json_decref(truth);
	vmm_destroy(v);
}

/* A 64 MiB machine working through 256 MiB: trims, writes, repurposes, soft and hard faults. */
static void thrash(void)
{
	struct vmm_options o = { .truth_pfns = false, .truth_ptes = false };
	struct vmm_stats s0, s1;
	struct vmm *v;
	char detail[160];
	double t0, t;
	unsigned pass;

	die(vmm_create("machine ram=64M pagefile=512M seed=3", 1, &o, &v), "boot");
	run(v, "process thrash.exe");
	run(v, "alloc thrash.exe 0x10000000 256M rw");
	vmm_stats(v, &s0);
	t0 = now_seconds();
	for (pass = 0; pass < 3; pass++)
		run(v, "touch thrash.exe 0x10000000 256M %s", pass ? "read" : "write");
	t = now_seconds() - t0;
	vmm_stats(v, &s1);
	snprintf(detail, sizeof(detail),
		 "3 passes over 256 MiB in 64 MiB: %" PRIu64 " faults, %" PRIu64 " reads, %" PRIu64
		 " writes, %.2f s",
		 s1.faults - s0.faults, s1.page_reads - s0.page_reads, s1.page_writes - s0.page_writes, t);
	report("faults under memory pressure", (double)(s1.faults - s0.faults) / t, "faults/s", detail);
	run(v, "trim thrash.exe all");
	run(v, "mpw");
	vmm_stats(v, &s0);
	t0 = now_seconds();
	run(v, "touch thrash.exe 0x10000000 16M read");
	t = now_seconds() - t0;
	vmm_stats(v, &s1);
	snprintf(detail, sizeof(detail), "%" PRIu64 " soft faults from standby (D1)", s1.soft_faults - s0.soft_faults);
	report("soft faults", (double)(s1.faults - s0.faults) / t, "faults/s", detail);
	vmm_destroy(v);
}

int main(int argc, char **argv)
{
	const char *tmpdir = argc > 1 ? argv[1] : "/tmp";

	printf("reference VMM benchmarks (mmkd bench/bench_vmm)\n");
	scale(tmpdir);
	thrash();
	return 0;
}
