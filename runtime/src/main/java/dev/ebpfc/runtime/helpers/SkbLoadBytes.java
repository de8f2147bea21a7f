package dev.ebpfc.runtime.helpers;

import dev.ebpfc.runtime.maps.Errno;

/// `long bpf_skb_load_bytes(skb, offset, to, len)` (Linux helper 26): copies packet bytes from
/// `offset` (relative to data); when the range is outside the packet `to` is zeroed and -EFAULT
/// returned (net/core/filter.c).
public final class SkbLoadBytes implements Helper {
    @Override
    public String name() {
        return "skb_load_bytes";
    }

    @Override
    public int arity() {
        return 4;
    }

    @Override
    public long call(HelperEnvironment env, long skb, long offset, long to, long len, long r5) {
        int n = (int) len;
        int off = (int) offset;
        long start = env.context.packetStart();
        long end = env.context.packetEnd();
        if (n <= 0 || off < 0 || start + off + n > end) {
            if (n > 0) env.memory.writeBytes(to, new byte[n]);
            return -Errno.EFAULT;
        }
        env.memory.writeBytes(to, env.memory.readBytes(start + off, n));
        return 0;
    }
}
