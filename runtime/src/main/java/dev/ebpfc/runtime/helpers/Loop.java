package dev.ebpfc.runtime.helpers;

import dev.ebpfc.runtime.ErrorKind;
import dev.ebpfc.runtime.ExecutionResult;
import dev.ebpfc.runtime.maps.Errno;

/// `long bpf_loop(u32 nr_loops, void *callback_fn, void *callback_ctx, u64 flags)` (Linux helper
/// 181, kernel/bpf/bpf_iter.c): calls `callback_fn(i, callback_ctx)` for `i = 0, 1, …` up to
/// `nr_loops` times, each call a bpf-to-bpf call from the helper's caller (a fresh frame one
/// deeper; [HelperEnvironment#callFunction]). A callback returning non-zero stops the loop (the
/// verifier only allows 0 and 1). Returns the number of callbacks run, or -EINVAL when `flags`
/// is not 0, -E2BIG when `nr_loops` exceeds 1 << 23 (BPF_MAX_LOOPS), in both cases calling
/// nothing. `callback_fn` is a code address (`lddw func`, `MemoryLayout.codeAddress(slot)`).
public final class Loop implements Helper {
    /// BPF_MAX_LOOPS in include/linux/bpf.h.
    public static final long MAX_LOOPS = 1L << 23;

    @Override
    public String name() {
        return "loop";
    }

    @Override
    public int arity() {
        return 4;
    }

    @Override
    public long call(HelperEnvironment env, long nrLoops, long callback, long ctx, long flags, long r5) {
        if (flags != 0) return -Errno.EINVAL;
        long n = nrLoops & 0xffff_ffffL;
        if (n > MAX_LOOPS) return -Errno.E2BIG;
        for (long i = 0; i < n; i++) {
            if (env.callFunction(callback, i, ctx) != 0) return i + 1;
        }
        return n;
    }

    /// Whether `r` is a run that an engine without callbacks stopped at a `bpf_loop` call
    /// (UNSUPPORTED, [HelperEnvironment#NO_CALLBACKS]). The compiled engines do not run
    /// callbacks yet; their differential tests leave such runs out of the comparison.
    public static boolean stoppedWithoutCallbacks(ExecutionResult r) {
        return r.error() == ErrorKind.UNSUPPORTED && r.message().contains(HelperEnvironment.NO_CALLBACKS);
    }
}
