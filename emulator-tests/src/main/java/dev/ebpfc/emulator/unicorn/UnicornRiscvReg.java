package dev.ebpfc.emulator.unicorn;

/// RISC-V register ids from unicorn/riscv.h (2.0.1, `enum uc_riscv_reg`): X0..X31 = 1..32 (0 is
/// UC_RISCV_REG_INVALID), PC = 190 (after the CSRs and FP registers).
public enum UnicornRiscvReg implements UnicornReg {
    X0(1), X1(2), X2(3), X3(4), X4(5), X5(6), X6(7), X7(8),
    X8(9), X9(10), X10(11), X11(12), X12(13), X13(14), X14(15), X15(16),
    X16(17), X17(18), X18(19), X19(20), X20(21), X21(22), X22(23), X23(24),
    X24(25), X25(26), X26(27), X27(28), X28(29), X29(30), X30(31), X31(32),
    PC(190);

    private final int id;

    UnicornRiscvReg(int id) {
        this.id = id;
    }

    @Override
    public int id() {
        return id;
    }

    /// xn for n in 0..31, in hardware numbering (a0 = x10, a1 = x11, ...).
    public static UnicornRiscvReg x(int n) {
        if (n < 0 || n > 31) throw new IllegalArgumentException("no x" + n);
        return values()[n];
    }
}
