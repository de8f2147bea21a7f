package dev.ebpfc.runtime;

/// Why a run stopped, shared by every engine. Division never traps (RFC 9669), so there is no
/// division error.
public enum ErrorKind {
    /// The entry function returned with `exit`.
    NONE,
    /// A load, store, atomic or helper touched memory outside every region or against its permission.
    OUT_OF_BOUNDS,
    /// The instruction budget ran out.
    BUDGET_EXHAUSTED,
    /// Unknown helper or kfunc, a callx target that is neither a function nor a helper, a helper
    /// given something that is not a map.
    BAD_CALL,
    /// A local call beyond the frame limit.
    CALL_DEPTH,
    /// The conformance profile's helper 5 (unwind) returned 0: the program stops with r0 = 0.
    UNWIND,
    /// The static pre-check refused the program before it ran.
    REJECTED,
    /// A feature the engine does not model (an unsupported map type or context use).
    UNSUPPORTED
}
