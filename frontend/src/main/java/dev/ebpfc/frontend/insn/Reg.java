package dev.ebpfc.frontend.insn;

/// A BPF register (RFC 9669 §2.3): r0 return value, r1–r5 arguments (caller-saved), r6–r9
/// callee-saved, r10 the read-only frame pointer.
public enum Reg implements Operand {
    R0, R1, R2, R3, R4, R5, R6, R7, R8, R9, R10;

    private static final Reg[] ALL = values();

    /// The 4-bit register number used in the encoding.
    public int number() {
        return ordinal();
    }

    /// The register with number `n`, or null when `n` is not 0–10.
    public static Reg ofOrNull(int n) {
        return n >= 0 && n < ALL.length ? ALL[n] : null;
    }

    public static Reg of(int n) {
        Reg r = ofOrNull(n);
        if (r == null) throw new IllegalArgumentException("no register r" + n);
        return r;
    }

    public boolean isCalleeSaved() {
        return this.ordinal() >= 6 && this.ordinal() <= 9;
    }

    @Override
    public String toString() {
        return "r" + ordinal();
    }
}
