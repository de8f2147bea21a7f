package dev.ebpfc.ir.verify;

import dev.ebpfc.ir.BinaryOp;
import dev.ebpfc.ir.Block;
import dev.ebpfc.ir.BlockCall;
import dev.ebpfc.ir.Inst;
import dev.ebpfc.ir.Instruction;
import dev.ebpfc.ir.Type;
import dev.ebpfc.ir.Value;
import dev.ebpfc.ir.analysis.Loops;
import dev.ebpfc.ir.verify.AbsValue.Ptr;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/// The proof that each loop terminates, on the checking pass's final states. A loop terminates
/// when one of its header's parameters is an induction variable: every back edge passes it plus
/// a non-zero constant of one sign (through copies, 32-bit arithmetic and merges inside the loop),
/// the value passed never wrapped around (its bounds exclude the values a wrap would give), and
/// it is bounded in the direction it moves — by the loop's own exit test, which the edge's
/// refined state reflects. A strictly monotone, bounded, integer sequence is finite. Pointers
/// count too: their offsets are bounded by construction (pointer arithmetic is refused beyond
/// the region limits).
final class LoopTermination {
    private static final long M32 = 0xffff_ffffL;

    private final FunctionAnalysis fa;
    private final Loops loops;
    private final Recorder rec;

    LoopTermination(FunctionAnalysis fa, Loops loops, Recorder rec) {
        this.fa = fa;
        this.loops = loops;
        this.rec = rec;
    }

    /// A step along the chain from the header parameter: `delta` added, through 32-bit
    /// arithmetic when `narrow`.
    private record Step(long delta, boolean narrow) {
    }

    void prove() {
        for (Loops.Loop l : loops.loops()) {
            Block h = l.header();
            if (fa.stateAt(h) == null || terminates(l)) continue;
            Block latch = null;
            for (Block b : l.latches()) if (fa.edgeArgs.containsKey(b) && fa.edgeArgs.get(b).containsKey(h)) latch = b;
            if (latch == null) continue;
            Inst at = latch.terminator();
            int headerSlot = firstSlot(h);
            rec.error(at, "back-edge from slot " + at.slot() + " to slot " + headerSlot
                    + ": cannot prove the loop terminates (no counter or pointer moves by a constant on every iteration within bounds the loop tests)");
        }
    }

    private static int firstSlot(Block b) {
        for (Inst i : b.instructions()) if (i.slot() >= 0) return i.slot();
        return -1;
    }

    private boolean terminates(Loops.Loop l) {
        Block h = l.header();
        for (int i = 0; i < h.params().size(); i++) {
            if (induction(l, h, i)) return true;
        }
        return false;
    }

    private boolean induction(Loops.Loop l, Block h, int index) {
        Value p = h.params().get(index);
        int direction = 0;
        boolean any = false;
        for (Block latch : l.latches()) {
            Map<Block, List<AbsValue>> out = fa.edgeArgs.get(latch);
            List<AbsValue> passed = out == null ? null : out.get(h);
            if (passed == null) continue; // this back edge is never taken
            any = true;
            Value arg = argTo(latch, h, index);
            if (arg == null) return false;
            Step st = step(l, arg, p, new HashSet<>(), 0);
            if (st == null || st.delta == 0) return false;
            int d = Long.signum(st.delta);
            if (direction != 0 && d != direction) return false;
            direction = d;
            if (!boundedStep(h, p, passed.get(index), st)) return false;
        }
        return any;
    }

    /// Whether `passed`, the value `p + delta`, did not wrap and is bounded in the direction of
    /// `delta`.
    private boolean boundedStep(Block h, Value p, AbsValue passed, Step st) {
        long c = st.delta;
        if (passed instanceof Ptr q) {
            // Offsets stay within the region limits by construction; check the step did not wrap.
            return c > 0 ? q.off().smin() >= Long.MIN_VALUE + c : q.off().smax() <= Long.MAX_VALUE + c;
        }
        if (!(passed instanceof Scalar v)) return false;
        if (st.narrow) {
            if (!(fa.stateAt(h).get(p) instanceof Scalar entry) || !entry.fits32() || !v.fits32()) return false;
            long k = c & M32;
            // Increasing: a wrapped sum is below the step; decreasing: a wrapped difference is at
            // least 2^32 - |step|. A 32-bit counter is bounded below by 0 anyway.
            if (c > 0) return Long.compareUnsigned(v.umin(), k) >= 0 && v.umax() < M32;
            return v.umax() <= M32 + c;
        }
        if (c > 0) return v.smin() >= Long.MIN_VALUE + c && v.smax() < Long.MAX_VALUE;
        return v.smax() <= Long.MAX_VALUE + c && v.smin() > Long.MIN_VALUE;
    }

    private static Value argTo(Block latch, Block h, int index) {
        Inst t = latch.terminator();
        if (t == null) return null;
        for (BlockCall c : t.op().blockCalls()) if (c.target() == h) return c.args().get(index);
        return null;
    }

    /// How `v` is `p` plus a constant, or null.
    private Step step(Loops.Loop l, Value v, Value p, Set<Value> seen, int depth) {
        if (v == p) return new Step(0, false);
        if (depth > 16 || !seen.add(v)) return null;
        if (v.isParam()) {
            Block b = v.definingParamBlock();
            if (b == l.header() || !l.contains(b)) return null;
            int i = b.params().indexOf(v);
            Step best = null;
            for (Inst caller : b.distinctCallers()) {
                if (fa.stateAt(caller.block()) == null) continue;
                for (BlockCall c : caller.op().blockCalls()) {
                    if (c.target() != b) continue;
                    Step s = step(l, c.args().get(i), p, seen, depth + 1);
                    if (s == null) return null;
                    if (best == null) best = s;
                    else if (Long.signum(s.delta) != Long.signum(best.delta) || s.narrow != best.narrow) return null;
                    else if (Math.abs(s.delta) < Math.abs(best.delta)) best = s;
                }
            }
            return best;
        }
        Inst d = v.definingInst();
        if (d == null) return null;
        return switch (d.op()) {
            case Instruction.Binary b when (b.op() == BinaryOp.ADD || b.op() == BinaryOp.SUB) && b.b().asConst() != null -> {
                Step s = step(l, b.a(), p, seen, depth + 1);
                if (s == null) yield null;
                long k = b.b().asConst().value();
                if (v.type() == Type.I32) k = (int) k;
                yield new Step(b.op() == BinaryOp.ADD ? s.delta + k : s.delta - k, s.narrow || v.type() == Type.I32);
            }
            case Instruction.Binary b when b.op() == BinaryOp.ADD && b.a().asConst() != null -> {
                Step s = step(l, b.b(), p, seen, depth + 1);
                long k = b.a().asConst().value();
                if (v.type() == Type.I32) k = (int) k;
                yield s == null ? null : new Step(s.delta + k, s.narrow || v.type() == Type.I32);
            }
            case Instruction.Extend e when !e.signed() && e.fromBits() == 32 -> {
                Step s = step(l, e.a(), p, seen, depth + 1);
                yield s == null ? null : new Step(s.delta, true);
            }
            case Instruction.Trunc t -> {
                Step s = step(l, t.a(), p, seen, depth + 1);
                yield s == null ? null : new Step(s.delta, true);
            }
            default -> null;
        };
    }
}
