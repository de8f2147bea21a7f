package dev.ebpfc.frontend.insn;

/// Atomic read-modify-write operations, encoded in the `imm` field of `STX | ATOMIC`
/// (RFC 9669 §5.3, Table 11). `XCHG` and `CMPXCHG` always fetch.
public enum AtomicOp {
    ADD(0x00, "add"),
    OR(0x40, "or"),
    AND(0x50, "and"),
    XOR(0xa0, "xor"),
    XCHG(0xe0, "xchg"),
    CMPXCHG(0xf0, "cmpxchg");

    /// The `FETCH` modifier bit in `imm`: the old value is returned in `src` (r0 for cmpxchg).
    public static final int FETCH = 0x01;

    /// `imm` without the fetch bit.
    public final int code;
    public final String mnemonic;

    AtomicOp(int code, String mnemonic) {
        this.code = code;
        this.mnemonic = mnemonic;
    }

    /// Whether the operation is only valid with `FETCH` set.
    public boolean requiresFetch() {
        return this == XCHG || this == CMPXCHG;
    }

    public static AtomicOp decode(int codeWithoutFetch) {
        for (AtomicOp op : values()) {
            if (op.code == codeWithoutFetch) return op;
        }
        return null;
    }
}
