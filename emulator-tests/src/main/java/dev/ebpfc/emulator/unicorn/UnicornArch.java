package dev.ebpfc.emulator.unicorn;

/// The three ISAs ebpfc targets, with the `uc_arch` / `uc_mode` pair that opens each (unicorn.h
/// 2.0.1: UC_ARCH_ARM64 = 2, UC_ARCH_X86 = 4, UC_ARCH_RISCV = 8; UC_MODE_64 = UC_MODE_RISCV64 =
/// 1 << 3; AArch64 takes UC_MODE_ARM = 0, i.e. little-endian) and the register that holds the PC.
public enum UnicornArch {
    X86_64(4, 1 << 3, UnicornX86Reg.RIP.id()),
    ARM64(2, 0, UnicornArm64Reg.PC.id()),
    RISCV64(8, 1 << 3, UnicornRiscvReg.PC.id());

    private final int ucArch;
    private final int ucMode;
    private final int pcRegister;

    UnicornArch(int ucArch, int ucMode, int pcRegister) {
        this.ucArch = ucArch;
        this.ucMode = ucMode;
        this.pcRegister = pcRegister;
    }

    public int ucArch() {
        return ucArch;
    }

    public int ucMode() {
        return ucMode;
    }

    /// The register id of the program counter (rip, pc, pc).
    public int pcRegister() {
        return pcRegister;
    }
}
