package dev.ebpfc.frontend.insn;

/// Access size of loads, stores and atomics: bits 3–4 of the opcode (RFC 9669 §5.1).
public enum Size {
    W(0x00, 4, "w", "u32"),
    H(0x08, 2, "h", "u16"),
    B(0x10, 1, "b", "u8"),
    DW(0x18, 8, "dw", "u64");

    public final int bits;
    public final int bytes;
    /// The suffix in conformance syntax (`ldxw`, `stb`).
    public final String suffix;
    /// The C type in LLVM syntax (`*(u32 *)`).
    public final String cType;

    Size(int bits, int bytes, String suffix, String cType) {
        this.bits = bits;
        this.bytes = bytes;
        this.suffix = suffix;
        this.cType = cType;
    }

    public static Size ofBits(int opcode) {
        return switch (opcode & 0x18) {
            case 0x00 -> W;
            case 0x08 -> H;
            case 0x10 -> B;
            default -> DW;
        };
    }

    public static Size ofBytes(int n) {
        return switch (n) {
            case 1 -> B;
            case 2 -> H;
            case 4 -> W;
            case 8 -> DW;
            default -> throw new IllegalArgumentException("no access size of " + n + " bytes");
        };
    }
}
