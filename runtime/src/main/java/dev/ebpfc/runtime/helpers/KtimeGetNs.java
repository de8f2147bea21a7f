package dev.ebpfc.runtime.helpers;

/// `u64 bpf_ktime_get_ns(void)` (Linux helper 5): a deterministic clock that starts at a fixed
/// value and advances by a fixed step per call (see [HelperOptions]).
public final class KtimeGetNs implements Helper {
    @Override
    public String name() {
        return "ktime_get_ns";
    }

    @Override
    public int arity() {
        return 0;
    }

    @Override
    public long call(HelperEnvironment env, long r1, long r2, long r3, long r4, long r5) {
        return env.tick();
    }
}
