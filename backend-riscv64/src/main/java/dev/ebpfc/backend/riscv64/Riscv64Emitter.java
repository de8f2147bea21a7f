package dev.ebpfc.backend.riscv64;

import static dev.ebpfc.backend.riscv64.Riscv64Reg.A0;
import static dev.ebpfc.backend.riscv64.Riscv64Reg.A1;
import static dev.ebpfc.backend.riscv64.Riscv64Reg.A2;
import static dev.ebpfc.backend.riscv64.Riscv64Reg.A5;
import static dev.ebpfc.backend.riscv64.Riscv64Reg.RA;
import static dev.ebpfc.backend.riscv64.Riscv64Reg.SP;
import static dev.ebpfc.backend.riscv64.Riscv64Reg.T0;
import static dev.ebpfc.backend.riscv64.Riscv64Reg.T1;
import static dev.ebpfc.backend.riscv64.Riscv64Reg.ZERO;

import dev.ebpfc.backend.CodeBuffer;
import dev.ebpfc.backend.CodeBuffer.Label;
import dev.ebpfc.backend.CompileOptions;
import dev.ebpfc.backend.CompiledProgram;
import dev.ebpfc.backend.ConstantPool;
import dev.ebpfc.backend.PoolEntry;
import dev.ebpfc.backend.RuntimeEntry;
import dev.ebpfc.backend.RuntimeError;
import dev.ebpfc.backend.mir.MachineBlock;
import dev.ebpfc.backend.mir.MachineFunction;
import dev.ebpfc.backend.mir.MachineInst;
import dev.ebpfc.backend.mir.Operand;
import dev.ebpfc.backend.mir.Reg;
import dev.ebpfc.backend.regalloc.Allocation;
import dev.ebpfc.backend.regalloc.Location;
import dev.ebpfc.backend.regalloc.ParallelCopy;
import dev.ebpfc.backend.riscv64.Riscv64Insn.AluImmOp;
import dev.ebpfc.backend.riscv64.Riscv64Insn.BranchOp;
import dev.ebpfc.backend.riscv64.Riscv64Insn.LoadOp;
import dev.ebpfc.backend.riscv64.Riscv64Insn.StoreOp;
import dev.ebpfc.backend.riscv64.Riscv64LabelRefs.Item;
import dev.ebpfc.backend.select.CodeTables;
import dev.ebpfc.backend.select.MOp;
import dev.ebpfc.backend.select.SelectedFunction;
import dev.ebpfc.frontend.object.ProgramDef;
import dev.ebpfc.runtime.memory.MemoryLayout;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/// The RISC-V64 -O2 emitter: allocated machine functions ([SelectedFunction]) → code, in the
/// layout of [dev.ebpfc.backend.select.TargetMachine]:
///
/// ```
/// entry:   sp -= F; save ra, s6 and every callee-saved register a function uses; s6 = sp;
///          [s6] = r10_top + MAX_FRAMES · stride (the depth limit); a5 = r10_top (a2);
///          jal function 0; then falls into
/// unwind:  sp = s6; restore; ret (a0 = function 0's result)
/// f0, f1…: prologue (sp -= frame; save ra if it calls, and its callee-saved registers),
///          blocks in layout order, each function's edge trampolines after its blocks; every
///          return restores and `ret`s. Function 0, unless something can call it again, saves
///          no callee-saved register: the stub's saves cover them
/// stubs:   call-depth errors (ERROR through the pool, then unwind)
/// pool:    8-byte entries
/// ```
///
/// A function's frame: spill slot n at `8n(sp)`, the saved registers above the slots, the whole
/// rounded to 16 bytes (offsets beyond 12 bits go through t6). Operands in spill slots are loaded into scratch registers (uses in t1,
/// t2, t3 in operand order) and a result in a slot is computed in t0 and stored back; t4 (and t3
/// where no third operand needs it) holds temporaries. The operation sequences themselves are in
/// [Riscv64EmitOps].
final class Riscv64Emitter {
    private final ProgramDef def;
    private final List<SelectedFunction> functions;
    private final CompileOptions options;
    /// RV64IMA only at -O2 (no Zba/Zbb/C whatever the options name).
    final CodeBuffer<Item> buf = new CodeBuffer<>(() -> new Riscv64LabelRefs.Encoder(Riscv64Features.BASELINE));
    final ConstantPool pool = new ConstantPool(buf);
    private final Label[] functionLabels;
    final Label unwind = buf.label("unwind");
    private final List<Runnable> stubs = new ArrayList<>();
    private final Riscv64EmitOps ops = new Riscv64EmitOps(this);
    /// Function offsets, slot offsets and the code of each instruction that may stop the program,
    /// with its bytecode slot ([CompiledProgram#slotRanges]).
    private final CodeTables tables = new CodeTables();

    // The function being emitted.
    Allocation alloc;
    Riscv64UpperBits upper;
    /// The virtual registers something reads.
    private BitSet used;
    private MachineFunction machine;
    private Label[] blockLabels;
    private final List<Runnable> trampolines = new ArrayList<>();
    private final Map<Trampoline, Label> trampolineLabels = new HashMap<>();

    private record Trampoline(List<ParallelCopy.Move> moves, int target) {
    }
    private List<Riscv64Reg> saved;
    private int frameSize;
    private int slots;

    Riscv64Emitter(ProgramDef def, List<SelectedFunction> functions, CompileOptions options) {
        this.def = def;
        this.functions = functions;
        this.options = options;
        this.functionLabels = new Label[functions.size()];
        for (int i = 0; i < functions.size(); i++) functionLabels[i] = buf.label("f" + i + "_" + functions.get(i).name());
    }

    CompiledProgram emit() {
        TreeSet<Integer> calleeSaved = new TreeSet<>();
        for (SelectedFunction f : functions) calleeSaved.addAll(f.allocation().usedCalleeSaved());
        List<Riscv64Reg> stubSaved = new ArrayList<>(List.of(RA, Riscv64Machine.ANCHOR));
        for (int r : calleeSaved) stubSaved.add(Riscv64Reg.x(r));
        int stubFrame = align16(8 + 8 * stubSaved.size());

        note("entry");
        addi(SP, SP, -stubFrame);
        for (int i = 0; i < stubSaved.size(); i++) store(StoreOp.SD, stubSaved.get(i), SP, 8 + 8 * i);
        mv(Riscv64Machine.ANCHOR, SP);
        li(T0, MemoryLayout.MAX_FRAMES * options.frameStride());
        alu(Riscv64Insn.AluOp.ADD, T0, T0, A2);
        store(StoreOp.SD, T0, Riscv64Machine.ANCHOR, 0);
        mv(A5, A2);
        buf.emit(new Riscv64LabelRefs.CallRef(), functionLabels[0]);
        note("unwind");
        buf.bind(unwind);
        mv(SP, Riscv64Machine.ANCHOR);
        for (int i = 0; i < stubSaved.size(); i++) emit(new Riscv64Insn.Load(LoadOp.LD, stubSaved.get(i), SP, 8 + 8 * i));
        addi(SP, SP, stubFrame);
        ret();

        boolean entryReentered = false;
        for (SelectedFunction f : functions) {
            for (MachineBlock b : f.machine().blocks()) {
                for (MachineInst mi : b.insts()) {
                    if (mi.op() instanceof MOp.CallAddress || (mi.op() instanceof MOp.CallLocal c && c.function() == 0)) entryReentered = true;
                }
            }
        }
        for (int i = 0; i < functions.size(); i++) function(i, functions.get(i), i > 0 || entryReentered);
        for (Runnable r : stubs) r.run();

        CodeBuffer.Assembled<Item> asm = buf.assemble();
        int poolOffset = pool.offset(asm.code().length);
        List<PoolEntry> entries = pool.entries();
        byte[] code = Arrays.copyOf(asm.code(), poolOffset + 8 * entries.size());
        int[] functionOffsets = CodeTables.functionOffsets(functionLabels);
        int[] slotOffsets = CodeTables.slotOffsets(def, functions, functionOffsets);
        StringBuilder listing = new StringBuilder(options.listing()
                ? Riscv64Lowering.listing(asm, new Riscv64LabelRefs.Encoder(Riscv64Features.BASELINE)) : "");
        for (int i = 0; options.listing() && i < entries.size(); i++) {
            listing.append(String.format("%6x:  pool[%d] %s%n", poolOffset + 8 * i, i, entries.get(i)));
        }
        return new CompiledProgram("riscv64", code, 0, unwind.offset(), functionOffsets, slotOffsets, poolOffset, entries,
                listing.toString(), tables.slotRanges());
    }

    // ---- functions ---------------------------------------------------------------------------

    private void function(int index, SelectedFunction f, boolean mayBeReentered) {
        alloc = f.allocation();
        machine = f.machine();
        List<MachineBlock> blocks = machine.blocks();
        upper = Riscv64UpperBits.of(machine);
        used = new BitSet();
        for (MachineBlock b : blocks) {
            for (MachineInst mi : b.insts()) {
                for (Operand o : mi.operands()) if (o.role() != Operand.Role.DEF && o.reg() instanceof Reg.VReg v) used.set(v.id());
            }
            for (MachineBlock.Edge e : b.succs()) for (Reg r : e.args()) if (r instanceof Reg.VReg v) used.set(v.id());
        }
        boolean calls = false;
        for (MachineBlock b : blocks) {
            for (MachineInst mi : b.insts()) {
                if (mi.op() instanceof MOp.CallOut || mi.op() instanceof MOp.CallLocal || mi.op() instanceof MOp.CallAddress) calls = true;
            }
        }
        saved = new ArrayList<>();
        if (calls) saved.add(RA);
        // Function 0, called only by the entry stub, leaves its callee-saved registers to the
        // stub, which saves every one any function uses and restores them when function 0
        // returns into the unwind path.
        if (mayBeReentered) for (int r : alloc.usedCalleeSaved()) saved.add(Riscv64Reg.x(r));
        slots = alloc.slotCount();
        frameSize = align16(8 * (slots + saved.size()));

        note("function " + index + ": " + f.name() + (f.slot() >= 0 ? " (slot " + f.slot() + ")" : "")
                + ", frame " + frameSize + " bytes, " + slots + " spill slots");
        buf.bind(functionLabels[index]);
        adjustSp(-frameSize);
        for (int i = 0; i < saved.size(); i++) storeFrame(saved.get(i), 8 * (slots + i));

        blockLabels = new Label[blocks.size()];
        for (int i = 0; i < blocks.size(); i++) blockLabels[i] = buf.label("f" + index + "_b" + i);
        for (MachineBlock b : blocks) block(b, blocks.size());
        for (Runnable r : trampolines) r.run();
        trampolines.clear();
        trampolineLabels.clear();
    }

    private void block(MachineBlock b, int count) {
        buf.bind(blockLabels[b.id()]);
        if (options.listing()) buf.note("mblock" + b.id() + b.params());
        int next = b.id() + 1 < count ? b.id() + 1 : -1;
        for (MachineInst mi : b.insts()) {
            if (options.listing()) buf.note("  " + mi);
            if (deadDefinition(mi)) continue;
            int slot = mayStop(mi.op()) ? machine.slotOf(mi) : -1;
            Label start = null;
            if (slot >= 0) {
                start = buf.label("slot" + slot);
                buf.bind(start);
            }
            switch ((MOp) mi.op()) {
                case MOp.Jump j -> {
                    moves(alloc.edgeMoves(b, 0));
                    if (b.succs().getFirst().target() != next) jump(blockLabels[b.succs().getFirst().target()]);
                }
                case MOp.Branch br -> conditional(b, ops.branch(br, mi.operands()), next);
                case MOp.BranchImm br -> conditional(b, ops.branchImm(br, mi.operands()), next);
                case MOp.Return r -> epilogue();
                default -> ops.emit(mi);
            }
            if (start != null) {
                Label end = buf.label("slot" + slot + "_end");
                buf.bind(end);
                tables.slotRange(start, end, slot);
            }
        }
    }

    /// An operation without effects whose result nothing reads (the selector keeps copies out of
    /// physical registers, such as the incoming frame pointer of a function that never uses it).
    private boolean deadDefinition(MachineInst mi) {
        boolean pure = switch ((MOp) mi.op()) {
            case MOp.Move m -> true;
            case MOp.Imm i -> true;
            case MOp.Alu a -> true;
            case MOp.AluImm a -> true;
            case MOp.Un u -> true;
            case MOp.Ext x -> true;
            case MOp.Trunc t -> true;
            case MOp.Swap s -> true;
            case MOp.SetCond s -> true;
            case MOp.SetCondImm s -> true;
            case MOp.Select s -> true;
            case MOp.PoolLoad p -> true;
            default -> false;
        };
        return pure && mi.operands().getFirst().reg() instanceof Reg.VReg v && !used.get(v.id());
    }

    /// The branch on `test` to successor 0, else successor 1. An edge with moves goes through a
    /// trampoline (successor 0's, out of line) or does them inline (successor 1's, before jumping);
    /// a successor next in layout is fallen into.
    private void conditional(MachineBlock b, Riscv64EmitOps.Test test, int next) {
        int s0 = b.succs().get(0).target(), s1 = b.succs().get(1).target();
        List<ParallelCopy.Move> m0 = alloc.edgeMoves(b, 0), m1 = alloc.edgeMoves(b, 1);
        if (m0.isEmpty() && s0 == next && !(m1.isEmpty() && s1 == next)) {
            branch(test.op().negate(), test.a(), test.b(), edgeTarget(m1, s1));
            return;
        }
        branch(test.op(), test.a(), test.b(), edgeTarget(m0, s0));
        moves(m1);
        if (s1 != next) jump(blockLabels[s1]);
    }

    /// The label a branch along an edge goes to: the successor, or a trampoline doing the moves.
    private Label edgeTarget(List<ParallelCopy.Move> moves, int target) {
        if (moves.isEmpty()) return blockLabels[target];
        // Edges making the same copies into the same block share one trampoline.
        Label shared = trampolineLabels.get(new Trampoline(moves, target));
        if (shared != null) return shared;
        Label t = buf.label("edge");
        trampolineLabels.put(new Trampoline(moves, target), t);
        trampolines.add(() -> {
            note("edge to mblock" + target);
            buf.bind(t);
            moves(moves);
            jump(blockLabels[target]);
        });
        return t;
    }

    private void epilogue() {
        for (int i = 0; i < saved.size(); i++) loadFrame(saved.get(i), 8 * (slots + i));
        adjustSp(frameSize);
        ret();
    }

    /// A parallel copy already sequentialised by the allocator; slot-to-slot copies go through t1
    /// (t0 is the allocator's cycle breaker).
    void moves(List<ParallelCopy.Move> moves) {
        for (ParallelCopy.Move m : moves) move(m.dst(), m.src());
    }

    void move(Location dst, Location src) {
        if (dst.equals(src)) return;
        switch (dst) {
            case Location.InReg d -> {
                switch (src) {
                    case Location.InReg s -> mv(Riscv64Reg.x(d.reg()), Riscv64Reg.x(s.reg()));
                    case Location.InSlot s -> loadFrame(Riscv64Reg.x(d.reg()), slotOffset(s.slot()));
                }
            }
            case Location.InSlot d -> {
                Riscv64Reg r = switch (src) {
                    case Location.InReg s -> Riscv64Reg.x(s.reg());
                    case Location.InSlot s -> {
                        loadFrame(T1, slotOffset(s.slot()));
                        yield T1;
                    }
                };
                storeFrame(r, slotOffset(d.slot()));
            }
        }
    }

    // ---- operands ----------------------------------------------------------------------------

    /// The register holding use `o`: its own, or `scratch` loaded from its spill slot.
    Riscv64Reg use(Operand o, Riscv64Reg scratch) {
        return switch (alloc.of(o.reg())) {
            case Location.InReg r -> Riscv64Reg.x(r.reg());
            case Location.InSlot s -> {
                loadFrame(scratch, slotOffset(s.slot()));
                yield scratch;
            }
        };
    }

    /// The register to compute def `o` in: its own, or t0 when it lives in a slot ([#commit]).
    Riscv64Reg dst(Operand o) {
        return switch (alloc.of(o.reg())) {
            case Location.InReg r -> Riscv64Reg.x(r.reg());
            case Location.InSlot s -> T0;
        };
    }

    /// Stores def `o`, computed in `r`, to its slot if it has one.
    void commit(Operand o, Riscv64Reg r) {
        if (alloc.of(o.reg()) instanceof Location.InSlot s) storeFrame(r, slotOffset(s.slot()));
    }

    private int slotOffset(int slot) {
        return 8 * slot;
    }

    private static int align16(int bytes) {
        return (bytes + 15) & -16;
    }

    // Frame accesses: `offset(sp)` while the offset fits 12 bits; beyond (frames of more than
    // about 250 slots), t6 = sp + offset first. t6 only carries addresses inside the relaxed
    // sequences of Riscv64LabelRefs, never across instructions, so it is free here.

    private void loadFrame(Riscv64Reg rd, int offset) {
        if (Imm12.fits(offset)) {
            emit(new Riscv64Insn.Load(LoadOp.LD, rd, SP, offset));
        } else {
            li(Riscv64RegisterMap.FAR, offset);
            alu(Riscv64Insn.AluOp.ADD, Riscv64RegisterMap.FAR, Riscv64RegisterMap.FAR, SP);
            emit(new Riscv64Insn.Load(LoadOp.LD, rd, Riscv64RegisterMap.FAR, 0));
        }
    }

    private void storeFrame(Riscv64Reg rs, int offset) {
        if (Imm12.fits(offset)) {
            store(StoreOp.SD, rs, SP, offset);
        } else {
            li(Riscv64RegisterMap.FAR, offset);
            alu(Riscv64Insn.AluOp.ADD, Riscv64RegisterMap.FAR, Riscv64RegisterMap.FAR, SP);
            store(StoreOp.SD, rs, Riscv64RegisterMap.FAR, 0);
        }
    }

    /// sp += delta (16-byte multiples).
    private void adjustSp(int delta) {
        if (delta == 0) return;
        if (Imm12.fits(delta)) {
            addi(SP, SP, delta);
        } else {
            li(Riscv64RegisterMap.FAR, delta);
            alu(Riscv64Insn.AluOp.ADD, SP, SP, Riscv64RegisterMap.FAR);
        }
    }

    /// Whether `op` may stop the program where it runs (a faulting access, a helper's error, a
    /// packet load outside the packet, an unknown `callx` helper), so its code maps back to its
    /// slot. Runtime entries that never stop (`RESOLVE_CALLX`) or report their own slot
    /// (`ERROR`) do not.
    private static boolean mayStop(Object op) {
        return switch (op) {
            case MOp.Load l -> true;
            case MOp.Store s -> true;
            case MOp.StoreImm s -> true;
            case MOp.Atomic a -> true;
            case MOp.CmpXchg x -> true;
            case MOp.CallOut c -> c.entry() instanceof PoolEntry.Helper || c.entry() instanceof PoolEntry.Runtime(RuntimeEntry r)
                    && (r == RuntimeEntry.LOAD_PACKET || r == RuntimeEntry.HELPER_BY_ID);
            default -> false;
        };
    }

    // ---- out-of-line stubs -------------------------------------------------------------------

    /// A label whose code reports CALL_DEPTH at `slot`.
    Label callDepthStub(int slot) {
        Label l = buf.label("call_depth");
        stubs.add(() -> {
            note("call depth exceeded at slot " + slot);
            buf.bind(l);
            runtimeError(RuntimeError.CALL_DEPTH, slot, 0);
        });
        return l;
    }

    /// Reports `error` through the engine, then leaves the program.
    void runtimeError(RuntimeError error, int slot, long detail) {
        li(A0, error.ordinal());
        li(A1, slot);
        li(A2, detail);
        poolCall(new PoolEntry.Runtime(RuntimeEntry.ERROR));
        jump(unwind);
    }

    // ---- emission helpers --------------------------------------------------------------------

    void note(String text) {
        if (options.listing()) buf.note(text);
    }

    void emit(Riscv64Insn insn) {
        buf.emit(new Riscv64LabelRefs.One(insn));
    }

    void emitAll(List<Riscv64Insn> insns) {
        for (Riscv64Insn i : insns) emit(i);
    }

    void alu(Riscv64Insn.AluOp op, Riscv64Reg rd, Riscv64Reg rs1, Riscv64Reg rs2) {
        emit(new Riscv64Insn.Alu(op, rd, rs1, rs2));
    }

    void aluImm(AluImmOp op, Riscv64Reg rd, Riscv64Reg rs1, int imm) {
        emit(new Riscv64Insn.AluImm(op, rd, rs1, imm));
    }

    void addi(Riscv64Reg rd, Riscv64Reg rs1, int imm) {
        aluImm(AluImmOp.ADDI, rd, rs1, imm);
    }

    void mv(Riscv64Reg rd, Riscv64Reg rs) {
        if (rd != rs) emit(Riscv64Sequences.mv(rd, rs));
    }

    void store(StoreOp op, Riscv64Reg src, Riscv64Reg base, int offset) {
        emit(new Riscv64Insn.Store(op, src, base, offset));
    }

    /// `rd = value`, the shortest sequence of [Riscv64Encoder#materialization].
    void li(Riscv64Reg rd, long value) {
        emitAll(Riscv64Encoder.materialization(rd, value));
    }

    /// A register reading as `value`: zero, or `scratch` after materialising it.
    Riscv64Reg constant(long value, Riscv64Reg scratch) {
        if (value == 0) return ZERO;
        li(scratch, value);
        return scratch;
    }

    void ret() {
        emit(new Riscv64Insn.Jalr(ZERO, RA, 0));
    }

    void branch(BranchOp op, Riscv64Reg rs1, Riscv64Reg rs2, Label target) {
        buf.emit(new Riscv64LabelRefs.Cond(op, rs1, rs2), target);
    }

    void jump(Label target) {
        buf.emit(new Riscv64LabelRefs.Jmp(), target);
    }

    void poolLoad(Riscv64Reg dst, PoolEntry entry) {
        buf.emit(new Riscv64LabelRefs.PoolLoadRef(dst), pool.label(entry));
    }

    void poolCall(PoolEntry entry) {
        buf.emit(new Riscv64LabelRefs.PoolCallRef(), pool.label(entry));
    }

    void callFunction(int function) {
        buf.emit(new Riscv64LabelRefs.CallRef(), functionLabels[function]);
    }
}
