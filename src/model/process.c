// SPDX-License-Identifier: MIT
/*
 * EPROCESS reading and the process list walk. See process.h.
 */
#include "process.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/as.h"
#include "core/err.h"
#include "core/util.h"
#include "model/kinfo.h"
#include "model/layout.h"

struct err *process_read(const struct kernel_info *k, uint64_t eprocess, struct process_info *p)
{
	const struct eprocess_layout *el = &k->l.eprocess;
	const struct mmsupport_layout *ml = &k->l.mmsupport;
	uint64_t vm = el->vm.offset, size = el->size;
	uint8_t *buf;
	struct err *err;
	size_t i;

	memset(p, 0, sizeof(*p));
	if (!size || size > 0x4000)
		return err_create(ERR_LAYOUT, "implausible _EPROCESS size %#llx",
				  (unsigned long long)size);
	buf = malloc(size);
	if (!buf)
		return err_nomem;
	err = as_read(k->kas, eprocess, buf, size, "_EPROCESS");
	if (err) {
		free(buf);
		return err;
	}
	p->eprocess = eprocess;
	p->header_type = (unsigned)field_read(&el->header_type, buf, size);
	p->pid = field_read(&el->unique_process_id, buf, size);
	p->parent_pid = field_read(&el->inherited_from_pid, buf, size);
	memcpy(p->name, buf + el->image_file_name.offset, MIN(15, el->image_file_name.size));
	for (i = 0; i < sizeof(p->name) && p->name[i]; i++)
		if ((unsigned char)p->name[i] < 0x20 || (unsigned char)p->name[i] > 0x7e)
			p->name[i] = '?';
	p->dtb = field_read(&el->directory_table_base, buf, size);
	p->vad_root = field_read(&k->l.avl.root_right_child, buf + el->vad_root.offset,
				 size - el->vad_root.offset);
	p->vad_count = field_read(&k->l.avl.number_elements, buf + el->vad_root.offset,
				  size - el->vad_root.offset);
	p->peb = field_read(&el->peb, buf, size);
	p->object_table = field_read(&el->object_table, buf, size);
	p->session = field_read(&el->session, buf, size);
	p->commit_charge = field_read(&el->commit_charge, buf, size);
	p->commit_charge_peak = field_read(&el->commit_charge_peak, buf, size);
	p->virtual_size = field_read(&el->virtual_size, buf, size);
	p->peak_virtual_size = field_read(&el->peak_virtual_size, buf, size);
	p->private_pages = field_read(&el->number_of_private_pages, buf, size);
	p->modified_pages = (uint32_t)field_read(&el->modified_page_count, buf, size);
	p->active_threads = (uint32_t)field_read(&el->active_threads, buf, size);
	p->create_time = (int64_t)field_read(&el->create_time, buf, size);
	p->flags = (uint32_t)field_read(&el->flags, buf, size);
	if (vm < size) {
		const uint8_t *m = buf + vm;
		size_t ml_len = size - vm;

		p->ws_size = (uint32_t)field_read(&ml->ws_size, m, ml_len);
		p->ws_peak = (uint32_t)field_read(&ml->peak_ws, m, ml_len);
		p->ws_min = (uint32_t)field_read(&ml->minimum_ws, m, ml_len);
		p->ws_max = (uint32_t)field_read(&ml->maximum_ws, m, ml_len);
		p->ws_private = (uint32_t)field_read(&ml->ws_private_size, m, ml_len);
		p->page_fault_count = (uint32_t)field_read(&ml->page_fault_count, m, ml_len);
		p->hard_fault_count = (uint32_t)field_read(&ml->hard_fault_count, m, ml_len);
		p->repurpose_count = (uint32_t)field_read(&ml->repurpose_count, m, ml_len);
		p->ws_type = (uint32_t)field_read(&ml->ws_type, m, ml_len);
		p->ws_max_hard = field_read(&ml->maximum_ws_hard, m, ml_len);
		p->wsl = field_read(&ml->vm_working_set_list, m, ml_len);
		p->next_page_color = (uint32_t)field_read(&ml->next_page_color, m, ml_len);
	}
	free(buf);
	return NULL;
}

/* Open-addressing set of visited EPROCESS addresses (cycle detection). */
struct addr_set {
	uint64_t *slots;
	size_t cap, n;
};

static bool set_add(struct addr_set *s, uint64_t a)
{
	size_t i;

	if ((s->n + 1) * 2 > s->cap) {
		struct addr_set bigger = { NULL, s->cap ? s->cap * 2 : 256, 0 };

		bigger.slots = calloc(bigger.cap, sizeof(uint64_t));
		if (!bigger.slots)
			return false;
		for (i = 0; i < s->cap; i++)
			if (s->slots[i])
				set_add(&bigger, s->slots[i]);
		free(s->slots);
		*s = bigger;
	}
	for (i = (a * 0x9E3779B97F4A7C15ULL) >> 40;; i++) {
		uint64_t *slot = &s->slots[i % s->cap];

		if (*slot == a)
			return false;
		if (!*slot) {
			*slot = a;
			s->n++;
			return true;
		}
	}
}

/* A read that failed during the walk: the list is broken there (the walk ends, no error). */
static struct err *broken_by(struct process_walk_result *res, struct err *err)
{
	res->broken = true;
	snprintf(res->why, sizeof(res->why), "%s", err->message);
	err_destroy(err);
	return NULL;
}

struct err *process_walk(const struct kernel_info *k, process_fn fn, void *arg,
			 struct process_walk_result *res)
{
	uint64_t links_off = k->l.eprocess.active_process_links.offset;
	uint64_t head = k->ps_active_process_head, cur, prev = head, next;
	struct addr_set seen = { NULL, 0, 0 };
	struct err *err = NULL;

	memset(res, 0, sizeof(*res));
	err = as_read_u64(k->kas, head, &cur, "PsActiveProcessHead");
	if (err)
		return err;
	while (cur != head) {
		struct process_info p;
		uint64_t blink;

		if (res->count >= PROCESS_WALK_MAX) {
			res->broken = true;
			snprintf(res->why, sizeof(res->why), "more than %d processes: list not ending",
				 PROCESS_WALK_MAX);
			break;
		}
		if (!set_add(&seen, cur)) {
			res->broken = true;
			snprintf(res->why, sizeof(res->why),
				 "ActiveProcessLinks loops back to %#llx without reaching the head",
				 (unsigned long long)cur);
			break;
		}
		err = as_read_u64(k->kas, cur + 8, &blink, "ActiveProcessLinks.Blink");
		if (!err)
			err = as_read_u64(k->kas, cur, &next, "ActiveProcessLinks.Flink");
		if (err) {
			err = broken_by(res, err);
			break;
		}
		if (blink != prev) {
			res->broken = true;
			snprintf(res->why, sizeof(res->why),
				 "ActiveProcessLinks at %#llx: Blink %#llx does not point back to %#llx",
				 (unsigned long long)cur, (unsigned long long)blink,
				 (unsigned long long)prev);
			break;
		}
		err = process_read(k, cur - links_off, &p);
		if (err) {
			err = broken_by(res, err);
			break;
		}
		res->count++;
		if (fn) {
			err = fn(arg, &p);
			if (err)
				break;
		}
		prev = cur;
		cur = next;
	}
	free(seen.slots);
	if (err == err_stop)
		err = NULL;
	return err;
}

struct find_state {
	uint64_t key;
	bool by_pid;
	struct process_info *out;
	bool found;
};

static struct err *find_one(void *arg, const struct process_info *p)
{
	struct find_state *st = arg;

	if ((st->by_pid && p->pid == st->key) || (!st->by_pid && p->eprocess == st->key)) {
		*st->out = *p;
		st->found = true;
		return err_stop;
	}
	return NULL;
}

struct err *process_find(const struct kernel_info *k, uint64_t addr_or_pid,
			 struct process_info *ret)
{
	struct find_state st = { addr_or_pid, addr_or_pid < 0xFFFF800000000000ULL, ret, false };
	struct process_walk_result res;
	struct err *err;

	err = process_walk(k, find_one, &st, &res);
	if (err)
		return err;
	if (st.found)
		return NULL;
	if (!st.by_pid) {
		/* Not on the list (exited, unlinked, or the list is broken): read it anyway. */
		err = process_read(k, addr_or_pid, ret);
		if (err)
			return err;
		if (ret->header_type != 3)
			return err_create(ERR_NOT_FOUND,
					  "%#llx is not a process (dispatcher type %u, not 3)",
					  (unsigned long long)addr_or_pid, ret->header_type);
		return NULL;
	}
	return err_create(ERR_NOT_FOUND, "no process with Cid %#llx%s%s",
			  (unsigned long long)addr_or_pid, res.broken ? " (the process list is broken: " : "",
			  res.broken ? "see !process 0 0)" : "");
}

struct name_state {
	const char *name;
	struct process_info *ret;
	unsigned found;
	char pids[96];
};

static struct err *find_named(void *arg, const struct process_info *p)
{
	struct name_state *st = arg;
	size_t used = strlen(st->pids);

	if (strncasecmp(p->name, st->name, sizeof(p->name) - 1) != 0)
		return NULL;
	if (!st->found++)
		*st->ret = *p;
	if (used + 24 < sizeof(st->pids))
		snprintf(st->pids + used, sizeof(st->pids) - used, "%s%#llx", used ? ", " : "",
			 (unsigned long long)p->pid);
	return NULL;
}

struct err *process_find_name(const struct kernel_info *k, const char *name,
			      struct process_info *ret)
{
	struct name_state st = { name, ret, 0, "" };
	struct process_walk_result res;
	struct err *err = process_walk(k, find_named, &st, &res);

	if (err)
		return err;
	if (st.found == 1)
		return NULL;
	if (st.found > 1)
		return err_create(ERR_INVALID_ARG, "%u processes are named %s (Cids %s): give one "
						   "by Cid or EPROCESS", st.found, name, st.pids);
	return err_create(ERR_NOT_FOUND, "no process named %s%s", name,
			  res.broken ? " (the process list is broken: see !process 0 0)" : "");
}

bool process_is_linked(const struct kernel_info *k, uint64_t eprocess)
{
	uint64_t links = eprocess + k->l.eprocess.active_process_links.offset, flink, blink;
	struct err *err = as_read_u64(k->kas, links, &flink, "ActiveProcessLinks.Flink");

	if (!err)
		err = as_read_u64(k->kas, flink + 8, &blink, "ActiveProcessLinks.Blink");
	if (err) {
		err_destroy(err);
		return false;
	}
	return blink == links;
}
