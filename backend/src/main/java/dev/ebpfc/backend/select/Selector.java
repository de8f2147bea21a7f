package dev.ebpfc.backend.select;

import dev.ebpfc.backend.PoolEntry;
import dev.ebpfc.backend.RuntimeEntry;
import dev.ebpfc.backend.RuntimeError;
import dev.ebpfc.backend.mir.MachineBlock;
import dev.ebpfc.backend.mir.MachineFunction;
import dev.ebpfc.backend.mir.MachineInst;
import dev.ebpfc.backend.mir.Operand;
import dev.ebpfc.backend.mir.Reg;
import dev.ebpfc.frontend.insn.Cond;
import dev.ebpfc.frontend.insn.Size;
import dev.ebpfc.frontend.insn.Width;
import dev.ebpfc.ir.BinaryOp;
import dev.ebpfc.ir.Block;
import dev.ebpfc.ir.BlockCall;
import dev.ebpfc.ir.Function;
import dev.ebpfc.ir.Inst;
import dev.ebpfc.ir.Instruction;
import dev.ebpfc.ir.Type;
import dev.ebpfc.ir.UnaryOp;
import dev.ebpfc.ir.Value;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.random.RandomGenerator;

/// Instruction selection for -O2: one optimised IR function → a [MachineFunction] over virtual
/// registers whose payloads are [MOp]s, the same for every target. What differs per ISA — which
/// registers carry arguments and results, what a call or an instruction clobbers — comes from the
/// [TargetMachine]; encodings, immediate ranges and addressing are the emitter's business.
///
/// Machine block `i` < the IR block count is IR block `i` (layout order); `callx` splits its block
/// and appends blocks after those. Constants become `Imm` definitions where the IR defines them
/// (so they dominate every use) and immediates where an operation takes one; definitions left
/// without a use are dropped at the end.
public final class Selector {
    private final TargetMachine tm;
    private final Function f;
    private final Map<String, Integer> functionIndex;
    private final Map<String, Integer> functionSlots;
    private final long frameStride;
    /// Keys for constant blinding, or null when constants are emitted as they are.
    private final RandomGenerator blinding;
    private final MachineFunction mf = new MachineFunction();
    private final Map<Value, Reg.VReg> vregs = new HashMap<>();
    private final Map<Block, Integer> blockIndex = new HashMap<>();
    private Reg.VReg framePointer;
    private MachineBlock current;
    /// The bytecode slot of the IR instruction being selected (-1 outside one).
    private int currentSlot = -1;

    private Selector(TargetMachine tm, Function f, Map<String, Integer> functionIndex, Map<String, Integer> functionSlots, long frameStride,
                     RandomGenerator blinding) {
        this.tm = tm;
        this.blinding = blinding;
        this.f = f;
        this.functionIndex = functionIndex;
        this.functionSlots = functionSlots;
        this.frameStride = frameStride;
    }

    /// Selects `f`. `functionIndex`: the number each function of the module has in the emitted
    /// program (for [MOp.CallLocal]); `functionSlots`: its first bytecode slot (for code
    /// addresses); `frameStride`: what a local call adds to the frame pointer; `blinding`: the key
    /// source for constant blinding ([dev.ebpfc.backend.Hardening]), or null for none. Blinded,
    /// no operation takes an immediate the program supplied: each constant is materialised as
    /// `(value ^ key) ^ key` with a fresh key (32-bit for i32 values, 64-bit otherwise), so its
    /// bytes never appear.
    public static MachineFunction select(TargetMachine tm, Function f, Map<String, Integer> functionIndex,
                                         Map<String, Integer> functionSlots, long frameStride, RandomGenerator blinding) {
        return new Selector(tm, f, functionIndex, functionSlots, frameStride, blinding).run();
    }

    private MachineFunction run() {
        List<Block> blocks = f.blocks();
        for (int i = 0; i < blocks.size(); i++) {
            blockIndex.put(blocks.get(i), i);
            mf.newBlock();
        }
        for (int i = 0; i < blocks.size(); i++) {
            Block b = blocks.get(i);
            current = mf.block(i);
            if (i == 0) entry(b);
            else for (Value p : b.params()) current.params().add(vreg(p));
            for (Inst inst : b.instructions()) select(inst);
        }
        dropUnusedDefinitions();
        return mf;
    }

    private void entry(Block b) {
        int n = b.params().size();
        Operand[] defs = new Operand[n + 1];
        for (int k = 0; k < n; k++) defs[k] = Operand.def(arg(k));
        defs[n] = Operand.def(arg(TargetMachine.FRAME_POINTER_ARG));
        add(new MOp.Params(n), defs);
        for (int k = 0; k < n; k++) move(vreg(b.params().get(k)), arg(k));
        framePointer = mf.newVReg();
        move(framePointer, arg(TargetMachine.FRAME_POINTER_ARG));
    }

    // ---- one IR instruction ------------------------------------------------------------------

    private void select(Inst inst) {
        Value res = inst.result();
        int slot = inst.slot();
        currentSlot = slot;
        switch (inst.op()) {
            case Instruction.Const c -> constant(res, c.value());
            case Instruction.Binary(BinaryOp op, Value a, Value b) -> binary(res, op, a, b);
            case Instruction.Unary(UnaryOp op, Value a) -> add(new MOp.Un(op, w32(res)), def(res), use(a));
            case Instruction.Extend(boolean signed, int from, Type to, Value a) ->
                    add(new MOp.Ext(signed, from, to == Type.I32), def(res), use(a));
            case Instruction.Trunc(Value a) -> add(new MOp.Trunc(), def(res), use(a));
            case Instruction.ByteSwap(int bits, Value a) -> {
                if (res.type() == Type.I32 && bits == 64) {
                    Reg.VReg t = mf.newVReg();
                    add(new MOp.Swap(bits), Operand.def(t), use(a));
                    add(new MOp.Trunc(), def(res), Operand.use(t));
                } else {
                    add(new MOp.Swap(bits), def(res), use(a));
                }
            }
            case Instruction.Cmp(Cond cond, Width w, Value a, Value b) -> {
                Long k = immediate(b, w == Width.W32);
                if (k != null) add(new MOp.SetCondImm(cond, w, k), def(res), use(a));
                else add(new MOp.SetCond(cond, w), def(res), use(a), use(b));
            }
            case Instruction.Select(Value c, Value t, Value e) -> add(new MOp.Select(), def(res), use(c), use(t), use(e));
            case Instruction.Load l -> {
                boolean narrow = res.type() == Type.I32 && (l.signed() || l.size() == Size.DW);
                if (narrow) {
                    Reg.VReg t = mf.newVReg();
                    add(new MOp.Load(l.size(), l.signed(), l.offset()), Operand.def(t), use(l.addr()));
                    add(new MOp.Trunc(), def(res), Operand.use(t));
                } else {
                    add(new MOp.Load(l.size(), l.signed(), l.offset()), def(res), use(l.addr()));
                }
            }
            case Instruction.Store s -> {
                Long k = blinding == null ? constant(s.value()) : null;
                if (k != null && (s.size() != Size.DW || k == (int) (long) k)) {
                    add(new MOp.StoreImm(s.size(), s.offset(), k), use(s.addr()));
                } else {
                    add(new MOp.Store(s.size(), s.offset()), use(s.addr()), use(s.value()));
                }
            }
            case Instruction.AtomicRmw a -> {
                if (a.fetch()) add(new MOp.Atomic(a.op(), a.size(), true, a.offset()), def(res), use(a.addr()), use(a.value()));
                else add(new MOp.Atomic(a.op(), a.size(), false, a.offset()), use(a.addr()), use(a.value()));
            }
            case Instruction.CmpXchg x ->
                    add(new MOp.CmpXchg(x.size(), x.offset()), def(res), use(x.addr()), use(x.expected()), use(x.replacement()));
            case Instruction.PacketLoad pl -> {
                Reg.VReg size = mf.newVReg();
                add(new MOp.Imm(pl.size().bytes), Operand.def(size));
                callOut(new PoolEntry.Runtime(RuntimeEntry.LOAD_PACKET), List.of(vreg(pl.offset()), size), res, slot);
            }
            case Instruction.MapRef m -> add(new MOp.PoolLoad(new PoolEntry.MapHandle(m.mapIndex())), def(res));
            case Instruction.MapValueAddr m ->
                    add(new MOp.PoolLoad(new PoolEntry.MapValue(m.mapIndex(), m.offset() & 0xffff_ffffL)), def(res));
            case Instruction.FramePointer fp -> move(vreg(res), framePointer);
            case Instruction.FuncAddr fa -> {
                Integer s = functionSlots.get(fa.function());
                if (s == null) {
                    add(new MOp.Trap(RuntimeError.TRAP_BAD_CALL, slot, 0));
                    add(new MOp.Imm(0), def(res));
                } else {
                    add(new MOp.PoolLoad(new PoolEntry.CodeAddress(s)), def(res));
                }
            }
            case Instruction.CallHelper h -> callOut(new PoolEntry.Helper(h.helper()), vregs(h.args()), res, slot);
            case Instruction.CallLocal c -> {
                Integer index = functionIndex.get(c.function());
                if (index == null) {
                    add(new MOp.Trap(RuntimeError.TRAP_BAD_CALL, slot, 0));
                    add(new MOp.Imm(0), def(res));
                } else {
                    Reg.VReg fp = calleeFramePointer(slot);
                    List<Reg.VReg> args = vregs(c.args());
                    setArguments(args);
                    move(arg(TargetMachine.FRAME_POINTER_ARG), fp);
                    call(new MOp.CallLocal(index, args.size()), null, args.size(), true, res);
                }
            }
            case Instruction.CallKfunc k -> {
                add(new MOp.Trap(RuntimeError.KFUNC, slot, k.btfId()));
                add(new MOp.Imm(0), def(res));
            }
            case Instruction.CallIndirect ci -> callIndirect(ci, res, slot);
            case Instruction.Jump(BlockCall t) -> {
                add(new MOp.Jump());
                edge(t);
            }
            case Instruction.Branch br -> {
                Long k = immediate(br.b(), br.width() == Width.W32);
                if (k != null) add(new MOp.BranchImm(br.cond(), br.width(), k), use(br.a()));
                else add(new MOp.Branch(br.cond(), br.width()), use(br.a()), use(br.b()));
                edge(br.ifTrue());
                edge(br.ifFalse());
            }
            case Instruction.Return(Value v) -> {
                Reg.PReg ret = new Reg.PReg(tm.returnRegister());
                move(ret, vreg(v));
                add(new MOp.Return(), Operand.use(ret));
            }
            case Instruction.TailCall tc -> {
                // The engine takes the tail call inside the helper (or reports it); when the call
                // returns, it failed and execution goes on at the fallthrough.
                callOut(new PoolEntry.Helper(12), List.of(vreg(tc.ctx()), vreg(tc.map()), vreg(tc.index())), null, slot);
                add(new MOp.Jump());
                edge(tc.fallthrough());
            }
            case Instruction.Trap(var reason) -> add(new MOp.Trap(switch (reason) {
                case UNREACHABLE -> RuntimeError.TRAP_UNREACHABLE;
                case OUT_OF_BOUNDS -> RuntimeError.TRAP_OUT_OF_BOUNDS;
                case BAD_CALL -> RuntimeError.TRAP_BAD_CALL;
            }, slot, 0));
        }
    }

    private void constant(Value res, long value) {
        if (blinding == null) {
            add(new MOp.Imm(value), def(res));
            return;
        }
        Reg.VReg blinded = mf.newVReg();
        if (w32(res)) {
            long key = key() & 0xffff_ffffL;
            add(new MOp.Imm((value ^ key) & 0xffff_ffffL), Operand.def(blinded));
            add(new MOp.AluImm(BinaryOp.XOR, true, key), def(res), Operand.use(blinded));
        } else {
            // A 64-bit key: a sign-extended 32-bit one would leave the upper half as it is (or
            // complemented), in plain sight.
            long key = key() << 32 ^ key() & 0xffff_ffffL;
            Reg.VReg k = mf.newVReg();
            add(new MOp.Imm(value ^ key), Operand.def(blinded));
            add(new MOp.Imm(key), Operand.def(k));
            add(new MOp.Alu(BinaryOp.XOR, false), def(res), Operand.use(blinded), Operand.use(k));
        }
    }

    /// A fresh non-zero 32-bit blinding key.
    private long key() {
        long key;
        do key = blinding.nextInt(); while (key == 0);
        return key;
    }

    private void binary(Value res, BinaryOp op, Value a, Value b) {
        boolean w32 = w32(res);
        Long kb = immediate(b, w32);
        if (kb == null && op.commutative && immediate(a, w32) != null) {
            Value t = a;
            a = b;
            b = t;
            kb = immediate(b, w32);
        }
        if (kb != null && op.isDivision()) {
            long k = w32 ? (int) (long) kb : kb;
            if (k == 0) {
                // BPF: x / 0 = 0, x % 0 = x.
                if (op == BinaryOp.UDIV || op == BinaryOp.SDIV) add(new MOp.Imm(0), def(res));
                else move(vreg(res), vreg(a));
                return;
            }
            if (k == -1 && op == BinaryOp.SDIV) {
                add(new MOp.Un(UnaryOp.NEG, w32), def(res), use(a));
                return;
            }
            if (k == -1 && op == BinaryOp.SREM) {
                add(new MOp.Imm(0), def(res));
                return;
            }
        }
        if (kb != null) add(new MOp.AluImm(op, w32, kb), def(res), use(a));
        else add(new MOp.Alu(op, w32), def(res), use(a), use(b));
    }

    /// The frame pointer for a local call from here, after the depth check.
    private Reg.VReg calleeFramePointer(int slot) {
        Reg.VReg fp = mf.newVReg();
        add(new MOp.AluImm(BinaryOp.ADD, false, frameStride), Operand.def(fp), Operand.use(framePointer));
        add(new MOp.CheckDepth(slot), Operand.use(fp));
        return fp;
    }

    /// `callx`: resolve the target; a function of this program is called with the local
    /// convention, anything else goes to the runtime as a helper number.
    private void callIndirect(Instruction.CallIndirect ci, Value res, int slot) {
        Reg.VReg target = vreg(ci.target());
        List<Reg.VReg> args = new ArrayList<>(vregs(ci.args()));
        while (args.size() < 5) {
            Reg.VReg z = mf.newVReg();
            add(new MOp.Imm(0), Operand.def(z));
            args.add(z);
        }
        Reg.VReg address = mf.newVReg();
        callOutTo(new PoolEntry.Runtime(RuntimeEntry.RESOLVE_CALLX), List.of(target), address, slot);
        MachineBlock asHelper = mf.newBlock(), asFunction = mf.newBlock(), join = mf.newBlock();
        Reg.VReg result = mf.newVReg();
        join.params().add(result);
        add(new MOp.BranchImm(Cond.JEQ, Width.W64, 0), Operand.use(address));
        current.edge(asHelper.id());
        current.edge(asFunction.id());

        current = asFunction;
        Reg.VReg fp = calleeFramePointer(slot);
        setArguments(args);
        move(arg(TargetMachine.FRAME_POINTER_ARG), fp);
        Reg.VReg r1 = mf.newVReg();
        call(new MOp.CallAddress(args.size()), address, args.size(), true, r1);
        add(new MOp.Jump());
        current.edge(join.id(), r1);

        current = asHelper;
        List<Reg.VReg> withId = new ArrayList<>(args);
        withId.add(target);
        Reg.VReg r2 = mf.newVReg();
        callOutTo(new PoolEntry.Runtime(RuntimeEntry.HELPER_BY_ID), withId, r2, slot);
        add(new MOp.Jump());
        current.edge(join.id(), r2);

        current = join;
        if (res != null) move(vreg(res), result);
    }

    private void callOut(PoolEntry entry, List<Reg.VReg> args, Value res, int slot) {
        callOutTo(entry, args, res == null ? null : vreg(res), slot);
    }

    private void callOutTo(PoolEntry entry, List<Reg.VReg> args, Reg.VReg res, int slot) {
        setArguments(args);
        call(new MOp.CallOut(entry, args.size(), slot), null, args.size(), false, res);
    }

    private void setArguments(List<Reg.VReg> args) {
        if (args.size() > 6) throw new IllegalArgumentException("more than six call arguments");
        for (int k = 0; k < args.size(); k++) move(arg(k), args.get(k));
    }

    /// The call instruction itself: `=ret, [address], args…, [fp]`, clobbering the caller-saved
    /// registers; then the result copied out of the return register.
    private void call(MOp op, Reg.VReg address, int args, boolean withFramePointer, Object result) {
        List<Operand> ops = new ArrayList<>();
        Reg.PReg ret = new Reg.PReg(tm.returnRegister());
        ops.add(Operand.def(ret));
        if (address != null) ops.add(Operand.use(address));
        for (int k = 0; k < args; k++) ops.add(Operand.use(arg(k)));
        if (withFramePointer) ops.add(Operand.use(arg(TargetMachine.FRAME_POINTER_ARG)));
        MachineInst inst = new MachineInst(op, ops, tm.callClobbers(), false);
        current.add(inst);
        mf.setSlot(inst, currentSlot);
        Reg.VReg into = switch (result) {
            case null -> null;
            case Value v -> vreg(v);
            case Reg.VReg r -> r;
            default -> throw new IllegalArgumentException(String.valueOf(result));
        };
        if (into != null) move(into, ret);
    }

    private void edge(BlockCall call) {
        Reg[] args = new Reg[call.args().size()];
        for (int k = 0; k < args.length; k++) args[k] = vreg(call.args().get(k));
        current.edge(blockIndex.get(call.target()), args);
    }

    // ---- helpers -----------------------------------------------------------------------------

    private void add(MOp op, Operand... operands) {
        MachineInst inst = new MachineInst(op, List.of(operands), tm.clobbers(op), false);
        current.add(inst);
        mf.setSlot(inst, currentSlot);
    }

    private void move(Reg dst, Reg src) {
        current.add(MachineInst.move(new MOp.Move(), dst, src));
    }

    private Reg.PReg arg(int k) {
        return new Reg.PReg(tm.argumentRegister(k));
    }

    private Reg.VReg vreg(Value v) {
        return vregs.computeIfAbsent(v, k -> mf.newVReg());
    }

    private List<Reg.VReg> vregs(List<Value> values) {
        List<Reg.VReg> out = new ArrayList<>();
        for (Value v : values) out.add(vreg(v));
        return out;
    }

    private Operand def(Value v) {
        return Operand.def(vreg(v));
    }

    private Operand use(Value v) {
        return Operand.use(vreg(v));
    }

    private static boolean w32(Value v) {
        return v.type() == Type.I32;
    }

    private static Long constant(Value v) {
        Inst d = v.isParam() ? null : v.definingInst();
        return d != null && d.op() instanceof Instruction.Const c ? c.value() : null;
    }

    /// `v`'s constant when an operation of that width may take it as an immediate (never when
    /// blinding constants).
    private Long immediate(Value v, boolean w32) {
        if (blinding != null) return null;
        Long k = constant(v);
        if (k == null) return null;
        return w32 || k == (int) (long) k ? k : null;
    }

    /// Removes constant and pool loads and copies whose result nothing reads (constants used only
    /// as immediates; the frame pointer of a function that never uses it, an unused call result),
    /// repeating until none is left.
    private void dropUnusedDefinitions() {
        boolean changed = true;
        while (changed) {
            changed = false;
            Set<Integer> used = new java.util.HashSet<>();
            for (MachineBlock b : mf.blocks()) {
                for (MachineInst i : b.insts()) {
                    for (Operand o : i.operands()) {
                        if (o.role() != Operand.Role.DEF && o.reg() instanceof Reg.VReg v) used.add(v.id());
                    }
                }
                for (MachineBlock.Edge e : b.succs()) {
                    for (Reg r : e.args()) if (r instanceof Reg.VReg v) used.add(v.id());
                }
            }
            for (MachineBlock b : mf.blocks()) {
                changed |= b.insts().removeIf(i -> (i.op() instanceof MOp.Imm || i.op() instanceof MOp.PoolLoad || i.isMove())
                        && i.operands().getFirst().reg() instanceof Reg.VReg d && !used.contains(d.id()));
            }
        }
    }
}
