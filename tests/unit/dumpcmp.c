// SPDX-License-Identifier: MIT
/* dumpcmp REFERENCE DUMP [FORMAT]: compare every page a dump holds, read through mmkd's reader
 * (target_read_phys), with the same physical addresses of REFERENCE, a flat image of physical
 * memory from address 0 (a raw dump, or QEMU's pmemsave output). Pages beyond the end of
 * REFERENCE (a BIOS ROM at 4 GiB - 256 KiB, say) are counted, not compared. Prints one line and
 * exits 0 when every page matches, 1 on a difference, 2 when a file cannot be opened. A test
 * helper, not a test: tests/formats.sh and tests/qemu_dumps.sh run it. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/err.h"
#include "targets/target.h"

int main(int argc, char **argv)
{
	const size_t chunk = 1 << 20;
	uint8_t *buf = malloc(chunk);
	struct target *t = NULL;
	uint64_t pages = 0, diff = 0, beyond = 0;
	const uint8_t *ref;
	struct stat st;
	struct err *err;
	size_t i;
	int fd;

	if (!buf || argc < 3) {
		fprintf(stderr, "usage: dumpcmp REFERENCE DUMP [FORMAT]\n");
		return 2;
	}
	fd = open(argv[1], O_RDONLY);
	if (fd < 0 || fstat(fd, &st) < 0 || !st.st_size) {
		fprintf(stderr, "dumpcmp: cannot open '%s': %s\n", argv[1], strerror(errno));
		return 2;
	}
	ref = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_SHARED, fd, 0);
	if (ref == MAP_FAILED)
		return 2;
	err = target_open(argv[2], argc > 3 ? argv[3] : NULL, &t);
	if (err) {
		fprintf(stderr, "dumpcmp: %s\n", err->message);
		err_destroy(err);
		return 2;
	}
	for (i = 0; i < t->nruns; i++) {
		uint64_t pa = t->runs[i].start_pa, end = pa + t->runs[i].len;

		while (pa < end) {
			uint64_t n = end - pa < chunk ? end - pa : chunk, off;

			err = target_read_phys(t, pa, buf, n, "page");
			if (err) {
				fprintf(stderr, "dumpcmp: %s\n", err->message);
				err_destroy(err);
				diff++;
				break;
			}
			for (off = 0; off < n; off += 4096) {
				uint64_t len = n - off < 4096 ? n - off : 4096;

				if (pa + off + len > (uint64_t)st.st_size) {
					beyond++;
					continue;
				}
				if (memcmp(buf + off, ref + pa + off, len)) {
					if (diff < 5)
						fprintf(stderr, "dumpcmp: page at %#" PRIx64 " differs\n",
							pa + off);
					diff++;
				}
				pages++;
			}
			pa += n;
		}
	}
	printf("%s: %" PRIu64 " pages in %zu runs compared, %" PRIu64 " differ, %" PRIu64
	       " beyond the reference (not compared)\n",
	       argv[2], pages, t->nruns, diff, beyond);
	target_close(t);
	free(buf);
	return diff ? 1 : 0;
}
