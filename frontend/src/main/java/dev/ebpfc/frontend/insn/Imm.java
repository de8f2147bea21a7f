package dev.ebpfc.frontend.insn;

/// A 32-bit signed immediate (RFC 9669 §3: `imm`). 64-bit operations sign-extend it.
public record Imm(int value) implements Operand {
    public static final Imm ZERO = new Imm(0);

    public long signExtended() {
        return value;
    }

    @Override
    public String toString() {
        return Integer.toString(value);
    }
}
