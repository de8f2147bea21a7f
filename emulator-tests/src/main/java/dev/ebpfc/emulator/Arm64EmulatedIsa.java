package dev.ebpfc.emulator;

import dev.ebpfc.backend.Target;
import dev.ebpfc.backend.arm64.Arm64Target;
import dev.ebpfc.emulator.unicorn.Unicorn;
import dev.ebpfc.emulator.unicorn.UnicornArch;
import dev.ebpfc.emulator.unicorn.UnicornArm64Reg;
import dev.ebpfc.emulator.unicorn.UnicornReg;

/// ARM64 under Unicorn: AAPCS64 registers (as [dev.ebpfc.backend.arm64.Arm64RegisterMap] uses
/// them: BPF r0 in x7, r1–r5 in x0–x4), `svc #0; ret` trap stubs (Unicorn 2.0.1 reports `svc` as
/// interrupt 2, EXCP_SWI, with the PC already past it, so the hook only has to return; `brk`
/// would leave the PC on itself), and the return to the sentinel through x30. Code, stubs and
/// stack sit at 0x7f00_0000_0000 and up, far above the layout's 2^38 and inside the 48-bit
/// address space Unicorn's ARM64 accepts. Unicorn's default CPU (Cortex-A72) raises an undefined
/// instruction on FEAT_LSE atomics; the `lse` variant picks the `max` CPU model, which runs them.
public final class Arm64EmulatedIsa implements EmulatedIsa {
    private static final UnicornReg[] ARGS = {UnicornArm64Reg.X0, UnicornArm64Reg.X1, UnicornArm64Reg.X2, UnicornArm64Reg.X3,
        UnicornArm64Reg.X4, UnicornArm64Reg.X5};
    private static final UnicornReg[] BPF = {UnicornArm64Reg.X7, UnicornArm64Reg.X0, UnicornArm64Reg.X1, UnicornArm64Reg.X2,
        UnicornArm64Reg.X3, UnicornArm64Reg.X4, UnicornArm64Reg.X19, UnicornArm64Reg.X20, UnicornArm64Reg.X21,
        UnicornArm64Reg.X22, UnicornArm64Reg.X23};
    /// Every register the compiled code may read before writing, or that could carry a value
    /// from an earlier run: the BPF registers, scratch, the anchor and link keeper, the frame record.
    private static final UnicornReg[] CLEARED = {UnicornArm64Reg.X2, UnicornArm64Reg.X3, UnicornArm64Reg.X4,
        UnicornArm64Reg.X5, UnicornArm64Reg.X7, UnicornArm64Reg.X9, UnicornArm64Reg.X10, UnicornArm64Reg.X11,
        UnicornArm64Reg.X12, UnicornArm64Reg.X13, UnicornArm64Reg.X16, UnicornArm64Reg.X17, UnicornArm64Reg.X19,
        UnicornArm64Reg.X20, UnicornArm64Reg.X21, UnicornArm64Reg.X22, UnicornArm64Reg.X23, UnicornArm64Reg.X24,
        UnicornArm64Reg.X26, UnicornArm64Reg.X29, UnicornArm64Reg.NZCV};
    /// QEMU's EXCP_SWI, what `svc` raises.
    private static final int SVC_INTERRUPT = 2;
    private static final Target TARGET = new Arm64Target();
    private final boolean lse;
    private final Target target;

    /// The default CPU (Cortex-A72, Armv8.0: no FEAT_LSE).
    public Arm64EmulatedIsa() {
        this(false);
    }

    /// With `lse`, Unicorn's `max` CPU model, which executes FEAT_LSE atomics.
    public Arm64EmulatedIsa(boolean lse) {
        this(lse, TARGET);
    }

    /// Running the code of `target`, an ARM64 code generator other than [Arm64Target]'s defaults
    /// (tests: -O2 with a small register set).
    public Arm64EmulatedIsa(boolean lse, Target target) {
        this.lse = lse;
        this.target = target;
    }

    @Override
    public int cpuModel() {
        return lse ? Unicorn.ARM64_CPU_MAX : -1;
    }

    @Override
    public UnicornArch arch() {
        return UnicornArch.ARM64;
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
        return UnicornArm64Reg.X0;
    }

    @Override
    public UnicornReg stackPointer() {
        return UnicornArm64Reg.SP;
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
    public byte[] trapStub() {
        return new byte[]{0x01, 0x00, 0x00, (byte) 0xd4, (byte) 0xc0, 0x03, 0x5f, (byte) 0xd6}; // svc #0; ret
    }


    @Override
    public byte[] sentinel() {
        return new byte[]{0x00, 0x00, 0x20, (byte) 0xd4}; // brk #0: never reached, emulation stops at this address
    }

    @Override
    public long trapAddress(Unicorn uc, int intno) {
        return intno == SVC_INTERRUPT ? uc.pc() - 4 : -1;
    }

    @Override
    public void prepareReturn(Unicorn uc, long stackTop, long sentinel) {
        // As if `bl` had called the entry from just before the sentinel: x30 is the return address.
        uc.regWrite(UnicornArm64Reg.X30, sentinel);
        uc.regWrite(UnicornArm64Reg.SP, stackTop);
    }

    @Override
    public long callSite(Unicorn uc) {
        // The stub was reached by `blr`: x30 points after it; 4 bytes back is the blr itself.
        return uc.regRead(UnicornArm64Reg.X30) - 4;
    }
}
