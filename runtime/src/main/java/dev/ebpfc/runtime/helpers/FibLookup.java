package dev.ebpfc.runtime.helpers;

import dev.ebpfc.runtime.maps.Errno;

/// `long bpf_fib_lookup(ctx, params, plen, flags)` (Linux helper 69) as a configurable stub: it
/// returns [HelperOptions#fibResult]; on success (0) it writes the configured egress ifindex and
/// MAC addresses into `struct bpf_fib_lookup` (ifindex at 8, smac at 52, dmac at 58).
public final class FibLookup implements Helper {
    static final int PARAMS_SIZE = 64;

    @Override
    public String name() {
        return "fib_lookup";
    }

    @Override
    public int arity() {
        return 4;
    }

    @Override
    public long call(HelperEnvironment env, long ctx, long params, long plen, long flags, long r5) {
        if (plen < PARAMS_SIZE) return -Errno.EINVAL;
        env.memory.readBytes(params, PARAMS_SIZE);
        if (env.options.fibResult() == 0) {
            env.memory.write(params + 8, 4, env.options.fibIfindex());
            env.memory.writeBytes(params + 52, env.options.fibSmac());
            env.memory.writeBytes(params + 58, env.options.fibDmac());
        }
        return env.options.fibResult();
    }
}
