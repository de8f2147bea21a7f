package dev.ebpfc.runtime.helpers;

/// `void bpf_ringbuf_submit(data, flags)` (Linux helper 132): publishes a reserved record.
public final class RingbufSubmit implements Helper {
    @Override
    public String name() {
        return "ringbuf_submit";
    }

    @Override
    public int arity() {
        return 2;
    }

    @Override
    public long call(HelperEnvironment env, long data, long flags, long r3, long r4, long r5) {
        RingbufReserve.commit(env, data, false, name());
        return 0;
    }
}
