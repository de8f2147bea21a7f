package dev.ebpfc.runtime.helpers;

import dev.ebpfc.runtime.context.ContextKind;
import dev.ebpfc.runtime.maps.Errno;

/// `long bpf_xdp_adjust_head(xdp_md, delta)` (Linux helper 44): moves the packet start by `delta`
/// bytes (negative grows into the headroom); fails with -EINVAL when data would pass below the
/// xdp_frame area or leave less than an Ethernet header.
public final class XdpAdjustHead implements Helper {
    @Override
    public String name() {
        return "xdp_adjust_head";
    }

    @Override
    public int arity() {
        return 2;
    }

    @Override
    public long call(HelperEnvironment env, long ctx, long delta, long r3, long r4, long r5) {
        if (env.context.kind != ContextKind.XDP) return -Errno.EINVAL;
        return env.context.adjustHead((int) delta);
    }
}
