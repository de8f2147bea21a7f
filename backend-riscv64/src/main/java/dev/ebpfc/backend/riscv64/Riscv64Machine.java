package dev.ebpfc.backend.riscv64;

import dev.ebpfc.backend.CompileOptions;
import dev.ebpfc.backend.CompiledProgram;
import dev.ebpfc.backend.regalloc.RegisterSet;
import dev.ebpfc.backend.select.SelectedFunction;
import dev.ebpfc.backend.select.TargetMachine;
import dev.ebpfc.frontend.object.ProgramDef;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/// The RISC-V64 description for the shared -O2 pipeline (RV64IMA, LP64 psABI: a0–a7 arguments,
/// a0 the result, s0–s11 callee-saved, t0–t6, a0–a7 and ra caller-saved). Register roles:
///
/// | register | role | why |
/// |---|---|---|
/// | a0–a7 | allocatable, caller-saved | the argument registers: values headed for a call or coming out of one need no move when they get them. a5 is the frame-pointer argument of the local convention |
/// | t5 | allocatable, caller-saved | one more register that costs no save |
/// | s1–s5, s7–s11 | allocatable, callee-saved | survive calls; each costs a save and a restore in the functions that use it |
/// | t0–t4 | scratch, never allocated | reloading spilled operands (uses in t1–t3, a spilled result in t0), immediates that do not fit 12 bits, division masks, byte swaps, the lr/sc loop; t0 breaks parallel-copy cycles, t1 carries slot-to-slot copies |
/// | t6 | never allocated | `auipc` sequences: relaxed branches and calls through the pool ([Riscv64LabelRefs]) |
/// | s6 | anchor, never allocated | sp of the entry stub; `[s6]` holds the depth limit, and the unwind path restores sp from it (as at -O0) |
/// | s0 | untouched | the frame pointer of the psABI: a frame-pointer unwinder never mistakes BPF data for a frame |
/// | ra | never allocated | return addresses; saved by every function that calls |
/// | sp, gp, tp, zero | untouched | the stack, and the platform's registers |
public final class Riscv64Machine implements TargetMachine {
    static final List<Riscv64Reg> CALLER_SAVED = List.of(Riscv64Reg.A0, Riscv64Reg.A1, Riscv64Reg.A2, Riscv64Reg.A3,
            Riscv64Reg.A4, Riscv64Reg.A5, Riscv64Reg.A6, Riscv64Reg.A7, Riscv64Reg.T5);
    static final List<Riscv64Reg> CALLEE_SAVED = List.of(Riscv64Reg.S1, Riscv64Reg.S2, Riscv64Reg.S3, Riscv64Reg.S4,
            Riscv64Reg.S5, Riscv64Reg.S7, Riscv64Reg.S8, Riscv64Reg.S9, Riscv64Reg.S10, Riscv64Reg.S11);
    static final List<Riscv64Reg> SCRATCH = List.of(Riscv64Reg.T0, Riscv64Reg.T1, Riscv64Reg.T2, Riscv64Reg.T3, Riscv64Reg.T4);
    static final Riscv64Reg ANCHOR = Riscv64RegisterMap.ANCHOR;

    private static final List<Riscv64Reg> ARGUMENTS = List.of(Riscv64Reg.A0, Riscv64Reg.A1, Riscv64Reg.A2, Riscv64Reg.A3,
            Riscv64Reg.A4, Riscv64Reg.A5);

    private final RegisterSet registers;
    /// Every call may change every caller-saved register, allocatable or not.
    private final Set<Integer> callClobbers = Set.copyOf(new HashSet<>(numbers(CALLER_SAVED)));

    /// The machine with every allocatable register of the table above.
    public Riscv64Machine() {
        this(CALLER_SAVED, CALLEE_SAVED);
    }

    private Riscv64Machine(List<Riscv64Reg> callerSaved, List<Riscv64Reg> calleeSaved) {
        if (!CALLER_SAVED.containsAll(callerSaved) || !CALLEE_SAVED.containsAll(calleeSaved) || callerSaved.size() + calleeSaved.size() == 0) {
            throw new IllegalArgumentException("allocatable registers must be some of " + CALLER_SAVED + " and " + CALLEE_SAVED);
        }
        registers = new RegisterSet(numbers(callerSaved), numbers(calleeSaved), numbers(SCRATCH));
    }

    /// A machine that allocates only the given registers (subsets of the defaults), for tests
    /// that drive the spill paths: with one or two registers nearly every value lives in a slot.
    public static Riscv64Machine withAllocatable(List<Riscv64Reg> callerSaved, List<Riscv64Reg> calleeSaved) {
        return new Riscv64Machine(callerSaved, calleeSaved);
    }

    private static List<Integer> numbers(List<Riscv64Reg> regs) {
        return regs.stream().map(Riscv64Reg::number).toList();
    }

    @Override
    public String name() {
        return "riscv64";
    }

    @Override
    public RegisterSet registers() {
        return registers;
    }

    @Override
    public int argumentRegister(int i) {
        return ARGUMENTS.get(i).number();
    }

    @Override
    public int returnRegister() {
        return Riscv64Reg.A0.number();
    }

    @Override
    public Set<Integer> callClobbers() {
        return callClobbers;
    }

    @Override
    public CompiledProgram emit(ProgramDef def, List<SelectedFunction> functions, CompileOptions options) {
        return new Riscv64Emitter(def, functions, options).emit();
    }
}
