// SPDX-License-Identifier: MIT
/*
 * Helpers: address formatting, strbuf, number parsing, sparse file copies. See util.h.
 */
#include "util.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <time.h>
#include <unistd.h>

#include "err.h"

char *fmt_addr(char buf[18], uint64_t v)
{
	snprintf(buf, 18, "%08llx`%08llx", (unsigned long long)(v >> 32),
		 (unsigned long long)(v & 0xFFFFFFFFULL));
	return buf;
}

void strbuf_init(struct strbuf *sb)
{
	memset(sb, 0, sizeof(*sb));
}

void strbuf_deinit(struct strbuf *sb)
{
	free(sb->s);
	memset(sb, 0, sizeof(*sb));
}

static bool strbuf_reserve(struct strbuf *sb, size_t extra)
{
	size_t need = sb->len + extra + 1;
	char *n;

	if (sb->failed)
		return false;
	if (need <= sb->cap)
		return true;
	size_t cap = sb->cap ? sb->cap : 64;
	while (cap < need)
		cap *= 2;
	n = realloc(sb->s, cap);
	if (!n) {
		sb->failed = true;
		return false;
	}
	sb->s = n;
	sb->cap = cap;
	return true;
}

void strbuf_addn(struct strbuf *sb, const char *s, size_t n)
{
	if (!strbuf_reserve(sb, n))
		return;
	memcpy(sb->s + sb->len, s, n);
	sb->len += n;
	sb->s[sb->len] = '\0';
}

void strbuf_addf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || !strbuf_reserve(sb, (size_t)n))
		return;
	va_start(ap, fmt);
	vsnprintf(sb->s + sb->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	sb->len += (size_t)n;
}

void strbuf_pad_to(struct strbuf *sb, size_t col)
{
	size_t start = 0, i;

	for (i = sb->len; i > 0; i--) {
		if (sb->s[i - 1] == '\n') {
			start = i;
			break;
		}
	}
	while (sb->len - start < col && !sb->failed)
		strbuf_addn(sb, " ", 1);
}

char *strbuf_detach(struct strbuf *sb)
{
	char *s = sb->s;

	if (!s)
		s = strdup("");
	memset(sb, 0, sizeof(*sb));
	return s;
}

void strip_backticks(const char *s, char *buf, size_t size)
{
	size_t n = 0;

	for (; *s && n + 1 < size; s++)
		if (*s != '`')
			buf[n++] = *s;
	buf[n] = '\0';
}

bool parse_size(const char *s, uint64_t *ret)
{
	char *end;
	unsigned long long v;

	if (!s || !*s || *s == '-')
		return false;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		v = strtoull(s + 2, &end, 16);
		if (end == s + 2 || *end)
			return false;
		*ret = v;
		return true;
	}
	v = strtoull(s, &end, 10);
	if (end == s)
		return false;
	switch (toupper((unsigned char)*end)) {
	case '\0':
		break;
	case 'K':
		v <<= 10;
		end++;
		break;
	case 'M':
		v <<= 20;
		end++;
		break;
	case 'G':
		v <<= 30;
		end++;
		break;
	default:
		return false;
	}
	if (*end)
		return false;
	*ret = v;
	return true;
}

bool stderr_is_tty(void)
{
	return isatty(STDERR_FILENO);
}

double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

struct err *file_copy_sparse(const char *in, const char *out)
{
	char buf[1 << 16];
	int fi = open(in, O_RDONLY | O_CLOEXEC), fo;
	struct err *err = NULL;
	off_t off = 0;
	ssize_t n;

	if (fi < 0)
		return err_os(errno, "cannot open '%s'", in);
	fo = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fo < 0) {
		err = err_os(errno, "cannot create '%s'", out);
		close(fi);
		return err;
	}
	while (!err && (n = read(fi, buf, sizeof(buf))) > 0) {
		ssize_t i;

		for (i = 0; i < n && !buf[i]; i++)
			;
		if (i < n && pwrite(fo, buf, (size_t)n, off) != n)
			err = err_os(errno, "cannot write '%s'", out);
		off += n;
	}
	if (!err && n < 0)
		err = err_os(errno, "cannot read '%s'", in);
	if (!err && ftruncate(fo, off) < 0)
		err = err_os(errno, "cannot size '%s'", out);
	if (close(fo) < 0 && !err)
		err = err_os(errno, "cannot close '%s'", out);
	close(fi);
	return err;
}
