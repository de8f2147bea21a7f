package dev.ebpfc.backend.arm64;

import static dev.ebpfc.backend.arm64.Arm64Reg.R10;
import static dev.ebpfc.backend.arm64.Arm64Reg.R2;
import static dev.ebpfc.backend.arm64.Arm64Reg.R5;
import static dev.ebpfc.backend.arm64.Arm64Reg.R9;
import static dev.ebpfc.backend.arm64.Arm64Reg.SP;
import static dev.ebpfc.backend.arm64.Arm64RegisterMap.ANCHOR;
import static dev.ebpfc.backend.arm64.Arm64RegisterMap.IP0;
import static dev.ebpfc.backend.arm64.Arm64RegisterMap.IP1;

import dev.ebpfc.backend.CodeBuffer.Label;
import dev.ebpfc.backend.CompileOptions;
import dev.ebpfc.backend.CompiledProgram;
import dev.ebpfc.backend.PoolEntry;
import dev.ebpfc.backend.RuntimeEntry;
import dev.ebpfc.backend.RuntimeError;
import dev.ebpfc.backend.arm64.Arm64Insn.MemOp;
import dev.ebpfc.backend.mir.MachineBlock;
import dev.ebpfc.backend.mir.MachineFunction;
import dev.ebpfc.backend.mir.MachineInst;
import dev.ebpfc.backend.mir.Reg;
import dev.ebpfc.backend.regalloc.Allocation;
import dev.ebpfc.backend.regalloc.Location;
import dev.ebpfc.backend.regalloc.ParallelCopy;
import dev.ebpfc.backend.select.CodeTables;
import dev.ebpfc.backend.select.MOp;
import dev.ebpfc.backend.select.SelectedFunction;
import dev.ebpfc.backend.select.TargetMachine;
import dev.ebpfc.frontend.object.ProgramDef;
import dev.ebpfc.runtime.memory.MemoryLayout;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/// The ARM64 -O2 code of a whole program from its allocated machine functions (the layout of
/// [dev.ebpfc.backend.select.TargetMachine], registers of [Arm64Machine]):
///
/// ```
/// entry:     sub sp, sp, #N; stp x29, x30, [sp, #16]; add x29, sp, #16; save x24 and every
///            callee-saved register any function uses; x24 = sp (the anchor);
///            [x24 + limit] = r10_top + MAX_FRAMES·stride; x5 = r10_top; bl function 0
/// unwind:    sp = x24; restore; ret       (function 0 returns here; x0 is its result)
/// function:  prologue (Arm64Frame: frame record if it calls, used callee-saved registers, spill
///            slots; x23 = x5 if it calls out), blocks in layout order, trampolines of its
///            conditional edges, each `Return` an epilogue (shared when it is long); function 0,
///            when nothing but the stub enters it, saves nothing and returns with `b unwind`
/// stubs:     call-depth errors
/// pool
/// ```
///
/// Edges: the allocator's sequentialised copies go on the edge. A jump to the next block in
/// layout is omitted. A conditional branch whose edge with copies is not the next block branches
/// to an out-of-line trampoline after the function (copies, `b target`; shared by edges with the
/// same copies to the same block) and falls through to the other; otherwise the copies go inline
/// on the fall-through path. The operations themselves are [Arm64EmitOps]'s.
final class Arm64Emitter {
    private final ProgramDef def;
    private final List<SelectedFunction> functions;
    private final CompileOptions options;
    private final Arm64Assembler asm = new Arm64Assembler();
    private final Label unwind;
    private final Label[] functionLabels;
    /// Call-depth stubs by slot (one per local call site's slot).
    private final Map<Integer, Label> depthStubs = new HashMap<>();
    private final List<Runnable> stubs = new ArrayList<>();
    /// Offset of the depth limit from the anchor (a slot of the entry stub's frame).
    private int limitOffset;
    /// Function offsets, slot offsets and the code of each memory access and call out with its
    /// slot ([CompiledProgram#slotRanges]).
    private final CodeTables tables = new CodeTables();

    // The function being emitted.
    private MachineFunction mf;
    private Allocation alloc;
    private Arm64Frame frame;
    private Label[] blockLabels;
    private Label sharedEpilogue;
    private boolean epilogueBound;
    /// The function is function 0, entered only from the entry stub: `Return` is `b unwind`.
    private boolean exitsThroughUnwind;
    private final List<Runnable> trampolines = new ArrayList<>();
    private final Map<Trampoline, Label> trampolineLabels = new HashMap<>();
    private Arm64EmitOps ops;

    Arm64Emitter(ProgramDef def, List<SelectedFunction> functions, CompileOptions options) {
        this.def = def;
        this.functions = functions;
        this.options = options;
        this.unwind = asm.label("unwind");
        this.functionLabels = new Label[functions.size()];
        for (int i = 0; i < functions.size(); i++) functionLabels[i] = asm.label(functions.get(i).name());
    }

    CompiledProgram emit() {
        Arm64Frame stub = entryStub();
        // Function 0 returns here: the unwind path restores what the stub saved.
        if (options.listing()) asm.note("unwind");
        asm.bind(unwind);
        asm.emit(Arm64Insn.mov(OpSize.X, SP, ANCHOR));
        stub.epilogue(asm, IP0);
        asm.emit(Arm64Insn.ret());
        for (int i = 0; i < functions.size(); i++) function(i);
        for (int i = 0; i < stubs.size(); i++) stubs.get(i).run();

        Arm64Assembler.Result assembled = asm.assemble(options.listing());
        int[] functionOffsets = CodeTables.functionOffsets(functionLabels);
        int[] slotOffsets = CodeTables.slotOffsets(def, functions, functionOffsets);
        return new CompiledProgram("arm64", assembled.code(), 0, unwind.offset(), functionOffsets, slotOffsets,
                assembled.poolOffset(), assembled.pool(), assembled.listing(), tables.slotRanges());
    }

    // ---- entry stub --------------------------------------------------------------------------

    /// Saves what any function may change (the unwind path skips their epilogues), sets the
    /// anchor and the depth limit, and calls function 0 with r1, r2 in x0, x1 and r10 in x5.
    private Arm64Frame entryStub() {
        TreeSet<Integer> saved = new TreeSet<>();
        for (SelectedFunction f : functions) {
            saved.addAll(f.allocation().usedCalleeSaved());
            if (framePointerInX23(f)) saved.add(Arm64Machine.FRAME_POINTER.number());
        }
        saved.add(ANCHOR.number());
        List<Arm64Reg> regs = new ArrayList<>();
        for (int r : saved) regs.add(Arm64Reg.general(r));
        Arm64Frame stub = Arm64Frame.of(true, regs, 1);
        limitOffset = stub.slotOffset(0);
        if (options.listing()) asm.note("entry");
        stub.prologue(asm, IP0);
        asm.emit(Arm64Insn.mov(OpSize.X, ANCHOR, SP));
        asm.addImmediate(OpSize.X, R9, R2, (long) MemoryLayout.MAX_FRAMES * options.frameStride(), R9);
        asm.emit(new Arm64Insn.LoadStore(MemOp.STR_X, R9, ANCHOR, limitOffset));
        asm.emit(Arm64Insn.mov(OpSize.X, R5, R2));
        asm.bl(functionLabels[0]);
        return stub;
    }

    /// The virtual registers that hold the function's frame pointer: the copy of x5 in block 0 and
    /// copies of copies (SSA: each is defined once).
    private static Set<Integer> framePointerCopies(SelectedFunction f) {
        Set<Integer> out = new HashSet<>();
        boolean changed = true;
        while (changed) {
            changed = false;
            for (MachineBlock b : f.machine().blocks()) {
                for (MachineInst i : b.insts()) {
                    if (!i.isMove() || !(i.operands().get(0).reg() instanceof Reg.VReg d) || out.contains(d.id())) continue;
                    Reg src = i.operands().get(1).reg();
                    boolean copy = b.id() == 0 && src instanceof Reg.PReg(int n) && n == TargetMachine.FRAME_POINTER_ARG
                            || src instanceof Reg.VReg v && out.contains(v.id());
                    if (copy) changed |= out.add(d.id());
                }
            }
        }
        return out;
    }

    /// Whether the function keeps its frame pointer in x23: when it calls out (engines read it
    /// there) or when the allocator spilled a copy of it (x23 then stands in for the reloads).
    private static boolean framePointerInX23(SelectedFunction f) {
        if (callsOut(f)) return true;
        for (int v : framePointerCopies(f)) {
            if (f.allocation().of(Reg.v(v)) instanceof Location.InSlot) return true;
        }
        return false;
    }

    /// No local call targets function 0 and no `callx` could reach it (a code address is any
    /// value there): only the entry stub enters it.
    private boolean onlyTheStubCallsFunction0() {
        for (SelectedFunction f : functions) {
            for (MachineBlock b : f.machine().blocks()) {
                for (MachineInst i : b.insts()) {
                    if (i.op() instanceof MOp.CallAddress || i.op() instanceof MOp.CallLocal c && c.function() == 0) return false;
                }
            }
        }
        return true;
    }

    private static boolean callsOut(SelectedFunction f) {
        for (MachineBlock b : f.machine().blocks()) {
            for (MachineInst i : b.insts()) if (i.op() instanceof MOp.CallOut) return true;
        }
        return false;
    }

    private static boolean calls(SelectedFunction f) {
        for (MachineBlock b : f.machine().blocks()) {
            for (MachineInst i : b.insts()) {
                if (i.op() instanceof MOp.CallOut || i.op() instanceof MOp.CallLocal || i.op() instanceof MOp.CallAddress) return true;
            }
        }
        return false;
    }

    // ---- functions ---------------------------------------------------------------------------

    private void function(int index) {
        SelectedFunction f = functions.get(index);
        mf = f.machine();
        alloc = f.allocation();
        boolean inX23 = framePointerInX23(f);
        // Function 0 entered only from the entry stub returns through the unwind path, which
        // restores everything the stub saved: it saves nothing itself, not even x30.
        exitsThroughUnwind = index == 0 && onlyTheStubCallsFunction0();
        List<Arm64Reg> saved = new ArrayList<>();
        if (!exitsThroughUnwind) {
            for (int r : alloc.usedCalleeSaved()) saved.add(Arm64Reg.general(r));
            if (inX23) saved.add(Arm64Machine.FRAME_POINTER);
        }
        frame = Arm64Frame.of(calls(f) && !exitsThroughUnwind, saved, alloc.slotCount());
        List<MachineBlock> blocks = f.machine().blocks();
        blockLabels = new Label[blocks.size()];
        for (int i = 0; i < blocks.size(); i++) blockLabels[i] = asm.label(f.name() + ".mblock" + i);
        sharedEpilogue = asm.label(f.name() + ".epilogue");
        epilogueBound = false;
        trampolines.clear();
        trampolineLabels.clear();
        ops = new Arm64EmitOps(asm, mf, alloc, frame, options.lse(), inX23 ? framePointerCopies(f) : Set.of());

        if (options.listing()) asm.note("function " + f.name() + " (slot " + f.slot() + ")");
        asm.bind(functionLabels[index]);
        frame.prologue(asm, IP0);
        // Engines read BPF r10 in x23 at a helper call (see Arm64Machine).
        if (inX23) asm.emit(Arm64Insn.mov(OpSize.X, Arm64Machine.FRAME_POINTER, R5));
        for (MachineBlock b : blocks) {
            if (options.listing()) asm.note("mblock" + b.id() + (b.params().isEmpty() ? "" : " " + locations(b.params())));
            asm.bind(blockLabels[b.id()]);
            for (MachineInst inst : b.insts()) {
                if (options.listing()) asm.note("    " + describe(inst));
                int slot = mf.slotOf(inst);
                if (slot >= 0 && mayStop(inst.op())) {
                    // A fault or a helper's stop here is reported at this slot.
                    Label start = asm.label("slot" + slot), end = asm.label("slot" + slot + ".end");
                    asm.bind(start);
                    instruction(inst, b);
                    asm.bind(end);
                    tables.slotRange(start, end, slot);
                } else {
                    instruction(inst, b);
                }
            }
        }
        for (int i = 0; i < trampolines.size(); i++) trampolines.get(i).run();
    }

    /// Operations at which a run may stop: memory accesses (faults) and calls out (helpers).
    private static boolean mayStop(Object op) {
        return op instanceof MOp.Load || op instanceof MOp.Store || op instanceof MOp.StoreImm || op instanceof MOp.Atomic
                || op instanceof MOp.CmpXchg || op instanceof MOp.CallOut;
    }

    private String locations(List<Reg.VReg> regs) {
        StringBuilder sb = new StringBuilder("[");
        for (Reg.VReg r : regs) sb.append(sb.length() > 1 ? ", " : "").append(r).append('=').append(alloc.of(r));
        return sb.append(']').toString();
    }

    private String describe(MachineInst inst) {
        StringBuilder sb = new StringBuilder(inst.op().toString());
        for (var o : inst.operands()) {
            sb.append(' ').append(o);
            if (o.reg() instanceof Reg.VReg) sb.append('(').append(alloc.of(o.reg())).append(')');
        }
        return sb.toString();
    }

    private void instruction(MachineInst inst, MachineBlock b) {
        MOp op = (MOp) inst.op();
        switch (op) {
            case MOp.Branch br -> conditional(ops.compare(br, inst), b);
            case MOp.BranchImm br -> conditional(ops.compareImm(br, inst), b);
            case MOp.Jump j -> {
                List<ParallelCopy.Move> moves = alloc.edgeMoves(b, 0);
                int target = b.succs().getFirst().target();
                Label shared = trampolineLabels.get(new Trampoline(moves, target));
                if (!moves.isEmpty() && shared != null && target != b.id() + 1) {
                    asm.b(shared); // the same copies to the same block exist out of line already
                } else {
                    edgeMoves(moves);
                    jumpTo(target, b);
                }
            }
            case MOp.Return r -> ret();
            case MOp.Trap t -> trap(t.error(), t.slot(), t.detail());
            case MOp.CheckDepth c -> checkDepth(c, inst);
            case MOp.CallLocal c -> asm.bl(functionLabels[c.function()]);
            case MOp.CallOut c -> {
                if (options.listing()) asm.note("    call " + c.entry() + (c.slot() >= 0 ? " (slot " + c.slot() + ")" : ""));
                asm.poolCall(c.entry());
            }
            case MOp.Move m -> ops.emit(op, inst);
            case MOp.Imm i -> ops.emit(op, inst);
            case MOp.Alu a -> ops.emit(op, inst);
            case MOp.AluImm a -> ops.emit(op, inst);
            case MOp.Un u -> ops.emit(op, inst);
            case MOp.Ext e -> ops.emit(op, inst);
            case MOp.Trunc t -> ops.emit(op, inst);
            case MOp.Swap s -> ops.emit(op, inst);
            case MOp.SetCond s -> ops.emit(op, inst);
            case MOp.SetCondImm s -> ops.emit(op, inst);
            case MOp.Select s -> ops.emit(op, inst);
            case MOp.Load l -> ops.emit(op, inst);
            case MOp.Store st -> ops.emit(op, inst);
            case MOp.StoreImm st -> ops.emit(op, inst);
            case MOp.Atomic a -> ops.emit(op, inst);
            case MOp.CmpXchg x -> ops.emit(op, inst);
            case MOp.PoolLoad pl -> ops.emit(op, inst);
            case MOp.CallAddress c -> ops.emit(op, inst);
            case MOp.Params p -> {
            }
        }
    }

    // ---- control flow ------------------------------------------------------------------------

    /// A conditional terminator: to successor 0 when `test` holds, else successor 1.
    private void conditional(Arm64EmitOps.Test test, MachineBlock b) {
        int t0 = b.succs().get(0).target(), t1 = b.succs().get(1).target();
        List<ParallelCopy.Move> m0 = alloc.edgeMoves(b, 0), m1 = alloc.edgeMoves(b, 1);
        int next = b.id() + 1;
        if (m0.isEmpty() && m1.isEmpty()) {
            if (t0 == t1) {
                jumpTo(t0, b);
            } else if (t0 == next) {
                branch(test.invert(), blockLabels[t1]);
            } else {
                branch(test, blockLabels[t0]);
                jumpTo(t1, b);
            }
        } else if (m0.isEmpty() && t0 == next) {
            branch(test.invert(), trampoline(m1, t1));
        } else if (m1.isEmpty() && t1 == next) {
            branch(test, trampoline(m0, t0));
        } else if (m0.isEmpty()) {
            branch(test, blockLabels[t0]);
            edgeMoves(m1);
            jumpTo(t1, b);
        } else if (m1.isEmpty()) {
            branch(test.invert(), blockLabels[t1]);
            edgeMoves(m0);
            jumpTo(t0, b);
        } else {
            branch(test, trampoline(m0, t0));
            edgeMoves(m1);
            jumpTo(t1, b);
        }
    }

    /// The out-of-line copies of an edge then `b target`, emitted after the function; edges with
    /// the same copies to the same block share one.
    private Label trampoline(List<ParallelCopy.Move> moves, int target) {
        return trampolineLabels.computeIfAbsent(new Trampoline(moves, target), k -> {
            Label l = asm.label("mblock" + target + ".in" + trampolineLabels.size());
            trampolines.add(() -> {
                if (options.listing()) asm.note("-> mblock" + target + " " + moves);
                asm.bind(l);
                edgeMoves(moves);
                asm.b(blockLabels[target]);
            });
            return l;
        });
    }

    private record Trampoline(List<ParallelCopy.Move> moves, int target) {
    }

    private void branch(Arm64EmitOps.Test test, Label target) {
        switch (test) {
            case Arm64EmitOps.Test.Flags(Arm64Cond cond) -> asm.bCond(cond, target);
            case Arm64EmitOps.Test.Zero(boolean nonZero, OpSize size, Arm64Reg reg) -> asm.cbz(nonZero, size, reg, target);
            case Arm64EmitOps.Test.Bit(boolean set, Arm64Reg reg, int bit) -> asm.tbz(set, reg, bit, target);
        }
    }

    /// `b target`, unless it is the next block in layout.
    private void jumpTo(int target, MachineBlock from) {
        if (target != from.id() + 1) asm.b(blockLabels[target]);
    }

    /// The allocator's sequentialised copies of one edge (x9 breaks cycles; slot-to-slot copies
    /// go through x10).
    private void edgeMoves(List<ParallelCopy.Move> moves) {
        for (ParallelCopy.Move m : moves) ops.move(m.dst(), m.src(), R10);
    }

    /// The epilogue and `ret`; a long epilogue is emitted once and later returns branch to it.
    private void ret() {
        if (exitsThroughUnwind) {
            asm.b(unwind);
            return;
        }
        if (frame.epilogueLength() > 2) {
            if (epilogueBound) {
                asm.b(sharedEpilogue);
                return;
            }
            asm.bind(sharedEpilogue);
            epilogueBound = true;
        }
        frame.epilogue(asm, IP0);
        asm.emit(Arm64Insn.ret());
    }

    /// `ERROR(error, slot, detail)`; the engine stops the run inside, the branch is a backstop.
    private void trap(RuntimeError error, int slot, long detail) {
        asm.runtimeErrorArguments(error, slot, detail);
        asm.poolCall(new PoolEntry.Runtime(RuntimeEntry.ERROR));
        asm.b(unwind);
    }

    /// CALL_DEPTH when the callee's frame pointer reaches the limit the entry stub stored.
    private void checkDepth(MOp.CheckDepth c, MachineInst inst) {
        Arm64Reg fp = ops.use(inst.operands().getFirst().reg(), R10);
        asm.emit(new Arm64Insn.LoadStore(MemOp.LDR_X, IP1, ANCHOR, limitOffset));
        asm.emit(Arm64Insn.cmp(OpSize.X, fp, IP1));
        Label stub = depthStubs.computeIfAbsent(c.slot(), s -> {
            Label l = asm.label("call_depth_" + s);
            stubs.add(() -> {
                if (options.listing()) asm.note("call depth exceeded at slot " + s);
                asm.bind(l);
                trap(RuntimeError.CALL_DEPTH, s, 0);
            });
            return l;
        });
        asm.bCond(Arm64Cond.HS, stub);
    }
}
