// SPDX-License-Identifier: MIT
/*
 * .dump [/o] [/f] [--format FMT] FILE: write the current snapshot's physical memory, CPU state and
 * hints as a new dump (WinDbg's .dump /f). The way to keep a step of mmkd --model, or to
 * convert a dump between formats. It never writes over an open dump: it writes a temporary
 * file beside FILE and renames it, and refuses a FILE that is one of the session's dumps.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd/builtins.h"
#include "cmd/session.h"
#include "core/err.h"
#include "core/progress.h"
#include "core/util.h"
#include "targets/pagefile.h"
#include "targets/target.h"
#include "targets/writer.h"

/* Is @path one of the files the session has open? */
static bool is_open_dump(struct session *s, const char *path)
{
	struct stat a, b;
	size_t i;

	if (stat(path, &a) < 0)
		return false;
	for (i = 0; i < s->nsnaps; i++) {
		const struct target *t = s->snaps[i].t;

		if (t->src.fd > 0 && !fstat(t->src.fd, &b) && a.st_dev == b.st_dev &&
		    a.st_ino == b.st_ino)
			return true;
	}
	return false;
}

/* Would writing FILE's paging file replace one the session reads? Then leave it alone. */
static bool is_open_pagefile(struct session *s, const struct pagefile_image *pf, const char *path)
{
	const char *slash = strrchr(path, '/'), *dot = strrchr(path, '.');
	_cleanup_free_ char *pfpath = NULL;
	struct stat a, b;
	size_t i, j;

	(void)pf;
	if (!dot || (slash && dot < slash))
		dot = path + strlen(path);
	if (asprintf(&pfpath, "%.*s.pagefile.sys", (int)(dot - path), path) < 0 ||
	    stat(pfpath, &a) < 0)
		return false;
	for (i = 0; i < s->nsnaps; i++)
		for (j = 0; j < PAGEFILE_MAX; j++)
			if (s->snaps[i].pagefiles[j] && s->snaps[i].pagefiles[j]->fd >= 0 &&
			    !fstat(s->snaps[i].pagefiles[j]->fd, &b) && a.st_dev == b.st_dev &&
			    a.st_ino == b.st_ino)
				return true;
	return false;
}

/* Copy every present page of @t into @mem (anonymous, zero-filled) and mark it in @present. */
static struct err *gather(struct target *t, uint8_t *mem, uint64_t *present, bool progress)
{
	struct progress prog;
	uint64_t done = 0, total = 0, pa;
	struct err *err = NULL;
	size_t r;

	for (r = 0; r < t->nruns; r++)
		total += t->runs[r].len >> PAGE_SHIFT;
	progress_begin(&prog, progress, "reading pages");
	for (r = 0; r < t->nruns && !err; r++) {
		const struct phys_run *run = &t->runs[r];

		for (pa = run->start_pa; pa < run->start_pa + run->len && !err; pa += PAGE_SIZE) {
			uint64_t n = pa >> PAGE_SHIFT, len = MIN(PAGE_SIZE, run->start_pa + run->len - pa);
			const uint8_t *p = target_page_ptr(t, pa);

			if (p)
				memcpy(mem + pa, p + (pa & (PAGE_SIZE - 1)), len);
			else
				err = target_read_phys(t, pa, mem + pa, len, "a page to dump");
			present[n / 64] |= 1ULL << (n % 64);
			if ((++done & 0xFFF) == 0)
				progress_update(&prog, done, total);
		}
	}
	progress_end(&prog);
	return err;
}

/* Paging file 0 of the snapshot, beside FILE as <stem>.pagefile.sys (the name mmkd looks for
 * when it opens FILE), sparse; written under a temporary name and renamed. */
static struct err *dump_pagefile(const struct pagefile_image *pf, const char *path, bool overwrite,
				 char **written)
{
	_cleanup_free_ char *pfpath = NULL, *tmp = NULL;
	const char *slash = strrchr(path, '/'), *dot = strrchr(path, '.');
	uint8_t page[PAGE_SIZE];
	static const uint8_t zero[PAGE_SIZE];
	struct err *err = NULL;
	struct stat st;
	uint64_t off;
	int fd;

	if (!dot || (slash && dot < slash))
		dot = path + strlen(path);
	if (asprintf(&pfpath, "%.*s.pagefile.sys", (int)(dot - path), path) < 0 ||
	    asprintf(&tmp, "%s.mmkd-tmp", pfpath) < 0)
		return err_nomem;
	if (!overwrite && stat(pfpath, &st) == 0)
		return err_create(ERR_INVALID_ARG, "'%s' exists (/o overwrites it)", pfpath);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return err_os(errno, "cannot create '%s'", tmp);
	for (off = 0; off + PAGE_SIZE <= pf->len && !err; off += PAGE_SIZE) {
		err = pagefile_image_read(pf, off, page, PAGE_SIZE);
		if (!err && memcmp(page, zero, PAGE_SIZE) &&
		    pwrite(fd, page, PAGE_SIZE, (off_t)off) != (ssize_t)PAGE_SIZE)
			err = err_os(errno, "cannot write '%s'", tmp);
	}
	if (!err && ftruncate(fd, (off_t)pf->len) < 0)
		err = err_os(errno, "cannot size '%s'", tmp);
	if (close(fd) < 0 && !err)
		err = err_os(errno, "cannot close '%s'", tmp);
	if (!err && rename(tmp, pfpath) < 0)
		err = err_os(errno, "cannot rename '%s' to '%s'", tmp, pfpath);
	if (err)
		unlink(tmp);
	else
		*written = strdup(pfpath);
	return err;
}

static struct err *dump_run(struct ext_ctx *ctx, const struct ext_args *args, struct out *o)
{
	struct session *s = ctx->session;
	struct snapshot *snap = session_snap(s);
	const char *path = args->a[3].s, *format = args->a[2].set ? args->a[2].s : "raw";
	_cleanup_free_ char *tmp = NULL;
	_cleanup_free_ uint64_t *present = NULL;
	_cleanup_free_ char *pfwritten = NULL;
	struct dump_image img;
	uint64_t size;
	uint8_t *mem;
	struct stat st;
	struct err *err;

	if (!snap)
		return err_create(ERR_INVALID_ARG, "no dump is open");
	if (is_open_dump(s, path))
		return err_create(ERR_INVALID_ARG, "'%s' is a dump this session has open; mmkd never "
						   "writes to a dump", path);
	if (!args->a[0].set && stat(path, &st) == 0)
		return err_create(ERR_INVALID_ARG, "'%s' exists (/o overwrites it)", path);
	size = target_max_pa(snap->t);
	if (!size)
		return err_create(ERR_INVALID_ARG, "the target has no physical memory");
	mem = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
		   -1, 0);
	if (mem == MAP_FAILED)
		return err_os(errno, "cannot map %" PRIu64 " MiB to build the dump", size >> 20);
	present = calloc((size >> PAGE_SHIFT) / 64 + 1, sizeof(*present));
	err = present ? gather(snap->t, mem, present, ctx->progress) : err_nomem;
	if (!err && asprintf(&tmp, "%s.mmkd-tmp", path) < 0)
		err = err_nomem;
	if (!err) {
		memset(&img, 0, sizeof(img));
		img.mem = mem;
		img.mem_size = size;
		img.runs = snap->t->runs;
		img.nruns = snap->t->nruns;
		img.present = present;
		img.cpus = snap->t->cpus;
		img.ncpus = snap->t->ncpus;
		img.hints = snap->t->hints;
		err = dump_write(&img, format, tmp);
		if (!err && rename(tmp, path) < 0)
			err = err_os(errno, "cannot rename '%s' to '%s'", tmp, path);
		if (err)
			unlink(tmp);
	}
	munmap(mem, size);
	if (!err && snap->pagefiles[0] && !is_open_pagefile(s, snap->pagefiles[0], path))
		err = dump_pagefile(snap->pagefiles[0], path, args->a[0].set, &pfwritten);
	if (err)
		return err;
	out_printf(o, "Wrote %s (%s, %" PRIu64 " MiB of physical memory in %zu runs, %zu CPUs)\n",
		   path, format, size >> 20, snap->t->nruns, snap->t->ncpus);
	if (pfwritten)
		out_printf(o, "Wrote %s (paging file 0)\n", pfwritten);
	out_str(o, "pagefile", pfwritten);
	out_str(o, "file", path);
	out_str(o, "format", format);
	out_u64(o, "bytes", size, OUT_DEC);
	out_u64(o, "runs", snap->t->nruns, OUT_DEC);
	out_u64(o, "cpus", snap->t->ncpus, OUT_DEC);
	return NULL;
}

static const struct ext_opt dump_opts[] = {
	{ "/o", OPT_FLAG, false, false, "overwrite FILE if it exists" },
	{ "/f", OPT_FLAG, false, false, "a full dump (the only kind; accepted for WinDbg habit)" },
	{ "--format", OPT_STR, false, false, "raw (default) or another writer's format" },
	{ "FILE", OPT_STR, true, true, "the dump to write" },
	{ 0 },
};

const struct ext_def builtin_dump = {
	.name = ".dump",
	.summary = "write the current snapshot as a new dump file",
	.synopsis = ".dump [/o] [/f] [--format FMT] FILE",
	.help = "Writes the current snapshot's physical memory (its runs; holes stay holes), CPU\n"
		"state and what the container said about the kernel, as a new dump, and its paging\n"
		"file 0 beside it as <stem>.pagefile.sys (where mmkd looks for it): a step of\n"
		"mmkd --model kept for later, or a dump converted to another format. /f is\n"
		"accepted and implied (always a full dump). The file is written beside FILE under\n"
		"a temporary name and renamed when complete; an existing FILE needs /o, and a FILE\n"
		"this session has open is refused: mmkd never writes to a dump.",
	.opts = dump_opts,
	.run = dump_run,
};
