package dev.ebpfc.runtime.helpers;

import dev.ebpfc.runtime.maps.Errno;
import dev.ebpfc.runtime.maps.RingBufMap;

/// `long bpf_ringbuf_output(ringbuf, data, size, flags)` (Linux helper 130): copies `size` bytes
/// into a new record and submits it; -EAGAIN when the ring is full.
public final class RingbufOutput implements Helper {
    @Override
    public String name() {
        return "ringbuf_output";
    }

    @Override
    public int arity() {
        return 4;
    }

    @Override
    public long call(HelperEnvironment env, long map, long data, long size, long flags, long r5) {
        RingBufMap rb = RingbufReserve.ring(env, map, name());
        byte[] bytes = env.memory.readBytes(data, (int) size);
        long at = rb.reserve(size);
        if (at == 0) return -Errno.EAGAIN;
        env.memory.writeBytes(at, bytes);
        rb.commit(at, false);
        return 0;
    }

}
