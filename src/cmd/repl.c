// SPDX-License-Identifier: MIT
/*
 * Interactive loop and batch runners. See repl.h.
 *
 * Mutable static state, declared here as STYLE.md asks: command_generator() keeps its
 * position in a static because readline's generator callback takes no user argument.
 */
#include "repl.h"

#include <stdlib.h>
#include <string.h>

#include <readline/history.h>
#include <readline/readline.h>

#include "cmd/builtins.h"
#include "cmd/session.h"
#include "core/util.h"
#include "ext/ext_table.h"

#define HISTORY_MAX 1000

/* readline's completion generator: walks the built-in table, then the extensions. */
static char *command_generator(const char *text, int state)
{
	/* readline calls this repeatedly with increasing state; the index lives in the static
	 * that readline's API forces on us (the generator takes no user argument). */
	static size_t idx;
	size_t len = strlen(text);

	if (!state)
		idx = 0;
	while (idx < builtin_table_len + ext_table_len) {
		size_t i = idx++;
		char name[48];

		if (i < builtin_table_len)
			snprintf(name, sizeof(name), "%s", builtin_table[i]->name);
		else
			snprintf(name, sizeof(name), "!%s", ext_table[i - builtin_table_len]->name);
		if (!strncmp(name, text, len))
			return strdup(name);
	}
	return NULL;
}

static char **complete(const char *text, int start, int end)
{
	rl_attempted_completion_over = 1;
	if (start == 0)
		return rl_completion_matches(text, command_generator);
	return NULL;
}

static char *history_path(void)
{
	const char *home = getenv("HOME");
	char *p = NULL;

	if (!home || !*home)
		return NULL;
	if (asprintf(&p, "%s/.mmkd_history", home) < 0)
		return NULL;
	return p;
}

void repl_run(struct session *s)
{
	_cleanup_free_ char *hist = history_path();
	char prompt[32];

	rl_readline_name = "mmkd";
	rl_attempted_completion_function = complete;
	rl_completer_word_break_characters = " \t";
	using_history();
	stifle_history(HISTORY_MAX);
	if (hist)
		read_history(hist);
	while (!s->quit) {
		char *line;

		snprintf(prompt, sizeof(prompt), "%u: kd> ", s->cpu);
		line = readline(prompt);
		if (!line) {
			printf("\n");
			break;
		}
		if (*line) {
			HIST_ENTRY *last = history_length ? history_get(history_base + history_length - 1)
							  : NULL;

			if (!last || strcmp(last->line, line))
				add_history(line);
			session_run_line(s, line);
		}
		free(line);
	}
	if (hist)
		write_history(hist);
}

bool batch_run_file(struct session *s, FILE *f)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	bool ok = true;

	while (!s->quit && (n = getline(&line, &cap, f)) >= 0) {
		char *p = line;

		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p || *p == '#')
			continue;
		ok = session_run_line(s, p) && ok;
	}
	free(line);
	return ok;
}
