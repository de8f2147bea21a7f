package dev.ebpfc.ir.verify;

import dev.ebpfc.frontend.insn.Cond;
import dev.ebpfc.frontend.insn.Width;
import dev.ebpfc.ir.BinaryOp;
import dev.ebpfc.ir.Inst;
import dev.ebpfc.ir.Instruction;
import dev.ebpfc.ir.Type;
import dev.ebpfc.ir.Value;
import dev.ebpfc.ir.verify.AbsValue.Ptr;
import dev.ebpfc.ir.verify.AbsValue.Region;

/// What each edge of a conditional branch learns, for all conditions, 64- and 32-bit: integer
/// bounds and known bits of both operands (and, through copies, extensions and constant offsets,
/// of the values they were computed from), NULL checks of map-lookup results (every copy with the
/// same id), and packet pointers compared with `data_end` ([Packet#learn]). An edge whose
/// condition cannot hold gets no state: the code behind it is dead for this analysis, as the
/// kernel prunes branches it can decide.
final class BranchRefiner {
    private static final long M32 = 0xffff_ffffL;

    private final FunctionAnalysis fa;
    private final Recorder rec;

    BranchRefiner(FunctionAnalysis fa, Recorder rec) {
        this.fa = fa;
        this.rec = rec;
    }

    /// The states on the true and the false edge (null where the edge cannot be taken).
    State[] refine(Inst inst, Instruction.Branch br, State s) {
        State t = s.copy(), f = s.copy();
        Value a = br.a(), b = br.b();
        AbsValue x = s.get(a), y = s.get(b);
        Cond c = br.cond();
        if (a == b) return trivial(c, t, f, a, x);
        if (x instanceof Scalar sx && y instanceof Scalar sy) {
            return new State[]{scalars(t, c, br.width(), a, b, sx, sy, true), scalars(f, c, br.width(), a, b, sx, sy, false)};
        }
        if (x instanceof Ptr p && y instanceof Scalar z && AbsValue.isZero(z)) return nullCheck(t, f, c, p);
        if (y instanceof Ptr p && x instanceof Scalar z && AbsValue.isZero(z)) return nullCheck(t, f, c.swap(), p);
        if (x instanceof Ptr p && y instanceof Ptr q) {
            if (br.width() == Width.W64 && p.region() == Region.PACKET && q.region() == Region.PACKET_END) return packet(t, f, c, a, p);
            if (br.width() == Width.W64 && q.region() == Region.PACKET && p.region() == Region.PACKET_END) return packet(t, f, c.swap(), b, q);
            if (fa.module.strict() && !comparable(p, q)) {
                rec.error(inst, fa.module.names.reg(inst, a) + " comparison of pointers of different kinds (" + p.kindName() + " and " + q.kindName() + ") prohibited");
            }
        }
        return new State[]{t, f};
    }

    /// The outcome of `p cond data_end` (either order, 64-bit, unsigned conditions) when `s`
    /// proves `p < data_end` (a byte after the packet pointer `p` before `data_end`) or, for `>`
    /// and `<=`, `p <= data_end`; null otherwise. Only for the branch facts: the refinement keeps both edges.
    static Boolean packetOutcome(Instruction.Branch br, State s) {
        if (br.width() != Width.W64 || br.a() == br.b()) return null;
        AbsValue x = s.get(br.a()), y = s.get(br.b());
        Cond c = br.cond();
        Ptr p;
        if (x instanceof Ptr a && a.region() == Region.PACKET && y instanceof Ptr e && isDataEnd(e)) p = a;
        else if (y instanceof Ptr b && b.region() == Region.PACKET && x instanceof Ptr e && isDataEnd(e)) {
            p = b;
            c = c.swap();
        } else return null;
        if (p.maybeNull()) return null;
        if (Packet.provenRange(s, p) >= 1) {
            // p < data_end.
            return switch (c) {
                case JLT, JLE, JNE -> Boolean.TRUE;
                case JGT, JGE, JEQ -> Boolean.FALSE;
                default -> null;
            };
        }
        if (atOrBeforeEnd(s, p)) {
            // p <= data_end.
            return switch (c) {
                case JLE -> Boolean.TRUE;
                case JGT -> Boolean.FALSE;
                default -> null;
            };
        }
        return null;
    }

    /// Whether `p <= data_end` is proven by a recorded fact (a range of 0 left by no fact at all
    /// is not one: only positive ranges are).
    private static boolean atOrBeforeEnd(State s, Ptr p) {
        if (s.dataRange > 0 && p.off().smax() <= s.dataRange) return true;
        return p.sym() != null && s.range(p.sym()) > 0 && s.range(p.sym()) >= p.c();
    }

    private static boolean isDataEnd(Ptr e) {
        return e.region() == Region.PACKET_END && !e.maybeNull() && e.off().isConstant() && e.off().umin() == 0;
    }

    private static boolean comparable(Ptr p, Ptr q) {
        if (p.region() == q.region()) return true;
        return (p.region() == Region.PACKET || p.region() == Region.PACKET_END) && (q.region() == Region.PACKET || q.region() == Region.PACKET_END);
    }

    /// `v cond v`.
    private static State[] trivial(Cond c, State t, State f, Value v, AbsValue x) {
        return switch (c) {
            case JEQ, JGE, JLE, JSGE, JSLE -> new State[]{t, null};
            case JNE, JGT, JLT, JSGT, JSLT -> new State[]{null, f};
            case JSET -> {
                if (x instanceof Scalar s) {
                    Scalar nz = s.meet(Scalar.unsigned(1, -1L));
                    Scalar z = s.meet(Scalar.constant(0));
                    if (nz != null) t.set(v, nz);
                    if (z != null) f.set(v, z);
                    yield new State[]{nz == null ? null : t, z == null ? null : f};
                }
                yield new State[]{t, f};
            }
        };
    }

    // ---- integers -----------------------------------------------------------------------------

    private State scalars(State st, Cond c, Width w, Value a, Value b, Scalar x, Scalar y, boolean taken) {
        Scalar[] r = refineScalars(c, w, x, y, taken);
        if (r == null) return null;
        narrow(st, a, r[0], 0);
        narrow(st, b, r[1], 0);
        return st;
    }

    /// `{x', y'}`: `x` and `y` restricted to the pairs where `x cond y` is `taken` at width `w`;
    /// null when no pair is.
    static Scalar[] refineScalars(Cond c, Width w, Scalar x, Scalar y, boolean taken) {
        if (w == Width.W64) return refine64(c, x, y, taken);
        Scalar lx = x.truncate(32), ly = y.truncate(32);
        Scalar[] r;
        if (c.signed) {
            r = refine64(c, lx.sext(32), ly.sext(32), taken);
            if (r == null) return null;
            r = new Scalar[]{r[0].truncate(32), r[1].truncate(32)};
        } else {
            r = refine64(c, lx, ly, taken);
            if (r == null) return null;
        }
        Scalar nx = widenBack(x, r[0]), ny = widenBack(y, r[1]);
        if (nx == null || ny == null) return null;
        return new Scalar[]{nx, ny};
    }

    /// `v` restricted to the values whose low 32 bits lie in `low`.
    private static Scalar widenBack(Scalar v, Scalar low) {
        if (v.fits32()) return v.meet(low);
        long hi;
        if ((v.umin() >>> 32) == (v.umax() >>> 32)) hi = v.umin() & ~M32;
        else if ((v.smin() >> 32) == (v.smax() >> 32)) hi = v.smin() & ~M32;
        else return v;
        Scalar moved = Scalar.add(low, Scalar.constant(hi));
        return v.meet(moved);
    }

    private static Scalar[] refine64(Cond c, Scalar x, Scalar y, boolean taken) {
        if (!taken) {
            if (c == Cond.JSET) return jset(x, y, false);
            c = c.negate();
        }
        return switch (c) {
            case JEQ -> {
                Scalar m = x.meet(y);
                yield m == null ? null : new Scalar[]{m, m};
            }
            case JNE -> {
                Scalar nx = x, ny = y;
                if (y.isConstant()) nx = without(x, y.umin());
                if (x.isConstant()) ny = without(y, x.umin());
                yield nx == null || ny == null ? null : new Scalar[]{nx, ny};
            }
            case JGT -> ugt(x, y, 1);
            case JGE -> ugt(x, y, 0);
            case JLT -> swap(ugt(y, x, 1));
            case JLE -> swap(ugt(y, x, 0));
            case JSGT -> sgt(x, y, 1);
            case JSGE -> sgt(x, y, 0);
            case JSLT -> swap(sgt(y, x, 1));
            case JSLE -> swap(sgt(y, x, 0));
            case JSET -> jset(x, y, true);
        };
    }

    private static Scalar[] swap(Scalar[] r) {
        return r == null ? null : new Scalar[]{r[1], r[0]};
    }

    /// `x > y` (strict = 1) or `x >= y` (strict = 0), unsigned.
    private static Scalar[] ugt(Scalar x, Scalar y, int strict) {
        if (strict == 1 && (y.umin() == -1L || x.umax() == 0)) return null;
        Scalar nx = x.meet(Scalar.unsigned(y.umin() + strict, -1L));
        Scalar ny = y.meet(Scalar.unsigned(0, x.umax() - strict));
        return nx == null || ny == null ? null : new Scalar[]{nx, ny};
    }

    private static Scalar[] sgt(Scalar x, Scalar y, int strict) {
        if (strict == 1 && (y.smin() == Long.MAX_VALUE || x.smax() == Long.MIN_VALUE)) return null;
        Scalar nx = x.meet(Scalar.signed(y.smin() + strict, Long.MAX_VALUE));
        Scalar ny = y.meet(Scalar.signed(Long.MIN_VALUE, x.smax() - strict));
        return nx == null || ny == null ? null : new Scalar[]{nx, ny};
    }

    private static Scalar[] jset(Scalar x, Scalar y, boolean taken) {
        if (!y.isConstant()) {
            if (x.isConstant()) return swap(jset(y, x, taken));
            if (!taken && ((x.bits().value() & y.bits().value()) != 0)) return null;
            if (taken && ((x.bits().umax() & y.bits().umax()) == 0)) return null;
            return new Scalar[]{x, y};
        }
        long k = y.umin();
        if (taken) {
            if ((x.bits().umax() & k) == 0) return null;
            if (Long.bitCount(k) == 1) {
                Scalar nx = x.meet(Scalar.of(0, -1L, Long.MIN_VALUE, Long.MAX_VALUE, new Tnum(k, ~k)));
                return nx == null ? null : new Scalar[]{nx, y};
            }
            return new Scalar[]{x, y};
        }
        if ((x.bits().value() & k) != 0) return null;
        Scalar nx = x.meet(Scalar.of(0, -1L, Long.MIN_VALUE, Long.MAX_VALUE, new Tnum(0, ~k)));
        return nx == null ? null : new Scalar[]{nx, y};
    }

    /// `x` without the value `k`: only a bound equal to `k` moves.
    private static Scalar without(Scalar x, long k) {
        if (x.isConstant()) return x.umin() == k ? null : x;
        Scalar r = x;
        if (r.umin() == k) r = r.meet(Scalar.unsigned(k + 1, -1L));
        else if (r != null && r.umax() == k) r = r.meet(Scalar.unsigned(0, k - 1));
        if (r != null && r.smin() == k) r = r.meet(Scalar.signed(k + 1, Long.MAX_VALUE));
        else if (r != null && r.smax() == k) r = r.meet(Scalar.signed(Long.MIN_VALUE, k - 1));
        return r;
    }

    /// Sets `v` to `n` and pushes the restriction back through the instruction defining `v`
    /// where it has an exact inverse: extensions and truncations of in-range values, and the
    /// addition or subtraction of a constant (what `w1 = w2; w1 += 4` lifts to).
    static void narrow(State s, Value v, Scalar n, int depth) {
        AbsValue old = s.get(v);
        if (!(old instanceof Scalar o) || o.equals(n)) return;
        s.set(v, n);
        if (depth > 4 || v.definingInst() == null) return;
        switch (v.definingInst().op()) {
            case Instruction.Extend e when !e.signed() && s.get(e.a()) instanceof Scalar src -> {
                Scalar back = null;
                if (Long.compareUnsigned(src.umax(), (1L << e.fromBits()) - 1) <= 0) back = src.meet(n);
                else if (e.fromBits() == 32) back = widenBack(src, n.truncate(32));
                if (back != null) narrow(s, e.a(), back, depth + 1);
            }
            case Instruction.Trunc tr when s.get(tr.a()) instanceof Scalar src -> {
                Scalar back = widenBack(src, n);
                if (back != null) narrow(s, tr.a(), back, depth + 1);
            }
            case Instruction.Binary bin when (bin.op() == BinaryOp.ADD || bin.op() == BinaryOp.SUB) && bin.b().asConst() != null
                    && s.get(bin.a()) instanceof Scalar src -> {
                Scalar k = Scalar.constant(bin.b().asConst().value());
                BinaryOp inverse = bin.op() == BinaryOp.ADD ? BinaryOp.SUB : BinaryOp.ADD;
                Scalar back = v.type() == Type.I32 ? Scalar.binary32(inverse, n, k) : Scalar.binary(inverse, n, k);
                back = src.meet(back);
                if (back != null) narrow(s, bin.a(), back, depth + 1);
            }
            default -> {
            }
        }
    }

    // ---- pointers -----------------------------------------------------------------------------

    /// `p cond 0` for a pointer `p`: a NULL check. For a possibly-NULL pointer the equal edge
    /// makes every copy the integer 0 and the other edge makes them non-NULL; for any other
    /// pointer the equal edge cannot be taken.
    private static State[] nullCheck(State t, State f, Cond c, Ptr p) {
        // Which edge has p == 0, which p != 0.
        State isNull, nonNull;
        switch (c) {
            case JEQ, JLE -> {
                isNull = t;
                nonNull = f;
            }
            case JNE, JGT -> {
                isNull = f;
                nonNull = t;
            }
            default -> {
                return new State[]{t, f};
            }
        }
        if (!p.maybeNull()) {
            return isNull == t ? new State[]{null, f} : new State[]{t, null};
        }
        setCopies(isNull, p, Scalar.constant(0));
        setCopies(nonNull, p, null);
        return new State[]{t, f};
    }

    /// Every value and spill carrying `p`'s null id becomes `to` (null: the same pointer, non-NULL).
    private static void setCopies(State s, Ptr p, AbsValue to) {
        Value id = p.nullId();
        for (int i = 0; i < s.values.length; i++) {
            if (s.values[i] instanceof Ptr q && q.maybeNull() && (q.equals(p) || (id != null && id.equals(q.nullId())))) {
                s.values[i] = to != null ? to : q.nonNull();
            }
        }
        for (StackFrame fr : s.frames) {
            fr.forEachSpill((off, v) -> v instanceof Ptr q && q.maybeNull() && (q.equals(p) || (id != null && id.equals(q.nullId())))
                    ? (to != null ? to : q.nonNull()) : v);
        }
    }

    /// `p cond data_end`, `pv` the value compared.
    private static State[] packet(State t, State f, Cond c, Value pv, Ptr p) {
        switch (c) {
            case JGT, JSGT -> Packet.learn(f, pv, p, 0);
            case JGE, JSGE -> Packet.learn(f, pv, p, 1);
            case JLT, JSLT -> Packet.learn(t, pv, p, 1);
            case JLE, JSLE, JEQ -> Packet.learn(t, pv, p, 0);
            case JNE -> Packet.learn(f, pv, p, 0);
            case JSET -> {
            }
        }
        return new State[]{t, f};
    }
}
