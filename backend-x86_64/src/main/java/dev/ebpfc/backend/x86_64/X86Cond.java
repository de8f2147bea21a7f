package dev.ebpfc.backend.x86_64;

/// Condition codes of `jcc`, `setcc` and `cmovcc` (Intel SDM Vol. 1 Appendix B), by their
/// four-bit encoding.
public enum X86Cond {
    O("o"), NO("no"), B("b"), AE("ae"), E("e"), NE("ne"), BE("be"), A("a"),
    S("s"), NS("ns"), P("p"), NP("np"), L("l"), GE("ge"), LE("le"), G("g");

    public final String suffix;

    X86Cond(String suffix) {
        this.suffix = suffix;
    }

    public int code() {
        return ordinal();
    }

    public X86Cond negate() {
        return values()[ordinal() ^ 1];
    }

    /// The condition that holds after `cmp a, b` (or `test a, b` for `JSET`) when BPF's `a cond b`
    /// does: unsigned conditions map to below/above, signed ones to less/greater.
    public static X86Cond of(dev.ebpfc.frontend.insn.Cond c) {
        return switch (c) {
            case JEQ -> E;
            case JNE, JSET -> NE;
            case JGT -> A;
            case JGE -> AE;
            case JLT -> B;
            case JLE -> BE;
            case JSGT -> G;
            case JSGE -> GE;
            case JSLT -> L;
            case JSLE -> LE;
        };
    }
}
