// SPDX-License-Identifier: MIT
/* The live target core (src/targets/live.c) over a scripted transport: guest RAM is a buffer,
 * the monitor answers with QEMU 7.2 text (tests/data/qemu/), peeks are counted. Checks the
 * RAM bounds (a peek past the end of RAM would return zeros), the chunk cache (one call per
 * chunk, dropped at each command), LRU eviction, a guest that stops, the shared-memory path
 * (no peeks; a file that is not the guest's memory is refused), and the access options. The
 * real transport is exercised end to end by tests/live_libvirt.sh. */
#include "targets/live.h"

#include <fcntl.h>
#include <unistd.h>

#include "core/util.h"
#include "tap.h"

#define RAM_LEN (36u << 20) /* the machine of mtree-pc-36m.txt */

struct fake {
	uint8_t *ram;
	enum live_state state;
	unsigned peeks;
	uint64_t peek_end;	/* highest pa+len ever peeked */
	char *mtree, *regs;
	char mem_path[64];	/* "" = RAM backend */
	bool share;
};

static struct err *f_peek(void *ctx, uint64_t pa, void *buf, size_t len)
{
	struct fake *f = ctx;

	if (pa + len > RAM_LEN) {
		memset(buf, 0, len); /* what libvirt does past the end: zeros, no error */
	} else {
		memcpy(buf, f->ram + pa, len);
	}
	f->peeks++;
	if (pa + len > f->peek_end)
		f->peek_end = pa + len;
	return NULL;
}

static struct err *f_hmp(void *ctx, const char *cmd, char **reply_ret)
{
	struct fake *f = ctx;

	if (f->state == LIVE_OFF)
		return err_create(ERR_OS, "monitor closed");
	if (!strcmp(cmd, "info mtree -f"))
		*reply_ret = strdup(f->mtree);
	else if (!strcmp(cmd, "info registers -a"))
		*reply_ret = strdup(f->regs);
	else
		return err_create(ERR_UNSUPPORTED, "unexpected HMP command '%s'", cmd);
	return *reply_ret ? NULL : err_nomem;
}

static struct err *f_qmp(void *ctx, const char *cmd, char **reply_ret)
{
	struct fake *f = ctx;
	int n;

	if (strstr(cmd, "query-memdev"))
		n = asprintf(reply_ret, "{\"return\":[{\"id\":\"pc.ram\",\"size\":%u,\"share\":%s}]}",
			     RAM_LEN, f->share ? "true" : "false");
	else if (strstr(cmd, "qom-get") && strstr(cmd, "/objects/pc.ram") && f->mem_path[0])
		n = asprintf(reply_ret, "{\"return\":\"%s\"}", f->mem_path);
	else if (strstr(cmd, "qom-get"))
		n = asprintf(reply_ret, "{\"error\":{\"class\":\"GenericError\",\"desc\":\"Property "
					"'memory-backend-ram.mem-path' not found\"}}");
	else
		return err_create(ERR_UNSUPPORTED, "unexpected QMP command '%s'", cmd);
	return n < 0 ? err_nomem : NULL;
}

static struct err *f_state(void *ctx, enum live_state *state_ret, const char **why_ret)
{
	struct fake *f = ctx;

	*state_ret = f->state;
	*why_ret = f->state == LIVE_RUNNING ? "running" : f->state == LIVE_PAUSED ? "paused"
										  : "shut off";
	return NULL;
}

static bool f_local(void *ctx)
{
	return true;
}

static void f_close(void *ctx)
{
}

static const struct live_backend fake_backend = {
	.name = "fake",
	.max_peek = 4u << 20,
	.peek = f_peek,
	.hmp = f_hmp,
	.qmp = f_qmp,
	.state = f_state,
	.is_local = f_local,
	.close = f_close,
};

static const struct target_ops fake_ops = {
	.name = "fake",
	.read_phys = live_read_phys,
	.invalidate = live_invalidate,
	.reload = live_reload,
	.close = live_close,
};

static struct err *attach(struct fake *f, enum live_access access, size_t chunk, unsigned n,
			  struct target **ret)
{
	struct live_opts o = { .access = access, .chunk_len = chunk, .nchunks = n };

	f->peeks = 0;
	return live_target_create(&fake_ops, &fake_backend, f, "fake:guest", "guest 'g'", &o, ret);
}

static void test_peek_path(struct fake *f)
{
	struct target *t = NULL;
	uint8_t buf[64];
	uint64_t v = 0;

	ck_no_err(attach(f, LIVE_ACCESS_AUTO, 0, 0, &t), "attach (RAM backend: peek path)");
	if (!t)
		return;
	ok(strstr(t->access, "fake memory peek, 1 MiB chunks; shared memory not used: RAM block "
			     "'pc.ram' is not a shared memory-backend-file") == t->access,
	   "access says peek, 1 MiB chunks, and why not shared: '%s'", t->access);
	is_u64(t->nruns, 1, "RAM ranges of one block merge into one run");
	is_u64(target_max_pa(t), RAM_LEN, "the run ends at the end of RAM");
	is_u64(t->ncpus, 2, "two vCPUs");
	is_u64(t->cpus[0].cr3, 0x102000, "CPU 0 CR3 from info registers");
	ck_no_err(target_read_phys(t, 0x601000, &v, 8, "q"), "read a qword");
	is_u64(v, 0x1122334455667788, "the guest's bytes");
	is_u64(f->peeks, 1, "one peek");
	ck_no_err(target_read_phys(t, 0x6ff000, buf, 16, "q"), "read in the same 1 MiB chunk");
	is_u64(f->peeks, 1, "served from the cache");
	ck_no_err(target_read_phys(t, 0x6ffff8, &v, 8, "q"), "a qword just below the chunk end");
	is_u64(f->peeks, 1, "still cached");
	ck_no_err(target_read_phys(t, 0x6ffffc, &v, 8, "q"), "a qword across two chunks");
	is_u64(f->peeks, 2, "the next chunk is read once");
	is_u64(v, 0x5566778811223344ULL, "and the bytes join up");
	f->ram[0x601000] = 0x99;
	ck_no_err(target_read_phys(t, 0x601000, &v, 8, "q"), "the guest changed memory");
	is_u64(v & 0xff, 0x88, "the cache still holds the old bytes within one command");
	target_invalidate(t);
	ck_no_err(target_read_phys(t, 0x601000, &v, 8, "q"), "read after the next command starts");
	is_u64(v & 0xff, 0x99, "the new bytes: the cache was dropped");
	ck_err(target_read_phys(t, RAM_LEN - 4, &v, 8, "q"), ERR_FAULT, "not in the guest's RAM",
	       "a read crossing the end of RAM fails");
	ck_err(target_read_phys(t, 0xfffc0000, &v, 8, "q"), ERR_FAULT, "not in the guest's RAM",
	       "the BIOS ROM is not guest RAM");
	ok(f->peek_end <= RAM_LEN, "no peek ever went past the end of RAM");
	target_close(t);
	f->ram[0x601000] = 0x88;
}

static void test_lru(struct fake *f)
{
	struct target *t = NULL;
	uint64_t v;

	ck_no_err(attach(f, LIVE_ACCESS_PEEK, 64 << 10, 2, &t), "attach with two 64 KiB chunks");
	if (!t)
		return;
	ok(strstr(t->access, "64 KiB chunks") != NULL, "access names the chunk size: '%s'",
	   t->access);
	target_read_phys(t, 0x200000, &v, 8, "q");
	target_read_phys(t, 0x300000, &v, 8, "q");
	target_read_phys(t, 0x200008, &v, 8, "q"); /* 0x200000 is now the most recent */
	is_u64(f->peeks, 2, "two chunks, two peeks");
	target_read_phys(t, 0x400000, &v, 8, "q"); /* evicts 0x300000 */
	target_read_phys(t, 0x200010, &v, 8, "q");
	is_u64(f->peeks, 3, "the most recently used chunk stays");
	target_read_phys(t, 0x300000, &v, 8, "q");
	is_u64(f->peeks, 4, "the least recently used one was evicted");
	target_close(t);
}

static void test_state(struct fake *f)
{
	struct target *t = NULL;
	uint64_t v;

	f->state = LIVE_PAUSED;
	ck_no_err(attach(f, LIVE_ACCESS_PEEK, 0, 0, &t), "attach to a paused guest");
	if (!t)
		return;
	is_str(t->notice, "guest 'g' is paused: reading its memory as of the pause",
	       "a notice for the shell");
	t->notice[0] = '\0';
	ck_no_err(target_read_phys(t, 0x601000, &v, 8, "q"), "a paused guest is readable");
	f->state = LIVE_RUNNING;
	target_invalidate(t);
	is_str(t->notice, "guest 'g' is now running", "resuming is noticed");
	is_str(t->state, "running", "state running");
	f->state = LIVE_OFF;
	target_invalidate(t);
	is_str(t->state, "shut off", "state shut off");
	is_str(t->notice, "guest 'g' is now shut off", "the shutdown is noticed");
	is_u64(t->ncpus, 0, "no registers any more");
	ck_err(target_read_phys(t, 0x601000, &v, 8, "q"), ERR_NOT_FOUND,
	       "the live target is gone: guest 'g' is shut off (.reload re-attaches)",
	       "reads fail with one line");
	ck_err(target_reload(t), ERR_NOT_FOUND, "is shut off", ".reload while it is off fails");
	f->state = LIVE_RUNNING;
	ck_no_err(target_reload(t), ".reload once it runs again");
	ck_no_err(target_read_phys(t, 0x601000, &v, 8, "q"), "and reads work again");
	is_u64(t->ncpus, 2, "with registers");
	target_close(t);
	f->state = LIVE_OFF;
	ck_err(attach(f, LIVE_ACCESS_AUTO, 0, 0, &t), ERR_NOT_FOUND, "guest 'g' is shut off",
	       "attaching to a guest that is off fails");
	f->state = LIVE_RUNNING;
}

static void test_shared(struct fake *f)
{
	char path[] = "/tmp/mmkd-test-live-XXXXXX";
	struct target *t = NULL;
	uint8_t buf[4096];
	uint64_t v = 0;
	int fd = mkstemp(path);

	if (fd < 0 || write(fd, f->ram, RAM_LEN) != (ssize_t)RAM_LEN) {
		printf("Bail out! cannot write %s\n", path);
		exit(99);
	}
	close(fd);
	snprintf(f->mem_path, sizeof(f->mem_path), "%s", path);
	f->share = true;
	ck_no_err(attach(f, LIVE_ACCESS_AUTO, 0, 0, &t), "attach (shared memory-backend-file)");
	if (t) {
		ok(!strncmp(t->access, "shared memory file /tmp/mmkd-test-live-", 39),
		   "access says the file is mapped: '%s'", t->access);
		f->peeks = 0;
		ck_no_err(target_read_phys(t, 0x601000, &v, 8, "q"), "read through the mapping");
		is_u64(v, 0x1122334455667788, "the guest's bytes");
		ck_no_err(target_read_phys(t, 0x100000, buf, sizeof(buf), "q"), "a page");
		is_u64(f->peeks, 0, "no peeks on the shared path");
		target_close(t);
	}
	t = NULL;
	ck_no_err(attach(f, LIVE_ACCESS_PEEK, 0, 0, &t), "--live-access peek on a shared guest");
	if (t) {
		ok(!strncmp(t->access, "fake memory peek", 16), "peek when asked: '%s'", t->access);
		target_close(t);
	}
	/* a file with the right name and size that is not the guest's memory */
	fd = open(path, O_WRONLY | O_TRUNC);
	if (fd < 0 || ftruncate(fd, RAM_LEN) < 0) {
		printf("Bail out! cannot truncate %s\n", path);
		exit(99);
	}
	close(fd);
	t = NULL;
	ck_no_err(attach(f, LIVE_ACCESS_AUTO, 0, 0, &t), "attach when the file is not the guest's");
	if (t) {
		ok(strstr(t->access, "the memory file's content differs from the guest's") != NULL,
		   "falls back to peek and says why: '%s'", t->access);
		target_close(t);
	}
	ck_err(attach(f, LIVE_ACCESS_SHARED, 0, 0, &t), ERR_UNSUPPORTED,
	       "cannot read guest RAM from a shared file: the memory file's content differs",
	       "--live-access shared refuses it");
	unlink(path);
	ck_err(attach(f, LIVE_ACCESS_SHARED, 0, 0, &t), ERR_UNSUPPORTED,
	       "shared file: cannot open '/tmp/mmkd-test-live-",
	       "--live-access shared: a missing file is named");
	f->share = false;
	f->mem_path[0] = '\0';
}

int main(void)
{
	struct fake f = { .state = LIVE_RUNNING };
	enum live_access a;
	size_t i;

	f.ram = calloc(1, RAM_LEN);
	f.mtree = tap_slurp("tests/data/qemu", "mtree-pc-36m.txt");
	f.regs = tap_slurp("tests/data/qemu", "info-registers-smp2.txt");
	if (!f.ram)
		return 99;
	for (i = 0x200000; i < RAM_LEN; i += 4096)
		f.ram[i + 0x800] = (uint8_t)(1 + (i >> 12)); /* non-zero pages: the file check */
	memcpy(f.ram + 0x601000, "\x88\x77\x66\x55\x44\x33\x22\x11", 8);
	memcpy(f.ram + 0x6ffffc, "\x44\x33\x22\x11\x88\x77\x66\x55", 8);
	test_peek_path(&f);
	test_lru(&f);
	test_state(&f);
	test_shared(&f);
	ok(live_access_parse("shared", &a) && a == LIVE_ACCESS_SHARED, "access 'shared'");
	ok(!live_access_parse("fast", &a), "unknown access mode");
	free(f.mtree);
	free(f.regs);
	free(f.ram);
	return done_testing();
}
