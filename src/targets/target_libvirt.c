// SPDX-License-Identifier: MIT
/*
 * The libvirt transport of the live target (target_libvirt.h, live.h). Facts: live-lab.md §4
 * (peek capped at 4 MiB a call, about 1.3 ms per call; peeking past the end of RAM returns
 * zeros; monitor passthrough works for HMP and QMP; dump-guest-memory through passthrough
 * segfaults libvirtd 9.0, so this file never sends it), formats.md §1d.
 * Only read-only monitor commands are sent: query-memdev, qom-get, info mtree -f and
 * info registers -a.
 */
#include "target_libvirt.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <libvirt/libvirt-qemu.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "core/err.h"
#include "core/util.h"

/* REMOTE_DOMAIN_MEMORY_PEEK_BUFFER_MAX in libvirt's remote protocol (live-lab.md §4). */
#define LIBVIRT_MAX_PEEK (4u << 20)

struct lv_ctx {
	char *uri;	/* as given, or NULL for the default (owned) */
	char *uri_q;	/* for messages: "'URI'" or "the default libvirt URI" (owned) */
	char *domain;	/* as given (owned) */
	virConnectPtr conn;
	virDomainPtr dom;
};

/* libvirt prints every error on stderr unless told otherwise; mmkd reports them itself. */
static void quiet_errors(void *data, virErrorPtr e)
{
}

/* The last libvirt error as one line, without a trailing newline. */
static void last_error(char *buf, size_t len, int *code_ret, int *errno_ret)
{
	virErrorPtr e = virGetLastError();
	char *p;

	*code_ret = e ? e->code : 0;
	*errno_ret = e && e->code == VIR_ERR_SYSTEM_ERROR ? e->int1 : 0;
	snprintf(buf, len, "%s", e && e->message ? e->message : "unknown libvirt error");
	for (p = buf; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
}

static const char *uri_name(const struct lv_ctx *c)
{
	return c->uri_q;
}

/* The socket libvirt tried, from "Failed to connect socket to '/path': ...", or "". */
static void socket_of(const char *msg, char *buf, size_t len)
{
	const char *a = strstr(msg, "socket to '"), *b;

	buf[0] = '\0';
	if (!a)
		return;
	a += 11;
	b = strchr(a, '\'');
	if (b && (size_t)(b - a) < len)
		snprintf(buf, len, " at '%.*s'", (int)(b - a), a);
}

static struct err *connect_error(const struct lv_ctx *c)
{
	char msg[512], sock[300];
	int code, errnum;

	last_error(msg, sizeof(msg), &code, &errnum);
	socket_of(msg, sock, sizeof(sock));
	if (errnum == ECONNREFUSED || errnum == ENOENT)
		return err_create(ERR_OS, "cannot connect to %s: %s%s (is libvirtd running?)",
				  uri_name(c),
				  errnum == ECONNREFUSED ? "connection refused" : "no libvirtd socket",
				  sock);
	if (errnum == EACCES || errnum == EPERM || code == VIR_ERR_AUTH_FAILED ||
	    code == VIR_ERR_ACCESS_DENIED)
		return err_create(ERR_OS, "cannot connect to %s: permission denied", uri_name(c));
	return err_create(ERR_OS, "cannot connect to %s: %s", uri_name(c), msg);
}

/* An error of a call on the domain, named after what was being done. */
static struct err *call_error(const struct lv_ctx *c, const char *what)
{
	char msg[512];
	int code, errnum;

	last_error(msg, sizeof(msg), &code, &errnum);
	if (code == VIR_ERR_NO_DOMAIN)
		return err_create(ERR_NOT_FOUND, "domain '%s' no longer exists", c->domain);
	if (code == VIR_ERR_OPERATION_DENIED || code == VIR_ERR_ACCESS_DENIED ||
	    errnum == EACCES)
		return err_create(ERR_OS, "domain '%s': %s: permission denied (%s)", c->domain,
				  what, msg);
	return err_create(ERR_OS, "domain '%s': %s failed: %s", c->domain, what, msg);
}

static struct err *lookup(struct lv_ctx *c)
{
	char msg[512];
	int code, errnum;

	if (c->dom)
		virDomainFree(c->dom);
	c->dom = virDomainLookupByName(c->conn, c->domain);
	if (!c->dom)
		c->dom = virDomainLookupByUUIDString(c->conn, c->domain);
	if (c->dom)
		return NULL;
	last_error(msg, sizeof(msg), &code, &errnum);
	if (code == VIR_ERR_NO_DOMAIN || code == VIR_ERR_INVALID_ARG || code == 0)
		return err_create(ERR_NOT_FOUND, "domain '%s' not found at %s", c->domain,
				  uri_name(c));
	return call_error(c, "lookup");
}

static struct err *lv_connect(struct lv_ctx *c)
{
	if (c->conn)
		virConnectClose(c->conn);
	c->conn = virConnectOpen(c->uri);
	if (!c->conn)
		return connect_error(c);
	/* The library-wide handler is set in target_libvirt_open(); this one is per connection. */
	virConnSetErrorFunc(c->conn, NULL, quiet_errors);
	return lookup(c);
}

static struct err *lv_peek(void *ctx, uint64_t pa, void *buf, size_t len)
{
	struct lv_ctx *c = ctx;

	if (virDomainMemoryPeek(c->dom, pa, len, buf, VIR_MEMORY_PHYSICAL) < 0)
		return call_error(c, "memory peek");
	return NULL;
}

static struct err *monitor(struct lv_ctx *c, const char *cmd, unsigned flags, char **reply_ret)
{
	char *reply = NULL;

	if (virDomainQemuMonitorCommand(c->dom, cmd, &reply, flags) < 0 || !reply) {
		free(reply);
		return call_error(c, "monitor command");
	}
	*reply_ret = reply;
	return NULL;
}

static struct err *lv_hmp(void *ctx, const char *cmd, char **reply_ret)
{
	return monitor(ctx, cmd, VIR_DOMAIN_QEMU_MONITOR_COMMAND_HMP, reply_ret);
}

static struct err *lv_qmp(void *ctx, const char *cmd, char **reply_ret)
{
	return monitor(ctx, cmd, 0, reply_ret);
}

static struct err *lv_state(void *ctx, enum live_state *state_ret, const char **why_ret)
{
	struct lv_ctx *c = ctx;
	int state = 0, reason = 0;

	if (virDomainGetState(c->dom, &state, &reason, 0) < 0) {
		char msg[512];
		int code, errnum;

		last_error(msg, sizeof(msg), &code, &errnum);
		if (code == VIR_ERR_NO_DOMAIN) {
			/* A transient domain disappears when it stops. */
			*state_ret = LIVE_OFF;
			*why_ret = "shut off";
			return NULL;
		}
		return err_create(ERR_OS, "cannot query domain '%s': %s", c->domain, msg);
	}
	switch (state) {
	case VIR_DOMAIN_RUNNING:
	case VIR_DOMAIN_BLOCKED:
		*state_ret = LIVE_RUNNING;
		*why_ret = "running";
		break;
	case VIR_DOMAIN_PAUSED:
		*state_ret = LIVE_PAUSED;
		*why_ret = "paused";
		break;
	case VIR_DOMAIN_PMSUSPENDED:
		*state_ret = LIVE_PAUSED;
		*why_ret = "suspended by the guest";
		break;
	case VIR_DOMAIN_SHUTDOWN:
		/* Shutting down but QEMU still runs: memory is still there. */
		*state_ret = LIVE_RUNNING;
		*why_ret = "shutting down";
		break;
	case VIR_DOMAIN_CRASHED:
		*state_ret = LIVE_OFF;
		*why_ret = "crashed";
		break;
	default:
		*state_ret = LIVE_OFF;
		*why_ret = "shut off";
		break;
	}
	return NULL;
}

static struct err *lv_reattach(void *ctx)
{
	struct lv_ctx *c = ctx;

	if (c->conn && virConnectIsAlive(c->conn) == 1)
		return lookup(c);
	return lv_connect(c);
}

/*
 * Files the monitor names (mem-path) are on the host libvirtd runs on: only a URI without a
 * host part ("qemu:///system", "qemu+unix:///system?socket=...") is this machine.
 */
static bool lv_is_local(void *ctx)
{
	struct lv_ctx *c = ctx;
	char *uri = virConnectGetURI(c->conn);
	const char *p;
	bool local;

	if (!uri)
		return false;
	p = strstr(uri, "://");
	local = p && p[3] == '/';
	free(uri);
	return local;
}

static void lv_close(void *ctx)
{
	struct lv_ctx *c = ctx;

	if (!c)
		return;
	if (c->dom)
		virDomainFree(c->dom);
	if (c->conn)
		virConnectClose(c->conn);
	free(c->uri);
	free(c->uri_q);
	free(c->domain);
	free(c);
}

static const struct live_backend libvirt_backend = {
	.name = "libvirt",
	.max_peek = LIBVIRT_MAX_PEEK,
	.peek = lv_peek,
	.hmp = lv_hmp,
	.qmp = lv_qmp,
	.state = lv_state,
	.reattach = lv_reattach,
	.is_local = lv_is_local,
	.close = lv_close,
};

static const struct target_ops target_libvirt_ops = LIVE_TARGET_OPS("libvirt");

struct err *target_libvirt_open(const char *domain, const char *uri, const struct live_opts *opts,
				struct target **ret)
{
	_cleanup_free_ char *name = NULL, *subject = NULL;
	struct target *t = NULL;
	struct lv_ctx *c;
	struct err *err;

	/* Library-wide, set before the first call so that no error reaches stderr. */
	virSetErrorFunc(NULL, quiet_errors);
	if (virInitialize() < 0)
		return err_create(ERR_OS, "cannot initialize libvirt");
	c = calloc(1, sizeof(*c));
	if (!c)
		return err_nomem;
	c->domain = strdup(domain);
	c->uri = uri ? strdup(uri) : NULL;
	if (!uri)
		c->uri_q = strdup("the default libvirt URI");
	else if (asprintf(&c->uri_q, "'%s'", uri) < 0)
		c->uri_q = NULL;
	if (!c->domain || (uri && !c->uri) || !c->uri_q || asprintf(&name, "libvirt:%s", domain) < 0 ||
	    asprintf(&subject, "domain '%s'", domain) < 0) {
		lv_close(c);
		return err_nomem;
	}
	err = lv_connect(c);
	if (err) {
		lv_close(c);
		return err;
	}
	err = live_target_create(&target_libvirt_ops, &libvirt_backend, c, name, subject, opts, &t);
	if (err)
		return err;
	{
		char *u = virConnectGetURI(c->conn);

		snprintf(t->format, sizeof(t->format), "live QEMU guest at %s",
			 u ? u : uri_name(c));
		free(u);
	}
	*ret = t;
	return NULL;
}
