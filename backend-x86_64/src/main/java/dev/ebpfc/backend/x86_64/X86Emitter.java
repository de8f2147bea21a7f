package dev.ebpfc.backend.x86_64;

import static dev.ebpfc.backend.x86_64.X86Machine.ANCHOR;
import static dev.ebpfc.backend.x86_64.X86Machine.FRAME;
import static dev.ebpfc.backend.x86_64.X86Machine.SCRATCH;
import static dev.ebpfc.backend.x86_64.X86Machine.SCRATCH2;

import dev.ebpfc.backend.CodeBuffer;
import dev.ebpfc.backend.CodeBuffer.Label;
import dev.ebpfc.backend.CompileOptions;
import dev.ebpfc.backend.CompiledProgram;
import dev.ebpfc.backend.ConstantPool;
import dev.ebpfc.backend.PoolEntry;
import dev.ebpfc.backend.RuntimeError;
import dev.ebpfc.backend.mir.MachineBlock;
import dev.ebpfc.backend.mir.MachineFunction;
import dev.ebpfc.backend.mir.MachineInst;
import dev.ebpfc.backend.mir.Operand;
import dev.ebpfc.backend.mir.Reg;
import dev.ebpfc.backend.regalloc.Allocation;
import dev.ebpfc.backend.regalloc.ParallelCopy;
import dev.ebpfc.backend.select.CodeTables;
import dev.ebpfc.backend.select.MOp;
import dev.ebpfc.backend.select.SelectedFunction;
import dev.ebpfc.backend.select.TargetMachine;
import dev.ebpfc.frontend.object.ProgramDef;
import dev.ebpfc.runtime.memory.MemoryLayout;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;

/// The x86_64 -O2 code of a whole program from its allocated machine functions
/// ([TargetMachine] describes the layout every target shares):
///
/// ```
/// entry:    push rbp, r12 and every callee-saved register any function uses; sub rsp (16-aligned,
///           room for the depth limit); r12 = rsp; [r12] = r10_top + MAX_FRAMES · stride;
///           r9 = r10_top (the frame pointer argument); call function 0
/// unwind:   rsp = r12; add rsp; pop; ret                       (function 0 returns here too)
/// function: push rbp and the callee-saved registers its allocation uses; sub rsp, spill area
///           (keeps rsp 16-aligned at calls); rbp = r9 (BPF r10, for engines); blocks in layout
///           order; out-of-line edge trampolines and call-depth stubs
/// pool:     8-byte entries
/// ```
///
/// A block's edges: a conditional branch whose taken edge has moves jumps to a trampoline
/// (moves, then `jmp`), one without moves jumps straight to its target; the other edge's moves
/// are inline and a jump to the next block in layout is omitted (the condition is inverted
/// when that makes the next block the fall-through). Operations are [X86EmitAlu] and
/// [X86EmitMemory]; operand places are [X86Operands].
final class X86Emitter {
    private final ProgramDef def;
    private final List<SelectedFunction> functions;
    private final CompileOptions options;
    private final CodeBuffer<X86Insn> buf = new CodeBuffer<>(X86Encoder::new);
    private final ConstantPool pool = new ConstantPool(buf);
    private final Label unwind = buf.label("unwind");
    private final Label[] functionLabels;
    /// Function offsets, slot offsets and the slot ranges of instructions that may fault or call out.
    private final CodeTables tables = new CodeTables();

    // Per function.
    private Allocation alloc;
    private X86Operands ops;
    private X86EmitAlu alu;
    private X86EmitMemory memory;
    private MachineFunction mf;
    private java.util.BitSet read;
    private Label[] blockLabels;
    private List<Runnable> outOfLine;
    /// Trampolines of this function by target and moves: edges that need the same copies into
    /// the same block share one.
    private java.util.Map<String, Label> trampolines;
    private List<X86Reg> saved;
    private int frameBytes;

    X86Emitter(ProgramDef def, List<SelectedFunction> functions, CompileOptions options) {
        this.def = def;
        this.functions = functions;
        this.options = options;
        this.functionLabels = new Label[functions.size()];
        for (int i = 0; i < functionLabels.length; i++) functionLabels[i] = buf.label("function" + i);
    }

    private void emit(X86Insn insn) {
        buf.emit(insn);
    }

    private void note(String text) {
        if (options.listing()) buf.note(text);
    }

    CompiledProgram emit() {
        entryStub();
        for (int i = 0; i < functions.size(); i++) function(i, functions.get(i));

        CodeBuffer.Assembled<X86Insn> asm = buf.assemble();
        int poolOffset = pool.offset(asm.code().length);
        List<PoolEntry> entries = pool.entries();
        byte[] code = Arrays.copyOf(asm.code(), poolOffset + 8 * entries.size());
        int[] functionOffsets = CodeTables.functionOffsets(functionLabels);
        int[] slotOffsets = CodeTables.slotOffsets(def, functions, functionOffsets);
        StringBuilder listing = new StringBuilder();
        if (options.listing()) {
            listing.append(asm.listing(l -> X86Printer.print(l.insn(), l.offset())));
            for (int i = 0; i < entries.size(); i++) {
                listing.append(String.format("%6x:  pool[%d] %s%n", poolOffset + 8 * i, i, entries.get(i)));
            }
        }
        return new CompiledProgram("x86_64", code, 0, unwind.offset(), functionOffsets, slotOffsets, poolOffset, entries,
                listing.toString(), tables.slotRanges());
    }

    // ---- entry stub and unwind path ----------------------------------------------------------

    private void entryStub() {
        TreeSet<Integer> callee = new TreeSet<>();
        for (SelectedFunction f : functions) callee.addAll(f.allocation().usedCalleeSaved());
        List<X86Reg> pushed = new ArrayList<>(List.of(FRAME, ANCHOR));
        for (int r : callee) pushed.add(X86Operands.reg(r));
        // The caller's call left rsp ≡ 8 (mod 16); reserve 8 bytes for the depth limit (when a
        // function checks it) and realign.
        boolean limit = functions.stream().anyMatch(f -> f.machine().blocks().stream()
                .anyMatch(b -> b.insts().stream().anyMatch(i -> i.op() instanceof MOp.CheckDepth)));
        int reserve = (limit ? 8 : 0) + ((pushed.size() + (limit ? 1 : 0)) % 2 == 0 ? 8 : 0);
        buf.note("entry: prog(r1, r2, r10_top)");
        for (X86Reg r : pushed) emit(new X86Insn.Push(r));
        if (reserve != 0) emit(new X86Insn.AluRI(X86Insn.AluOp.SUB, OpSize.Q, X86Reg.RSP, reserve));
        emit(new X86Insn.MovRR(OpSize.Q, ANCHOR, X86Reg.RSP));
        if (limit) {
            // The depth limit at [r12]: the frame pointer a call to depth MAX_FRAMES would pass.
            emit(new X86Insn.MovRI(OpSize.Q, SCRATCH, MemoryLayout.MAX_FRAMES * options.frameStride()));
            emit(new X86Insn.AluRR(X86Insn.AluOp.ADD, OpSize.Q, SCRATCH, X86Reg.RDX));
            emit(new X86Insn.Store(OpSize.Q, new X86Mem(ANCHOR, 0), SCRATCH));
        }
        emit(new X86Insn.MovRR(OpSize.Q, argument(TargetMachine.FRAME_POINTER_ARG), X86Reg.RDX));
        buf.emit(new X86LabelRefs.Call(), functionLabels[0]);
        buf.note("unwind / exit");
        buf.bind(unwind);
        emit(new X86Insn.MovRR(OpSize.Q, X86Reg.RSP, ANCHOR));
        if (reserve != 0) emit(new X86Insn.AluRI(X86Insn.AluOp.ADD, OpSize.Q, X86Reg.RSP, reserve));
        for (int i = pushed.size() - 1; i >= 0; i--) emit(new X86Insn.Pop(pushed.get(i)));
        emit(new X86Insn.Ret());
    }

    private static X86Reg argument(int i) {
        return X86Machine.ARGUMENTS[i];
    }

    // ---- functions ---------------------------------------------------------------------------

    private void function(int index, SelectedFunction f) {
        mf = f.machine();
        read = readRegisters(mf);
        alloc = f.allocation();
        ops = new X86Operands(buf, alloc, mf);
        alu = new X86EmitAlu(buf, ops);
        memory = new X86EmitMemory(buf, ops);
        outOfLine = new ArrayList<>();
        trampolines = new java.util.HashMap<>();
        blockLabels = new Label[mf.blocks().size()];
        for (int i = 0; i < blockLabels.length; i++) blockLabels[i] = buf.label("f" + index + "b" + i);

        // rbp = BPF r10 matters to engines at calls out (they read r10 there) and to the reads of
        // the frame pointer that use it; a function with neither leaves rbp alone.
        boolean callsOut = mf.blocks().stream().anyMatch(b -> b.insts().stream().anyMatch(i -> i.op() instanceof MOp.CallOut));
        boolean setsFrame = callsOut || ops.readsFramePointer(read);
        saved = new ArrayList<>(setsFrame ? List.of(FRAME) : List.of());
        for (int r : alloc.usedCalleeSaved()) saved.add(X86Operands.reg(r));
        // rsp ≡ 8 (mod 16) after the call; pushes and the spill area bring it to 0 for calls
        // (runtime errors of traps and depth checks are calls too). A leaf needs no alignment.
        boolean calls = mf.blocks().stream().anyMatch(b -> b.insts().stream().anyMatch(i -> i.op() instanceof MOp.CallOut
                || i.op() instanceof MOp.CallLocal || i.op() instanceof MOp.CallAddress || i.op() instanceof MOp.Trap
                || i.op() instanceof MOp.CheckDepth));
        frameBytes = 8 * alloc.slotCount();
        if (calls && (8 + 8 * saved.size() + frameBytes) % 16 != 0) frameBytes += 8;
        buf.note("function " + index + " " + f.name() + " (slot " + f.slot() + "): " + alloc.slotCount() + " spill slots");
        buf.bind(functionLabels[index]);
        for (X86Reg r : saved) emit(new X86Insn.Push(r));
        if (frameBytes != 0) emit(new X86Insn.AluRI(X86Insn.AluOp.SUB, OpSize.Q, X86Reg.RSP, frameBytes));
        if (setsFrame) emit(new X86Insn.MovRR(OpSize.Q, FRAME, argument(TargetMachine.FRAME_POINTER_ARG)));

        List<MachineBlock> blocks = mf.blocks();
        for (int i = 0; i < blocks.size(); i++) {
            MachineBlock b = blocks.get(i);
            buf.bind(blockLabels[b.id()]);
            note("block " + b.id() + (b.params().isEmpty() ? "" : " " + b.params()));
            int next = i + 1 < blocks.size() ? blocks.get(i + 1).id() : -1;
            for (MachineInst mi : b.insts()) inst(b, mi, next);
        }
        for (Runnable r : outOfLine) r.run();
    }

    private void epilogue() {
        if (frameBytes != 0) emit(new X86Insn.AluRI(X86Insn.AluOp.ADD, OpSize.Q, X86Reg.RSP, frameBytes));
        for (int i = saved.size() - 1; i >= 0; i--) emit(new X86Insn.Pop(saved.get(i)));
        emit(new X86Insn.Ret());
    }

    // ---- instructions ------------------------------------------------------------------------

    /// Virtual registers some instruction or edge reads: a copy into any other one is dead (the
    /// selector leaves the copies of unused parameters and call results).
    private static java.util.BitSet readRegisters(MachineFunction mf) {
        java.util.BitSet read = new java.util.BitSet();
        for (MachineBlock b : mf.blocks()) {
            for (MachineInst i : b.insts()) {
                for (Operand o : i.operands()) if (o.role() != Operand.Role.DEF && o.reg() instanceof Reg.VReg v) read.set(v.id());
            }
            for (MachineBlock.Edge e : b.succs()) for (Reg r : e.args()) if (r instanceof Reg.VReg v) read.set(v.id());
        }
        return read;
    }

    /// The BPF slot an error inside `op`'s code is reported at, or -1 when it cannot fail or
    /// names its slot itself (traps, depth checks).
    private int errorSlot(MachineInst mi, MOp op) {
        return switch (op) {
            case MOp.CallOut c -> c.slot();
            case MOp.Load l -> mf.slotOf(mi);
            case MOp.Store st -> mf.slotOf(mi);
            case MOp.StoreImm st -> mf.slotOf(mi);
            case MOp.Atomic a -> mf.slotOf(mi);
            case MOp.CmpXchg c -> mf.slotOf(mi);
            default -> -1;
        };
    }

    private void inst(MachineBlock b, MachineInst mi, int next) {
        MOp op = (MOp) mi.op();
        int slot = errorSlot(mi, op);
        if (slot < 0) {
            lower(b, mi, op, next);
            return;
        }
        Label start = buf.label("slot" + slot), end = buf.label("slot" + slot + "_end");
        buf.bind(start);
        lower(b, mi, op, next);
        buf.bind(end);
        tables.slotRange(start, end, slot);
    }

    private void lower(MachineBlock b, MachineInst mi, MOp op, int next) {
        List<Operand> o = mi.operands();
        switch (op) {
            case MOp.Move m -> {
                // Copies nothing reads, and frame-pointer copies only ever read from rbp, are dropped.
                boolean dead = reg(o, 0) instanceof Reg.VReg d && (!read.get(d.id()) || ops.readOnlyFromFrame(d));
                if (!dead) ops.move(ops.location(reg(o, 0)), ops.use(reg(o, 1)), SCRATCH);
            }
            case MOp.Imm m -> alu.imm(m.value(), reg(o, 0));
            case MOp.Alu a -> alu.alu(a, reg(o, 0), reg(o, 1), reg(o, 2));
            case MOp.AluImm a -> alu.aluImm(a, reg(o, 0), reg(o, 1));
            case MOp.Un u -> alu.unary(u, reg(o, 0), reg(o, 1));
            case MOp.Ext e -> alu.extend(e, reg(o, 0), reg(o, 1));
            case MOp.Trunc t -> alu.trunc(reg(o, 0), reg(o, 1));
            case MOp.Swap s -> alu.swap(s, reg(o, 0), reg(o, 1));
            case MOp.SetCond s -> alu.setCond(alu.compare(s.cond(), s.width(), reg(o, 1), reg(o, 2)), reg(o, 0));
            case MOp.SetCondImm s -> alu.setCond(alu.compareImm(s.cond(), s.width(), reg(o, 1), s.imm()), reg(o, 0));
            case MOp.Select s -> alu.select(reg(o, 0), reg(o, 1), reg(o, 2), reg(o, 3));
            case MOp.Load l -> memory.load(l, reg(o, 0), reg(o, 1));
            case MOp.Store s -> memory.store(s, reg(o, 0), reg(o, 1));
            case MOp.StoreImm s -> memory.storeImm(s, reg(o, 0));
            case MOp.Atomic a -> {
                if (a.fetch()) memory.atomic(a, reg(o, 0), reg(o, 1), reg(o, 2));
                else memory.atomic(a, null, reg(o, 0), reg(o, 1));
            }
            case MOp.CmpXchg c -> memory.cmpxchg(c, reg(o, 0), reg(o, 1), reg(o, 2), reg(o, 3));
            case MOp.PoolLoad p -> {
                X86Reg t = ops.target(reg(o, 0), SCRATCH);
                X86Runtime.load(buf, pool, t, p.entry());
                ops.commit(reg(o, 0), t);
            }
            case MOp.CallOut c -> {
                note("call " + c.entry() + (c.slot() >= 0 ? " (slot " + c.slot() + ")" : ""));
                X86Runtime.call(buf, pool, c.entry());
            }
            case MOp.CallLocal c -> buf.emit(new X86LabelRefs.Call(), functionLabels[c.function()]);
            case MOp.CallAddress c -> emit(new X86Insn.CallR(ops.read(reg(o, 1), SCRATCH)));
            case MOp.Params p -> {
            }
            case MOp.CheckDepth c -> checkDepth(c.slot(), reg(o, 0));
            case MOp.Branch br -> branch(b, alu.compare(br.cond(), br.width(), reg(o, 0), reg(o, 1)), next);
            case MOp.BranchImm br -> branch(b, alu.compareImm(br.cond(), br.width(), reg(o, 0), br.imm()), next);
            case MOp.Jump j -> {
                edgeMoves(b, 0);
                int target = b.succs().getFirst().target();
                if (target != next) buf.emit(new X86LabelRefs.Jmp(), blockLabels[target]);
            }
            case MOp.Return r -> epilogue();
            case MOp.Trap t -> {
                note("trap " + t.error() + " (slot " + t.slot() + ")");
                X86Runtime.error(buf, pool, unwind, t.error(), t.slot(), t.detail());
            }
        }
    }

    private static Reg reg(List<Operand> o, int i) {
        return o.get(i).reg();
    }

    /// Stops with CALL_DEPTH when the callee's frame pointer reaches the limit the entry stored.
    private void checkDepth(int slot, Reg newFp) {
        X86Reg fp = ops.read(newFp, SCRATCH2);
        emit(new X86Insn.Load(X86Insn.Extend.MOVQ, SCRATCH, new X86Mem(ANCHOR, 0)));
        emit(new X86Insn.AluRR(X86Insn.AluOp.CMP, OpSize.Q, fp, SCRATCH));
        Label tooDeep = buf.label("call_depth");
        buf.emit(new X86LabelRefs.Jcc(X86Cond.AE), tooDeep);
        outOfLine.add(() -> {
            buf.note("call depth exceeded at slot " + slot);
            buf.bind(tooDeep);
            X86Runtime.error(buf, pool, unwind, RuntimeError.CALL_DEPTH, slot, 0);
        });
    }

    /// The flags are set for `cond`: to successor 0 when it holds, else successor 1.
    private void branch(MachineBlock b, X86Cond cond, int next) {
        int taken = b.succs().get(0).target(), other = b.succs().get(1).target();
        if (other != next && taken == next) {
            // Fall through into successor 0: branch to successor 1 on the inverted condition.
            jumpOnEdge(b, 1, cond.negate());
            edgeMoves(b, 0);
            return;
        }
        jumpOnEdge(b, 0, cond);
        edgeMoves(b, 1);
        if (other != next) buf.emit(new X86LabelRefs.Jmp(), blockLabels[other]);
    }

    /// `jcc` along edge `succ`: straight to the target, or through a trampoline holding its moves.
    private void jumpOnEdge(MachineBlock b, int succ, X86Cond cond) {
        int target = b.succs().get(succ).target();
        if (alloc.edgeMoves(b, succ).isEmpty()) {
            buf.emit(new X86LabelRefs.Jcc(cond), blockLabels[target]);
            return;
        }
        List<ParallelCopy.Move> moves = alloc.edgeMoves(b, succ);
        String key = target + " " + moves;
        Label shared = trampolines.get(key);
        if (shared != null) {
            buf.emit(new X86LabelRefs.Jcc(cond), shared);
            return;
        }
        Label trampoline = buf.label("edge" + b.id() + "_" + succ);
        trampolines.put(key, trampoline);
        buf.emit(new X86LabelRefs.Jcc(cond), trampoline);
        outOfLine.add(() -> {
            buf.note("edge mblock" + b.id() + " -> mblock" + target);
            buf.bind(trampoline);
            edgeMoves(b, succ);
            buf.emit(new X86LabelRefs.Jmp(), blockLabels[target]);
        });
    }

    private void edgeMoves(MachineBlock b, int succ) {
        for (ParallelCopy.Move m : alloc.edgeMoves(b, succ)) ops.move(m.dst(), m.src(), SCRATCH2);
    }
}
