// SPDX-License-Identifier: MIT
/* The printer: text mode ignores structure, JSON mode ignores text; JSON lines are one object
 * per command with hex strings for 64-bit values; errors carry code and address. */
#include <jansson.h>

#include "core/out.h"
#include "tap.h"

int main(void)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct out o;
	json_t *j;
	json_error_t je;
	struct err *err;

	out_init(&o, OUT_JSON, f);
	out_command_begin(&o, "!test 1");
	out_printf(&o, "text that JSON mode drops\n");
	out_u64(&o, "va", 0xfffff80002c06000ULL, OUT_HEX);
	out_u64(&o, "count", 42, OUT_DEC);
	out_list_begin(&o, "items");
	out_record_begin(&o);
	out_str(&o, "name", "PXE");
	out_end(&o);
	out_end(&o);
	out_note(&o, "a note");
	out_command_end(&o, "!test 1", NULL);
	err = err_fault("kernel", 0x1234, "_MMPFN entry", "page not present");
	out_command_begin(&o, "!bad");
	out_command_end(&o, "!bad", err);
	err_destroy(err);
	out_deinit(&o);
	fclose(f);

	j = json_loadb(buf, strchr(buf, '\n') - buf, 0, &je);
	ok(j != NULL, "first line parses");
	is_str(json_string_value(json_object_get(j, "command")), "!test 1", "command echoed");
	ok(json_is_true(json_object_get(j, "ok")), "ok true");
	is_str(json_string_value(json_object_get(json_object_get(j, "result"), "va")),
	       "0xfffff80002c06000", "64-bit value as a hex string");
	ok(json_integer_value(json_object_get(json_object_get(j, "result"), "count")) == 42,
	   "counts as numbers");
	is_str(json_string_value(json_object_get(
		       json_array_get(json_object_get(json_object_get(j, "result"), "items"), 0), "name")),
	       "PXE", "nested list of records");
	ok(json_array_size(json_object_get(json_object_get(j, "result"), "notes")) == 1, "notes[]");
	json_decref(j);
	j = json_loads(strchr(buf, '\n') + 1, 0, &je);
	ok(j != NULL, "second line parses");
	ok(json_is_false(json_object_get(j, "ok")), "ok false on error");
	is_str(json_string_value(json_object_get(json_object_get(j, "error"), "code")), "fault",
	       "error code");
	is_str(json_string_value(json_object_get(json_object_get(j, "error"), "address")), "0x1234",
	       "error address");
	ok(strstr(json_string_value(json_object_get(json_object_get(j, "error"), "message")),
		  "_MMPFN entry") != NULL, "message names what was read");
	json_decref(j);
	free(buf);

	buf = NULL;
	f = open_memstream(&buf, &len);
	out_init(&o, OUT_TEXT, f);
	o.echo = true;
	out_command_begin(&o, "!x");
	out_u64(&o, "va", 1, OUT_HEX);
	out_printf(&o, "hello\n");
	out_command_end(&o, "!x", NULL);
	out_deinit(&o);
	fclose(f);
	is_str(buf, "0: kd> !x\nhello\n", "text mode: prompt echo, text only");
	free(buf);
	return done_testing();
}
