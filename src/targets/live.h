/* SPDX-License-Identifier: MIT */
/*
 * Live targets: a running QEMU guest read through its monitor (DESIGN.md "Live targets",
 * formats.md §1d, live-lab.md §4). This is the part every transport shares; a transport
 * (libvirt in target_libvirt.c, a bare QMP socket in target_qmp.c) supplies a few calls:
 * read guest-physical memory, run an HMP or QMP command, report the guest's run state.
 *
 * What the live target does with them:
 *   - guest RAM layout from `query-memdev` + `info mtree -f` (the runs; every read is
 *     bounds-checked against them, since a peek past the end of RAM returns zeros silently);
 *   - registers of every vCPU from `info registers -a`, re-read before each command;
 *   - memory either from a shared memory-backend-file mapped read-only (the fast path, when
 *     the transport is local and every RAM block is such a file) or through the transport's
 *     peek behind a cache of large chunks (the API costs about 1.3 ms a call whatever the
 *     size, so 4 KiB reads would be 300 times slower than 1 MiB ones);
 *   - the cache is dropped before each command (the guest keeps running) and on .reload,
 *     which also re-reads the layout and re-attaches after the guest went away.
 * Never written: no monitor command that changes guest state is ever sent.
 */
#ifndef MMKD_TARGETS_LIVE_H
#define MMKD_TARGETS_LIVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "targets/target.h"

struct err;

enum live_state {
	LIVE_RUNNING,
	LIVE_PAUSED,  /* paused, suspended, in-migration...: memory is readable and stable */
	LIVE_OFF,     /* shut off, crashed, gone: nothing to read */
};

enum live_access {
	LIVE_ACCESS_AUTO,   /* shared memory file when possible, else peek */
	LIVE_ACCESS_PEEK,   /* always peek through the transport */
	LIVE_ACCESS_SHARED, /* the shared memory file, or fail */
};

/** A transport's calls. @ctx is the transport's private data. */
struct live_backend {
	const char *name;	/* "libvirt", "qmp": for messages */
	size_t max_peek;	/* largest read one peek call accepts */
	/** Read guest-physical [pa, pa+len); len <= max_peek and within guest RAM. */
	struct err *(*peek)(void *ctx, uint64_t pa, void *buf, size_t len);
	/** Run an HMP command; *reply_ret is malloc'd text. */
	struct err *(*hmp)(void *ctx, const char *cmd, char **reply_ret);
	/** Run a QMP command (JSON text); *reply_ret is the malloc'd JSON reply. */
	struct err *(*qmp)(void *ctx, const char *cmd, char **reply_ret);
	/** The guest's run state; @why_ret (static string) names it for messages. */
	struct err *(*state)(void *ctx, enum live_state *state_ret, const char **why_ret);
	/** Optional: find the guest again after it went away (.reload). */
	struct err *(*reattach)(void *ctx);
	/** May files named by the guest's monitor be opened here (same host)? */
	bool (*is_local)(void *ctx);
	/** Free @ctx. */
	void (*close)(void *ctx);
};

struct live_opts {
	enum live_access access;
	size_t chunk_len;	/* peek cache chunk; 0 = 1 MiB (clamped to max_peek) */
	unsigned nchunks;	/* chunks kept; 0 = 16 */
};

/**
 * live_target_create() - attach: read the RAM layout and registers, choose the access path.
 * @ops: the transport's target_ops (name, and the live_* functions below as its hooks).
 * @be: the transport's calls (static); @ctx: its private data (owned from now on, even on
 *      failure).
 * @name: display name ("libvirt:DOMAIN").
 * @subject: what messages call the guest ("domain 'DOMAIN'").
 * @ret: the target (caller closes).
 * Return: NULL, or the first failure: guest not running, monitor errors, no RAM found, or
 *         (with LIVE_ACCESS_SHARED) why the shared memory file cannot be used.
 */
struct err *live_target_create(const struct target_ops *ops, const struct live_backend *be,
			       void *ctx, const char *name, const char *subject,
			       const struct live_opts *opts, struct target **ret);

/** live_read_phys() - target_ops.read_phys of every live target. */
struct err *live_read_phys(struct target *t, uint64_t pa, void *buf, size_t len);

/** live_page_ptr() - target_ops.page_ptr: a page of the shared RAM file, read in place (the
 *  guest may change it while it is read, as it may between two commands); NULL on peeks. */
const uint8_t *live_page_ptr(struct target *t, uint64_t page);

/** live_invalidate() - target_ops.invalidate: drop the cache, refresh state and registers. */
void live_invalidate(struct target *t);

/** live_reload() - target_ops.reload: re-attach if needed, re-read layout and registers. */
struct err *live_reload(struct target *t);

/** live_close() - target_ops.close. */
void live_close(struct target *t);

/** LIVE_TARGET_OPS() - the target_ops of a live target named @NAME: every operation is
 *  live.c's, whatever the transport behind it. */
#define LIVE_TARGET_OPS(NAME)                                                                 \
	{                                                                                     \
		.name = (NAME), .read_phys = live_read_phys, .page_ptr = live_page_ptr,       \
		.invalidate = live_invalidate, .reload = live_reload, .close = live_close,    \
	}

/**
 * live_peek_stats() - counters for benchmarks and tests.
 * @calls_ret: peek calls made so far; @bytes_ret: bytes they returned.
 */
void live_peek_stats(const struct target *t, uint64_t *calls_ret, uint64_t *bytes_ret);

/** live_access_parse() - "auto", "peek" or "shared". Return: false if unknown. */
bool live_access_parse(const char *s, enum live_access *ret);

#endif
