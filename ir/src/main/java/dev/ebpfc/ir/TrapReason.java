package dev.ebpfc.ir;

/// Why a `trap` terminator stops execution. Each reason maps to an engine error kind, so the IR
/// interpreter and the backends report the same failure as the reference interpreter.
public enum TrapReason {
    /// Control cannot reach here (after a proof, or a BPF program falling off its end).
    UNREACHABLE("unreachable"),
    /// A memory access the verifier proved out of bounds.
    OUT_OF_BOUNDS("out_of_bounds"),
    /// A call to an unknown helper or function.
    BAD_CALL("bad_call");

    public final String spelling;

    TrapReason(String spelling) {
        this.spelling = spelling;
    }

    public static TrapReason parse(String text) {
        for (TrapReason r : values()) {
            if (r.spelling.equals(text)) return r;
        }
        return null;
    }

    @Override
    public String toString() {
        return spelling;
    }
}
