package dev.ebpfc.runtime.helpers;

import dev.ebpfc.runtime.context.ContextKind;

/// `long bpf_redirect(ifindex, flags)` (Linux helper 23): records the target and returns the
/// redirect verdict of the program type (XDP_REDIRECT = 4, TC_ACT_REDIRECT = 7); flags other than
/// BPF_F_INGRESS give XDP_ABORTED / TC_ACT_SHOT as in net/core/filter.c.
public final class Redirect implements Helper {
    static final long BPF_F_INGRESS = 1;

    @Override
    public String name() {
        return "redirect";
    }

    @Override
    public int arity() {
        return 2;
    }

    @Override
    public long call(HelperEnvironment env, long ifindex, long flags, long r3, long r4, long r5) {
        boolean xdp = env.context.kind == ContextKind.XDP;
        if ((flags & ~BPF_F_INGRESS) != 0 || (xdp && flags != 0)) return xdp ? 0 : 2;
        env.redirectTarget = ifindex & 0xffffffffL;
        return xdp ? 4 : 7;
    }
}
