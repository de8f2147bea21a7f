#!/usr/bin/env bash
# Builds the reactor up to bench (no install: worktrees share ~/.m2) and runs the interpreter JMH
# benchmark from the modules' target/classes. Extra arguments go to JMH (default: a short run).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/env.sh"
cd "$EBPFC_ROOT"
# In one reactor build, so sibling modules resolve from the reactor; bench is built last and its
# classpath (third-party jars only) is the file left behind.
"${EBPFC_MVN[@]}" -q -pl bench -am package dependency:build-classpath -DskipTests \
    -Dmdep.outputFile="$EBPFC_ROOT/.build/bench-cp.txt" \
    -Dmdep.includeGroupIds=org.openjdk.jmh,net.sf.jopt-simple,org.apache.commons,org.eclipse.collections
CP="bench/target/classes:runtime/target/classes:frontend/target/classes:ir/target/classes:backend/target/classes:backend-x86_64/target/classes:$(cat .build/bench-cp.txt)"
args=("$@")
[ ${#args[@]} -eq 0 ] && args=(-f 1 -wi 2 -i 3 -w 1s -r 1s)
# The first arguments may name benchmarks (default: NativeBenchmark and CompileBenchmark).
[[ "${args[0]}" == -* ]] && args=("NativeBenchmark|CompileBenchmark" "${args[@]}")
exec "$JAVA25_HOME/bin/java" --enable-native-access=ALL-UNNAMED -Debpfc.root="$EBPFC_ROOT" -cp "$CP" org.openjdk.jmh.Main "${args[@]}"
