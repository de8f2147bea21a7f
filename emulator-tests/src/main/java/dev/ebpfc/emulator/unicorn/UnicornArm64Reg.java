package dev.ebpfc.emulator.unicorn;

/// AArch64 register ids from unicorn/arm64.h (2.0.1, `enum uc_arm64_reg`). X0..X28 are contiguous
/// (199..227) but X29 (FP) = 1, X30 (LR) = 2, SP = 4 and NZCV = 3 sit at the front of the enum,
/// which is why this is a table and not `199 + n`.
public enum UnicornArm64Reg implements UnicornReg {
    X0(199), X1(200), X2(201), X3(202), X4(203), X5(204), X6(205), X7(206),
    X8(207), X9(208), X10(209), X11(210), X12(211), X13(212), X14(213), X15(214),
    X16(215), X17(216), X18(217), X19(218), X20(219), X21(220), X22(221), X23(222),
    X24(223), X25(224), X26(225), X27(226), X28(227),
    X29(1), X30(2), SP(4), PC(260), NZCV(3);

    private final int id;

    UnicornArm64Reg(int id) {
        this.id = id;
    }

    @Override
    public int id() {
        return id;
    }

    /// Xn for n in 0..30, in hardware numbering.
    public static UnicornArm64Reg x(int n) {
        if (n < 0 || n > 30) throw new IllegalArgumentException("no x" + n);
        return values()[n];
    }
}
