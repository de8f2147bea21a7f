package dev.ebpfc.backend.arm64;

import dev.ebpfc.backend.CompileOptions;
import dev.ebpfc.backend.CompiledProgram;
import dev.ebpfc.backend.regalloc.RegisterSet;
import dev.ebpfc.backend.select.SelectedFunction;
import dev.ebpfc.backend.select.TargetMachine;
import dev.ebpfc.frontend.object.ProgramDef;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/// ARM64 for the shared -O2 pipeline: registers and calling convention under AAPCS64 (Arm IHI
/// 0055, §6.1.1), and [Arm64Emitter] for the code.
///
/// | register | use at -O2 | why |
/// |---|---|---|
/// | x0–x8 | allocatable, caller-saved (first choice) | x0–x5 are the argument registers (x0 the result) of helpers and of the local convention: a value computed into one where it is needed costs no move; x6–x8 are free temporaries |
/// | x14, x15 | allocatable, caller-saved | AAPCS temporaries |
/// | x19–x22, x25–x28 | allocatable, callee-saved (when no caller-saved register is free for the whole interval, e.g. across calls) | each function saves those it uses; the entry stub saves the union, so the unwind path restores them from any depth |
/// | x9–x13 | scratch, never allocated | x9 first: it breaks cycles of edge copies; x10 the second scratch of slot-to-slot copies; x10–x12 reload spilled operands, x9 takes a spilled result, x13 takes immediates that do not encode |
/// | x16, x17 | scratch (IP0/IP1) | the target of every `blr` to the pool and far pool loads; LL/SC new value and status |
/// | x23 | never allocated | the current function's BPF frame pointer, set in the prologue of functions that call out (engines read BPF r10 there at a helper call to know the call depth: `EmulatedEngine`, as at -O0) or whose copies of it were spilled (x23 stands in for their reloads) |
/// | x24 | never allocated | the anchor: sp of the entry stub; the depth limit at `[x24]`; the unwind path's `mov sp, x24` |
/// | x18 | never touched | the platform register |
/// | x29, x30 | frame record | functions that call anything save them (`stp x29, x30, [sp, #-N]!`) |
public final class Arm64Machine implements TargetMachine {
    static final List<Arm64Reg> CALLER_SAVED = List.of(
            Arm64Reg.R0, Arm64Reg.R1, Arm64Reg.R2, Arm64Reg.R3, Arm64Reg.R4, Arm64Reg.R5, Arm64Reg.R6, Arm64Reg.R7,
            Arm64Reg.R8, Arm64Reg.R14, Arm64Reg.R15);
    static final List<Arm64Reg> CALLEE_SAVED = List.of(
            Arm64Reg.R19, Arm64Reg.R20, Arm64Reg.R21, Arm64Reg.R22, Arm64Reg.R25, Arm64Reg.R26, Arm64Reg.R27, Arm64Reg.R28);
    static final List<Arm64Reg> SCRATCH = List.of(
            Arm64Reg.R9, Arm64Reg.R10, Arm64Reg.R11, Arm64Reg.R12, Arm64Reg.R13, Arm64Reg.R16, Arm64Reg.R17);
    /// The current function's BPF frame pointer, for engines (see the table).
    static final Arm64Reg FRAME_POINTER = Arm64Reg.R23;

    private final RegisterSet registers;

    /// The ARM64 registers above.
    public Arm64Machine() {
        this(new RegisterSet(numbers(CALLER_SAVED), numbers(CALLEE_SAVED), numbers(SCRATCH)));
    }

    /// With another choice of allocatable registers (tests force spilling with a few). The
    /// scratch registers must be x9–x13, x16, x17 in that order: the emitter relies on them.
    public Arm64Machine(RegisterSet registers) {
        if (!registers.scratch().equals(numbers(SCRATCH))) throw new IllegalArgumentException("scratch must be " + SCRATCH);
        this.registers = registers;
    }

    private static List<Integer> numbers(List<Arm64Reg> regs) {
        List<Integer> out = new ArrayList<>();
        for (Arm64Reg r : regs) out.add(r.number());
        return out;
    }

    @Override
    public String name() {
        return "arm64";
    }

    @Override
    public RegisterSet registers() {
        return registers;
    }

    @Override
    public int argumentRegister(int i) {
        if (i < 0 || i > 5) throw new IllegalArgumentException("argument register " + i);
        return i;
    }

    @Override
    public int returnRegister() {
        return 0;
    }

    /// Every caller-saved register of AAPCS64 the allocator may hand out (x0–x8, x14, x15 by
    /// default; scratch registers are clobbered too, but nothing lives in them).
    @Override
    public Set<Integer> callClobbers() {
        java.util.HashSet<Integer> out = new java.util.HashSet<>(registers.callerSaved());
        for (int i = 0; i <= 5; i++) out.add(i);
        return Set.copyOf(out);
    }

    @Override
    public CompiledProgram emit(ProgramDef def, List<SelectedFunction> functions, CompileOptions options) {
        return new Arm64Emitter(def, functions, options).emit();
    }
}
