package dev.ebpfc.runtime.helpers;

/// Conformance helper 1: XORs each of the `r2` bytes at `r1` with 42 (glibc `memfrob`); returns 0.
public final class Memfrob implements Helper {
    @Override
    public String name() {
        return "memfrob";
    }

    @Override
    public int arity() {
        return 2;
    }

    @Override
    public long call(HelperEnvironment env, long p, long n, long r3, long r4, long r5) {
        byte[] b = env.memory.readBytes(p, (int) n);
        for (int i = 0; i < b.length; i++) b[i] ^= 42;
        env.memory.writeBytes(p, b);
        return 0;
    }
}
