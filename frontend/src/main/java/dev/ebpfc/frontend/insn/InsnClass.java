package dev.ebpfc.frontend.insn;

/// The 3-bit instruction class in the low bits of the opcode (RFC 9669 §3.1).
public enum InsnClass {
    LD(0x0), LDX(0x1), ST(0x2), STX(0x3), ALU(0x4), JMP(0x5), JMP32(0x6), ALU64(0x7);

    public final int bits;

    InsnClass(int bits) {
        this.bits = bits;
    }

    private static final InsnClass[] BY_BITS = values();

    public static InsnClass of(int opcode) {
        return BY_BITS[opcode & 0x7];
    }
}
