package dev.ebpfc.runtime.helpers;

/// One helper function. Implementations see the program only through [HelperEnvironment] (memory
/// by virtual address, maps, context, run options), so every engine can call the same class. A
/// helper returns the new r0; it reports engine-level effects (stop, tail call, clobbered argument
/// registers) through the environment, and throws [HelperException] or
/// [dev.ebpfc.runtime.memory.MemoryAccessException] to stop the program.
public interface Helper {
    /// The helper's name as Linux (or the conformance suite) spells it, without `bpf_`.
    String name();

    long call(HelperEnvironment env, long r1, long r2, long r3, long r4, long r5);
}
