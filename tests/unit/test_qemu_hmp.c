// SPDX-License-Identifier: MIT
/* The HMP parsers on text captured from QEMU 7.2 (tests/data/qemu/, see its README): two vCPUs
 * (one in long mode in the guest stub, one halted in real mode by SeaBIOS), the memory maps of
 * a 36 MiB and a 5 GiB i440fx guest and of a 4 GiB q35 guest whose RAM is a shared
 * memory-backend-file; then malformed text. The expected values were read off the captures by
 * hand: the parsers must find what a person finds there. */
#include "targets/qemu_hmp.h"

#include "core/util.h"
#include "tap.h"

static void test_registers(void)
{
	_cleanup_free_ char *text = tap_slurp("tests/data/qemu", "info-registers-smp2.txt");
	struct cpu_state *c = NULL;
	size_t n = 0;
	uint64_t v = 0;

	ck_no_err(qemu_hmp_parse_registers(text, &c, &n), "info registers -a parses");
	is_u64(n, 2, "two CPU sections");
	if (n != 2)
		return;
	/* CPU#0: the stub, halted in long mode */
	is_u64(c[0].rip, 0x1000a0, "CPU 0 RIP");
	is_u64(c[0].rflags, 0x46, "CPU 0 RFL");
	is_u64(c[0].gpr[GPR_RSP], 0x106000, "CPU 0 RSP");
	is_u64(c[0].gpr[GPR_RCX], 0xc0000080, "CPU 0 RCX");
	is_u64(c[0].gpr[GPR_R8], 0, "CPU 0 R8 (printed as 'R8 =')");
	is_u64(c[0].cr0, 0x80010011, "CPU 0 CR0");
	is_u64(c[0].cr3, 0x102000, "CPU 0 CR3");
	is_u64(c[0].cr4, 0x20, "CPU 0 CR4");
	is_u64(c[0].efer, 0xd00, "CPU 0 EFER (LME, LMA, NXE)");
	is_u64(c[0].cs, 0x8, "CPU 0 CS selector");
	is_u64(c[0].ss, 0x10, "CPU 0 SS selector");
	is_u64(c[0].gdt_base, 0x101000, "CPU 0 GDT base");
	is_u64(c[0].gdt_limit, 0x17, "CPU 0 GDT limit");
	ok((c[0].valid & (REG_GPR | REG_CR | REG_SEG | REG_DESC | REG_EFER)) ==
		   (REG_GPR | REG_CR | REG_SEG | REG_DESC | REG_EFER),
	   "CPU 0 has general, control, segment, descriptor registers and EFER");
	ok(target_cpu_msr(&c[0], 0xC0000080, &v) && v == 0xd00, "EFER is recorded as MSR C0000080");
	ok(target_cpu_msr(&c[0], 0xC0000101, &v) && v == 0, "GS.base is recorded as MSR C0000101");
	ok(!target_cpu_msr(&c[0], 0xC0000102, &v), "KERNEL_GS_BASE is not (HMP does not print it)");
	/* CPU#1: an AP parked by SeaBIOS in 32-bit mode prints EAX.. and EIP */
	is_u64(c[1].rip, 0xfd09a, "CPU 1 EIP");
	is_u64(c[1].gpr[GPR_RAX], 0xf49f6, "CPU 1 EAX");
	is_u64(c[1].gpr[GPR_RSP], 0x6c5c, "CPU 1 ESP");
	ok(c[1].valid & REG_CR, "CPU 1 has control registers");
	qemu_hmp_free_cpus(c, n);
}

struct want_range {
	uint64_t start, len, off;
	bool ro;
};

static void check_ranges(const char *file, const char *block, const struct want_range *w,
			 size_t nw)
{
	_cleanup_free_ char *text = tap_slurp("tests/data/qemu", file);
	const char *blocks[] = { block };
	struct qemu_ram_range *r = NULL;
	size_t n = 0, i;

	ck_no_err(qemu_hmp_parse_mtree(text, blocks, 1, &r, &n), "%s parses", file);
	is_u64(n, nw, "%s: %zu RAM ranges of '%s'", file, nw, block);
	for (i = 0; i < n && i < nw; i++) {
		ok(r[i].start_pa == w[i].start && r[i].len == w[i].len && r[i].block_off == w[i].off &&
			   r[i].readonly == w[i].ro && !strcmp(r[i].block, block),
		   "%s: range %zu is %#" PRIx64 "+%#" PRIx64 " at block offset %#" PRIx64 "%s", file,
		   i, w[i].start, w[i].len, w[i].off, w[i].ro ? " (rom)" : "");
		if (r[i].start_pa != w[i].start || r[i].len != w[i].len)
			printf("#   got %#" PRIx64 "+%#" PRIx64 " @%#" PRIx64 "\n", r[i].start_pa,
			       r[i].len, r[i].block_off);
	}
	free(r);
}

static void test_mtree(void)
{
	static const struct want_range pc36[] = {
		{ 0, 0xc3000, 0, false },
		{ 0xc3000, 0x25000, 0xc3000, true },
		{ 0xe8000, 0x8000, 0xe8000, false },
		{ 0xf0000, 0x10000, 0xf0000, true },
		{ 0x100000, 0x2300000, 0x100000, false },
	};
	static const struct want_range pc5g[] = {
		{ 0, 0xc3000, 0, false },
		{ 0xc3000, 0x25000, 0xc3000, true },
		{ 0xe8000, 0x8000, 0xe8000, false },
		{ 0xf0000, 0x10000, 0xf0000, true },
		{ 0x100000, 0xbff00000, 0x100000, false },
		{ 0x100000000, 0x80000000, 0xc0000000, false }, /* 5 GiB: 3 GiB low, 2 GiB at 4 GiB */
	};
	static const struct want_range q35[] = {
		{ 0, 0xc3000, 0, false },
		{ 0xc3000, 0x25000, 0xc3000, true },
		{ 0xe8000, 0x8000, 0xe8000, false },
		{ 0xf0000, 0x10000, 0xf0000, true },
		{ 0x100000, 0x7ff00000, 0x100000, false },
		{ 0x100000000, 0x80000000, 0x80000000, false }, /* q35 4 GiB: 2 GiB low */
	};
	_cleanup_free_ char *text = tap_slurp("tests/data/qemu", "mtree-pc-36m.txt");
	const char *other[] = { "pc.bios" };
	struct qemu_ram_range *r = NULL;
	size_t n = 0;

	check_ranges("mtree-pc-36m.txt", "pc.ram", pc36, ARRAY_SIZE(pc36));
	check_ranges("mtree-pc-5g.txt", "pc.ram", pc5g, ARRAY_SIZE(pc5g));
	check_ranges("mtree-q35-4g-file.txt", "mem0", q35, ARRAY_SIZE(q35));
	ck_no_err(qemu_hmp_parse_mtree(text, other, 1, &r, &n), "ranges of another block");
	ok(n == 1 && r[0].start_pa == 0xfffc0000 && r[0].readonly, "pc.bios is one ROM range");
	free(r);
}

static void test_malformed(void)
{
	const char *blocks[] = { "pc.ram" };
	struct qemu_ram_range *r = NULL;
	struct cpu_state *c = NULL;
	size_t n = 0;

	ck_err(qemu_hmp_parse_registers("", &c, &n), ERR_FORMAT, "empty", "empty registers reply");
	ck_err(qemu_hmp_parse_registers("Error: no CPU\n", &c, &n), ERR_FORMAT, "no registers",
	       "a monitor error instead of registers");
	ck_err(qemu_hmp_parse_registers("RAX=12zz RBX=0\n", &c, &n), ERR_FORMAT, "malformed line 1",
	       "a register that is not hex");
	ck_err(qemu_hmp_parse_registers("CR3=00000000000000000001000\n", &c, &n), ERR_FORMAT,
	       "malformed", "a register of more than 16 digits");
	ck_err(qemu_hmp_parse_registers("GDT= 1000\n", &c, &n), ERR_FORMAT, "malformed",
	       "GDT without its limit");
	ck_err(qemu_hmp_parse_mtree("FlatView #0\n AS \"I/O\", root: io\n", blocks, 1, &r, &n),
	       ERR_FORMAT, "no flat view of the system", "a map without the system address space");
	ck_err(qemu_hmp_parse_mtree(" AS \"memory\", root: system\n"
				    "  0000000000000000-00000000000fffff (prio 0, ram): pc.ram\n"
				    "  0000000000080000-00000000001fffff (prio 0, ram): pc.ram\n",
				    blocks, 1, &r, &n),
	       ERR_FORMAT, "overlaps", "overlapping RAM ranges");
	ck_err(qemu_hmp_parse_mtree(" AS \"memory\", root: system\n"
				    "  0000000000100000-0000000000000fff (prio 0, ram): pc.ram\n",
				    blocks, 1, &r, &n),
	       ERR_FORMAT, "malformed line 2", "a range that ends before it starts");
	ck_err(qemu_hmp_parse_mtree(" AS \"memory\", root: system\n"
				    "  0000000000000000-ffffffffffffffff (prio 0, ram): pc.ram @0000000000001000\n",
				    blocks, 1, &r, &n),
	       ERR_FORMAT, "malformed", "a range whose block offset wraps");
}

int main(void)
{
	test_registers();
	test_mtree();
	test_malformed();
	return done_testing();
}
