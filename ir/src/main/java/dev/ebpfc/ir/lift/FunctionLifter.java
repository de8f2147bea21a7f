package dev.ebpfc.ir.lift;

import dev.ebpfc.frontend.insn.AluOp;
import dev.ebpfc.frontend.insn.AtomicOp;
import dev.ebpfc.frontend.insn.Cond;
import dev.ebpfc.frontend.insn.Imm;
import dev.ebpfc.frontend.insn.Insn;
import dev.ebpfc.frontend.insn.Operand;
import dev.ebpfc.frontend.insn.PacketMode;
import dev.ebpfc.frontend.insn.Program;
import dev.ebpfc.frontend.insn.Reg;
import dev.ebpfc.frontend.insn.Width;
import dev.ebpfc.frontend.object.MapDef;
import dev.ebpfc.ir.BinaryOp;
import dev.ebpfc.ir.Block;
import dev.ebpfc.ir.BlockCall;
import dev.ebpfc.ir.Function;
import dev.ebpfc.ir.Inst;
import dev.ebpfc.ir.FunctionBuilder;
import dev.ebpfc.ir.Instruction;
import dev.ebpfc.ir.Type;
import dev.ebpfc.ir.Value;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/// Translates one BPF function into an IR function: one block per [SlotCfg] block (plus a
/// separate entry block when the first instruction is a jump target, since nothing may jump to
/// the IR entry), each BPF instruction into the IR instructions computing it, registers through
/// [SsaBuilder].
///
/// Conventions: a register always holds a 64-bit value (`i64` or a pointer); 32-bit ALU
/// operations `trunc` their operands to `i32`, compute in `i32` and `zext` the result, as BPF
/// zero-extends; `JMP32` compares 64-bit values at width 32; r10 is the function's
/// `frame_pointer`, and stack slots are memory addressed from it. After a call or legacy packet
/// load r1–r5 are undefined.
final class FunctionLifter {
    private static final int R10 = 10;

    /// A block's terminator, emitted once the parameters of its targets are final.
    private sealed interface Exit {
    }

    private record Goto(Block target) implements Exit {
    }

    private record CondJump(Cond cond, Width width, Value a, Value b, Block ifTrue, Block ifFalse) implements Exit {
    }

    private record Ret(Value value) implements Exit {
    }

    private final Lifter.Context cx;
    private final Program program;
    private final SlotCfg cfg;
    private final int[] initIn;
    private final int paramCount;
    private final Type firstParamType;
    private final Function function;
    private final FunctionBuilder fb;
    private final Map<Block, Exit> exits = new IdentityHashMap<>();
    /// The slot of each block's last BPF instruction, which its terminator is lifted from.
    private final Map<Block, Integer> exitSlots = new IdentityHashMap<>();
    private SsaBuilder ssa;
    private Block[] blockOf;
    private Block current;
    /// Registers set before the instruction being translated.
    private int set;

    FunctionLifter(Lifter.Context cx, String name, SlotCfg cfg, int[] initIn, int paramCount, Type firstParamType) {
        this.cx = cx;
        this.program = cx.def().program();
        this.cfg = cfg;
        this.initIn = initIn;
        this.paramCount = paramCount;
        this.firstParamType = firstParamType;
        this.function = new Function(name);
        this.fb = new FunctionBuilder(function);
    }

    Function lift() {
        boolean separateEntry = !cfg.blocks.getFirst().preds.isEmpty();
        Block entry = separateEntry ? function.createBlock() : null;
        blockOf = new Block[cfg.blocks.size()];
        for (int i = 0; i < blockOf.length; i++) blockOf[i] = function.createBlock();
        if (entry == null) entry = blockOf[0];
        ssa = new SsaBuilder(11, function.blocks());
        if (separateEntry) ssa.addEdge(entry, blockOf[0]);
        for (SlotCfg.SlotBlock b : cfg.blocks) {
            for (int s : b.succs) ssa.addEdge(blockOf[b.index], blockOf[s]);
        }
        ssa.start();

        fb.switchTo(entry);
        for (int r = 1; r <= paramCount; r++) {
            ssa.write(r, entry, entry.addParam(r == 1 && firstParamType != null ? firstParamType : Type.I64));
        }
        ssa.write(R10, entry, fb.framePointer());
        if (separateEntry) {
            exits.put(entry, new Goto(blockOf[0]));
            ssa.filled(entry, List.of(blockOf[0]));
        }
        for (int b : cfg.rpo) translate(cfg.blocks.get(b));
        for (Block b : function.blocks()) emitTerminator(b);
        return function;
    }

    private void translate(SlotCfg.SlotBlock b) {
        current = blockOf[b.index];
        fb.switchTo(current);
        set = initIn[b.index];
        Exit exit = null;
        for (int i = b.first; i <= b.last; i++) {
            Insn insn = program.get(i);
            int before = current.instructions().size();
            try {
                exit = translate(i, insn, b);
            } catch (IllegalStateException | IllegalArgumentException e) {
                throw new IllegalStateException("slot " + program.slot(i) + " (" + insn + "): " + e.getMessage(), e);
            }
            List<Inst> placed = current.instructions();
            for (int k = before; k < placed.size(); k++) placed.get(k).setSlot(program.slot(i));
            set = RegisterFlow.transfer(insn, set);
        }
        if (exit == null) exit = new Goto(blockOf[b.succs[0]]);
        exits.put(current, exit);
        exitSlots.put(current, program.slot(b.last));
        List<Block> succ = new ArrayList<>(2);
        for (int s : b.succs) if (!succ.contains(blockOf[s])) succ.add(blockOf[s]);
        ssa.filled(current, succ);
    }

    private void emitTerminator(Block b) {
        fb.switchTo(b);
        Inst t = switch (exits.get(b)) {
            case Goto(Block target) -> fb.insert(new Instruction.Jump(edge(b, target)));
            case CondJump(Cond c, Width w, Value x, Value y, Block ifTrue, Block ifFalse) ->
                    fb.branch(c, w, ssa.resolve(x), ssa.resolve(y), edge(b, ifTrue), edge(b, ifFalse));
            case Ret(Value v) -> fb.ret(ssa.resolve(v));
        };
        t.setSlot(exitSlots.getOrDefault(b, -1));
    }

    private BlockCall edge(Block from, Block to) {
        return new BlockCall(to, ssa.incoming(from, to));
    }

    // ---- registers ------------------------------------------------------------------------------

    private Value reg(Reg r) {
        return ssa.read(r.number(), current);
    }

    private void def(Reg r, Value v) {
        ssa.write(r.number(), current, v);
    }

    private Value src64(Operand o) {
        return o instanceof Reg r ? reg(r) : fb.i64(((Imm) o).signExtended());
    }

    private Value src32(Operand o) {
        return o instanceof Reg r ? fb.trunc(reg(r)) : fb.i32(((Imm) o).value());
    }

    private void clobberArgs() {
        for (int r = 1; r <= 5; r++) ssa.write(r, current, SsaBuilder.UNDEFINED);
    }

    /// r1..rn for a call reading `fixed` registers, extended over the following registers that
    /// are set when `variadic`.
    private Value[] args(int fixed, boolean variadic) {
        int n = fixed;
        if (variadic) while (n < 5 && (set & (1 << (n + 1))) != 0) n++;
        Value[] a = new Value[n];
        for (int r = 1; r <= n; r++) a[r - 1] = ssa.read(r, current);
        return a;
    }

    // ---- instructions -------------------------------------------------------------------------

    /// Emits the IR for `insn`; returns the block's exit when `insn` ends the block.
    private Exit translate(int i, Insn insn, SlotCfg.SlotBlock b) {
        switch (insn) {
            case Insn.Alu a -> alu(a);
            case Insn.Endian e -> {
                Value x = reg(e.dst());
                def(e.dst(), switch (e.op()) {
                    case LE -> e.bits() == 64 ? x : fb.zext(e.bits(), Type.I64, x);
                    case BE, BSWAP -> fb.bswap(e.bits(), x);
                });
            }
            case Insn.Load l -> def(l.dst(), fb.load(Type.I64, l.size(), l.signExtend(), reg(l.base()), l.offset()));
            case Insn.Store s -> fb.store(s.size(), reg(s.base()), s.offset(), src64(s.value()));
            case Insn.Atomic a -> {
                Value base = reg(a.base());
                if (a.op() == AtomicOp.CMPXCHG) {
                    def(Reg.R0, fb.cmpXchg(a.size(), base, a.offset(), reg(Reg.R0), reg(a.src())));
                } else if (a.fetch()) {
                    def(a.src(), fb.atomicFetch(a.op(), a.size(), base, a.offset(), reg(a.src())));
                } else {
                    fb.atomic(a.op(), a.size(), base, a.offset(), reg(a.src()));
                }
            }
            case Insn.LoadImm64 l -> def(l.dst(), lddw(i, l));
            case Insn.LoadPacket lp -> {
                // The interpreter and Linux add imm and the index as 32-bit integers, then sign-extend.
                Value off = lp.mode() == PacketMode.ABS ? fb.i64(lp.imm())
                        : fb.sext(32, Type.I64, fb.add(fb.trunc(reg(lp.index())), fb.i32(lp.imm())));
                Value v = fb.packetLoad(lp.size(), off);
                clobberArgs();
                def(Reg.R0, v);
            }
            case Insn.Jump j -> {
                Value x = reg(j.dst()), y = src64(j.src());
                return new CondJump(j.cond(), j.width(), x, y, blockOf[b.succs[0]], blockOf[b.succs[1]]);
            }
            case Insn.Goto g -> {
                return new Goto(blockOf[b.succs[0]]);
            }
            case Insn.Call c -> {
                Value r0 = switch (c.kind()) {
                    case HELPER -> {
                        yield fb.callHelper(c.imm(), args(RegisterFlow.helperArgs(cx.profile(), c.imm()),
                                RegisterFlow.helperVariadic(cx.profile(), c.imm())));
                    }
                    case LOCAL -> localCall(program.branchTarget(i));
                    case KFUNC -> fb.callKfunc(c.imm(), args(0, true));
                };
                clobberArgs();
                def(Reg.R0, r0);
            }
            case Insn.CallIndirect c -> {
                Value r0 = fb.callIndirect(reg(c.target()), args(0, true));
                clobberArgs();
                def(Reg.R0, r0);
            }
            case Insn.Exit e -> {
                return new Ret(reg(Reg.R0));
            }
        }
        return null;
    }

    private Value localCall(int targetSlot) {
        BpfFunctions.Span callee = cx.functions().at(targetSlot);
        int live = cx.liveIn(targetSlot);
        int n = cx.paramCount(targetSlot);
        Value[] a = new Value[n];
        for (int r = 1; r <= n; r++) {
            // A parameter the callee never reads gets what the caller has there, or 0.
            boolean have = ((live | set) & (1 << r)) != 0;
            a[r - 1] = have ? ssa.read(r, current) : fb.i64(0);
        }
        return fb.callLocal(callee.name(), a);
    }

    private void alu(Insn.Alu a) {
        Reg dst = a.dst();
        AluOp op = a.op();
        if (a.width() == Width.W64) {
            def(dst, switch (op) {
                case MOV -> src64(a.src());
                case MOVSX8, MOVSX16, MOVSX32 -> fb.sext(op.movsxBits(), Type.I64, reg((Reg) a.src()));
                case NEG -> fb.neg(reg(dst));
                default -> arith(BinaryOp.of(op), reg(dst), src64(a.src()));
            });
            return;
        }
        def(dst, switch (op) {
            // A 32-bit move is a zero extension of the low half.
            case MOV -> a.src() instanceof Reg r ? fb.zext(32, Type.I64, reg(r)) : fb.i64(((Imm) a.src()).value() & 0xffff_ffffL);
            case MOVSX8, MOVSX16 -> fb.zext32(fb.sext(op.movsxBits(), Type.I32, fb.trunc(reg((Reg) a.src()))));
            case MOVSX32 -> throw new IllegalArgumentException("movsx32 has no 32-bit form");
            case NEG -> fb.zext32(fb.neg(fb.trunc(reg(dst))));
            default -> fb.zext32(fb.binary(BinaryOp.of(op), fb.trunc(reg(dst)), src32(a.src())));
        });
    }

    /// `x op y` on 64-bit values; pointer operands the typing rules refuse here (`ptr + ptr`,
    /// `int - ptr`) are made integers first ([TypeInference#asInteger]).
    private Value arith(BinaryOp op, Value x, Value y) {
        boolean px = x.type().isPointer(), py = y.type().isPointer();
        if (op == BinaryOp.ADD && px && py) return fb.add(TypeInference.asInteger(fb, x), TypeInference.asInteger(fb, y));
        if (op == BinaryOp.SUB && !px && py) return fb.sub(x, TypeInference.asInteger(fb, y));
        return fb.binary(op, x, y);
    }

    private Value lddw(int i, Insn.LoadImm64 l) {
        int slot = program.slot(i);
        return switch (l.source()) {
            case IMM64 -> fb.i64(l.value());
            case MAP_FD, MAP_IDX -> fb.mapRef(mapIndex(slot, l.imm()));
            case MAP_VALUE, MAP_IDX_VALUE -> {
                int m = mapIndex(slot, l.imm());
                MapDef def = cx.maps().get(m);
                yield fb.mapValueAddr(m, l.nextImm(), def.globalData());
            }
            case FUNC -> fb.funcAddr(cx.functions().at(program.branchTarget(i)).name());
            case VARIABLE_ADDR -> throw LiftException.unsupported(slot, "lddw var_addr (kernel variable addresses) is not modelled");
        };
    }

    private int mapIndex(int slot, int index) {
        if (index < 0 || index >= dev.ebpfc.runtime.memory.MemoryLayout.MAX_MAPS) {
            throw LiftException.unsupported(slot, "map index " + index + " out of range");
        }
        if (index >= cx.maps().size()) {
            throw LiftException.invalid(slot, "lddw refers to map " + index + ", but the program has " + cx.maps().size() + " maps");
        }
        return index;
    }
}
