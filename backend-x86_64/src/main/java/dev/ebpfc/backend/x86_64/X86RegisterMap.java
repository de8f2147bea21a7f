package dev.ebpfc.backend.x86_64;

import dev.ebpfc.frontend.insn.Reg;

/// Where each BPF register lives in the x86_64 -O0 code, and the registers the lowering keeps
/// for itself. Chosen so that helper calls need no moves at all (System V AMD64 ABI §3.2.3):
///
/// | BPF | x86_64 | why |
/// |---|---|---|
/// | r0 | rax | the ABI's return register: helper results land in r0; also the implicit comparand of `cmpxchg`, as BPF's r0 is |
/// | r1 | rdi | 1st argument register |
/// | r2 | rsi | 2nd argument register |
/// | r3 | rdx | 3rd argument register; `div` uses rdx:rax, so division saves and restores it |
/// | r4 | rcx | 4th argument register; variable shifts count in cl, so they save and restore it |
/// | r5 | r8 | 5th argument register |
/// | r6 | rbx | callee-saved: survives helper calls, as BPF r6–r9 must |
/// | r7 | r13 | callee-saved (r12 is kept for the anchor, see below) |
/// | r8 | r14 | callee-saved |
/// | r9 | r15 | callee-saved |
/// | r10 | rbp | callee-saved frame pointer; BPF never writes it |
/// | – | r12 | anchor: rsp after the prologue. Depth checks (`r12 - rsp`) and unwinding (`mov %r12,%rsp`) use it; callee-saved, so it survives helpers and native upcalls. It is never a BPF memory base, where it would cost a SIB byte |
/// | – | r9, r10, r11 | scratch: caller-saved, so free at every call; r9 is the 6th argument register, which carries the helper id of `callx` |
/// | – | rsp | the machine stack: return addresses and saved registers of local calls only; BPF stack frames live at r10 |
public final class X86RegisterMap {
    private X86RegisterMap() {
    }

    private static final X86Reg[] MAP = {
        X86Reg.RAX, X86Reg.RDI, X86Reg.RSI, X86Reg.RDX, X86Reg.RCX, X86Reg.R8,
        X86Reg.RBX, X86Reg.R13, X86Reg.R14, X86Reg.R15, X86Reg.RBP,
    };

    public static final X86Reg ANCHOR = X86Reg.R12;
    public static final X86Reg SCRATCH0 = X86Reg.R9;
    public static final X86Reg SCRATCH1 = X86Reg.R10;
    public static final X86Reg SCRATCH2 = X86Reg.R11;
    /// System V argument registers, in order; the first three also carry `prog(r1, r2, r10_top)`.
    public static final X86Reg[] ARGUMENTS = {X86Reg.RDI, X86Reg.RSI, X86Reg.RDX, X86Reg.RCX, X86Reg.R8, X86Reg.R9};
    /// The BPF callee-saved registers r6–r9, saved by the caller of a local call.
    public static final X86Reg[] BPF_CALLEE_SAVED = {X86Reg.RBX, X86Reg.R13, X86Reg.R14, X86Reg.R15};

    public static X86Reg of(Reg r) {
        return MAP[r.number()];
    }
}
