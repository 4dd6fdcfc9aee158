// SPDX-License-Identifier: MIT
/*
 * The profile against every `dt` excerpt of the book collected in
 * shared/spec/excerpts/book-pte-excerpts.md (D1-D15, "dt nt!_MMPTE* and _MMPFN.OriginalPte
 * dumps"): each field the book prints, with its offset (+0x...) and, for bitfields, the bit
 * position and width implied by the printed binary digits; and the values the book prints,
 * decoded with the profile's fields. The reference VMM writes every structure through these
 * fields, so this is what makes its dumps match the book.
 */
#include <string.h>

#include "core/profile.h"
#include "core/util.h"
#include "model/layout.h"
#include "tap.h"

struct dt_field {
	const char *excerpt; /* D1..D15 */
	unsigned line;	     /* the book line that prints the field */
	const char *type, *path;
	uint64_t offset;
	int bit_pos, bit_len; /* -1: not a bitfield */
};

static const struct dt_field fields[] = {
	/* D1, L5089-5104: dt nt!_mmpte u.trans. */
	{ "D1", 5090, "_MMPTE", "u", 0, -1, -1 },
	{ "D1", 5091, "_MMPTE", "u.Trans", 0, -1, -1 },
	{ "D1", 5092, "_MMPTE", "u.Trans.Valid", 0, 0, 1 },
	{ "D1", 5094, "_MMPTE", "u.Trans.Write", 0, 1, 1 },
	{ "D1", 5096, "_MMPTE", "u.Trans.Owner", 0, 2, 1 },
	{ "D1", 5098, "_MMPTE", "u.Trans.WriteThrough", 0, 3, 1 },
	{ "D1", 5099, "_MMPTE", "u.Trans.CacheDisable", 0, 4, 1 },
	{ "D1", 5100, "_MMPTE", "u.Trans.Protection", 0, 5, 5 },
	{ "D1", 5101, "_MMPTE", "u.Trans.Prototype", 0, 10, 1 },
	{ "D1", 5102, "_MMPTE", "u.Trans.Transition", 0, 11, 1 },
	{ "D1", 5103, "_MMPTE", "u.Trans.PageFrameNumber", 0, 12, 36 }, /* bits 12-47, L5118 */
	{ "D1", 5104, "_MMPTE", "u.Trans.Unused", 0, 48, 16 },
	/* D2/D4, L5289-5331 and L5408-5455: dt nt!_mmpfn PteAddress u3.e1. OriginalPte.u. u4.PteFrame */
	{ "D2", 5291, "_MMPFN", "PteAddress", 0x10, -1, -1 },
	{ "D2", 5292, "_MMPFN", "u3", 0x18, -1, -1 },
	{ "D2", 5293, "_MMPFN", "u3.e1", 0x1a, -1, -1 },
	{ "D2", 5294, "_MMPFN", "u3.e1.PageLocation", 0x1a, 0, 3 },
	{ "D2", 5295, "_MMPFN", "u3.e1.WriteInProgress", 0x1a, 3, 1 },
	{ "D2", 5296, "_MMPFN", "u3.e1.Modified", 0x1a, 4, 1 },
	{ "D2", 5297, "_MMPFN", "u3.e1.ReadInProgress", 0x1a, 5, 1 },
	{ "D2", 5298, "_MMPFN", "u3.e1.CacheAttribute", 0x1a, 6, 2 },
	{ "D2", 5299, "_MMPFN", "u3.e1.Priority", 0x1b, 0, 3 },
	{ "D2", 5300, "_MMPFN", "u3.e1.Rom", 0x1b, 3, 1 },
	{ "D2", 5301, "_MMPFN", "u3.e1.InPageError", 0x1b, 4, 1 },
	{ "D2", 5304, "_MMPFN", "u3.e1.KernelStack", 0x1b, 5, 1 },
	{ "D2", 5305, "_MMPFN", "u3.e1.RemovalRequested", 0x1b, 6, 1 },
	{ "D2", 5306, "_MMPFN", "u3.e1.ParityError", 0x1b, 7, 1 },
	{ "D2", 5307, "_MMPFN", "OriginalPte", 0x20, -1, -1 },
	{ "D2", 5308, "_MMPFN", "OriginalPte.u", 0x20, -1, -1 },
	{ "D2", 5310, "_MMPFN", "OriginalPte.u.Long", 0x20, -1, -1 },
	{ "D2", 5311, "_MMPFN", "OriginalPte.u.VolatileLong", 0x20, -1, -1 },
	{ "D2", 5312, "_MMPFN", "OriginalPte.u.Hard", 0x20, -1, -1 },
	{ "D2", 5313, "_MMPFN", "OriginalPte.u.Flush", 0x20, -1, -1 },
	{ "D2", 5316, "_MMPFN", "OriginalPte.u.Proto", 0x20, -1, -1 },
	{ "D2", 5317, "_MMPFN", "OriginalPte.u.Soft", 0x20, -1, -1 },
	{ "D2", 5319, "_MMPFN", "OriginalPte.u.TimeStamp", 0x20, -1, -1 },
	{ "D2", 5324, "_MMPFN", "OriginalPte.u.Trans", 0x20, -1, -1 },
	{ "D2", 5326, "_MMPFN", "OriginalPte.u.Subsect", 0x20, -1, -1 },
	{ "D2", 5328, "_MMPFN", "OriginalPte.u.List", 0x20, -1, -1 },
	{ "D2", 5329, "_MMPFN", "u4", 0x28, -1, -1 },
	{ "D2", 5330, "_MMPFN", "u4.PteFrame", 0x28, 0, 52 },
	/* D3, L5335-5375: the PteFrame chain; u1.Flink holds the EPROCESS of a PML4 page */
	{ "D3", 5336, "_MMPFN", "u4", 0x28, -1, -1 },
	{ "D3", 5340, "_MMPFN", "PteAddress", 0x10, -1, -1 },
	{ "D3", 5356, "_MMPFN", "u1", 0, -1, -1 },
	{ "D3", 5358, "_MMPFN", "u1.Flink", 0, -1, -1 },
	/* D5-D11, L5690-6088: dt nt!_mmpfn u1.Flink u2.Blink u3.e1. PteAddress OriginalPte.u.Soft. */
	{ "D5", 5690, "_MMPFN", "u1.Flink", 0, -1, -1 },
	{ "D5", 5694, "_MMPFN", "u2", 8, -1, -1 },
	{ "D5", 5695, "_MMPFN", "u2.Blink", 8, -1, -1 },
	{ "D5", 5697, "_MMPFN", "PteAddress", 0x10, -1, -1 },
	{ "D5", 5701, "_MMPFN", "u3.e1.PageLocation", 0x1a, 0, 3 },
	{ "D5", 5702, "_MMPFN", "u3.e1.WriteInProgress", 0x1a, 3, 1 },
	{ "D7", 5843, "_MMPFN", "OriginalPte.u.Soft", 0x20, -1, -1 },
	{ "D7", 5844, "_MMPFN", "OriginalPte.u.Soft.Valid", 0x20, 0, 1 },
	{ "D7", 5846, "_MMPFN", "OriginalPte.u.Soft.PageFileLow", 0x20, 1, 4 },
	{ "D7", 5848, "_MMPFN", "OriginalPte.u.Soft.Protection", 0x20, 5, 5 },
	{ "D7", 5850, "_MMPFN", "OriginalPte.u.Soft.Prototype", 0x20, 10, 1 },
	{ "D7", 5852, "_MMPFN", "OriginalPte.u.Soft.Transition", 0x20, 11, 1 },
	{ "D7", 5854, "_MMPFN", "OriginalPte.u.Soft.UsedPageTableEntries", 0x20, 12, 10 },
	{ "D7", 5855, "_MMPFN", "OriginalPte.u.Soft.InStore", 0x20, 22, 1 },
	{ "D7", 5856, "_MMPFN", "OriginalPte.u.Soft.Reserved", 0x20, 23, 9 },
	{ "D7", 5858, "_MMPFN", "OriginalPte.u.Soft.PageFileHigh", 0x20, 32, 32 },
	{ "D9", 5932, "_MMPFN", "u1.Flink", 0, -1, -1 },
	{ "D9", 5934, "_MMPFN", "u2.Blink", 8, -1, -1 },
	{ "D12", 6146, "_MMPFN", "OriginalPte", 0x20, -1, -1 },
	{ "D12", 6164, "_MMPFN", "OriginalPte.u.Soft.PageFileHigh", 0x20, 32, 32 },
	/* D13-D15, L6276-6679: dt nt!_mmpfn u3.e1. PteAddress OriginalPte.u. */
	{ "D13", 6277, "_MMPFN", "PteAddress", 0x10, -1, -1 },
	{ "D13", 6280, "_MMPFN", "u3.e1.PageLocation", 0x1a, 0, 3 },
	{ "D13", 6283, "_MMPFN", "u3.e1.Modified", 0x1a, 4, 1 },
	{ "D13", 6295, "_MMPFN", "OriginalPte.u.Long", 0x20, -1, -1 },
	{ "D14", 6421, "_MMPFN", "u3.e1.WriteInProgress", 0x1a, 3, 1 },
	{ "D14", 6434, "_MMPFN", "OriginalPte.u.VolatileLong", 0x20, -1, -1 },
	{ "D15", 6618, "_MMPFN", "OriginalPte.u.Long", 0x20, -1, -1 },
};

/* A value the book prints, decoded with a profile field. */
struct dt_value {
	const char *excerpt;
	unsigned line;
	const char *type, *path;
	uint64_t raw;	 /* the whole 8 bytes at the field's storage unit */
	uint64_t value;	 /* what dt prints for the field */
};

static const struct dt_value values[] = {
	/* D1: the transition PTE reassembled from its fields: 0x8CA0000007E5A886 */
	{ "D1", 5100, "_MMPTE", "u.Trans.Protection", 0x8CA0000007E5A886ULL, 4 },
	{ "D1", 5103, "_MMPTE", "u.Trans.PageFrameNumber", 0x8CA0000007E5A886ULL, 0x7e5a },
	{ "D1", 5104, "_MMPTE", "u.Trans.Unused", 0x8CA0000007E5A886ULL, 0x8ca0 },
	{ "D1", 5102, "_MMPTE", "u.Trans.Transition", 0x8CA0000007E5A886ULL, 1 },
	/* D7: OriginalPte.u.Soft of a page being written: PageFileHigh 0x1ebf2, Protection 4 */
	{ "D7", 5858, "_MMPFN", "OriginalPte.u.Soft.PageFileHigh", 0x0001EBF200000080ULL, 0x1ebf2 },
	{ "D7", 5848, "_MMPFN", "OriginalPte.u.Soft.Protection", 0x0001EBF200000080ULL, 4 },
	{ "D12", 6164, "_MMPFN", "OriginalPte.u.Soft.PageFileHigh", 0x0003916A00000080ULL, 0x3916a },
	/* D13-D15: OriginalPte.u.Long 0x31006`00000080: PageFileHigh 0x31006, Protection 4 */
	{ "D13", 6337, "_MMPFN", "OriginalPte.u.Soft.PageFileHigh", 0x0003100600000080ULL, 0x31006 },
	{ "D14", 6434, "_MMPFN", "OriginalPte.u.Soft.Protection", 0x0003100600000080ULL, 4 },
	/* D2: e1 of a Modified page: PageLocation 0y011, Modified, CacheAttribute 0y01, Priority 0y101 */
	{ "D2", 5294, "_MMPFN", "u3.e1.PageLocation", 0x0513ULL << 16, 3 },
	{ "D2", 5296, "_MMPFN", "u3.e1.Modified", 0x0553ULL << 16, 1 },
	{ "D2", 5298, "_MMPFN", "u3.e1.CacheAttribute", 0x0553ULL << 16, 1 },
	{ "D2", 5299, "_MMPFN", "u3.e1.Priority", 0x0553ULL << 16, 5 },
};

int main(void)
{
	struct profile *p;
	size_t i;

	ck_no_err(profile_load_builtin(&p), "load the built-in profile");
	for (i = 0; i < ARRAY_SIZE(fields); i++) {
		const struct dt_field *d = &fields[i];
		struct field f;
		struct err *err = profile_field(p, d->type, d->path, &f);
		bool good = !err && f.offset == d->offset;

		if (good && d->bit_len >= 0)
			good = f.is_bitfield && f.bit_pos == (unsigned)d->bit_pos &&
			       f.bit_len == (unsigned)d->bit_len;
		ok(good, "%s L%u: %s.%s at +%#llx%s", d->excerpt, d->line, d->type, d->path,
		   (unsigned long long)d->offset, d->bit_len >= 0 ? " (bits as printed)" : "");
		err_destroy(err);
	}
	for (i = 0; i < ARRAY_SIZE(values); i++) {
		const struct dt_value *d = &values[i];
		uint8_t b[0x30] = { 0 };
		struct field f;
		struct err *err = profile_field(p, d->type, d->path, &f);

		if (err) {
			ok(0, "%s L%u: %s.%s: %s", d->excerpt, d->line, d->type, d->path, err->message);
			err_destroy(err);
			continue;
		}
		/* Place the raw qword at the field's storage unit, as the book's object. */
		memcpy(b + (f.offset & ~7ULL), &d->raw, 8);
		is_u64(field_read(&f, b, sizeof(b)), d->value, "%s L%u: %s.%s decodes to %#llx", d->excerpt,
		       d->line, d->type, d->path, (unsigned long long)d->value);
	}
	/* sizeof(_MMPFN) = 0x30 is implied by every "fffffa8000000000 + pfn*30" of D2-D4. */
	{
		uint64_t sz = 0;

		ck_no_err(profile_type_size(p, "_MMPFN", &sz), "_MMPFN size");
		is_u64(sz, 0x30, "D2 L5290: MMPFN address = fffffa8000000000 + pfn*30");
	}
	profile_destroy(p);
	return done_testing();
}
