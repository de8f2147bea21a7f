package dev.ebpfc.backend.arm64;

/// The 31 general-purpose registers plus the two meanings of register number 31 (Arm ARM DDI 0487
/// C1.2.5): depending on the operand, encoding 31 is either the stack pointer or the zero register.
/// The model keeps them apart so that the intent is explicit; the encoder rejects `SP` where the
/// operand would read as `XZR` and vice versa, and the printer prints the name the class implies.
public enum Arm64Reg {
    R0, R1, R2, R3, R4, R5, R6, R7, R8, R9, R10, R11, R12, R13, R14, R15,
    R16, R17, R18, R19, R20, R21, R22, R23, R24, R25, R26, R27, R28, R29, R30,
    SP, ZR;

    /// The 5-bit register field value.
    public int number() {
        return this == ZR ? 31 : ordinal();
    }

    /// The general registers R0–R30 (neither meaning of 31).
    public static Arm64Reg general(int n) {
        if (n < 0 || n > 30) throw new IllegalArgumentException("general register " + n);
        return values()[n];
    }

    /// The name at `size`, as objdump prints it: `x5`/`w5`, `sp`/`wsp`, `xzr`/`wzr`.
    public String name(OpSize size) {
        return switch (this) {
            case SP -> size == OpSize.X ? "sp" : "wsp";
            case ZR -> size == OpSize.X ? "xzr" : "wzr";
            default -> (size == OpSize.X ? "x" : "w") + ordinal();
        };
    }

    public String x() {
        return name(OpSize.X);
    }

    public String w() {
        return name(OpSize.W);
    }
}
