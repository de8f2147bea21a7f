# Shared by ./ebpfc and ./check: find JDK 25 and write a Maven toolchains file for it.
# Sourced, not run. Sets EBPFC_ROOT, JAVA25_HOME, EBPFC_TOOLCHAINS and EBPFC_MVN (an array).

EBPFC_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

find_jdk25() {
    local candidates=()
    [ -n "${JAVA25_HOME:-}" ] && candidates+=("$JAVA25_HOME")
    [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
    candidates+=(/usr/lib/jvm/temurin-25* /usr/lib/jvm/java-25* /usr/lib/jvm/jdk-25* /opt/java/openjdk* /opt/jdk-25*)
    local c
    for c in "${candidates[@]}"; do
        if [ -x "$c/bin/javac" ] && "$c/bin/java" -version 2>&1 | grep -q 'version "25'; then
            echo "$c"
            return 0
        fi
    done
    return 1
}

if ! JAVA25_HOME="$(find_jdk25)"; then
    echo "ebpfc: JDK 25 not found. Install Temurin 25 (https://adoptium.net) under /usr/lib/jvm," >&2
    echo "       or set JAVA25_HOME=/path/to/jdk-25." >&2
    exit 2
fi
export JAVA25_HOME

if ! command -v mvn >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "ebpfc: installing Maven (apt-get install maven)" >&2
        apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq maven >/dev/null
    fi
    command -v mvn >/dev/null 2>&1 || { echo "ebpfc: Maven 3.8+ not found; run: sudo apt-get install maven" >&2; exit 2; }
fi

# A project-local toolchains file, so the user's ~/.m2/toolchains.xml is never touched.
EBPFC_TOOLCHAINS="$EBPFC_ROOT/.build/toolchains.xml"
mkdir -p "$EBPFC_ROOT/.build"
cat > "$EBPFC_TOOLCHAINS.tmp" <<XML
<?xml version="1.0" encoding="UTF-8"?>
<!-- Written by scripts/env.sh for this machine; not committed. -->
<toolchains>
  <toolchain>
    <type>jdk</type>
    <provides><version>25</version><vendor>any</vendor></provides>
    <configuration><jdkHome>$JAVA25_HOME</jdkHome></configuration>
  </toolchain>
</toolchains>
XML
mv "$EBPFC_TOOLCHAINS.tmp" "$EBPFC_TOOLCHAINS"
EBPFC_MVN=(mvn -B --no-transfer-progress -t "$EBPFC_TOOLCHAINS" -f "$EBPFC_ROOT/pom.xml")
