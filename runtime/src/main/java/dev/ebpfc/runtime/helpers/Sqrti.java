package dev.ebpfc.runtime.helpers;

/// Conformance helper 3: integer square root of r1 as uBPF computes it, `(uint64_t) sqrt((double) a)`
/// with r1 read as unsigned.
public final class Sqrti implements Helper {
    @Override
    public String name() {
        return "sqrti";
    }

    @Override
    public int arity() {
        return 1;
    }

    @Override
    public long call(HelperEnvironment env, long a, long r2, long r3, long r4, long r5) {
        // Unsigned to double with one rounding, as C's conversion: halve with the lost bit kept sticky.
        double d = a >= 0 ? (double) a : (double) ((a >>> 1) | (a & 1)) * 2.0;
        double r = Math.sqrt(d);
        // The root of a 64-bit value is below 2^32, so a signed conversion is exact.
        return (long) r;
    }
}
