package dev.ebpfc.ir.verify;

import dev.ebpfc.ir.BinaryOp;
import dev.ebpfc.ir.Function;
import dev.ebpfc.ir.Inst;
import dev.ebpfc.ir.Instruction;
import dev.ebpfc.ir.Instruction.*;
import dev.ebpfc.ir.Type;
import dev.ebpfc.ir.UnaryOp;
import dev.ebpfc.ir.Value;
import dev.ebpfc.ir.verify.AbsValue.FuncRef;
import dev.ebpfc.ir.verify.AbsValue.Ptr;
import dev.ebpfc.ir.verify.AbsValue.Region;
import dev.ebpfc.ir.verify.AbsValue.Top;
import dev.ebpfc.runtime.context.ContextKind;

import java.util.List;

/// The abstract semantics of each non-branching instruction on one state, with the checks that
/// belong to the instruction itself: pointer arithmetic (which operations each region allows,
/// offsets bounded), memory accesses ([MemoryAccess]), helper calls ([HelperCalls]), local calls
/// (the callee analysed in context, call depth), and what a function may return.
final class Transfer {
    private final FunctionAnalysis fa;
    private final ModuleAnalysis m;
    final State s;
    private final Recorder rec;
    private final MemoryAccess mem;
    /// Set when an instruction never completes (a call to a function that never returns).
    boolean unreachable;
    /// Set when a call moved the packet.
    boolean packetChanged;

    Transfer(FunctionAnalysis fa, State s, Recorder rec) {
        this.fa = fa;
        this.m = fa.module;
        this.s = s;
        this.rec = rec;
        this.mem = new MemoryAccess(fa, s, rec);
    }

    private String reg(Inst inst, Value v) {
        return m.names.reg(inst, v);
    }

    void instruction(Inst inst) {
        // The result is defined anew: what was known about its previous instance goes.
        if (inst.result() != null) Packet.forget(s, inst.result());
        AbsValue r = switch (inst.op()) {
            case Const c -> Scalar.constant(c.value());
            case Binary b -> binary(inst, b, inst.result().type() == Type.I32);
            case Unary u -> unary(inst, u, inst.result().type() == Type.I32);
            case Extend e -> extend(inst, e);
            case Trunc t -> s.get(t.a()) instanceof Scalar x ? x.truncate(32) : Scalar.U32;
            case ByteSwap bs -> byteSwap(inst, bs);
            case Cmp c -> compare(inst, c);
            case Select sel -> AbsValue.join(s.get(sel.ifTrue()), s.get(sel.ifFalse()));
            case Load l -> mem.load(inst, l.addr(), l.offset(), l.size().bytes, l.signed());
            case Store st -> {
                mem.store(inst, st.addr(), st.offset(), st.size().bytes, st.value());
                yield null;
            }
            case AtomicRmw a -> mem.atomic(inst, a.addr(), a.offset(), a.size().bytes, a.value());
            case CmpXchg x -> {
                if (m.strict() && MemoryAccess.isPointer(s.get(x.expected()))) rec.error(inst, reg(inst, x.expected()) + " leaks addr into memory");
                yield mem.atomic(inst, x.addr(), x.offset(), x.size().bytes, x.replacement());
            }
            case PacketLoad p -> packetLoad(inst, p);
            case MapRef r1 -> mapRef(inst, r1);
            case MapValueAddr a -> Ptr.to(a.global() ? Region.GLOBAL : Region.MAP_VALUE, a.mapIndex(), a.offset());
            case FramePointer _ -> Ptr.to(Region.STACK, s.depth(), 0);
            case FuncAddr f -> new FuncRef(f.function());
            case CallHelper c -> new HelperCalls(fa, this, rec).call(inst, c);
            case CallLocal c -> callLocal(inst, c.function(), c.args(), null);
            case CallKfunc c -> {
                if (m.strict()) rec.error(inst, "kernel function calls (kfunc btf_id " + c.btfId() + ") are not supported by the verifier");
                havocArgs(c.args());
                yield Scalar.UNKNOWN;
            }
            case CallIndirect c -> {
                if (m.strict()) rec.error(inst, "indirect calls (callx " + reg(inst, c.target()) + ") are not allowed");
                havocArgs(c.args());
                yield Scalar.UNKNOWN;
            }
            case Jump _, Branch _, Return _, TailCall _, Trap _ -> throw new IllegalStateException("terminator " + inst);
        };
        Value res = inst.result();
        if (res != null) {
            if (r == null) r = Scalar.UNKNOWN;
            s.set(res, r);
            if (rec.active()) rec.value(res, r);
            FunctionAnalysis.trace(inst, r);
        }
    }

    // ---- arithmetic -----------------------------------------------------------------------------

    private AbsValue binary(Inst inst, Binary b, boolean w32) {
        AbsValue x = s.get(b.a()), y = s.get(b.b());
        if (x instanceof Scalar sx && y instanceof Scalar sy) return w32 ? Scalar.binary32(b.op(), sx, sy) : Scalar.binary(b.op(), sx, sy);
        if (w32) return Scalar.U32;
        // The lifter's pointer-to-integer cast (`xor p, 0`) keeps the bits.
        if (b.op() == BinaryOp.XOR && y instanceof Scalar sy && AbsValue.isZero(sy)) return x;
        if (x instanceof Top || y instanceof Top) return Top.TOP;
        if (x instanceof FuncRef || y instanceof FuncRef) return pointerOp(inst, b, x instanceof FuncRef ? b.a() : b.b(), "func");
        BinaryOp op = b.op();
        if (x instanceof Ptr p && y instanceof Ptr q) {
            if (op == BinaryOp.SUB) return pointerDifference(p, q);
            if (op == BinaryOp.ADD) {
                if (m.strict()) rec.error(inst, reg(inst, b.a()) + " pointer += pointer prohibited");
                return m.strict() ? Top.TOP : Scalar.UNKNOWN;
            }
            return pointerOp(inst, b, b.a(), p.kindName());
        }
        if (x instanceof Ptr p && y instanceof Scalar k && (op == BinaryOp.ADD || op == BinaryOp.SUB)) {
            return pointerArithmetic(inst, b.a(), p, op == BinaryOp.ADD ? k : k.neg(), inst.result(), b.b());
        }
        if (x instanceof Scalar k && y instanceof Ptr p && op == BinaryOp.ADD) return pointerArithmetic(inst, b.b(), p, k, inst.result(), b.a());
        if (x instanceof Scalar && y instanceof Ptr && op == BinaryOp.SUB) {
            if (m.strict()) rec.error(inst, reg(inst, b.a()) + " tried to subtract pointer from scalar");
            return Scalar.UNKNOWN;
        }
        return pointerOp(inst, b, x instanceof Ptr ? b.a() : b.b(), (x instanceof Ptr ? x : y).kindName());
    }

    /// Any other operation with a pointer operand: refused in strict mode (kernel: "bitwise
    /// operator on pointer", "pointer arithmetic with operator"), an unknown integer otherwise.
    private AbsValue pointerOp(Inst inst, Binary b, Value ptr, String kind) {
        if (m.strict()) {
            String what = switch (b.op()) {
                case AND, OR, XOR -> "bitwise operator " + b.op().mnemonic + " on pointer prohibited";
                default -> "pointer arithmetic with " + b.op().mnemonic + " operator prohibited";
            };
            rec.error(inst, reg(inst, ptr) + " " + what + " (" + kind + ")");
            return Top.TOP;
        }
        return Scalar.UNKNOWN;
    }

    /// `p - q`: an integer; exact offsets when both point into the same object.
    private AbsValue pointerDifference(Ptr p, Ptr q) {
        if (p.sameObject(q)) {
            if (p.region() == Region.PACKET && p.sym() != null && p.sym().equals(q.sym())) return Scalar.constant(p.c() - q.c());
            return Scalar.sub(p.off(), q.off());
        }
        if (p.region() == Region.PACKET_END && q.region() == Region.PACKET) {
            // data_end - q: at least what is proven past q, at most a packet's length.
            long max = Packet.MAX_OFFSET - Math.min(0, q.off().smin());
            return Scalar.signed(Packet.provenRange(s, q), Math.max(Packet.provenRange(s, q), max));
        }
        return Scalar.UNKNOWN;
    }

    /// `p + k` (a subtraction arrives with `k` negated): allowed on pointers into memory, with the
    /// offset kept bounded; `result` is the value defined, which becomes the packet pointer's
    /// symbol when `k` is not a constant.
    private AbsValue pointerArithmetic(Inst inst, Value pv, Ptr p, Scalar k, Value result, Value kv) {
        String r = reg(inst, pv);
        switch (p.region()) {
            case PACKET_END, MAP -> {
                if (m.strict()) rec.error(inst, r + " pointer arithmetic on " + p.kindName() + " prohibited");
                return m.strict() ? Top.TOP : Scalar.UNKNOWN;
            }
            default -> {
            }
        }
        if (p.maybeNull()) {
            rec.error(inst, r + " pointer arithmetic on " + p.kindName() + " prohibited, null-check it first");
            return Top.TOP;
        }
        long limit = MemoryAccess.MAX_VAR_OFF;
        if (k.smin() < -limit || k.smax() > limit) {
            if (m.strict() || p.region() != Region.MEM) {
                rec.error(inst, r + " math between " + p.kindName() + " pointer and register with unbounded "
                        + (k.smin() < -limit ? "min" : "max") + " value is not allowed (" + reg(inst, kv) + "=" + k + ")");
            }
            return new Ptr(p.region(), p.id(), Scalar.signed(-limit, limit), null, 0, 0, false, null);
        }
        Scalar off = Scalar.add(p.off(), k);
        if (off.smin() < -limit || off.smax() > limit) {
            if (m.strict() || p.region() != Region.MEM) {
                rec.error(inst, r + " pointer arithmetic makes the " + p.kindName() + " pointer offset " + off + " out of range");
            }
            Scalar kept = off.meet(Scalar.signed(-limit, limit));
            off = kept != null ? kept : Scalar.signed(-limit, limit);
        }
        if (p.region() != Region.PACKET) return new Ptr(p.region(), p.id(), off, null, 0, 0, false, null);
        // A variable that happens to be constant in this state still names a symbol: the join
        // with later iterations, where it is not, must keep the same shape.
        boolean literal = kv == null || kv.asConst() != null;
        if (k.isConstant() && (literal || !(p.sym() == null && p.off().isConstant() && k == s.get(kv)))) {
            long c = k.umin();
            return new Ptr(Region.PACKET, 0, off, p.sym(), p.c() + c, Math.max(0, Packet.provenRange(s, p) - c), false, null);
        }
        if (kv != null && p == s.get(pv) && k == s.get(kv)) return Packet.addVariable(s, p, kv, k, off, result);
        long range = Math.max(0, Packet.provenRange(s, p) - k.smax());
        s.setRange(result, range);
        return new Ptr(Region.PACKET, 0, off, result, 0, range, false, null);
    }

    private AbsValue unary(Inst inst, Unary u, boolean w32) {
        AbsValue x = s.get(u.a());
        if (x instanceof Scalar sx) {
            Scalar r = u.op() == UnaryOp.NEG ? sx.neg() : sx.not();
            return w32 ? r.truncate(32) : r;
        }
        if (w32) return Scalar.U32;
        if (m.strict()) rec.error(inst, reg(inst, u.a()) + " pointer arithmetic with " + u.op().mnemonic + " operator prohibited (" + x.kindName() + ")");
        return m.strict() ? Top.TOP : Scalar.UNKNOWN;
    }

    private AbsValue extend(Inst inst, Extend e) {
        AbsValue x = s.get(e.a());
        // A 32-bit move of a pointer: the kernel lets privileged programs have the low half.
        Scalar sx = x instanceof Scalar v ? v : Scalar.UNKNOWN;
        Scalar r = e.signed() ? sx.sext(e.fromBits()) : sx.truncate(e.fromBits());
        return e.to() == Type.I32 ? r.truncate(32) : r;
    }

    private AbsValue byteSwap(Inst inst, ByteSwap b) {
        AbsValue x = s.get(b.a());
        if (x instanceof Scalar sx) return sx.byteSwap(b.bits());
        if (m.strict()) rec.error(inst, reg(inst, b.a()) + " byte swap of a pointer prohibited (" + x.kindName() + ")");
        return Scalar.ofSize(b.bits() / 8);
    }

    private AbsValue compare(Inst inst, Cmp c) {
        AbsValue x = s.get(c.a()), y = s.get(c.b());
        if (x instanceof Scalar sx && y instanceof Scalar sy) {
            Scalar[] t = BranchRefiner.refineScalars(c.cond(), c.width(), sx, sy, true);
            Scalar[] f = BranchRefiner.refineScalars(c.cond(), c.width(), sx, sy, false);
            if (t == null && f != null) return Scalar.constant(0);
            if (f == null && t != null) return Scalar.constant(1);
        }
        return Scalar.BOOL;
    }

    private AbsValue packetLoad(Inst inst, PacketLoad p) {
        ContextKind k = m.options.context();
        if (m.strict() && k != ContextKind.SOCKET_FILTER && k != ContextKind.TC) {
            rec.error(inst, "BPF_LD_[ABS|IND] instructions are not allowed for this program type (" + k.name().toLowerCase() + ")");
        }
        return Scalar.ofSize(p.size().bytes);
    }

    private AbsValue mapRef(Inst inst, MapRef r) {
        if (m.map(r.mapIndex()) == null) {
            rec.error(inst, "map index " + r.mapIndex() + " does not name a map of the program");
            return Scalar.UNKNOWN;
        }
        return Ptr.to(Region.MAP, r.mapIndex(), 0);
    }

    /// A call with arguments the verifier cannot follow: any stack they point to may change.
    void havocArgs(List<Value> args) {
        for (Value a : args) {
            if (s.get(a) instanceof Ptr p && p.region() == Region.STACK && p.id() <= s.depth()) s.frames[p.id()].forgetSpills();
        }
    }

    // ---- calls and returns --------------------------------------------------------------------

    /// A call of `name` with `args` (a BPF-to-BPF call, or a helper's callback with `args` as its
    /// abstract arguments when `given` is non-null): the callee analysed from this state.
    AbsValue callLocal(Inst inst, String name, List<Value> args, List<AbsValue> given) {
        Function callee = m.module.function(name);
        if (callee == null) {
            rec.error(inst, "call to unknown function " + name);
            return Scalar.UNKNOWN;
        }
        if (s.depth() + 2 > ModuleAnalysis.MAX_FRAMES) {
            rec.error(inst, "the call stack of " + (s.depth() + 2) + " frames is too deep (calling " + name + "; at most " + ModuleAnalysis.MAX_FRAMES + ")");
            unreachable = true;
            return Scalar.UNKNOWN;
        }
        StackFrame[] frames = new StackFrame[s.frames.length + 1];
        for (int i = 0; i < s.frames.length; i++) {
            frames[i] = s.frames[i].copy();
            // Symbols are this function's values: meaningless in the callee.
            frames[i].forEachSpill((off, v) -> v instanceof Ptr q && q.region() == Region.PACKET && q.sym() != null ? Packet.anonymous(s, q) : v);
        }
        frames[s.frames.length] = new StackFrame();
        State entry = new State(callee.valueIdBound(), frames);
        entry.dataRange = s.dataRange;
        List<Value> params = callee.params();
        for (int i = 0; i < params.size(); i++) {
            AbsValue a = given != null ? (i < given.size() ? given.get(i) : Scalar.UNKNOWN) : (i < args.size() ? s.get(args.get(i)) : Scalar.UNKNOWN);
            if (a instanceof Ptr q && q.region() == Region.PACKET) a = Packet.rebase(s, entry, q, params.get(i));
            else if (a instanceof Scalar && given == null) Packet.intoParam(s, entry, params.get(i), args.get(i));
            entry.set(params.get(i), a);
        }
        ModuleAnalysis.Summary sum = m.analyse(callee, entry);
        rec.include(sum.recorder());
        if (!sum.returns()) {
            unreachable = true;
            return Scalar.UNKNOWN;
        }
        for (int i = 0; i < s.frames.length; i++) s.frames[i] = sum.callerFrames()[i].copy();
        if (sum.packetChanged()) {
            Packet.invalidate(s);
            packetChanged = true;
        } else {
            s.dataRange = Math.max(s.dataRange, sum.dataRange());
        }
        AbsValue r = sum.ret();
        if (r instanceof Ptr q && q.region() == Region.PACKET && inst.result() != null) {
            s.setRange(inst.result(), q.range());
            r = new Ptr(Region.PACKET, 0, q.off(), inst.result(), 0, q.range(), false, null);
        }
        return r;
    }

    /// What a `ret` of `v` gives the caller; reports returns the mode forbids.
    AbsValue returned(Inst inst, Value v) {
        AbsValue r = s.get(v);
        if (r instanceof Ptr p && p.region() == Region.STACK && p.id() == s.depth()) {
            rec.error(inst, "R0 returns a pointer to the stack of " + fa.function.name() + ", which ends with the return");
            return Scalar.UNKNOWN;
        }
        if (fa.depth == 0 && m.strict() && MemoryAccess.isPointer(r)) {
            rec.error(inst, "R0 leaks addr as return value (" + r.kindName() + ")");
            return Scalar.UNKNOWN;
        }
        if (r instanceof Ptr p && p.region() == Region.PACKET) return Packet.anonymous(s, p);
        return r;
    }

    /// The `tail_call` terminator: checked as the helper is.
    void tailCall(Inst inst, TailCall tc) {
        CallHelper asHelper = new CallHelper(12, List.of(tc.ctx(), tc.map(), tc.index()));
        new HelperCalls(fa, this, rec).check(inst, asHelper, HelperPrototypes.of(dev.ebpfc.runtime.helpers.HelperProfile.LINUX, 12));
    }
}
