// SPDX-License-Identifier: MIT
/*
 * dumppatch: write values into a COPY of a raw dump, at virtual addresses (translated through
 * the dump's own kernel page tables) or physical addresses, to plant corruptions for tests.
 *   dumppatch IN.raw OUT.raw [--dtb HEX] va:ADDR=VALUE[/SIZE] pa:ADDR=VALUE[/SIZE] ...
 * SIZE is 1, 2, 4 or 8 bytes (default 8). The input is never modified.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/as.h"
#include "core/err.h"
#include "core/util.h"
#include "model/kernel.h"
#include "targets/target.h"

int main(int argc, char **argv)
{
	struct target *t = NULL;
	struct as kas;
	uint64_t dtb = 0;
	unsigned index;
	struct err *err;
	int i = 3, fd;

	if (argc < 4) {
		fprintf(stderr, "usage: dumppatch IN.raw OUT.raw [--dtb HEX] va:ADDR=VALUE[/SIZE]...\n");
		return 2;
	}
	err = file_copy_sparse(argv[1], argv[2]);
	if (err) {
		fprintf(stderr, "dumppatch: %s\n", err->message);
		err_destroy(err);
		return 1;
	}
	err = target_open(argv[1], "raw", &t);
	if (!err && i + 1 < argc && !strcmp(argv[i], "--dtb")) {
		dtb = strtoull(argv[i + 1], NULL, 16);
		i += 2;
	} else if (!err) {
		err = dtb_scan(t, &dtb, &index);
	}
	if (err) {
		fprintf(stderr, "dumppatch: %s\n", err->message);
		return 1;
	}
	as_init_x64(&kas, t, dtb, "kernel");
	fd = open(argv[2], O_WRONLY);
	if (fd < 0) {
		perror("dumppatch: open output");
		return 1;
	}
	for (; i < argc; i++) {
		unsigned long long addr, value, size = 8;
		uint64_t pa;
		char kind[3];

		if (sscanf(argv[i], "%2[vp]a:%llx=%llx/%llu", kind, &addr, &value, &size) < 3 ||
		    (size != 1 && size != 2 && size != 4 && size != 8)) {
			fprintf(stderr, "dumppatch: bad patch '%s'\n", argv[i]);
			return 2;
		}
		pa = addr;
		if (kind[0] == 'v') {
			err = as_va_to_pa(&kas, addr, &pa, "patch target");
			if (err) {
				fprintf(stderr, "dumppatch: %s\n", err->message);
				return 1;
			}
		}
		if (pwrite(fd, &value, size, (off_t)pa) != (ssize_t)size) {
			perror("dumppatch: write");
			return 1;
		}
	}
	close(fd);
	target_close(t);
	return 0;
}
