package dev.ebpfc.runtime.helpers;

/// Conformance helper 0 (uBPF test table): packs the low byte of each of r1–r5 into one value,
/// r1's byte highest: `a<<32 | b<<24 | c<<16 | d<<8 | e`.
public final class GatherBytes implements Helper {
    @Override
    public String name() {
        return "gather_bytes";
    }

    @Override
    public int arity() {
        return 5;
    }

    @Override
    public long call(HelperEnvironment env, long a, long b, long c, long d, long e) {
        return (a & 0xff) << 32 | (b & 0xff) << 24 | (c & 0xff) << 16 | (d & 0xff) << 8 | (e & 0xff);
    }
}
