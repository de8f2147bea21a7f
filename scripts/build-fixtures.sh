#!/usr/bin/env bash
# Rebuilds the ELF loader's test fixtures (frontend/src/test/resources/fixtures/*.o) from the C
# sources next to them in fixtures/src. -mcpu=v1..v3 use clang 14 (Debian's default) and v4 uses
# clang 19 (the first with full v4 support), so the objects cover both LLVM generations. Output is
# deterministic: sources are compiled by relative name with the debug compilation dir set to ".",
# so no path of this machine ends up in DWARF or BTF.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="$ROOT/frontend/src/test/resources/fixtures"
SRC="$OUT/src"

need() {
    if ! command -v "$1" >/dev/null 2>&1; then
        echo "build-fixtures: $1 not found; run: sudo apt-get install $2" >&2
        exit 2
    fi
}
need clang-14 clang-14
need clang-19 clang-19

# fixture -> the -mcpu versions it is built for (atomics with fetch need v3; v4_ops is v4 only)
declare -A CPUS=(
    [xdp_parse]="v1 v2 v3 v4"
    [socket_tc]="v1 v3 v4"
    [legacy_maps]="v1 v3"
    [global_data]="v2 v3 v4"
    [subprogs]="v1 v3 v4"
    [loop]="v3 v4"
    [atomics]="v3 v4"
    [v4_ops]="v4"
)

cd "$SRC"
for name in $(printf '%s\n' "${!CPUS[@]}" | sort); do
    for cpu in ${CPUS[$name]}; do
        if [ "$cpu" = v4 ]; then cc=clang-19; else cc=clang-14; fi
        "$cc" -O2 -g -target bpfel -mcpu="$cpu" -fdebug-compilation-dir=. -fno-ident \
            -Wall -Werror -c "$name.c" -o "$OUT/$name.$cpu.o"
        echo "built fixtures/$name.$cpu.o ($cc, $(stat -c %s "$OUT/$name.$cpu.o") bytes)"
    done
done
