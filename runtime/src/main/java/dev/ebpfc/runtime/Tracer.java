package dev.ebpfc.runtime;

/// Sees every instruction an engine executes, before it executes: the call depth (0 = the entry
/// function), the slot, and the registers r0–r10 (read-only; the array is the engine's own).
/// For `ebpfc run --trace`; costs one null check per instruction when absent.
@FunctionalInterface
public interface Tracer {
    void step(int depth, int slot, long[] registers);
}
