#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Turn a compact layout definition (*.def) into a Volatility 3 ISF JSON profile.

Developer tool only: the build reads the committed JSON, never this script. Standard library only.
Usage: python3 profiles/isfgen.py profiles/win7-x64-rtm.def > profiles/win7-x64-rtm.json
"""
import json
import re
import sys

BASE = {
    "u8": ("unsigned char", 1, False, "int"),
    "u16": ("unsigned short", 2, False, "int"),
    "u32": ("unsigned long", 4, False, "int"),
    "u64": ("unsigned long long", 8, False, "int"),
    "i8": ("char", 1, True, "int"),
    "i16": ("short", 2, True, "int"),
    "i32": ("long", 4, True, "int"),
    "i64": ("long long", 8, True, "int"),
    "char": ("char", 1, True, "char"),
    "void": ("void", 0, False, "void"),
}


def parse_type(t, lineno):
    m = re.fullmatch(r"(.*)\[(\d+)\]", t)
    if m:
        return {"kind": "array", "count": int(m.group(2)), "subtype": parse_type(m.group(1), lineno)}
    if t.startswith("ptr:"):
        return {"kind": "pointer", "subtype": parse_type(t[4:], lineno)}
    if t.startswith("s:"):
        return {"kind": "struct", "name": t[2:]}
    if t.startswith("e:"):
        return {"kind": "enum", "name": t[2:]}
    if t.startswith("b:"):
        _, base, pos, length = t.split(":")
        return {"kind": "bitfield", "bit_position": int(pos), "bit_length": int(length),
                "type": {"kind": "base", "name": BASE[base][0]}}
    if t in BASE:
        return {"kind": "base", "name": BASE[t][0]}
    sys.exit(f"line {lineno}: unknown type {t!r}")


def main():
    src = open(sys.argv[1]).read().splitlines()
    user_types, enums, symbols = {}, {}, {}
    cur = None
    for n, raw in enumerate(src, 1):
        line = raw.split("#", 1)[0].rstrip()
        if not line.strip():
            continue
        words = line.split()
        if not raw[0].isspace():
            if words[0] in ("struct", "union"):
                cur = ("type", words[1])
                user_types[words[1]] = {"kind": words[0], "size": int(words[2], 0), "fields": {}}
            elif words[0] == "enum":
                cur = ("enum", words[1])
                enums[words[1]] = {"size": int(words[2], 0), "base": BASE[words[3]][0], "constants": {}}
            elif words[0] == "symbol":
                symbols[words[1]] = {"address": int(words[2], 0)}
                cur = None
            else:
                sys.exit(f"line {n}: unknown directive {words[0]!r}")
            continue
        if cur is None:
            sys.exit(f"line {n}: field outside a type")
        if cur[0] == "enum":
            enums[cur[1]]["constants"][words[0]] = int(words[1], 0)
            continue
        off, name, typ = words[0], words[1], words[2]
        fields = user_types[cur[1]]["fields"]
        if name in fields:
            sys.exit(f"line {n}: duplicate field {name}")
        fields[name] = {"offset": int(off, 0), "type": parse_type(typ, n)}
    # struct references may name unions: fix their kind
    def fix(t):
        if t["kind"] == "struct":
            if t["name"] not in user_types:
                sys.exit(f"unknown type {t['name']}")
            t["kind"] = user_types[t["name"]]["kind"]
        for k in ("subtype",):
            if k in t:
                fix(t[k])
    for ut in user_types.values():
        for f in ut["fields"].values():
            fix(f["type"])
            if f["type"]["kind"] == "pointer" and f["type"]["subtype"]["kind"] in ("struct", "union"):
                pass
    base_types = {v[0]: {"size": v[1], "signed": v[2], "kind": v[3], "endian": "little"}
                  for v in BASE.values()}
    base_types["pointer"] = {"size": 8, "signed": False, "kind": "int", "endian": "little"}
    doc = {
        "metadata": {
            "format": "6.2.0",
            "producer": {"name": "mmkd isfgen.py", "version": "1"},
            "windows": {"pe": {"major": 6, "minor": 1, "revision": 7600, "build": 7600},
                        "pdb": {"GUID": "00000000000000000000000000000000", "age": 1,
                                "database": "ntkrnlmp.pdb", "machine_type": 34404}},
            "mmkd": {"name": "win7-x64-rtm",
                     "source": "profiles/win7-x64-rtm.def; offsets per shared/spec/structures.md"},
        },
        "base_types": base_types,
        "user_types": user_types,
        "enums": enums,
        "symbols": symbols,
    }
    json.dump(doc, sys.stdout, indent=1)  # keep declaration order: dt prints members in it
    sys.stdout.write("\n")


main()
