// SPDX-License-Identifier: MIT
/*
 * qemuctl: the test harness's hands on a QEMU it started (never used by mmkd itself).
 *
 *   qemuctl qmp SOCKET CMD...     run each CMD on a QMP socket: a CMD starting with '{' is
 *                                 QMP JSON (the reply object is printed on one line), anything
 *                                 else an HMP command line sent through human-monitor-command
 *                                 (its text is printed as is). Exit 1 if a command failed.
 *   qemuctl gdbset SOCKET REG=VALUE...   write registers through QEMU's gdbstub (GDB remote
 *                                 serial protocol over a unix socket), read each back, detach.
 *   qemuctl gdbpoke SOCKET VA HEXBYTES   write guest memory at a virtual address of the current
 *                                 vCPU through the gdbstub (the harness changes the guest to
 *                                 see that mmkd's caches follow; mmkd itself never writes).
 *   qemuctl deadsock PATH         leave a unix socket at PATH that nobody listens on (connect
 *                                 gets ECONNREFUSED: a daemon that died without cleaning up).
 *
 * The gdbstub is how a model image gets its CR3 without guest cooperation (live-lab.md §3
 * method 3). Three QEMU 7.2 behaviours are handled as the lab found them: p/P are answered
 * with an empty packet until target.xml has been fetched; under KVM a 'g' must come first
 * (it synchronizes the vCPU state, or the write is lost on resume); QEMU may push a stop
 * packet on connect. Register numbers come from the target description, not a table.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include <jansson.h>

#define TIMEOUT_S 30

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "qemuctl: ");
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(2);
}

static int unix_connect(const char *path)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	struct timeval tv = { .tv_sec = TIMEOUT_S };
	int fd;

	if (strlen(path) >= sizeof(a.sun_path))
		die("socket path too long: %s", path);
	strcpy(a.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0)
		die("cannot connect to '%s': %s", path, strerror(errno));
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	return fd;
}

static void write_all(int fd, const char *s, size_t n)
{
	while (n) {
		ssize_t w = write(fd, s, n);

		if (w <= 0)
			die("write: %s", w < 0 ? strerror(errno) : "closed");
		s += w;
		n -= (size_t)w;
	}
}

/* ---- QMP ---- */

/* Next non-event reply object. */
static json_t *qmp_reply(FILE *f)
{
	char *line = NULL;
	size_t cap = 0;

	for (;;) {
		json_error_t e;
		json_t *j;

		if (getline(&line, &cap, f) < 0)
			die("QMP connection closed");
		j = json_loads(line, 0, &e);
		if (!j)
			die("bad QMP line: %s", line);
		if (json_object_get(j, "event")) {
			json_decref(j);
			continue;
		}
		free(line);
		return j;
	}
}

static int cmd_qmp(int argc, char **argv)
{
	int fd = unix_connect(argv[0]), status = 0, i;
	FILE *f = fdopen(fd, "r");
	json_t *j;

	if (!f)
		die("fdopen: %s", strerror(errno));
	json_decref(qmp_reply(f)); /* greeting */
	write_all(fd, "{\"execute\":\"qmp_capabilities\"}\n", 31);
	json_decref(qmp_reply(f));
	for (i = 1; i < argc; i++) {
		char *cmd = NULL, *out;
		json_t *r;

		if (argv[i][0] == '{') {
			cmd = strdup(argv[i]);
		} else {
			json_t *c = json_pack("{s:s, s:{s:s}}", "execute", "human-monitor-command",
					      "arguments", "command-line", argv[i]);

			cmd = json_dumps(c, JSON_COMPACT);
			json_decref(c);
		}
		if (!cmd)
			die("out of memory");
		write_all(fd, cmd, strlen(cmd));
		write_all(fd, "\n", 1);
		free(cmd);
		j = qmp_reply(f);
		r = json_object_get(j, "return");
		if (json_object_get(j, "error"))
			status = 1;
		if (argv[i][0] != '{' && json_is_string(r)) {
			fputs(json_string_value(r), stdout);
		} else {
			out = json_dumps(j, JSON_COMPACT);
			printf("%s\n", out ? out : "null");
			free(out);
		}
		json_decref(j);
	}
	fclose(f);
	return status;
}

/* ---- GDB remote serial protocol ---- */

struct rsp {
	int fd;
	char buf[65536];
};

static int rsp_getc(struct rsp *r)
{
	char c;
	ssize_t n = read(r->fd, &c, 1);

	if (n <= 0)
		die("gdbstub: %s", n < 0 ? strerror(errno) : "connection closed");
	return (unsigned char)c;
}

static void rsp_send(struct rsp *r, const char *data)
{
	unsigned sum = 0;
	char tail[4];
	size_t i;

	for (i = 0; data[i]; i++)
		sum += (unsigned char)data[i];
	write_all(r->fd, "$", 1);
	write_all(r->fd, data, strlen(data));
	snprintf(tail, sizeof(tail), "#%02x", sum & 0xff);
	write_all(r->fd, tail, 3);
}

/* Receive one packet into r->buf (acknowledged); skips acks and notifications. */
static const char *rsp_recv_any(struct rsp *r)
{
	size_t n = 0;
	int c;

	do {
		c = rsp_getc(r);
	} while (c != '$');
	while ((c = rsp_getc(r)) != '#') {
		if (n + 1 >= sizeof(r->buf))
			die("gdbstub: packet too long");
		r->buf[n++] = (char)c;
	}
	rsp_getc(r);
	rsp_getc(r);
	r->buf[n] = '\0';
	write_all(r->fd, "+", 1);
	return r->buf;
}

/* Send a command and return its reply, skipping asynchronous stop packets. */
static const char *rsp_cmd(struct rsp *r, const char *data, bool stop_reply_expected)
{
	const char *p;

	rsp_send(r, data);
	for (;;) {
		p = rsp_recv_any(r);
		if (!stop_reply_expected && (p[0] == 'T' || p[0] == 'S') && isxdigit((unsigned char)p[1]))
			continue;
		return p;
	}
}

/* Read a whole qXfer:features annex (caller frees). */
static char *rsp_xfer(struct rsp *r, const char *annex)
{
	size_t len = 0, off = 0;
	char *doc = NULL;

	for (;;) {
		char req[256];
		const char *p;
		size_t n;

		snprintf(req, sizeof(req), "qXfer:features:read:%s:%zx,%x", annex, off, 0x3000);
		p = rsp_cmd(r, req, false);
		if (p[0] != 'm' && p[0] != 'l')
			die("gdbstub: cannot read %s: '%s'", annex, p);
		n = strlen(p + 1);
		doc = realloc(doc, len + n + 1);
		if (!doc)
			die("out of memory");
		memcpy(doc + len, p + 1, n + 1);
		len += n;
		off += n;
		if (p[0] == 'l')
			return doc;
	}
}

struct regdef {
	char name[32];
	unsigned num, bits;
};

/* Collect <reg> elements of @doc in order (not those in comments), following xi:include. */
static void collect_regs(struct rsp *r, const char *doc, struct regdef *regs, unsigned *n,
			 unsigned *next, int depth)
{
	const char *p = doc;

	while ((p = strchr(p, '<'))) {
		char attr[64];

		if (!strncmp(p, "<!--", 4)) {
			/* QEMU's i386-64bit.xml comments out ss_base, ds_base and es_base */
			p = strstr(p, "-->");
			if (!p)
				break;
			continue;
		}
		if (!strncmp(p, "<xi:include", 11) && depth < 3) {
			const char *h = strstr(p, "href=\"");
			char *sub;
			size_t k;

			if (!h)
				die("gdbstub: include without href");
			h += 6;
			for (k = 0; h[k] && h[k] != '"' && k + 1 < sizeof(attr); k++)
				attr[k] = h[k];
			attr[k] = '\0';
			sub = rsp_xfer(r, attr);
			collect_regs(r, sub, regs, n, next, depth + 1);
			free(sub);
		} else if (!strncmp(p, "<reg ", 5) && *n < 256) {
			const char *end = strchr(p, '>'), *a;
			struct regdef *d = &regs[*n];
			size_t k;

			if (!end)
				break;
			memset(d, 0, sizeof(*d));
			a = strstr(p, "name=\"");
			if (a && a < end) {
				for (a += 6, k = 0; a[k] != '"' && k + 1 < sizeof(d->name); k++)
					d->name[k] = a[k];
			}
			a = strstr(p, "bitsize=\"");
			d->bits = a && a < end ? (unsigned)strtoul(a + 9, NULL, 10) : 0;
			a = strstr(p, "regnum=\"");
			if (a && a < end)
				*next = (unsigned)strtoul(a + 8, NULL, 10);
			d->num = (*next)++;
			(*n)++;
		}
		p++;
	}
}

/* Little-endian hex of @v in @bytes bytes. */
static void le_hex(char *out, uint64_t v, unsigned bytes)
{
	unsigned i;

	for (i = 0; i < bytes; i++)
		sprintf(out + 2 * i, "%02x", (unsigned)((v >> (8 * i)) & 0xff));
}

static int cmd_gdbset(int argc, char **argv)
{
	struct rsp *r = calloc(1, sizeof(*r));
	struct regdef regs[256];
	unsigned nregs = 0, next = 0;
	const char *p;
	char *xml;
	int i;

	if (!r)
		die("out of memory");
	r->fd = unix_connect(argv[0]);
	p = rsp_cmd(r, "qSupported:xmlRegisters=i386", false);
	if (!strstr(p, "qXfer:features:read+"))
		die("gdbstub does not offer target descriptions: '%s'", p);
	rsp_cmd(r, "?", true);
	xml = rsp_xfer(r, "target.xml");
	collect_regs(r, xml, regs, &nregs, &next, 0);
	free(xml);
	rsp_cmd(r, "g", false); /* KVM: synchronize the vCPU state before writing */
	for (i = 1; i < argc; i++) {
		char name[32], req[128], want[40];
		unsigned k, bytes;
		uint64_t v;
		char *eq = strchr(argv[i], '='), *end;

		if (!eq || (size_t)(eq - argv[i]) >= sizeof(name))
			die("expected REG=VALUE, not '%s'", argv[i]);
		memcpy(name, argv[i], (size_t)(eq - argv[i]));
		name[eq - argv[i]] = '\0';
		errno = 0;
		v = strtoull(eq + 1, &end, 0);
		if (errno || *end)
			die("bad value '%s'", eq + 1);
		for (k = 0; k < nregs && strcmp(regs[k].name, name); k++)
			;
		if (k == nregs || !regs[k].bits || regs[k].bits > 64)
			die("the gdbstub has no 64-bit-or-smaller register '%s'", name);
		bytes = regs[k].bits / 8;
		le_hex(want, v, bytes);
		snprintf(req, sizeof(req), "P%x=%s", regs[k].num, want);
		p = rsp_cmd(r, req, false);
		if (strcmp(p, "OK"))
			die("writing %s: gdbstub answered '%s'", name, p);
		snprintf(req, sizeof(req), "p%x", regs[k].num);
		p = rsp_cmd(r, req, false);
		if (strcmp(p, want))
			die("%s reads back as '%s', not '%s'", name, p, want);
		printf("%s=%#" PRIx64 "\n", name, v);
	}
	p = rsp_cmd(r, "D", false);
	if (strcmp(p, "OK"))
		die("detach: gdbstub answered '%s'", p);
	close(r->fd);
	free(r);
	return 0;
}

static int cmd_gdbpoke(const char *sock, const char *va, const char *hex)
{
	struct rsp *r = calloc(1, sizeof(*r));
	size_t n = strlen(hex);
	const char *p;
	char *req;

	if (!r || n % 2 || !n || strspn(hex, "0123456789abcdefABCDEF") != n)
		die("expected an even number of hex digits, not '%s'", hex);
	r->fd = unix_connect(sock);
	rsp_cmd(r, "qSupported", false);
	rsp_cmd(r, "?", true);
	if (asprintf(&req, "M%s,%zx:%s", va[0] == '0' && va[1] == 'x' ? va + 2 : va, n / 2, hex) < 0)
		die("out of memory");
	p = rsp_cmd(r, req, false);
	if (strcmp(p, "OK"))
		die("writing memory at %s: gdbstub answered '%s'", va, p);
	free(req);
	p = rsp_cmd(r, "D", false);
	if (strcmp(p, "OK"))
		die("detach: gdbstub answered '%s'", p);
	close(r->fd);
	free(r);
	return 0;
}

static int cmd_deadsock(const char *path)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	if (strlen(path) >= sizeof(a.sun_path))
		die("socket path too long: %s", path);
	strcpy(a.sun_path, path);
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0)
		die("cannot bind '%s': %s", path, strerror(errno));
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 5 && !strcmp(argv[1], "gdbpoke"))
		return cmd_gdbpoke(argv[2], argv[3], argv[4]);
	if (argc == 3 && !strcmp(argv[1], "deadsock"))
		return cmd_deadsock(argv[2]);
	if (argc >= 3 && !strcmp(argv[1], "qmp"))
		return cmd_qmp(argc - 2, argv + 2);
	if (argc >= 3 && !strcmp(argv[1], "gdbset"))
		return cmd_gdbset(argc - 2, argv + 2);
	fprintf(stderr, "usage: qemuctl qmp SOCKET CMD... | gdbset SOCKET REG=VALUE... |\n"
			"       gdbpoke SOCKET VA HEXBYTES | deadsock PATH\n");
	return 2;
}
