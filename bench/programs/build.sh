#!/usr/bin/env bash
# Rebuilds the benchmark objects (bench/programs/obj/*.o) from the C sources beside this script
# with clang 19 for BPF (-O2, -mcpu=v3; v4_heavy with -mcpu=v4). Deterministic: compiled by
# relative name with the debug compilation dir set to ".", no ident string.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
if ! command -v clang-19 >/dev/null 2>&1; then
    echo "build.sh: clang-19 not found; run: sudo apt-get install clang-19" >&2
    exit 2
fi
mkdir -p obj
for src in *.c; do
    name="${src%.c}"
    cpu=v3
    [ "$name" = v4_heavy ] && cpu=v4
    clang-19 -O2 -g -target bpfel -mcpu="$cpu" -fdebug-compilation-dir=. -fno-ident -Wall -Werror \
        -c "$src" -o "obj/$name.o"
    echo "built obj/$name.o (-mcpu=$cpu, $(stat -c %s "obj/$name.o") bytes)"
done
