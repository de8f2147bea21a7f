package dev.ebpfc.runtime.helpers;

/// `u32 bpf_get_smp_processor_id(void)` (Linux helper 8): one CPU is modelled, number 0.
public final class GetSmpProcessorId implements Helper {
    @Override
    public String name() {
        return "get_smp_processor_id";
    }

    @Override
    public int arity() {
        return 0;
    }

    @Override
    public long call(HelperEnvironment env, long r1, long r2, long r3, long r4, long r5) {
        return 0;
    }
}
