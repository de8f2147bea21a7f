package dev.ebpfc.emulator.unicorn;

/// x86_64 register ids from unicorn/x86.h (2.0.1, `enum uc_x86_reg`). The enum there is in
/// Capstone's alphabetical-ish order, not hardware order, hence the scattered numbers.
public enum UnicornX86Reg implements UnicornReg {
    RAX(35), RBX(37), RCX(38), RDX(40), RSI(43), RDI(39), RBP(36), RSP(44),
    R8(106), R9(107), R10(108), R11(109), R12(110), R13(111), R14(112), R15(113),
    RIP(41),
    /// UC_X86_REG_RFLAGS (the 64-bit view; UC_X86_REG_EFLAGS = 25 is the 32-bit one).
    RFLAGS(253);

    private final int id;

    UnicornX86Reg(int id) {
        this.id = id;
    }

    @Override
    public int id() {
        return id;
    }
}
