package dev.ebpfc.runtime.helpers;

/// `u32 bpf_get_prandom_u32(void)` (Linux helper 7): seeded and deterministic.
public final class GetPrandomU32 implements Helper {
    @Override
    public String name() {
        return "get_prandom_u32";
    }

    @Override
    public int arity() {
        return 0;
    }

    @Override
    public long call(HelperEnvironment env, long r1, long r2, long r3, long r4, long r5) {
        return env.nextRandom() & 0xffffffffL;
    }
}
