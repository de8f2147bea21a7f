package dev.ebpfc.backend.arm64;

import dev.ebpfc.frontend.insn.Reg;

/// Where each BPF register lives in the ARM64 -O0 code, and the registers the lowering keeps for
/// itself. Chosen under AAPCS64 (Arm IHI 0055, §6.1.1 "General-purpose registers": x0–x7
/// arguments and results, x8 indirect result, x9–x15 temporaries, x16/x17 intra-procedure-call
/// scratch, x18 platform register, x19–x28 callee-saved, x29 frame pointer, x30 link register):
///
/// | BPF | ARM64 | why |
/// |---|---|---|
/// | r0 | x7 | BPF r0 and r1 both want x0 (result and first argument). r1 wins: it is an argument at every helper call and at entry, so arguments need no moves; r0 pays one `mov x7, x0` after a call. x7 is the last argument register, never an argument of a helper or runtime entry (they take at most six) |
/// | r1–r5 | x0–x4 | the first five argument registers: helper calls need no moves; entry `prog(r1, r2, r10_top)` lands r1 and r2 in place |
/// | r6–r9 | x19–x22 | callee-saved: survive helper calls, as BPF r6–r9 must |
/// | r10 | x23 | callee-saved; BPF never writes it, local calls advance it by the frame stride |
/// | – | x24 | anchor: sp after the prologue. Depth checks (`sp + 48·7 ≤ x24`) and unwinding (`mov sp, x24`) use it; callee-saved, so it survives helpers and native upcalls |
/// | – | x26 | link keeper: holds x30 across a helper call in programs with local calls or callx, where x30 is the current function's return address (callee-saved, so the helper keeps it) |
/// | – | x5 | 6th argument: the helper id of `callx` (HELPER_BY_ID) |
/// | – | x9–x13 | scratch (temporaries: caller-saved, so free at every call): immediates, addresses, quotients, LL/SC old/new values and status |
/// | – | x16 | IP0: the address of every call out (`ldr x16, pool; blr x16`), and of far pool loads; the AAPCS lets veneers clobber it, so nothing lives in it |
/// | – | x17 | IP1: offset of far pool loads |
/// | – | x18 | unused: the platform register (reserved on Apple and Windows) |
/// | – | x29, x30 | frame record of the entry function; x30 is the link register of `bl`/`blr` |
/// | – | x6, x8, x14, x15, x25, x27, x28 | unused |
///
/// The machine stack (sp) holds the frame record, saved registers, and the 48-byte frames of local
/// calls; BPF stack frames live at r10.
public final class Arm64RegisterMap {
    private Arm64RegisterMap() {
    }

    private static final Arm64Reg[] MAP = {
        Arm64Reg.R7, Arm64Reg.R0, Arm64Reg.R1, Arm64Reg.R2, Arm64Reg.R3, Arm64Reg.R4,
        Arm64Reg.R19, Arm64Reg.R20, Arm64Reg.R21, Arm64Reg.R22, Arm64Reg.R23,
    };

    public static final Arm64Reg ANCHOR = Arm64Reg.R24;
    public static final Arm64Reg LINK_KEEPER = Arm64Reg.R26;
    /// The 6th argument register: the helper id of `callx`.
    public static final Arm64Reg HELPER_ID = Arm64Reg.R5;
    public static final Arm64Reg SCRATCH0 = Arm64Reg.R9;
    public static final Arm64Reg SCRATCH1 = Arm64Reg.R10;
    public static final Arm64Reg SCRATCH2 = Arm64Reg.R11;
    public static final Arm64Reg SCRATCH3 = Arm64Reg.R12;
    public static final Arm64Reg SCRATCH4 = Arm64Reg.R13;
    public static final Arm64Reg IP0 = Arm64Reg.R16;
    public static final Arm64Reg IP1 = Arm64Reg.R17;
    /// AAPCS64 argument registers x0–x5, in order; the first three also carry `prog(r1, r2, r10_top)`.
    public static final Arm64Reg[] ARGUMENTS = {Arm64Reg.R0, Arm64Reg.R1, Arm64Reg.R2, Arm64Reg.R3, Arm64Reg.R4, Arm64Reg.R5};
    /// The BPF callee-saved registers r6–r9, saved by the caller of a local call.
    public static final Arm64Reg[] BPF_CALLEE_SAVED = {Arm64Reg.R19, Arm64Reg.R20, Arm64Reg.R21, Arm64Reg.R22};

    public static Arm64Reg of(Reg r) {
        return MAP[r.number()];
    }
}
