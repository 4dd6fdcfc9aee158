// SPDX-License-Identifier: MIT
/*
 * Helpers shared by every extension: option counting and help rendering.
 */
#include "ext.h"

#include <string.h>

unsigned ext_nopts(const struct ext_def *def)
{
	unsigned n = 0;

	while (def->opts && def->opts[n].name && n < EXT_MAX_OPTS)
		n++;
	return n;
}

void ext_print_help(const struct ext_def *def, bool bang, struct out *o)
{
	unsigned i, n = ext_nopts(def);

	out_printf(o, "%s%s - %s\n\n", bang ? "!" : "", def->name, def->summary);
	out_printf(o, "Synopsis: %s\n", def->synopsis);
	if (def->help && *def->help)
		out_printf(o, "\n%s\n", def->help);
	if (n) {
		out_printf(o, "\nOptions:\n");
		for (i = 0; i < n; i++)
			out_printf(o, "  %-14s %s\n", def->opts[i].name,
				   def->opts[i].help ? def->opts[i].help : "");
	}
	if (def->examples && def->examples[0].cmd) {
		out_printf(o, "\nExamples:\n");
		for (i = 0; def->examples[i].cmd; i++)
			out_printf(o, "  %s\n", def->examples[i].cmd);
	}
	out_str(o, "name", def->name);
	out_str(o, "summary", def->summary);
	out_str(o, "synopsis", def->synopsis);
	out_str(o, "help", def->help);
	out_list_begin(o, "options");
	for (i = 0; i < n; i++) {
		out_record_begin(o);
		out_str(o, "name", def->opts[i].name);
		out_bool(o, "positional", def->opts[i].positional);
		out_bool(o, "required", def->opts[i].required);
		out_str(o, "help", def->opts[i].help);
		out_end(o);
	}
	out_end(o);
	out_list_begin(o, "examples");
	for (i = 0; def->examples && def->examples[i].cmd; i++) {
		out_record_begin(o);
		out_str(o, "command", def->examples[i].cmd);
		out_str(o, "dump", def->examples[i].dump);
		out_str(o, "output", def->examples[i].output);
		out_end(o);
	}
	out_end(o);
}
