package dev.ebpfc.runtime.helpers;

/// `u64 bpf_get_current_pid_tgid(void)` (Linux helper 14): a configured constant, tgid << 32 | pid.
public final class GetCurrentPidTgid implements Helper {
    @Override
    public String name() {
        return "get_current_pid_tgid";
    }

    @Override
    public int arity() {
        return 0;
    }

    @Override
    public long call(HelperEnvironment env, long r1, long r2, long r3, long r4, long r5) {
        return env.options.pidTgid();
    }
}
