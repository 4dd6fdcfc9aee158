// SPDX-License-Identifier: MIT
/*
 * The QMP transport of the live target (target_qmp.h, live.h). QMP is line-based JSON over a
 * unix socket: a greeting, qmp_capabilities, then one reply per command with asynchronous
 * events in between (skipped). Only read-only commands are sent: query-status, query-memdev,
 * qom-get, human-monitor-command for `info mtree -f` and `info registers -a`, and pmemsave,
 * which reads guest memory into a file of ours (live-lab.md §3: byte-identical to the guest).
 */
#include "target_qmp.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include <jansson.h>

#include "core/err.h"
#include "core/util.h"

enum {
	QMP_MAX_PEEK = 4 << 20,	     /* like libvirt's limit: the cache's chunks fit either */
	QMP_MAX_LINE = 64 << 20,     /* a reply larger than this is not QEMU's */
	QMP_TIMEOUT_S = 30,
};

struct qmp_ctx {
	char *path;
	int fd;
	char *buf;	/* received, not yet consumed */
	size_t len, cap;
	char tmp[64];	/* pmemsave's file */
	int tmp_fd;
};

/* One line (without the newline) into a new string; an EOF or timeout is an error. */
static struct err *read_line(struct qmp_ctx *c, char **ret)
{
	for (;;) {
		char *nl = c->len ? memchr(c->buf, '\n', c->len) : NULL;
		ssize_t n;

		if (nl) {
			size_t l = (size_t)(nl - c->buf);
			char *s = strndup(c->buf, l);

			if (!s)
				return err_nomem;
			memmove(c->buf, nl + 1, c->len - l - 1);
			c->len -= l + 1;
			*ret = s;
			return NULL;
		}
		if (c->len + 65536 > c->cap) {
			char *b;

			if (c->cap >= QMP_MAX_LINE)
				return err_create(ERR_FORMAT, "QMP at '%s': reply too long", c->path);
			b = realloc(c->buf, c->cap ? c->cap * 2 : 1 << 20);
			if (!b)
				return err_nomem;
			c->buf = b;
			c->cap = c->cap ? c->cap * 2 : 1 << 20;
		}
		n = read(c->fd, c->buf + c->len, c->cap - c->len);
		if (n == 0 || (n < 0 && errno == ECONNRESET))
			return err_create(ERR_OS, "QEMU closed the QMP connection");
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return err_os(errno, "QMP at '%s': read", c->path);
		}
		c->len += (size_t)n;
	}
}

/* Send @cmd and return the next reply that is not an event. */
static struct err *lv_qmp(void *ctx, const char *cmd, char **reply_ret)
{
	struct qmp_ctx *c = ctx;
	size_t n = strlen(cmd), off = 0;
	struct err *err;

	if (c->fd < 0)
		return err_create(ERR_OS, "QMP at '%s': not connected", c->path);
	while (off < n + 1) {
		/* MSG_NOSIGNAL: a QEMU that quit must give an error, not kill mmkd with SIGPIPE */
		ssize_t w = off < n ? send(c->fd, cmd + off, n - off, MSG_NOSIGNAL)
				    : send(c->fd, "\n", 1, MSG_NOSIGNAL);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && (errno == EPIPE || errno == ECONNRESET))
			return err_create(ERR_OS, "QEMU closed the QMP connection");
		if (w <= 0)
			return err_os(w < 0 ? errno : EPIPE, "QMP at '%s': write", c->path);
		off += (size_t)w;
	}
	for (;;) {
		char *line = NULL;

		json_t *j;
		bool event;

		err = read_line(c, &line);
		if (err)
			return err;
		j = json_loads(line, 0, NULL);
		if (!j) {
			err = err_create(ERR_FORMAT, "QMP at '%s': a reply that is not JSON", c->path);
			free(line);
			return err;
		}
		event = json_object_get(j, "event") != NULL;
		json_decref(j);
		if (event) {
			free(line);
			continue;
		}
		*reply_ret = line;
		return NULL;
	}
}

static struct err *lv_hmp(void *ctx, const char *cmd, char **reply_ret)
{
	struct qmp_ctx *c = ctx;
	json_t *req = json_pack("{s:s, s:{s:s}}", "execute", "human-monitor-command", "arguments",
				"command-line", cmd);
	char *text = req ? json_dumps(req, JSON_COMPACT) : NULL, *reply = NULL;
	json_t *j = NULL, *r;
	struct err *err;

	json_decref(req);
	if (!text)
		return err_nomem;
	err = lv_qmp(ctx, text, &reply);
	free(text);
	if (err)
		return err;
	j = json_loads(reply, 0, NULL);
	free(reply);
	r = j ? json_object_get(j, "return") : NULL;
	if (!json_is_string(r)) {
		json_decref(j);
		return err_create(ERR_FORMAT, "QMP at '%s': no text in the reply to '%s'", c->path,
				  cmd);
	}
	*reply_ret = strdup(json_string_value(r));
	json_decref(j);
	return *reply_ret ? NULL : err_nomem;
}

static struct err *lv_peek(void *ctx, uint64_t pa, void *buf, size_t len)
{
	struct qmp_ctx *c = ctx;
	char cmd[256], *reply = NULL;
	struct err *err;
	ssize_t n;

	snprintf(cmd, sizeof(cmd),
		 "{\"execute\":\"pmemsave\",\"arguments\":{\"val\":%llu,\"size\":%zu,"
		 "\"filename\":\"%s\"}}",
		 (unsigned long long)pa, len, c->tmp);
	err = lv_qmp(ctx, cmd, &reply);
	if (err)
		return err;
	if (!strstr(reply, "\"return\"")) {
		err = err_create(ERR_OS, "QMP at '%s': pmemsave at %#llx failed: %s", c->path,
				 (unsigned long long)pa, reply);
		free(reply);
		return err;
	}
	free(reply);
	n = pread(c->tmp_fd, buf, len, 0);
	if (n != (ssize_t)len)
		return err_create(ERR_OS, "QMP at '%s': pmemsave wrote %zd of %zu bytes to '%s'",
				  c->path, n, len, c->tmp);
	return NULL;
}

static struct err *lv_state(void *ctx, enum live_state *state_ret, const char **why_ret)
{
	static const char *const readable[] = {
		"paused",   "suspended",	 "inmigrate", "postmigrate", "prelaunch",
		"finish-migrate", "restore-vm", "save-vm", "debug",	     "watchdog",
		"io-error", "guest-panicked", "colo",	  "internal-error", "shutdown",
	};
	char *reply = NULL;
	json_t *j;
	const char *st;
	struct err *err;
	size_t i;

	err = lv_qmp(ctx, "{\"execute\":\"query-status\"}", &reply);
	if (err)
		return err;
	j = json_loads(reply, 0, NULL);
	free(reply);
	st = j ? json_string_value(json_object_get(json_object_get(j, "return"), "status")) : NULL;
	*state_ret = LIVE_OFF;
	*why_ret = "in an unknown state";
	if (st && !strcmp(st, "running")) {
		*state_ret = LIVE_RUNNING;
		*why_ret = "running";
	}
	/* QEMU is still there in every other state (with -no-shutdown even after a shutdown):
	 * its memory can be read and does not change. */
	for (i = 0; st && i < ARRAY_SIZE(readable); i++) {
		if (!strcmp(st, readable[i])) {
			*state_ret = LIVE_PAUSED;
			*why_ret = readable[i];
		}
	}
	json_decref(j);
	return NULL;
}

static struct err *qmp_connect(struct qmp_ctx *c)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	struct timeval tv = { .tv_sec = QMP_TIMEOUT_S };
	char *line = NULL, *reply = NULL;
	struct err *err;

	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	c->len = 0;
	if (strlen(c->path) >= sizeof(a.sun_path))
		return err_create(ERR_INVALID_ARG, "QMP socket path too long: '%s'", c->path);
	strcpy(a.sun_path, c->path);
	c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (c->fd < 0)
		return err_os(errno, "socket");
	if (connect(c->fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
		int e = errno;

		close(c->fd);
		c->fd = -1;
		if (e == ECONNREFUSED || e == ENOENT)
			return err_create(ERR_OS, "cannot connect to QMP at '%s': %s (is QEMU running?)",
					  c->path, e == ENOENT ? "no such socket" : "connection refused");
		if (e == EACCES || e == EPERM)
			return err_create(ERR_OS, "cannot connect to QMP at '%s': permission denied",
					  c->path);
		return err_os(e, "cannot connect to QMP at '%s'", c->path);
	}
	setsockopt(c->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(c->fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	err = read_line(c, &line);
	if (!err && !strstr(line, "\"QMP\""))
		err = err_create(ERR_FORMAT, "'%s' is not a QMP monitor", c->path);
	free(line);
	if (!err)
		err = lv_qmp(c, "{\"execute\":\"qmp_capabilities\"}", &reply);
	if (!err && !strstr(reply, "\"return\""))
		err = err_create(ERR_FORMAT, "QMP at '%s' refused qmp_capabilities", c->path);
	free(reply);
	return err;
}

static struct err *lv_reattach(void *ctx)
{
	return qmp_connect(ctx);
}

static bool lv_is_local(void *ctx)
{
	return true; /* a unix socket: QEMU runs here */
}

static void lv_close(void *ctx)
{
	struct qmp_ctx *c = ctx;

	if (!c)
		return;
	if (c->fd >= 0)
		close(c->fd);
	if (c->tmp_fd >= 0) {
		close(c->tmp_fd);
		unlink(c->tmp);
	}
	free(c->buf);
	free(c->path);
	free(c);
}

static const struct live_backend qmp_backend = {
	.name = "QMP",
	.max_peek = QMP_MAX_PEEK,
	.peek = lv_peek,
	.hmp = lv_hmp,
	.qmp = lv_qmp,
	.state = lv_state,
	.reattach = lv_reattach,
	.is_local = lv_is_local,
	.close = lv_close,
};

static const struct target_ops target_qmp_ops = LIVE_TARGET_OPS("qmp");

struct err *target_qmp_open(const char *path, const struct live_opts *opts, struct target **ret)
{
	_cleanup_free_ char *name = NULL, *subject = NULL;
	const char *tmpdir = getenv("TMPDIR");
	struct target *t = NULL;
	struct qmp_ctx *c;
	struct err *err;

	c = calloc(1, sizeof(*c));
	if (!c)
		return err_nomem;
	c->fd = -1;
	c->tmp_fd = -1;
	c->path = strdup(path);
	if (!c->path || asprintf(&name, "qmp:%s", path) < 0 ||
	    asprintf(&subject, "QEMU at '%s'", path) < 0) {
		lv_close(c);
		return err_nomem;
	}
	/* pmemsave's file: private to us, removed on close (QEMU writes it, we read it). */
	if (!tmpdir || strlen(tmpdir) >= 40)
		tmpdir = "/tmp";
	snprintf(c->tmp, sizeof(c->tmp), "%s/mmkd-pmem-XXXXXX", tmpdir);
	c->tmp_fd = mkstemp(c->tmp);
	if (c->tmp_fd < 0) {
		err = err_os(errno, "cannot create a temporary file in '%s'", tmpdir);
		lv_close(c);
		return err;
	}
	err = qmp_connect(c);
	if (err) {
		lv_close(c);
		return err;
	}
	err = live_target_create(&target_qmp_ops, &qmp_backend, c, name, subject, opts, &t);
	if (err)
		return err;
	snprintf(t->format, sizeof(t->format), "live QEMU guest at QMP socket '%s'", path);
	*ret = t;
	return NULL;
}
