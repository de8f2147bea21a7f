package dev.ebpfc.ir;

/// Unary integer operations. `neg` is BPF's `neg`; `not` (bitwise complement) has no BPF opcode
/// but is what `xor x, -1` canonicalises to and what every target has an instruction for.
public enum UnaryOp {
    NEG("neg"),
    NOT("not");

    public final String mnemonic;

    UnaryOp(String mnemonic) {
        this.mnemonic = mnemonic;
    }

    /// `op a` at the width of `type`, in the representation of [BinaryOp#evaluate].
    public long evaluate(long a, Type type) {
        long r = switch (this) {
            case NEG -> -a;
            case NOT -> ~a;
        };
        return type == Type.I32 ? r & 0xffff_ffffL : r;
    }

    public static UnaryOp parse(String mnemonic) {
        for (UnaryOp op : values()) {
            if (op.mnemonic.equals(mnemonic)) return op;
        }
        return null;
    }

    @Override
    public String toString() {
        return mnemonic;
    }
}
