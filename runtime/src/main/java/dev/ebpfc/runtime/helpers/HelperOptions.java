package dev.ebpfc.runtime.helpers;

/// Deterministic stand-ins for the world outside the program: the clock, the random generator,
/// the current task and the FIB. Every engine run with equal options sees equal values.
///
/// @param clockStartNs first value of `ktime_get_ns`
/// @param clockStepNs  how much the clock advances per call
/// @param randomSeed   seed of `get_prandom_u32`
/// @param pidTgid      value of `get_current_pid_tgid` (tgid in the high half)
/// @param fibResult    return value of `fib_lookup` (0 = success, 4 = not forwarded…)
/// @param fibIfindex   egress ifindex `fib_lookup` reports on success
/// @param fibSmac      source MAC it writes on success (6 bytes)
/// @param fibDmac      destination MAC it writes on success (6 bytes)
public record HelperOptions(long clockStartNs, long clockStepNs, long randomSeed, long pidTgid,
                            int fibResult, int fibIfindex, byte[] fibSmac, byte[] fibDmac) {
    public static final HelperOptions DEFAULT = new HelperOptions(1_000_000_000L, 1_000L, 0x5eed, (4242L << 32) | 4243L,
            4, 2, new byte[]{2, 0, 0, 0, 0, 1}, new byte[]{2, 0, 0, 0, 0, 2});

    public HelperOptions {
        fibSmac = fibSmac.clone();
        fibDmac = fibDmac.clone();
        if (fibSmac.length != 6 || fibDmac.length != 6) throw new IllegalArgumentException("MAC addresses are 6 bytes");
    }

    @Override
    public byte[] fibSmac() {
        return fibSmac.clone();
    }

    @Override
    public byte[] fibDmac() {
        return fibDmac.clone();
    }

    public HelperOptions withFib(int result, int ifindex) {
        return new HelperOptions(clockStartNs, clockStepNs, randomSeed, pidTgid, result, ifindex, fibSmac, fibDmac);
    }

    public HelperOptions withPidTgid(long v) {
        return new HelperOptions(clockStartNs, clockStepNs, randomSeed, v, fibResult, fibIfindex, fibSmac, fibDmac);
    }

    public HelperOptions withSeed(long seed) {
        return new HelperOptions(clockStartNs, clockStepNs, seed, pidTgid, fibResult, fibIfindex, fibSmac, fibDmac);
    }
}
