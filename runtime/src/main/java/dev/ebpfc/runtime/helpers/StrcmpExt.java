package dev.ebpfc.runtime.helpers;

/// Conformance helper 4: C `strcmp` of the NUL-terminated strings at r1 and r2. The result is the
/// difference of the first differing bytes (as unsigned chars), sign-extended to 64 bits, as glibc
/// returns it; 0 when equal.
public final class StrcmpExt implements Helper {
    @Override
    public String name() {
        return "strcmp_ext";
    }

    @Override
    public int arity() {
        return 2;
    }

    @Override
    public long call(HelperEnvironment env, long a, long b, long r3, long r4, long r5) {
        for (long i = 0; ; i++) {
            int x = (int) env.memory.read(a + i, 1);
            int y = (int) env.memory.read(b + i, 1);
            if (x != y) return x - y;
            if (x == 0) return 0;
        }
    }
}
