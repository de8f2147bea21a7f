package dev.ebpfc.runtime.helpers;

import dev.ebpfc.runtime.maps.BpfMap;
import dev.ebpfc.runtime.maps.Errno;
import dev.ebpfc.runtime.maps.ProgArrayMap;

/// `long bpf_tail_call(ctx, prog_array, index)` (Linux helper 12). On success the engine replaces
/// the current frame with the program found in the `PROG_ARRAY` and never returns here. It fails
/// (and execution continues) when the slot is empty or out of range or after 33 tail calls
/// (MAX_TAIL_CALL_CNT); Linux leaves r0 unspecified then, ebpfc defines it as -ENOENT.
public final class TailCall implements Helper {
    @Override
    public String name() {
        return "tail_call";
    }

    @Override
    public int arity() {
        return 3;
    }

    @Override
    public long call(HelperEnvironment env, long ctx, long map, long index, long r4, long r5) {
        BpfMap m = env.map(map, name());
        if (!(m instanceof ProgArrayMap pa)) throw new HelperException(dev.ebpfc.runtime.ErrorKind.BAD_CALL, "tail_call: map " + m.name() + " is not a PROG_ARRAY");
        int program = pa.program(index & 0xffffffffL);
        if (program < 0 || env.tailCalls >= HelperEnvironment.MAX_TAIL_CALLS) return -Errno.ENOENT;
        env.tailCalls++;
        env.requestTailCall(program);
        return 0;
    }
}
