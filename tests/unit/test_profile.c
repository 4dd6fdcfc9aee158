// SPDX-License-Identifier: MIT
/* The built-in profile: offsets against the book's dt excerpts (structures.md), nested and
 * bitfield paths, symbols, and errors naming missing fields; hostile profiles. */
#include "core/profile.h"
#include "model/layout.h"
#include "tap.h"

static void field_is(struct profile *p, const char *type, const char *path, uint64_t off,
		     int bitpos, int bitlen, const char *src)
{
	struct field f;
	struct err *err = profile_field(p, type, path, &f);

	if (err) {
		ok(0, "%s.%s (%s): %s", type, path, src, err->message);
		err_destroy(err);
		return;
	}
	if (bitlen < 0)
		ok(f.offset == off && !f.is_bitfield, "%s.%s at +%#llx (%s)", type, path,
		   (unsigned long long)off, src);
	else
		ok(f.offset == off && f.is_bitfield && f.bit_pos == (unsigned)bitpos &&
			   f.bit_len == (unsigned)bitlen,
		   "%s.%s at +%#llx bits %d:%d (%s)", type, path, (unsigned long long)off, bitpos,
		   bitlen, src);
}

int main(void)
{
	struct profile *p;
	struct field f;
	uint64_t v, sz;
	uint8_t buf[0x30] = { 0 };

	ck_no_err(profile_load_builtin(&p), "load the built-in profile");
	/* _MMPFN: book B:5283-5361, B:6219 (poi(@rbp+1a)&7 is PageLocation) */
	ck_no_err(profile_type_size(p, "_MMPFN", &sz), "_MMPFN size");
	is_u64(sz, 0x30, "sizeof(_MMPFN) = 0x30 (B:3951)");
	field_is(p, "_MMPFN", "u1.Flink", 0, -1, -1, "B:5652");
	field_is(p, "_MMPFN", "u2.ShareCount", 8, -1, -1, "B:5694");
	field_is(p, "_MMPFN", "PteAddress", 0x10, -1, -1, "B:5291");
	field_is(p, "_MMPFN", "u3.ReferenceCount", 0x18, -1, -1, "B:4182");
	field_is(p, "_MMPFN", "u3.e1.PageLocation", 0x1a, 0, 3, "B:5294, B:6219");
	field_is(p, "_MMPFN", "u3.e1.Modified", 0x1a, 4, 1, "B:5296");
	field_is(p, "_MMPFN", "u3.e1.CacheAttribute", 0x1a, 6, 2, "B:5298");
	field_is(p, "_MMPFN", "u3.e1.Priority", 0x1b, 0, 3, "B:5299");
	field_is(p, "_MMPFN", "OriginalPte", 0x20, -1, -1, "B:5307");
	field_is(p, "_MMPFN", "u4.PteFrame", 0x28, 0, 52, "B:8628");
	field_is(p, "_MMPFN", "u4.PrototypePte", 0x28, 57, 1, "B:8633");
	field_is(p, "_MMPFN", "OriginalPte.u.Soft.PageFileHigh", 0x20, 32, 32, "B:5858");
	field_is(p, "_MMPFN", "OriginalPte.u.Trans.PageFrameNumber", 0x20, 12, 36, "B:5089-5104");
	field_is(p, "_MMPFNLIST", "Flink", 0x10, -1, -1, "B:5283");
	field_is(p, "_EPROCESS", "Vm", 0x398, -1, -1, "B:2883");
	field_is(p, "_EPROCESS", "Vm.VmWorkingSetList", 0x400, -1, -1, "B:2922");
	field_is(p, "_EPROCESS", "Vm.Flags.WorkingSetType", 0x41c, 0, 3, "B:11894");
	field_is(p, "_EPROCESS", "Pcb.DirectoryTableBase", 0x28, -1, -1, "X");
	field_is(p, "_MMSUPPORT", "WorkingSetSize", 0x48, -1, -1, "B:14296");
	field_is(p, "_MMSUPPORT", "NextPageColor", 0x70, -1, -1, "B:14305");
	field_is(p, "_MMWSL", "LastInitializedWsle", 0x20, -1, -1, "B:3057");
	field_is(p, "_MMWSL", "NonDirectHash", 0x48, -1, -1, "B:11947");
	field_is(p, "_MMWSLE", "u1.e1.Age", 0, 9, 3, "B:2943-2961");
	field_is(p, "_MMWSLE", "u1.e2.NextFree", 0, 32, 32, "B:3017-3032");
	field_is(p, "_MMVAD_SHORT", "u.VadFlags.Protection", 0x28, 56, 5, "B:2335");
	field_is(p, "_MMVAD_SHORT", "u.VadFlags.PrivateMemory", 0x28, 63, 1, "B:2337");
	field_is(p, "_MMVAD", "VadsProcess", 0x70, -1, -1, "B:11249");
	field_is(p, "_KDDEBUGGER_DATA64", "MmPfnDatabase", 0xc0, -1, -1, "formats.md §1b");
	field_is(p, "_KDDEBUGGER_DATA64", "Header.OwnerTag", 0x10, -1, -1, "formats.md §1b");
	field_is(p, "_PHYSICAL_MEMORY_DESCRIPTOR", "Run[2].PageCount", 0x10 + 2 * 0x10 + 8, -1, -1,
		 "array index past the declared [1]");
	ck_no_err(profile_symbol(p, "PsActiveProcessHead", &v), "symbol RVA");
	ck_err(profile_field(p, "_MMPFN", "u3.e1.NoSuchBit", &f), ERR_LAYOUT,
	       "_MMPFN.u3.e1.NoSuchBit", "a missing field is named in full");
	ck_err(profile_field(p, "_NOPE", "x", &f), ERR_LAYOUT, "_NOPE", "a missing type is named");
	ck_err(profile_symbol(p, "NoSuchSymbol", &v), ERR_LAYOUT, "NoSuchSymbol", "missing symbol");

	/* field_read / field_write round trip on bitfields */
	ck_no_err(profile_field(p, "_MMPFN", "u3.e1.PageLocation", &f), "PageLocation field");
	field_write(&f, buf, sizeof(buf), 6);
	is_u64(buf[0x1a], 6, "PageLocation written into byte 0x1a");
	is_u64(field_read(&f, buf, sizeof(buf)), 6, "and read back");
	ck_no_err(profile_field(p, "_MMPFN", "u4.PteFrame", &f), "PteFrame field");
	field_write(&f, buf, sizeof(buf), 0xFFFFFFFFFFFFFULL);
	is_u64(field_read(&f, buf, sizeof(buf)), 0xFFFFFFFFFFFFFULL, "52-bit PteFrame round trip");
	is_u64(buf[0x2f], 0x00, "bits above PteFrame untouched");
	{
		struct mm_layout l;

		ck_no_err(mm_layout_init(&l, p), "every field the model uses resolves");
		is_u64(l.pfn.size, 0x30, "layout: sizeof(_MMPFN)");
		is_u64(l.eprocess.vad_root.offset, 0x448, "layout: EPROCESS.VadRoot");
		is_u64(l.wsl.size, 0x488, "layout: sizeof(_MMWSL) (B:2927)");
	}
	profile_destroy(p);

	ck_err(profile_load_string("{", 1, "bad", &p), ERR_FORMAT, "bad", "truncated JSON");
	ck_err(profile_load_string("[]", 2, "arr", &p), ERR_FORMAT, "ISF", "not an object");
	{
		/* A self-referencing type must not recurse forever. */
		const char *cyc = "{\"base_types\":{},\"user_types\":{\"A\":{\"kind\":\"struct\",\"size\":8,"
				  "\"fields\":{\"a\":{\"offset\":0,\"type\":{\"kind\":\"array\",\"count\":2,"
				  "\"subtype\":{\"kind\":\"struct\",\"name\":\"A\"}}}}}}}";

		ck_no_err(profile_load_string(cyc, strlen(cyc), "cyc", &p), "load a cyclic profile");
		ck_no_err(profile_field(p, "A", "a", &f), "resolve a field of a cyclic type");
		profile_destroy(p);
	}
	return done_testing();
}
