package dev.ebpfc.ir.lift;

/// A program the lifter cannot turn into IR, with the slot it stopped at (-1 when not at one) and
/// whether the program is invalid (a read of a register not set on every path, a jump out of its
/// function: what the kernel verifier or the runtime's static check rejects) or uses something
/// ebpfc does not model (`lddw var_addr`). The message is one line and names the slot.
public final class LiftException extends RuntimeException {
    /// Why lifting stopped.
    public enum Kind {
        /// The program is not valid eBPF (engines report REJECTED).
        INVALID,
        /// The program uses a construct ebpfc does not model (engines report UNSUPPORTED).
        UNSUPPORTED
    }

    public final Kind kind;
    public final int slot;

    public LiftException(Kind kind, int slot, String message) {
        super((slot >= 0 ? "slot " + slot + ": " : "") + message, null, false, false);
        this.kind = kind;
        this.slot = slot;
    }

    static LiftException invalid(int slot, String message) {
        return new LiftException(Kind.INVALID, slot, message);
    }

    static LiftException unsupported(int slot, String message) {
        return new LiftException(Kind.UNSUPPORTED, slot, message);
    }
}
