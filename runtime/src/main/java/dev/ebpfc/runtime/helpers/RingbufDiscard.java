package dev.ebpfc.runtime.helpers;

/// `void bpf_ringbuf_discard(data, flags)` (Linux helper 133): drops a reserved record.
public final class RingbufDiscard implements Helper {
    @Override
    public String name() {
        return "ringbuf_discard";
    }

    @Override
    public int arity() {
        return 2;
    }

    @Override
    public long call(HelperEnvironment env, long data, long flags, long r3, long r4, long r5) {
        RingbufReserve.commit(env, data, true, name());
        return 0;
    }
}
