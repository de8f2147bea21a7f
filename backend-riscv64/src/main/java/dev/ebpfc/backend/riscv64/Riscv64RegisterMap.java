package dev.ebpfc.backend.riscv64;

import dev.ebpfc.frontend.insn.Reg;

/// Where each BPF register lives in the RISC-V64 -O0 code, and the registers the lowering keeps
/// for itself. Chosen so that helper calls need one move (RISC-V psABI, LP64 integer calling
/// convention: a0–a7 arguments, a0 the return value, s0–s11 callee-saved, t0–t6 and ra
/// caller-saved):
///
/// | BPF | RV64 | why |
/// |---|---|---|
/// | r0 | a5 | a0 is both the return register and the first argument, and BPF r1 must be the first argument; r0 takes an argument register helpers never read (they take five), and `mv a5, a0` after each call moves the result in. a5 is also the 6th argument, which carries the helper id of `callx` — r0 is dead at that point anyway |
/// | r1 | a0 | 1st argument register (the context pointer of `prog(r1, r2, r10_top)`) |
/// | r2 | a1 | 2nd argument register |
/// | r3 | a2 | 3rd argument register (carries `r10_top` on entry, then zeroed) |
/// | r4 | a3 | 4th argument register |
/// | r5 | a4 | 5th argument register |
/// | r6 | s1 | callee-saved: survives helper calls, as BPF r6–r9 must. s0 is left alone, so a frame-pointer unwinder never mistakes BPF data for a frame |
/// | r7 | s2 | callee-saved |
/// | r8 | s3 | callee-saved |
/// | r9 | s4 | callee-saved |
/// | r10 | s5 | callee-saved; BPF never writes it, local calls advance it by the frame stride |
/// | – | s6 | anchor: sp after the prologue. Depth checks (`s6 - sp` = 64 × depth) and unwinding (`mv sp, s6`) use it; callee-saved, so it survives helpers and native upcalls |
/// | – | t0–t4 | scratch for one BPF instruction: address and immediate materialisation, division masks, byte swaps, the lr/sc loop, return addresses of local calls. Caller-saved, so never live across a call |
/// | – | t6 | pc-relative sequences (`auipc t6` for far jumps and pool calls), so relaxation never clobbers an operand scratch |
/// | – | ra | return address of helper calls only; local calls keep theirs on the machine stack, where a helper call in the callee cannot overwrite it |
/// | – | sp | the machine stack: saved registers and return addresses of local calls only; BPF stack frames live at r10 |
/// | – | gp, tp, s0, s7–s11, a6, a7, t5 | untouched (gp/tp belong to the platform) |
public final class Riscv64RegisterMap {
    private Riscv64RegisterMap() {
    }

    private static final Riscv64Reg[] MAP = {
        Riscv64Reg.A5, Riscv64Reg.A0, Riscv64Reg.A1, Riscv64Reg.A2, Riscv64Reg.A3, Riscv64Reg.A4,
        Riscv64Reg.S1, Riscv64Reg.S2, Riscv64Reg.S3, Riscv64Reg.S4, Riscv64Reg.S5,
    };

    public static final Riscv64Reg ANCHOR = Riscv64Reg.S6;
    public static final Riscv64Reg SCRATCH0 = Riscv64Reg.T0;
    public static final Riscv64Reg SCRATCH1 = Riscv64Reg.T1;
    public static final Riscv64Reg SCRATCH2 = Riscv64Reg.T2;
    public static final Riscv64Reg SCRATCH3 = Riscv64Reg.T3;
    public static final Riscv64Reg SCRATCH4 = Riscv64Reg.T4;
    /// The register `auipc` sequences (far jumps, pool loads of call targets) go through.
    public static final Riscv64Reg FAR = Riscv64Reg.T6;
    /// psABI argument registers, in order; the first three also carry `prog(r1, r2, r10_top)`.
    public static final Riscv64Reg[] ARGUMENTS = {Riscv64Reg.A0, Riscv64Reg.A1, Riscv64Reg.A2, Riscv64Reg.A3, Riscv64Reg.A4, Riscv64Reg.A5};
    /// The BPF callee-saved registers r6–r9, saved by the caller of a local call.
    public static final Riscv64Reg[] BPF_CALLEE_SAVED = {Riscv64Reg.S1, Riscv64Reg.S2, Riscv64Reg.S3, Riscv64Reg.S4};

    public static Riscv64Reg of(Reg r) {
        return MAP[r.number()];
    }
}
