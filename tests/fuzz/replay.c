// SPDX-License-Identifier: MIT
/* Replays a fuzzer's corpus without libFuzzer (libgit2 style): every file of
 * $top_srcdir/tests/fuzz/corpus/FUZZ_CORPUS goes through LLVMFuzzerTestOneInput(), one TAP
 * line per file. Built with gcc in every build and run by make check (under ASan+UBSan in
 * the sanitizer build); a crash fails the test. Extra arguments replay other files. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

#ifndef FUZZ_CORPUS
#error "FUZZ_CORPUS (the corpus directory name) must be defined"
#endif

static int replay(const char *path, unsigned *n)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	long len;

	if (!f || fseek(f, 0, SEEK_END) || (len = ftell(f)) < 0 || fseek(f, 0, SEEK_SET)) {
		printf("not ok %u - cannot read %s: %s\n", ++*n, path, strerror(errno));
		if (f)
			fclose(f);
		return 1;
	}
	buf = malloc(len ? (size_t)len : 1);
	if (!buf || fread(buf, 1, (size_t)len, f) != (size_t)len) {
		printf("not ok %u - cannot read %s\n", ++*n, path);
		free(buf);
		fclose(f);
		return 1;
	}
	fclose(f);
	LLVMFuzzerTestOneInput(buf, (size_t)len);
	free(buf);
	printf("ok %u - %s: %s (%ld bytes)\n", ++*n, FUZZ_CORPUS, strrchr(path, '/') + 1, len);
	fflush(stdout);
	return 0;
}

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
	const char *top = getenv("top_srcdir");
	char dir[4096], path[8192];
	char **names = NULL;
	size_t nn = 0, i;
	unsigned n = 0;
	int bad = 0;
	struct dirent *de;
	DIR *d;

	for (i = 1; i < (size_t)argc; i++)
		bad |= replay(argv[i], &n);
	if (argc > 1) {
		printf("1..%u\n", n);
		return bad;
	}
	snprintf(dir, sizeof(dir), "%s/tests/fuzz/corpus/%s", top ? top : ".", FUZZ_CORPUS);
	d = opendir(dir);
	if (!d) {
		printf("Bail out! no corpus %s: %s\n", dir, strerror(errno));
		return 99;
	}
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		names = realloc(names, (nn + 1) * sizeof(*names));
		names[nn++] = strdup(de->d_name);
	}
	closedir(d);
	qsort(names, nn, sizeof(*names), cmp);
	for (i = 0; i < nn; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		bad |= replay(path, &n);
		free(names[i]);
	}
	free(names);
	printf("1..%u\n", n);
	return bad;
}
