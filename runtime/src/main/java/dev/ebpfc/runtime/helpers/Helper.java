package dev.ebpfc.runtime.helpers;

/// One helper function. Implementations see the program only through [HelperEnvironment] (memory
/// by virtual address, maps, context, run options), so every engine can call the same class. A
/// helper returns the new r0; it reports engine-level effects (stop, tail call, clobbered argument
/// registers) through the environment, and throws [HelperException] or
/// [dev.ebpfc.runtime.memory.MemoryAccessException] to stop the program.
///
/// Its prototype is part of it: [#arity] (and [#variadic]) say which argument registers it reads,
/// following the C prototype in include/uapi/linux/bpf.h or the bpf_conformance helper table.
/// This is the one source of that knowledge: the helper-call trace records exactly these
/// arguments ([dev.ebpfc.runtime.HelperCall#of]), and the IR lifter passes exactly these.
public interface Helper {
    /// The helper's name as Linux (or the conformance suite) spells it, without `bpf_`.
    String name();

    /// How many argument registers the prototype takes, 0–5: the helper reads r1..r`arity` and
    /// never the others (for a variadic helper, the fixed ones).
    int arity();

    /// Whether further arguments, up to r5, may follow the fixed ones, as many as the fixed ones
    /// say (`trace_printk`: its format's conversions). False for all others.
    default boolean variadic() {
        return false;
    }

    /// How many argument registers the call with `args` (r1–r5) that returned `result` used, for
    /// the trace: [#arity], except for variadic helpers, which count the extra arguments they
    /// consumed. Called right after [#call], against the same memory.
    default int argumentsUsed(HelperEnvironment env, long[] args, long result) {
        return arity();
    }

    long call(HelperEnvironment env, long r1, long r2, long r3, long r4, long r5);
}
