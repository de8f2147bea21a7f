package dev.ebpfc.emulator;

import dev.ebpfc.backend.Target;
import dev.ebpfc.backend.riscv64.Riscv64Target;
import dev.ebpfc.emulator.unicorn.Unicorn;
import dev.ebpfc.emulator.unicorn.UnicornArch;
import dev.ebpfc.emulator.unicorn.UnicornReg;
import dev.ebpfc.emulator.unicorn.UnicornRiscvReg;

/// RISC-V64 under Unicorn 2.0.1: psABI registers (as [dev.ebpfc.backend.riscv64.Riscv64RegisterMap]
/// uses them), `ecall; ret` trap stubs, and a return address in ra. `ebreak` cannot trap here
/// (2.0.1 ends emulation with UC_ERR_INSN_INVALID instead of calling the interrupt hook), while
/// `ecall` raises cause 8 with the PC already past it; see UnicornRiscv64Test. Code, stubs and
/// stack sit at 2^38 and up, just above every window of the shared memory layout.
public final class Riscv64EmulatedIsa implements EmulatedIsa {
    private static final UnicornReg[] ARGS = {x(10), x(11), x(12), x(13), x(14), x(15)};
    /// r0 = a5, r1–r5 = a0–a4, r6–r9 = s1–s4, r10 = s5.
    private static final UnicornReg[] BPF = {x(15), x(10), x(11), x(12), x(13), x(14), x(9), x(18), x(19), x(20), x(21)};
    /// Everything but x0 (never compared: see UnicornRiscv64Test), sp and ra (set by
    /// [#prepareReturn]) and a0–a2 (the arguments).
    private static final UnicornReg[] CLEARED;
    /// Cause 8, environment call from U-mode (privileged spec, table 3.6), which Unicorn reports
    /// for `ecall`.
    private static final int ECALL_CAUSE = 8;
    private final Target target;

    static {
        java.util.List<UnicornReg> cleared = new java.util.ArrayList<>();
        for (int n = 3; n <= 31; n++) if (n < 10 || n > 12) cleared.add(x(n));
        CLEARED = cleared.toArray(UnicornReg[]::new);
    }

    public Riscv64EmulatedIsa() {
        this(new Riscv64Target());
    }

    /// Code from `target` (a [Riscv64Target] with another -O2 register set, in tests).
    public Riscv64EmulatedIsa(Target target) {
        this.target = target;
    }

    private static UnicornReg x(int n) {
        return UnicornRiscvReg.x(n);
    }

    @Override
    public UnicornArch arch() {
        return UnicornArch.RISCV64;
    }

    @Override
    public Target target() {
        return target;
    }

    @Override
    public UnicornReg[] arguments() {
        return ARGS;
    }

    @Override
    public UnicornReg returnRegister() {
        return x(10);
    }

    @Override
    public UnicornReg stackPointer() {
        return x(2);
    }

    @Override
    public UnicornReg bpfRegister(int n) {
        return BPF[n];
    }

    @Override
    public UnicornReg[] clearedAtEntry() {
        return CLEARED;
    }

    @Override
    public long codeBase() {
        return 0x40_0000_0000L;
    }

    @Override
    public long stubBase() {
        return 0x41_0000_0000L;
    }

    @Override
    public long stackBase() {
        return 0x42_0000_0000L;
    }


    @Override
    public byte[] trapStub() {
        return new byte[]{0x73, 0, 0, 0, 0x67, (byte) 0x80, 0, 0}; // ecall; ret
    }


    @Override
    public byte[] sentinel() {
        return new byte[]{0x13, 0, 0, 0}; // nop: never executed, emulation stops at this address
    }

    @Override
    public long trapAddress(Unicorn uc, int intno) {
        return intno == ECALL_CAUSE ? uc.pc() - 4 : -1;
    }

    @Override
    public void prepareReturn(Unicorn uc, long stackTop, long sentinel) {
        uc.regWrite(x(1), sentinel);
        uc.regWrite(x(2), stackTop);
    }

    @Override
    public long callSite(Unicorn uc) {
        // The stub was called with `jalr ra, 0(t6)`: ra is the address after it.
        return uc.regRead(x(1)) - 4;
    }
}
