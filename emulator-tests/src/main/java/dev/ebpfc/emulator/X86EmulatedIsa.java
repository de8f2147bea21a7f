package dev.ebpfc.emulator;

import dev.ebpfc.backend.Target;
import dev.ebpfc.backend.x86_64.X86Target;
import dev.ebpfc.emulator.unicorn.Unicorn;
import dev.ebpfc.emulator.unicorn.UnicornArch;
import dev.ebpfc.emulator.unicorn.UnicornReg;
import dev.ebpfc.emulator.unicorn.UnicornX86Reg;

/// x86_64 under Unicorn: System V registers (as [dev.ebpfc.backend.x86_64.X86RegisterMap] uses
/// them), `int3; ret` trap stubs (Unicorn reports `int3` as interrupt 3 with rip already past
/// it), and a return address pushed on the machine stack. Code, stubs and stack sit at
/// 0x7f00_0000_0000 and up: canonical user addresses far above the layout's 2^38.
public final class X86EmulatedIsa implements EmulatedIsa {
    private static final UnicornReg[] ARGS = {UnicornX86Reg.RDI, UnicornX86Reg.RSI, UnicornX86Reg.RDX, UnicornX86Reg.RCX,
        UnicornX86Reg.R8, UnicornX86Reg.R9};
    private static final UnicornReg[] BPF = {UnicornX86Reg.RAX, UnicornX86Reg.RDI, UnicornX86Reg.RSI, UnicornX86Reg.RDX,
        UnicornX86Reg.RCX, UnicornX86Reg.R8, UnicornX86Reg.RBX, UnicornX86Reg.R13, UnicornX86Reg.R14, UnicornX86Reg.R15,
        UnicornX86Reg.RBP};
    private static final UnicornReg[] CLEARED = {UnicornX86Reg.RAX, UnicornX86Reg.RCX, UnicornX86Reg.R8, UnicornX86Reg.RBX,
        UnicornX86Reg.R13, UnicornX86Reg.R14, UnicornX86Reg.R15, UnicornX86Reg.R9, UnicornX86Reg.R10, UnicornX86Reg.R11,
        UnicornX86Reg.R12};
    /// #BP, the vector `int3` raises (SDM Vol. 3 §6.3.1).
    private static final int INT3_VECTOR = 3;
    private final Target target;

    public X86EmulatedIsa() {
        this(new X86Target());
    }

    /// Code from `target` (an [X86Target] with another -O2 register set, in tests).
    public X86EmulatedIsa(Target target) {
        this.target = target;
    }

    @Override
    public UnicornArch arch() {
        return UnicornArch.X86_64;
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
        return UnicornX86Reg.RAX;
    }

    @Override
    public UnicornReg stackPointer() {
        return UnicornX86Reg.RSP;
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
        return new byte[]{(byte) 0xcc, (byte) 0xc3}; // int3; ret
    }


    @Override
    public byte[] sentinel() {
        return new byte[]{(byte) 0xf4}; // hlt: never reached, emulation stops at this address
    }

    @Override
    public long trapAddress(Unicorn uc, int intno) {
        return intno == INT3_VECTOR ? uc.pc() - 1 : -1;
    }

    @Override
    public void prepareReturn(Unicorn uc, long stackTop, long sentinel) {
        // As if `call` had pushed the sentinel: rsp ≡ 8 (mod 16) at entry, as the ABI has it.
        uc.memWriteLong(stackTop - 8, sentinel);
        uc.regWrite(UnicornX86Reg.RSP, stackTop - 8);
    }

    @Override
    public long callSite(Unicorn uc) {
        // The stub was called: the return address is on top of the stack; one byte back is inside the call.
        return uc.memReadLong(uc.regRead(UnicornX86Reg.RSP)) - 1;
    }
}
