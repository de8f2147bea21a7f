package dev.ebpfc.runtime.helpers;

import dev.ebpfc.runtime.ErrorKind;
import dev.ebpfc.runtime.maps.BpfMap;
import dev.ebpfc.runtime.maps.RingBufMap;

/// `void *bpf_ringbuf_reserve(ringbuf, size, flags)` (Linux helper 131): the address of `size`
/// writable bytes in the ring, or NULL when it is full or `flags` is not 0.
public final class RingbufReserve implements Helper {
    @Override
    public String name() {
        return "ringbuf_reserve";
    }

    @Override
    public int arity() {
        return 3;
    }

    @Override
    public long call(HelperEnvironment env, long map, long size, long flags, long r4, long r5) {
        RingBufMap rb = ring(env, map, name());
        if (flags != 0) return 0;
        return rb.reserve(size);
    }

    static RingBufMap ring(HelperEnvironment env, long map, String helper) {
        BpfMap m = env.map(map, helper);
        if (!(m instanceof RingBufMap rb)) throw new HelperException(ErrorKind.BAD_CALL, helper + ": map " + m.name() + " is not a RINGBUF");
        return rb;
    }

    /// Submits or discards the reservation at `data`, wherever it lives.
    static void commit(HelperEnvironment env, long data, boolean discard, String helper) {
        for (BpfMap m : env.maps.all()) {
            if (m instanceof RingBufMap rb && rb.commit(data, discard)) return;
        }
        throw new HelperException(ErrorKind.BAD_CALL, helper + ": 0x" + Long.toHexString(data) + " is not a ring buffer reservation");
    }
}
