package dev.ebpfc.backend.x86_64;

import dev.ebpfc.backend.CodeBuffer;
import dev.ebpfc.backend.CodeBuffer.Label;
import dev.ebpfc.backend.CompiledProgram;
import dev.ebpfc.backend.PoolEntry;
import dev.ebpfc.backend.mir.MachineBlock;
import dev.ebpfc.backend.mir.MachineFunction;
import dev.ebpfc.backend.mir.MachineInst;
import dev.ebpfc.backend.mir.Operand;
import dev.ebpfc.backend.mir.Reg;
import dev.ebpfc.backend.regalloc.Allocation;
import dev.ebpfc.backend.regalloc.LinearScan;
import dev.ebpfc.backend.regalloc.Location;
import dev.ebpfc.backend.regalloc.ParallelCopy;
import dev.ebpfc.backend.regalloc.RegisterSet;
import dev.ebpfc.frontend.insn.Cond;
import dev.ebpfc.frontend.insn.Width;
import dev.ebpfc.frontend.object.ProgramDef;
import dev.ebpfc.ir.BinaryOp;
import dev.ebpfc.ir.Block;
import dev.ebpfc.ir.BlockCall;
import dev.ebpfc.ir.Function;
import dev.ebpfc.ir.Inst;
import dev.ebpfc.ir.Instruction;
import dev.ebpfc.ir.Module;
import dev.ebpfc.ir.Type;
import dev.ebpfc.ir.Value;
import dev.ebpfc.ir.lift.Lifter;
import dev.ebpfc.ir.opt.PassContext;
import dev.ebpfc.ir.opt.Pipeline;
import dev.ebpfc.ir.opt.PipelineListener;
import dev.ebpfc.runtime.helpers.HelperProfile;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/// The first x86_64 -O2 path: SSA IR (lifted and optimised) → machine IR over virtual registers →
/// [LinearScan] → x86 code with the -O0 frame conventions (docs/native-abi.md): push rbp, r12 and
/// the used callee-saved registers, pad to 16, reserve the spill area, r12 = rsp (the anchor),
/// rbp = r10_top; the unwind label restores rsp from r12 and pops.
///
/// The subset is deliberately small so that everything it accepts is right: one function, no
/// memory access, no calls, no division, no loops (so no runtime error, no budget exhaustion and
/// no helper trace can arise; the whole state is r0). Accepted IR: `Const`, `Binary`
/// (add/sub/mul/and/or/xor/shl/lshr/ashr at i32 or i64), `Unary` (neg/not), `Extend`, `Trunc`, `FramePointer`,
/// `Jump`, `Branch` (fused compare-and-branch), `Return`. Anything else throws [Unsupported] and
/// [X86Target] falls back to -O0.
///
/// Emission is three-address through scratch registers: operands are fetched into r11/r10 (from
/// their register or spill slot), the operation runs there and the result is stored to its
/// location; rcx is kept out of allocation (the variable-shift count register). Edge moves are the
/// allocator's sequentialised parallel copies; conditional edges get out-of-line trampolines (the
/// critical-edge split), the fall-through edge's moves go inline.
final class X86Isel {
    /// The program is outside the -O2 subset.
    static final class Unsupported extends RuntimeException {
        Unsupported(String why) {
            super(why, null, false, false);
        }
    }

    private static final X86Reg S1 = X86Reg.R11;
    private static final X86Reg S2 = X86Reg.R10;
    static final RegisterSet REGS = new RegisterSet(
            List.of(X86Reg.RAX.number(), X86Reg.RDX.number(), X86Reg.RSI.number(), X86Reg.RDI.number(), X86Reg.R8.number(), X86Reg.R9.number()),
            List.of(X86Reg.RBX.number(), X86Reg.R13.number(), X86Reg.R14.number(), X86Reg.R15.number()),
            List.of(S1.number(), S2.number()));

    // Machine-IR payloads (operands are in the MachineInst, in the order given here).
    private record Const(long value) { }                         // def d
    private record Bin(BinaryOp op, OpSize size) { }              // def d, use a, use b
    private record BinImm(BinaryOp op, OpSize size, int imm) { }  // def d, use a
    private record Un(X86Insn.UnaryOp op, OpSize size) { }        // def d, use a
    private record Ext(X86Insn.Extend kind) { }                  // def d, use a
    private record Mov32() { }                                   // def d, use a (zero-extending)
    private record EntryArgs() { }                               // def rdi, rsi (the caller wrote them)
    private record FromPhys() { }                                // move: def d, use preg
    private record CmpBr(Cond cond, OpSize size) { }              // use a, use b; edges true, false
    private record Jmp() { }                                     // edge 0
    private record Ret() { }                                     // use v
    private record FrameP() { }                                  // def d (= rbp, r10's value)

    /// Compiles `def` at -O2 or throws [Unsupported].
    static CompiledProgram compile(ProgramDef def) {
        // Checked on the bytecode first, so the optimiser cannot hide a call (whose trace the
        // runtime records) or a memory access (which may fault at a slot) from the subset check.
        dev.ebpfc.frontend.insn.Program program = def.program();
        for (int i = 0; i < program.size(); i++) {
            switch (program.get(i)) {
                case dev.ebpfc.frontend.insn.Insn.Alu a -> { }
                case dev.ebpfc.frontend.insn.Insn.Endian e -> { }
                case dev.ebpfc.frontend.insn.Insn.Jump j -> { }
                case dev.ebpfc.frontend.insn.Insn.Goto g -> { }
                case dev.ebpfc.frontend.insn.Insn.Exit x -> { }
                case dev.ebpfc.frontend.insn.Insn.LoadImm64 l when l.source() == dev.ebpfc.frontend.insn.LddwSource.IMM64 -> { }
                case dev.ebpfc.frontend.insn.Insn insn -> throw new Unsupported(insn.getClass().getSimpleName());
            }
        }
        Module m;
        try {
            m = Lifter.lift(def, List.of(), HelperProfile.CONFORMANCE);
            Pipeline.run(m, new PassContext(2, false, HelperProfile.CONFORMANCE), PipelineListener.NONE);
        } catch (RuntimeException e) {
            throw new Unsupported("lift/optimise: " + e);
        }
        if (m.functions().size() != 1) throw new Unsupported("local functions");
        Function f = m.entry();
        MachineFunction mf = select(f);
        Allocation alloc = LinearScan.allocate(mf, REGS);
        return new X86Isel().emit(def, mf, alloc);
    }

    // ---- selection ---------------------------------------------------------------------------

    static MachineFunction select(Function f) {
        List<Block> blocks = f.blocks();
        Map<Block, Integer> index = new HashMap<>();
        for (int i = 0; i < blocks.size(); i++) index.put(blocks.get(i), i);
        MachineFunction mf = new MachineFunction();
        Map<Value, Reg.VReg> vregs = new HashMap<>();
        java.util.function.Function<Value, Reg.VReg> vr = v -> vregs.computeIfAbsent(v, k -> mf.newVReg());
        List<MachineBlock> mbs = new ArrayList<>();
        for (int i = 0; i < blocks.size(); i++) mbs.add(mf.newBlock());
        if (f.params().size() > 2) throw new Unsupported("more than two entry parameters");
        for (int i = 0; i < blocks.size(); i++) {
            Block b = blocks.get(i);
            MachineBlock mb = mbs.get(i);
            if (i == 0) {
                X86Reg[] entryRegs = {X86Reg.RDI, X86Reg.RSI};
                if (!b.params().isEmpty()) {
                    Operand[] defs = new Operand[b.params().size()];
                    for (int p = 0; p < defs.length; p++) defs[p] = Operand.def(new Reg.PReg(entryRegs[p].number()));
                    mb.add(MachineInst.of(new EntryArgs(), defs));
                }
                for (int p = 0; p < b.params().size(); p++) {
                    mb.add(MachineInst.move(new FromPhys(), vr.apply(b.params().get(p)), new Reg.PReg(entryRegs[p].number())));
                }
            } else {
                for (Value p : b.params()) mb.params().add(vr.apply(p));
            }
            for (Inst inst : b.instructions()) {
                Instruction op = inst.op();
                switch (op) {
                    case Instruction.Const c -> mb.add(MachineInst.of(new Const(c.value()), Operand.def(vr.apply(inst.result()))));
                    case Instruction.Binary bin -> {
                        OpSize size = size(inst.result().type());
                        switch (bin.op()) {
                            case ADD, SUB, MUL, AND, OR, XOR, SHL, LSHR, ASHR -> { }
                            default -> throw new Unsupported(bin.op().toString());
                        }
                        Long k = constant(bin.b());
                        if (k != null && k == (int) (long) k) {
                            mb.add(MachineInst.of(new BinImm(bin.op(), size, (int) (long) k), Operand.def(vr.apply(inst.result())), Operand.use(vr.apply(bin.a()))));
                        } else {
                            mb.add(MachineInst.of(new Bin(bin.op(), size), Operand.def(vr.apply(inst.result())), Operand.use(vr.apply(bin.a())), Operand.use(vr.apply(bin.b()))));
                        }
                    }
                    case Instruction.Unary u -> mb.add(MachineInst.of(new Un(u.op() == dev.ebpfc.ir.UnaryOp.NEG ? X86Insn.UnaryOp.NEG : X86Insn.UnaryOp.NOT,
                            size(inst.result().type())), Operand.def(vr.apply(inst.result())), Operand.use(vr.apply(u.a()))));
                    case Instruction.Extend e -> {
                        X86Insn.Extend kind = extend(e.signed(), e.fromBits(), e.to());
                        if (kind == null) {
                            mb.add(MachineInst.of(new Mov32(), Operand.def(vr.apply(inst.result())), Operand.use(vr.apply(e.a()))));
                        } else {
                            mb.add(MachineInst.of(new Ext(kind), Operand.def(vr.apply(inst.result())), Operand.use(vr.apply(e.a()))));
                        }
                    }
                    case Instruction.FramePointer fp -> mb.add(MachineInst.of(new FrameP(), Operand.def(vr.apply(inst.result()))));
                    case Instruction.Trunc t -> mb.add(MachineInst.of(new Mov32(), Operand.def(vr.apply(inst.result())), Operand.use(vr.apply(t.a()))));
                    case Instruction.Jump j -> {
                        mb.add(MachineInst.of(new Jmp()));
                        edge(mb, j.target(), index, i, vr);
                    }
                    case Instruction.Branch br -> {
                        condition(br.cond());
                        mb.add(MachineInst.of(new CmpBr(br.cond(), br.width() == Width.W32 ? OpSize.L : OpSize.Q),
                                Operand.use(vr.apply(br.a())), Operand.use(vr.apply(br.b()))));
                        edge(mb, br.ifTrue(), index, i, vr);
                        edge(mb, br.ifFalse(), index, i, vr);
                    }
                    case Instruction.Return r -> mb.add(MachineInst.of(new Ret(), Operand.use(vr.apply(r.value()))));
                    default -> throw new Unsupported(op.getClass().getSimpleName());
                }
            }
        }
        return mf;
    }

    private static void edge(MachineBlock mb, BlockCall call, Map<Block, Integer> index, int from, java.util.function.Function<Value, Reg.VReg> vr) {
        int target = index.get(call.target());
        // Only forward edges: no loop can run into the instruction budget, whose exhaustion slot
        // this path does not track.
        if (target <= from) throw new Unsupported("backward edge");
        mb.edge(target, call.args().stream().map(vr).toArray(Reg[]::new));
    }

    private static Long constant(Value v) {
        Inst d = v.isParam() ? null : v.definingInst();
        return d != null && d.op() instanceof Instruction.Const c ? c.value() : null;
    }

    private static OpSize size(Type t) {
        return t == Type.I32 ? OpSize.L : OpSize.Q;
    }

    /// The sign-extending move for `fromBits`, or null for a 32-bit zero extension (a 32-bit mov).
    private static X86Insn.Extend extend(boolean signed, int fromBits, Type to) {
        boolean wide = to != Type.I32;
        if (!signed) {
            return switch (fromBits) {
                case 8 -> X86Insn.Extend.MOVZBL;   // a 32-bit destination clears bits 32–63
                case 16 -> X86Insn.Extend.MOVZWL;
                case 32 -> null;
                default -> throw new Unsupported("zero-extend from " + fromBits);
            };
        }
        return switch (fromBits) {
            case 8 -> wide ? X86Insn.Extend.MOVSBQ : X86Insn.Extend.MOVSBL;
            case 16 -> wide ? X86Insn.Extend.MOVSWQ : X86Insn.Extend.MOVSWL;
            case 32 -> {
                if (!wide) throw new Unsupported("sign-extend i32 to i32");
                yield X86Insn.Extend.MOVSLQ;
            }
            default -> throw new Unsupported("sign-extend from " + fromBits);
        };
    }

    private static X86Cond condition(Cond c) {
        return switch (c) {
            case JEQ -> X86Cond.E;
            case JNE, JSET -> X86Cond.NE;
            case JGT -> X86Cond.A;
            case JGE -> X86Cond.AE;
            case JLT -> X86Cond.B;
            case JLE -> X86Cond.BE;
            case JSGT -> X86Cond.G;
            case JSGE -> X86Cond.GE;
            case JSLT -> X86Cond.L;
            case JSLE -> X86Cond.LE;
            default -> throw new Unsupported("condition " + c);
        };
    }

    // ---- emission ----------------------------------------------------------------------------

    private final CodeBuffer<X86Insn> buf = new CodeBuffer<>(X86Encoder::new);
    private Allocation alloc;
    private int frameBytes;

    private CompiledProgram emit(ProgramDef def, MachineFunction mf, Allocation alloc) {
        this.alloc = alloc;
        List<X86Reg> saved = new ArrayList<>(List.of(X86Reg.RBP, X86Reg.R12));
        for (int r : alloc.usedCalleeSaved()) saved.add(X86Reg.values()[r]);
        // After the return address and the pushes rsp ≡ 8 (odd pushes) or 0 (even) mod 16.
        int slots = alloc.slotCount() * 8;
        frameBytes = (slots + 15) / 16 * 16 + (saved.size() % 2 == 0 ? 8 : 0);
        Label unwind = buf.label("unwind");
        Label[] labels = new Label[mf.blocks().size()];
        for (int i = 0; i < labels.length; i++) labels[i] = buf.label("b" + i);
        buf.note("prologue");
        for (X86Reg r : saved) buf.emit(new X86Insn.Push(r));
        if (frameBytes != 0) buf.emit(new X86Insn.AluRI(X86Insn.AluOp.SUB, OpSize.Q, X86Reg.RSP, frameBytes));
        buf.emit(new X86Insn.MovRR(OpSize.Q, X86Reg.R12, X86Reg.RSP));
        buf.emit(new X86Insn.MovRR(OpSize.Q, X86Reg.RBP, X86Reg.RDX));
        List<Runnable> outOfLine = new ArrayList<>();
        for (MachineBlock mb : mf.blocks()) {
            buf.bind(labels[mb.id()]);
            buf.note("block " + mb.id());
            for (MachineInst mi : mb.insts()) {
                List<Operand> o = mi.operands();
                switch (mi.op()) {
                    case EntryArgs ea -> { }
                    case FromPhys p -> store(o.get(0).reg(), X86Reg.values()[((Reg.PReg) o.get(1).reg()).num()]);
                    case Const c -> {
                        buf.emit(new X86Insn.MovRI(OpSize.Q, S1, c.value()));
                        store(o.get(0).reg(), S1);
                    }
                    case Bin b -> {
                        fetch(S1, o.get(1).reg());
                        fetch(S2, o.get(2).reg());
                        binary(b.op(), b.size(), S1, S2);
                        store(o.get(0).reg(), S1);
                    }
                    case BinImm b -> {
                        fetch(S1, o.get(1).reg());
                        binaryImm(b.op(), b.size(), S1, b.imm());
                        store(o.get(0).reg(), S1);
                    }
                    case Un u -> {
                        fetch(S1, o.get(1).reg());
                        buf.emit(new X86Insn.Unary(u.op(), u.size(), S1));
                        store(o.get(0).reg(), S1);
                    }
                    case Ext e -> {
                        fetch(S1, o.get(1).reg());
                        buf.emit(new X86Insn.ExtendRR(e.kind(), S1, S1));
                        store(o.get(0).reg(), S1);
                    }
                    case Mov32 mv -> {
                        fetch(S1, o.get(1).reg());
                        buf.emit(new X86Insn.MovRR(OpSize.L, S1, S1));
                        store(o.get(0).reg(), S1);
                    }
                    case Jmp j -> {
                        edgeMoves(mb, 0);
                        buf.emit(new X86LabelRefs.Jmp(), labels[mb.succs().get(0).target()]);
                    }
                    case CmpBr c -> {
                        fetch(S1, o.get(0).reg());
                        fetch(S2, o.get(1).reg());
                        if (c.cond() == Cond.JSET) buf.emit(new X86Insn.TestRR(c.size(), S1, S2));
                        else buf.emit(new X86Insn.AluRR(X86Insn.AluOp.CMP, c.size(), S1, S2));
                        Label trampoline = buf.label("t" + mb.id());
                        buf.emit(new X86LabelRefs.Jcc(condition(c.cond())), trampoline);
                        edgeMoves(mb, 1);
                        buf.emit(new X86LabelRefs.Jmp(), labels[mb.succs().get(1).target()]);
                        outOfLine.add(() -> {
                            buf.bind(trampoline);
                            edgeMoves(mb, 0);
                            buf.emit(new X86LabelRefs.Jmp(), labels[mb.succs().get(0).target()]);
                        });
                    }
                    case FrameP fp -> store(o.get(0).reg(), X86Reg.RBP);
                    case Ret r -> {
                        fetch(X86Reg.RAX, o.get(0).reg());
                        buf.emit(new X86LabelRefs.Jmp(), unwind);
                    }
                    default -> throw new IllegalStateException(mi.toString());
                }
            }
        }
        for (Runnable r : outOfLine) r.run();
        buf.note("unwind / exit");
        buf.bind(unwind);
        buf.emit(new X86Insn.MovRR(OpSize.Q, X86Reg.RSP, X86Reg.R12));
        if (frameBytes != 0) buf.emit(new X86Insn.AluRI(X86Insn.AluOp.ADD, OpSize.Q, X86Reg.RSP, frameBytes));
        for (int i = saved.size() - 1; i >= 0; i--) buf.emit(new X86Insn.Pop(saved.get(i)));
        buf.emit(new X86Insn.Ret());

        CodeBuffer.Assembled<X86Insn> asm = buf.assemble();
        int poolOffset = (asm.code().length + 7) & ~7;
        byte[] code = Arrays.copyOf(asm.code(), poolOffset);
        int[] slotOffsets = new int[def.program().slotCount()];
        Arrays.fill(slotOffsets, -1);
        slotOffsets[0] = 0;
        String listing = asm.listing(l -> X86Printer.print(l.insn(), l.offset()));
        return new CompiledProgram("x86_64", code, 0, unwind.offset(), new int[]{0}, slotOffsets, poolOffset, List.<PoolEntry>of(), listing);
    }

    private X86Mem slot(int n) {
        return new X86Mem(X86Reg.R12, 8 * n);
    }

    private void fetch(X86Reg dst, Reg r) {
        switch (alloc.of(r)) {
            case Location.InReg(int reg) -> {
                if (reg != dst.number()) buf.emit(new X86Insn.MovRR(OpSize.Q, dst, X86Reg.values()[reg]));
            }
            case Location.InSlot(int s) -> buf.emit(new X86Insn.Load(X86Insn.Extend.MOVQ, dst, slot(s)));
        }
    }

    private void store(Reg r, X86Reg src) {
        switch (alloc.of(r)) {
            case Location.InReg(int reg) -> {
                if (reg != src.number()) buf.emit(new X86Insn.MovRR(OpSize.Q, X86Reg.values()[reg], src));
            }
            case Location.InSlot(int s) -> buf.emit(new X86Insn.Store(OpSize.Q, slot(s), src));
        }
    }

    private void edgeMoves(MachineBlock mb, int succ) {
        for (ParallelCopy.Move mv : alloc.edgeMoves(mb, succ)) {
            X86Reg via = mv.src() instanceof Location.InReg(int r) ? X86Reg.values()[r] : S2;
            if (mv.src() instanceof Location.InSlot(int s)) buf.emit(new X86Insn.Load(X86Insn.Extend.MOVQ, S2, slot(s)));
            switch (mv.dst()) {
                case Location.InReg(int r) -> {
                    if (r != via.number()) buf.emit(new X86Insn.MovRR(OpSize.Q, X86Reg.values()[r], via));
                }
                case Location.InSlot(int s) -> buf.emit(new X86Insn.Store(OpSize.Q, slot(s), via));
            }
        }
    }

    private void binary(BinaryOp op, OpSize size, X86Reg a, X86Reg b) {
        switch (op) {
            case ADD -> buf.emit(new X86Insn.AluRR(X86Insn.AluOp.ADD, size, a, b));
            case SUB -> buf.emit(new X86Insn.AluRR(X86Insn.AluOp.SUB, size, a, b));
            case AND -> buf.emit(new X86Insn.AluRR(X86Insn.AluOp.AND, size, a, b));
            case OR -> buf.emit(new X86Insn.AluRR(X86Insn.AluOp.OR, size, a, b));
            case XOR -> buf.emit(new X86Insn.AluRR(X86Insn.AluOp.XOR, size, a, b));
            case MUL -> buf.emit(new X86Insn.ImulRR(size, a, b));
            case SHL, LSHR, ASHR -> {
                // rcx is never allocated: the count goes there directly; x86 masks it to the width
                // as BPF does.
                buf.emit(new X86Insn.MovRR(OpSize.Q, X86Reg.RCX, b));
                buf.emit(new X86Insn.ShiftRCl(shift(op), size, a));
            }
            default -> throw new IllegalStateException(op.toString());
        }
    }

    private void binaryImm(BinaryOp op, OpSize size, X86Reg a, int imm) {
        switch (op) {
            case ADD -> buf.emit(new X86Insn.AluRI(X86Insn.AluOp.ADD, size, a, imm));
            case SUB -> buf.emit(new X86Insn.AluRI(X86Insn.AluOp.SUB, size, a, imm));
            case AND -> buf.emit(new X86Insn.AluRI(X86Insn.AluOp.AND, size, a, imm));
            case OR -> buf.emit(new X86Insn.AluRI(X86Insn.AluOp.OR, size, a, imm));
            case XOR -> buf.emit(new X86Insn.AluRI(X86Insn.AluOp.XOR, size, a, imm));
            case MUL -> buf.emit(new X86Insn.ImulRRI(size, a, a, imm));
            case SHL, LSHR, ASHR -> buf.emit(new X86Insn.ShiftRI(shift(op), size, a, imm & (size == OpSize.L ? 31 : 63)));
            default -> throw new IllegalStateException(op.toString());
        }
    }

    private static X86Insn.ShiftOp shift(BinaryOp op) {
        return switch (op) {
            case SHL -> X86Insn.ShiftOp.SHL;
            case LSHR -> X86Insn.ShiftOp.SHR;
            default -> X86Insn.ShiftOp.SAR;
        };
    }
}
