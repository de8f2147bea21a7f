package dev.ebpfc.emulator.unicorn;

/// A Unicorn register id (`UC_<ARCH>_REG_*`), so [Unicorn#regRead(UnicornReg)] takes any of the
/// per-ISA tables without boxing; the numbers come from the 2.0.1 headers.
public sealed interface UnicornReg permits UnicornX86Reg, UnicornArm64Reg, UnicornRiscvReg {
    int id();
}
