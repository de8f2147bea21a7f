package dev.ebpfc.runtime.helpers;

import dev.ebpfc.runtime.maps.Errno;

/// `long bpf_probe_read(dst, size, unsafe_ptr)` (Linux helper 4): copies `size` bytes; when the
/// source cannot be read the destination is zeroed and -EFAULT returned, as the kernel does. The
/// destination itself must be writable (the verifier guarantees that in Linux).
public final class ProbeRead implements Helper {
    @Override
    public String name() {
        return "probe_read";
    }

    @Override
    public int arity() {
        return 3;
    }

    @Override
    public long call(HelperEnvironment env, long dst, long size, long src, long r4, long r5) {
        int n = (int) (size & 0xffffffffL);
        if (n < 0) return -Errno.EINVAL;
        if (!env.memory.accessible(src, n, false)) {
            env.memory.writeBytes(dst, new byte[n]);
            return -Errno.EFAULT;
        }
        byte[] data = env.memory.readBytes(src, n);
        env.memory.writeBytes(dst, data);
        return 0;
    }
}
