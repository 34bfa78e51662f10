#!/usr/bin/env python3
"""Regenerate the expected columns of isa-x64/tests/encoding.rs from llvm-mc-14.

Input lines: `<rust expression> | <intel asm>`. For each, runs
  echo "<asm>" | llvm-mc-14 -triple=x86_64 -x86-asm-syntax=intel -output-asm-variant=1 -show-encoding
and prints `(expr, "hex", "text"),` (or, with `--write FILE`, replaces the block
between the GENERATED ROWS markers of FILE) where hex bytes that llvm-mc leaves to a fixup
(`A`) become `..` and text is llvm-mc's own printing, whitespace normalized. Rows
whose asm starts with the `{disp32}` pseudo-prefix (forcing the rel32 form of a
branch to a label, which llvm-mc would otherwise print in its short form before
relaxation) have it removed from the expected text."""
import re, subprocess, sys
out = []
for line in open(sys.argv[1]):
    line = line.rstrip("\n")
    if not line.strip():
        continue
    expr, asm = [s.strip() for s in line.rsplit("|", 1)]
    r = subprocess.run(["llvm-mc-14", "-triple=x86_64", "-x86-asm-syntax=intel",
                        "-output-asm-variant=1", "-show-encoding"],
                       input=asm + "\n", capture_output=True, text=True)
    if r.returncode != 0 or "error" in r.stderr:
        sys.exit(f"llvm-mc failed on `{asm}`: {r.stderr}")
    enc = None
    for l in r.stdout.splitlines():
        m = re.match(r"\s*(.*?)\s*# encoding: \[(.*)\]", l)
        if m:
            text = " ".join(m.group(1).split())
            text = text.removeprefix("{disp32} ")
            bs = [b for b in m.group(2).split(",")]
            enc = " ".join(".." if b == "A" else "%02x" % int(b, 16) for b in bs)
            break
    if enc is None:
        sys.exit(f"no encoding for `{asm}`: {r.stdout}")
    out.append(f'    ({expr}, "{enc}", "{text}"),')
BEGIN = "// BEGIN GENERATED ROWS"
END = "// END GENERATED ROWS"
if len(sys.argv) == 4 and sys.argv[2] == "--write":
    path = sys.argv[3]
    text = open(path).read()
    head, rest = text.split(BEGIN, 1)
    begin_line_end = rest.index("\n") + 1
    _, tail = rest[begin_line_end:].split(END, 1)
    indent = head[head.rindex("\n") + 1:]
    rows = "\n".join("    " + r for r in out)
    open(path, "w").write(head + BEGIN + rest[:begin_line_end] + rows + "\n" + indent + END + tail)
else:
    print("\n".join(out))
