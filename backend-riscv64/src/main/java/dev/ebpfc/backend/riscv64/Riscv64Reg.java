package dev.ebpfc.backend.riscv64;

/// The 32 integer registers x0–x31 (Unprivileged ISA 20191213 §2.1, ABI names from the RISC-V
/// psABI), in encoding order so that [#number()] is the 5-bit register field.
///
/// GNU objdump prints ABI names and spells x8 `s0`, never `fp`; [#abiName()] follows it.
public enum Riscv64Reg {
    ZERO, RA, SP, GP, TP, T0, T1, T2,
    S0, S1, A0, A1, A2, A3, A4, A5,
    A6, A7, S2, S3, S4, S5, S6, S7,
    S8, S9, S10, S11, T3, T4, T5, T6;

    private static final Riscv64Reg[] BY_NUMBER = values();

    public int number() {
        return ordinal();
    }

    public static Riscv64Reg x(int number) {
        return BY_NUMBER[number];
    }

    /// The name objdump prints (`zero`, `ra`, `s0`, `a0`...).
    public String abiName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
