#!/usr/bin/env bash
# Atoll's main job on the bundled example: compile a CLIF module for x86_64 and
# AArch64 (our listing next to objdump's disassembly), write an ELF object, and run
# its `; run:` lines natively on x86_64 and under qemu-aarch64/qemu-arm. The wasm frontend
# will make this "compile a wasm module and run it".
set -euo pipefail
cd "$(dirname "$0")/.."

atoll() { cargo run --locked -q -- "$@"; }

echo "==> atoll compile --target x86_64 --disasm examples/fib.clif"
atoll compile --target x86_64 --disasm examples/fib.clif
echo "==> atoll compile --target aarch64 -o target/fib-aarch64.o examples/fib.clif"
mkdir -p target
atoll compile --target aarch64 -o target/fib-aarch64.o examples/fib.clif
echo "==> atoll run examples/fib.clif"
atoll run examples/fib.clif
