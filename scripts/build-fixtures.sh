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

# The llvm-objdump instruction samples (LlvmObjdumpAgreementTest), named without a -mcpu suffix.
for sample in asm-sample:v1 asm-sample-v3:v3; do
    name="${sample%%:*}" cpu="${sample##*:}"
    clang-14 -O2 -g -target bpfel -mcpu="$cpu" -fdebug-compilation-dir=. -fno-ident \
        -Wall -Werror -c "$name.c" -o "$OUT/$name.o"
    echo "built fixtures/$name.o (clang-14, $(stat -c %s "$OUT/$name.o") bytes)"
done

# Seed corpus for a Jazzer fuzz test of the loader (ElfLoaderFuzzTest.loadNeverCrashes): a few
# valid objects and a few with one field broken. Offsets are those of the clang 14 builds above
# (see ElfMalformedTest); after a compiler change the seeds stay useful inputs, just broken elsewhere.
SEEDS="$ROOT/frontend/src/test/resources/dev/ebpfc/frontend/ElfLoaderFuzzTestInputs/loadNeverCrashes"
mkdir -p "$SEEDS"
patch_bytes() { # file offset printf-escaped-bytes
    printf "$3" | dd of="$1" bs=1 seek=$(($2)) conv=notrunc status=none
}
cp "$OUT/socket_tc.v3.o" "$SEEDS/valid-socket-tc"
cp "$OUT/subprogs.v3.o" "$SEEDS/valid-subprogs"
cp "$OUT/legacy_maps.v1.o" "$SEEDS/valid-legacy-maps"
head -c 40 "$OUT/socket_tc.v3.o" > "$SEEDS/truncated-header"
head -c 4000 "$OUT/socket_tc.v3.o" > "$SEEDS/truncated-sections"
cp "$OUT/socket_tc.v3.o" "$SEEDS/bad-machine" && patch_bytes "$SEEDS/bad-machine" 0x12 '\x3e\x00'
cp "$OUT/subprogs.v3.o" "$SEEDS/bad-reloc-symbol" && patch_bytes "$SEEDS/bad-reloc-symbol" 0x13ec '\xe7\x03\x00\x00'
cp "$OUT/subprogs.v3.o" "$SEEDS/bad-opcode" && patch_bytes "$SEEDS/bad-opcode" 0x90 '\xff'
cp "$OUT/subprogs.v3.o" "$SEEDS/call-into-function" && patch_bytes "$SEEDS/call-into-function" 0x64 '\x01'
echo "wrote $(ls "$SEEDS" | wc -l) fuzz seeds to ${SEEDS#$ROOT/}"
