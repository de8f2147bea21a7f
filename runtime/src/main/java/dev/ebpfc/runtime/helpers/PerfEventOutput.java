package dev.ebpfc.runtime.helpers;

/// `long bpf_perf_event_output(ctx, map, flags, data, size)` (Linux helper 25): the bytes are
/// captured in the run result; returns 0.
public final class PerfEventOutput implements Helper {
    @Override
    public String name() {
        return "perf_event_output";
    }

    @Override
    public int arity() {
        return 5;
    }

    @Override
    public long call(HelperEnvironment env, long ctx, long map, long flags, long data, long size) {
        env.map(map, name());
        env.perfEvent(env.memory.readBytes(data, (int) size));
        return 0;
    }
}
