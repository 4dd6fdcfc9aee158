// SPDX-License-Identifier: MIT
/*
 * db/dd/dq/da/du rendering. See memdump.h.
 */
#include "memdump.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "core/as.h"
#include "core/err.h"
#include "core/out.h"
#include "core/util.h"

uint64_t memdump_default_count(enum dump_kind kind)
{
	switch (kind) {
	case DUMP_BYTES:
		return 0x80;
	case DUMP_WORDS:
		return 0x40;
	case DUMP_DWORDS:
		return 0x20;
	case DUMP_QWORDS:
		return 0x10;
	default:
		return 0x100;
	}
}

/* Read @len bytes into @buf, recording which bytes were readable in @ok. */
static struct err *read_some(struct as *as, uint64_t addr, uint8_t *buf, bool *ok, size_t len,
			     bool *any)
{
	struct err *first = NULL;
	size_t done = 0;

	*any = false;
	while (done < len) {
		uint64_t a = addr + done;
		size_t n = MIN(len - done, (size_t)(0x1000 - (a & 0xFFF)));
		struct err *err = as_read(as, a, buf + done, n, "memory");

		if (err) {
			memset(ok + done, 0, n);
			if (!first)
				first = err;
			else
				err_destroy(err);
		} else {
			memset(ok + done, 1, n);
			*any = true;
		}
		done += n;
	}
	return first;
}

static void print_addr(struct out *o, uint64_t addr, bool physical)
{
	char a[18];

	if (physical)
		out_printf(o, "#%8" PRIx64, addr);
	else
		out_printf(o, "%s ", fmt_addr(a, addr));
}

static struct err *dump_string(struct out *o, struct as *as, uint64_t addr, uint64_t count,
			       bool wide, bool physical)
{
	size_t unit = wide ? 2 : 1, len = (size_t)(count * unit), i, n;
	uint8_t *buf = malloc(len ? len : 1);
	bool *ok = malloc(len ? len : 1), any;
	struct err *err;
	struct strbuf sb;

	if (!buf || !ok) {
		free(buf);
		free(ok);
		return err_nomem;
	}
	err = read_some(as, addr, buf, ok, len, &any);
	if (!any || !ok[0]) {
		free(buf);
		free(ok);
		print_addr(o, addr, physical);
		out_printf(o, " \"??\"\n");
		return err;
	}
	err_destroy(err);
	strbuf_init(&sb);
	for (i = 0, n = 0; i + unit <= len && ok[i]; i += unit, n++) {
		unsigned c = wide ? le16(buf + i) : buf[i];

		if (!c)
			break;
		if (c < 0x80 && isprint((int)c))
			strbuf_addf(&sb, "%c", (char)c);
		else
			strbuf_addf(&sb, ".");
	}
	print_addr(o, addr, physical);
	out_printf(o, " \"%s\"\n", sb.s ? sb.s : "");
	out_u64(o, "address", addr, OUT_HEX);
	out_str(o, "string", sb.s ? sb.s : "");
	out_u64(o, "length", n, OUT_DEC);
	strbuf_deinit(&sb);
	free(buf);
	free(ok);
	return NULL;
}

struct err *memdump(struct out *o, struct as *as, uint64_t addr, uint64_t count,
		    enum dump_kind kind, bool physical)
{
	size_t unit, len, i;
	uint8_t *buf;
	bool *ok, any;
	struct err *err;

	if (count == 0)
		count = memdump_default_count(kind);
	if (count > MEMDUMP_MAX_COUNT)
		return err_create(ERR_INVALID_ARG, "count %#" PRIx64 " is too large (limit %#llx)",
				  count, (unsigned long long)MEMDUMP_MAX_COUNT);
	if (kind == DUMP_ASCII || kind == DUMP_UNICODE)
		return dump_string(o, as, addr, count, kind == DUMP_UNICODE, physical);
	unit = (size_t)kind;
	len = (size_t)count * unit;
	buf = malloc(len);
	ok = malloc(len);
	if (!buf || !ok) {
		free(buf);
		free(ok);
		return err_nomem;
	}
	err = read_some(as, addr, buf, ok, len, &any);
	out_u64(o, "address", addr, OUT_HEX);
	out_u64(o, "unit", unit, OUT_DEC);
	out_list_begin(o, "values");
	for (i = 0; i < len; i += unit) {
		size_t col = i % 16, k;
		bool good = true;
		uint64_t v = 0;

		for (k = 0; k < unit; k++)
			good = good && ok[i + k];
		if (good)
			memcpy(&v, buf + i, unit);
		if (col == 0)
			print_addr(o, addr + i, physical);
		/* separator before each value; db puts '-' between the 8th and 9th byte */
		out_printf(o, "%s", col == 0 ? (physical ? " " : " ") : (unit == 1 && col == 8) ? "-" : " ");
		switch (unit) {
		case 1:
			out_printf(o, good ? "%02" PRIx64 : "??", v);
			break;
		case 2:
			out_printf(o, good ? "%04" PRIx64 : "????", v);
			break;
		case 4:
			out_printf(o, good ? "%08" PRIx64 : "????????", v);
			break;
		default:
			if (good)
				out_printf(o, "%08" PRIx64 "`%08" PRIx64, v >> 32, v & 0xFFFFFFFF);
			else
				out_printf(o, "????????`????????");
		}
		if (good)
			out_u64(o, NULL, v, OUT_HEX);
		else
			out_null(o, NULL);
		if (col + unit == 16 || i + unit >= len) {
			if (unit == 1) {
				size_t rstart = i - col, j;

				/* pad a short last row so the ASCII column lines up */
				for (j = col + 1; j < 16; j++)
					out_printf(o, "   ");
				out_printf(o, "  ");
				for (j = rstart; j <= i; j++)
					out_printf(o, "%c", ok[j] ? (isprint(buf[j]) && buf[j] < 0x80 ?
								     (char)buf[j] : '.')
								  : '?');
			}
			out_printf(o, "\n");
		}
	}
	out_end(o);
	free(buf);
	free(ok);
	if (!any)
		return err;
	err_destroy(err);
	return NULL;
}
