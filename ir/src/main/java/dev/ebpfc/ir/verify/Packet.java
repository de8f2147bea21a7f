package dev.ebpfc.ir.verify;

import dev.ebpfc.ir.BinaryOp;
import dev.ebpfc.ir.Instruction;
import dev.ebpfc.ir.Type;
import dev.ebpfc.ir.Value;
import dev.ebpfc.ir.verify.AbsValue.Ptr;
import dev.ebpfc.ir.verify.AbsValue.Region;

/// The relational part of the domain: what the program has proved about packet pointers against
/// `data_end`. A packet pointer is `base(sym) + c` with `c` a constant, where the symbol `sym` is
///
/// - null: the base is `data` (then `off`, the offset from `data`, says where the pointer is);
/// - an integer SSA value `x`: the base is `data + x` (`p = data + 14 + x`);
/// - a pointer SSA value: the base is that pointer (a block parameter merging different
///   pointers, a function's parameter, a sum with a second variable part).
///
/// The state keeps, per symbol, `R` with `base(sym) + R <= data_end` proven (`dataRange` for
/// `data`), and each pointer keeps its own `range` for when it outlives its symbol. After
/// `if (p + k > data_end) goto out` the fall-through learns `R(sym(p)) >= c(p) + k`, which every
/// pointer with that symbol and a smaller constant can use — the kernel's `find_good_pkt_pointers`
/// with SSA values as the ids. Integer symbols make the fact survive a loop's back edge: a check
/// of `data + i + 9` on one iteration is a check of `data + (i + 1) + 8` on the next, so the
/// parameter receiving `i + 1` gets `R = 8` ([#intoParam]).
///
/// An id must name one run-time value: when the instruction defining a symbol runs again, its
/// facts are dropped and pointers spilled to the stack that name it become `data`-relative
/// ([#forget]).
final class Packet {
    /// The longest packet (the runtime's packet window): a pointer proven at or before `data_end`
    /// is at most this far from `data`. Pointer arithmetic may reach twice as far
    /// ([MemoryAccess#MAX_VAR_OFF]) before it is refused as unbounded, which leaves room for the
    /// step past the end that ends a parsing loop and keeps every packet address far from 64-bit
    /// wrap-around, so `p <= data_end` really means `p` lies in the packet.
    static final long MAX_OFFSET = 1L << 28;

    private Packet() {
    }

    /// Bytes after `p` proven to lie before `data_end` (0 if none).
    static long provenRange(State s, Ptr p) {
        long r = p.range();
        if (p.sym() != null) r = Math.max(r, s.range(p.sym()) - p.c());
        if (s.dataRange > 0) r = Math.max(r, s.dataRange - p.off().smax());
        return Math.max(r, 0);
    }

    /// Whether `[p + off, p + off + size)` is proven inside the packet.
    static boolean inBounds(State s, Ptr p, long off, int size) {
        if (p.off().smin() + off < 0) return false;
        return off + size <= provenRange(s, p);
    }

    /// `p` as the pointer symbol `sym` with constant 0, keeping what is proven about it (into the
    /// state `into`): how a pointer enters a block parameter, a callee or a call result.
    static Ptr rebase(State from, State into, Ptr p, Value sym) {
        long r = provenRange(from, p);
        into.setRange(sym, r);
        return new Ptr(Region.PACKET, 0, p.off(), sym, 0, r, false, null);
    }

    /// `p` without its symbol (what a pointer keeps when it leaves the function or outlives its
    /// symbol's definition).
    static Ptr anonymous(State s, Ptr p) {
        return new Ptr(Region.PACKET, 0, p.off(), null, 0, provenRange(s, p), false, null);
    }

    /// `base + x` for an integer `x` that is not a constant (`xv` its value; `result` the value
    /// defined).
    static Ptr addVariable(State s, Ptr base, Value xv, Scalar x, Scalar off, Value result) {
        long r = Math.max(0, provenRange(s, base) - x.smax());
        if (base.sym() == null && base.off().isConstant()) {
            Value sym = canonical(s, xv);
            return new Ptr(Region.PACKET, 0, off, sym, base.off().umin(), r, false, null);
        }
        s.setRange(result, r);
        return new Ptr(Region.PACKET, 0, off, result, 0, r, false, null);
    }

    /// Records that `p + extra <= data_end` holds; `pv` is the value compared (or null).
    static void learn(State s, Value pv, Ptr p, long extra) {
        long lo = p.off().smin();
        if (lo >= 0 && lo + extra > s.dataRange) s.dataRange = lo + extra;
        if (p.sym() != null && p.c() + extra > s.range(p.sym())) s.setRange(p.sym(), p.c() + extra);
        // A pointer at or before data_end is no further from data than a packet is long.
        if (pv != null && s.get(pv) instanceof Ptr q && q.region() == Region.PACKET) s.set(pv, clamp(q, MAX_OFFSET - extra));
        if (p.sym() != null && s.get(p.sym()) instanceof Ptr q && q.region() == Region.PACKET && q.sym() == p.sym()) {
            s.set(p.sym(), clamp(q, MAX_OFFSET - extra - p.c()));
        }
    }

    /// What `s` implies for `sym` without an explicit fact: `data + x <= data + max(x)` for an
    /// integer symbol, the pointer's own proven range for a pointer symbol.
    static long implied(State s, Value sym) {
        AbsValue v = s.get(sym);
        if (v instanceof Scalar x && x.smax() <= MAX_OFFSET && x.smin() >= -MAX_OFFSET) return Math.max(0, s.dataRange - x.smax());
        if (v instanceof Ptr p && p.region() == Region.PACKET) return provenRange(s, p);
        return 0;
    }

    /// `sym` is being defined again: its facts go, and spilled pointers naming it keep only what
    /// they proved.
    static void forget(State s, Value sym) {
        if (s.pktRange.containsKey(sym)) s.setRange(sym, 0);
        for (StackFrame f : s.frames) {
            if (!f.hasNamedPacketSpill()) continue;
            f.forEachSpill((off, v) -> v instanceof Ptr q && q.region() == Region.PACKET && sym.equals(q.sym()) ? anonymous(s, q) : v);
        }
    }

    /// The facts an integer block parameter `param` inherits from the argument `arg` it receives
    /// on an edge leaving `from`: when `arg` is a symbol plus a constant `k`, `R(param) = R - k`.
    static void intoParam(State from, State into, Value param, Value arg) {
        if (from.pktRange.isEmpty()) return;
        long k = 0;
        Value v = arg;
        for (int depth = 0; depth < 6 && v != null; depth++) {
            Long r = from.pktRange.get(v);
            if (r != null && r - k > into.range(param)) into.setRange(param, r - k);
            Instruction op = v.definingInst() == null ? null : v.definingInst().op();
            if (op instanceof Instruction.Binary b && b.b().asConst() != null && v.type() != Type.I32
                    && (b.op() == BinaryOp.ADD || b.op() == BinaryOp.SUB)) {
                long c = b.b().asConst().value();
                k += b.op() == BinaryOp.ADD ? c : -c;
                v = b.a();
            } else {
                Value c = copyOf(from, v);
                if (c == null) return;
                v = c;
            }
        }
    }

    /// The value `v` is an exact copy of (a zero-extension or truncation of a value that fits),
    /// or null.
    private static Value copyOf(State s, Value v) {
        if (v.definingInst() == null) return null;
        return switch (v.definingInst().op()) {
            case Instruction.Extend e when !e.signed() && e.fromBits() == 32 && s.get(e.a()) instanceof Scalar x && x.fits32() -> e.a();
            case Instruction.Trunc t when s.get(t.a()) instanceof Scalar x && x.fits32() -> t.a();
            default -> null;
        };
    }

    /// The value that names `v`'s number: `v` through exact copies, so `data + (u64)(u32)i` and
    /// `data + i` share a symbol.
    static Value canonical(State s, Value v) {
        for (int i = 0; i < 6; i++) {
            Value c = copyOf(s, v);
            if (c == null) return v;
            v = c;
        }
        return v;
    }

    /// Every packet pointer in the state made an unknown integer: a helper moved the packet
    /// (`bpf_xdp_adjust_head`), so none of them is valid any more (as the kernel's
    /// `clear_all_pkt_pointers`).
    static void invalidate(State s) {
        s.dataRange = 0;
        s.pktRange = java.util.Map.of();
        for (int i = 0; i < s.values.length; i++) {
            if (s.values[i] instanceof Ptr q && (q.region() == Region.PACKET || q.region() == Region.PACKET_END)) s.values[i] = Scalar.UNKNOWN;
        }
        for (StackFrame f : s.frames) {
            f.forEachSpill((off, v) -> v instanceof Ptr q && (q.region() == Region.PACKET || q.region() == Region.PACKET_END) ? Scalar.UNKNOWN : v);
        }
    }

    /// `p` with its offset from `data` at most `max`.
    private static Ptr clamp(Ptr p, long max) {
        Scalar off = p.off().meet(Scalar.signed(Long.MIN_VALUE, max));
        if (off == null) return p;
        return new Ptr(p.region(), p.id(), off, p.sym(), p.c(), p.range(), p.maybeNull(), p.nullId());
    }
}
