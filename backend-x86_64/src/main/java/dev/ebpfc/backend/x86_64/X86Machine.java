package dev.ebpfc.backend.x86_64;

import dev.ebpfc.backend.CompileOptions;
import dev.ebpfc.backend.CompiledProgram;
import dev.ebpfc.backend.regalloc.RegisterSet;
import dev.ebpfc.backend.select.MOp;
import dev.ebpfc.backend.select.SelectedFunction;
import dev.ebpfc.backend.select.TargetMachine;
import dev.ebpfc.frontend.insn.AtomicOp;
import dev.ebpfc.frontend.object.ProgramDef;

import java.util.List;
import java.util.Set;

/// x86_64 for the shared -O2 pipeline: System V AMD64 registers and calling convention
/// (psABI §3.2.3), and the [X86Emitter].
///
/// | register | role | why |
/// |---|---|---|
/// | rax, rdx, rsi, rdi, r8, r9 | allocatable, caller-saved | free across no call; rax is the return register, the others carry arguments, so call set-up often needs no move. rax/rdx are listed first although division clobbers them: the allocator keeps values live across a division elsewhere ([#clobbers]) |
/// | rcx | allocatable, caller-saved, last | the 4th argument register, and the count register of variable shifts (`shl %cl`): a variable shift and a fetching atomic or/and/xor clobber it, so nothing lives in it across those |
/// | rbx, r13, r14, r15 | allocatable, callee-saved | survive calls; a function pushes those its allocation uses |
/// | rbp | reserved: BPF r10 | each function sets it to its frame pointer (argument register 5) in its prologue, so that engines reading BPF r10 at a helper call (the emulator maps the frames up to that depth for the helper; the native trampoline too) see the current depth, as at -O0 |
/// | r12 | reserved: anchor | rsp of the entry stub: the depth limit lives at `[r12]`, and the unwind path restores rsp from it; the native engine's trampolines rely on it (docs/native-abi.md "Stopping from inside a call") |
/// | r11, r10 | scratch | never allocated: spilled operands are loaded into them, results computed in them; r11 breaks parallel-copy cycles (the allocator's first scratch) and holds the divisor, r10 carries slot-to-slot moves |
/// | rsp | stack pointer | spill slot `n` of a function is `[rsp + 8n]` |
public final class X86Machine implements TargetMachine {
    /// The allocator's scratch: cycles in edge copies; the divisor; operand reloads.
    static final X86Reg SCRATCH = X86Reg.R11;
    /// The second scratch: slot-to-slot moves, a second reloaded operand, results bound for a slot.
    static final X86Reg SCRATCH2 = X86Reg.R10;
    static final X86Reg ANCHOR = X86Reg.R12;
    static final X86Reg FRAME = X86Reg.RBP;

    private static final List<X86Reg> CALLER_SAVED = List.of(X86Reg.RAX, X86Reg.RDX, X86Reg.RSI, X86Reg.RDI, X86Reg.R8, X86Reg.R9, X86Reg.RCX);
    static final List<X86Reg> CALLEE_SAVED = List.of(X86Reg.RBX, X86Reg.R13, X86Reg.R14, X86Reg.R15);
    static final X86Reg[] ARGUMENTS = {X86Reg.RDI, X86Reg.RSI, X86Reg.RDX, X86Reg.RCX, X86Reg.R8, X86Reg.R9};
    private static final RegisterSet REGISTERS = new RegisterSet(numbers(CALLER_SAVED), numbers(CALLEE_SAVED),
            List.of(SCRATCH.number(), SCRATCH2.number()));
    private static final Set<Integer> CALL_CLOBBERS = Set.copyOf(numbers(CALLER_SAVED));
    private static final Set<Integer> RAX_RDX = Set.of(X86Reg.RAX.number(), X86Reg.RDX.number());
    private static final Set<Integer> RCX = Set.of(X86Reg.RCX.number());
    private static final Set<Integer> RAX = Set.of(X86Reg.RAX.number());
    private static final Set<Integer> RAX_RCX = Set.of(X86Reg.RAX.number(), X86Reg.RCX.number());

    private final RegisterSet registers;

    public X86Machine() {
        this(REGISTERS);
    }

    /// A machine allocating only `callerSaved` and `calleeSaved` (a subset of the default sets),
    /// for tests that force spills with few registers.
    public X86Machine(List<X86Reg> callerSaved, List<X86Reg> calleeSaved) {
        if (!CALLER_SAVED.containsAll(callerSaved) || !CALLEE_SAVED.containsAll(calleeSaved) || callerSaved.isEmpty()) {
            throw new IllegalArgumentException("not a subset of the allocatable registers: " + callerSaved + " " + calleeSaved);
        }
        this.registers = new RegisterSet(numbers(callerSaved), numbers(calleeSaved), REGISTERS.scratch());
    }

    private X86Machine(RegisterSet registers) {
        this.registers = registers;
    }

    private static List<Integer> numbers(List<X86Reg> regs) {
        return regs.stream().map(X86Reg::number).toList();
    }

    @Override
    public String name() {
        return "x86_64";
    }

    @Override
    public RegisterSet registers() {
        return registers;
    }

    @Override
    public int argumentRegister(int i) {
        return ARGUMENTS[i].number();
    }

    @Override
    public int returnRegister() {
        return X86Reg.RAX.number();
    }

    @Override
    public Set<Integer> callClobbers() {
        return CALL_CLOBBERS;
    }

    /// `div`/`idiv` use rdx:rax; `shl %cl` counts in rcx; `lock cmpxchg` compares with rax (and
    /// the fetching or/and/xor loop built on it also takes rcx for the operand).
    @Override
    public Set<Integer> clobbers(MOp op) {
        return switch (op) {
            case MOp.Alu a when a.op().isDivision() -> RAX_RDX;
            case MOp.AluImm a when a.op().isDivision() -> RAX_RDX;
            case MOp.Alu a when a.op().isShift() -> RCX;
            case MOp.CmpXchg c -> RAX;
            case MOp.Atomic a when a.fetch() && (a.op() == AtomicOp.OR || a.op() == AtomicOp.AND || a.op() == AtomicOp.XOR) -> RAX_RCX;
            default -> Set.of();
        };
    }

    @Override
    public CompiledProgram emit(ProgramDef def, List<SelectedFunction> functions, CompileOptions options) {
        return new X86Emitter(def, functions, options).emit();
    }
}
