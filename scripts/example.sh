#!/usr/bin/env bash
# Runs Atoll's main job on the bundled example. For now that is reading and
# printing CLIF and running its `; run:` lines; it becomes "compile a wasm module
# and run it" as the frontend and backends land.
set -euo pipefail
cd "$(dirname "$0")/.."

atoll() { cargo run --locked -q -- "$@"; }

have() { atoll "$1" --help >/dev/null 2>&1; }

echo "==> atoll settings --target x86_64 (first lines)"
atoll settings --target x86_64 | head -n 5

for sub in cat test; do
    if ! have "$sub"; then
        echo "==> atoll $sub: not available in this build yet, skipped"
        continue
    fi
    case "$sub" in
        cat)  echo "==> atoll cat examples/fib.clif"; atoll cat examples/fib.clif ;;
        test) echo "==> atoll test examples/";        atoll test examples/ ;;
    esac
done
