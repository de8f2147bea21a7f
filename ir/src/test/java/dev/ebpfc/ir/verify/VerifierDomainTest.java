package dev.ebpfc.ir.verify;

import dev.ebpfc.frontend.insn.Cond;
import dev.ebpfc.frontend.insn.Width;
import dev.ebpfc.ir.BinaryOp;
import dev.ebpfc.ir.Type;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/// The integer domain is sound: for random abstract operands and random concrete members of them,
/// every operation's concrete result lies in the abstract result, and each branch edge's refined
/// operands keep every pair for which the condition goes that way.
class VerifierDomainTest {
    private final SplittableRandom rnd = new SplittableRandom(20250701);

    private long value() {
        return switch (rnd.nextInt(6)) {
            case 0 -> rnd.nextLong(-4, 70);
            case 1 -> rnd.nextLong(0, 1L << 32);
            case 2 -> (long) rnd.nextInt();
            case 3 -> rnd.nextLong();
            case 4 -> Long.MAX_VALUE - rnd.nextInt(4);
            default -> Long.MIN_VALUE + rnd.nextInt(4);
        };
    }

    /// A random abstract value and some of its members.
    private Scalar scalar(List<Long> members) {
        long a = value(), b = rnd.nextInt(4) == 0 ? a : value();
        Scalar s = switch (rnd.nextInt(4)) {
            case 0 -> Scalar.constant(a);
            case 1 -> Scalar.unsigned(Scalar.uminOf(a, b), Scalar.umaxOf(a, b));
            case 2 -> Scalar.signed(Math.min(a, b), Math.max(a, b));
            default -> {
                long lo = Math.min(a & 0xffff, b & 0xffff), hi = Math.max(a & 0xffff, b & 0xffff);
                Scalar r = Scalar.of(lo, hi, Long.MIN_VALUE, Long.MAX_VALUE, new Tnum(0, ~((1L << rnd.nextInt(4)) - 1)));
                yield r == null ? Scalar.constant(lo) : r;
            }
        };
        members.add(s.umin());
        members.add(s.umax());
        members.add(s.smin());
        members.add(s.smax());
        for (int i = 0; i < 8; i++) {
            long v = Long.compareUnsigned(s.umax() - s.umin(), 1000) < 0 ? s.umin() + rnd.nextLong(0, s.umax() - s.umin() + 1) : value();
            members.add(v);
        }
        members.removeIf(v -> !s.contains(v));
        return s;
    }

    @Test
    void arithmeticIsSound() {
        int checked = 0;
        for (int round = 0; round < 20_000; round++) {
            List<Long> xs = new ArrayList<>(), ys = new ArrayList<>();
            Scalar x = scalar(xs), y = scalar(ys);
            for (BinaryOp op : BinaryOp.values()) {
                Scalar r64 = Scalar.binary(op, x, y);
                Scalar r32 = Scalar.binary32(op, x, y);
                for (long a : xs) {
                    for (long b : ys) {
                        long c64 = op.evaluate(a, b, Type.I64);
                        long c32 = op.evaluate(a & 0xffff_ffffL, b & 0xffff_ffffL, Type.I32);
                        if (!r64.contains(c64)) fail(op + " " + x + ", " + y + " = " + r64 + " misses " + a + " " + op + " " + b + " = " + c64);
                        if (!r32.contains(c32)) fail(op + ".i32 " + x + ", " + y + " = " + r32 + " misses " + a + " " + op + " " + b + " = " + c32);
                        checked++;
                    }
                }
            }
            for (long a : xs) {
                for (int bits : new int[]{8, 16, 32}) {
                    long t = bits == 64 ? a : a & ((1L << bits) - 1);
                    long sx = (t << (64 - bits)) >> (64 - bits);
                    assertTrue(x.truncate(bits).contains(t), x + " truncated to " + bits + " misses " + t);
                    assertTrue(x.sext(bits).contains(sx), x + " sext " + bits + " misses " + sx);
                }
                assertTrue(x.neg().contains(-a));
                assertTrue(x.not().contains(~a));
            }
        }
        assertTrue(checked > 1_000_000, "only " + checked + " checks");
    }

    @Test
    void branchRefinementIsSound() {
        for (int round = 0; round < 20_000; round++) {
            List<Long> xs = new ArrayList<>(), ys = new ArrayList<>();
            Scalar x = scalar(xs), y = scalar(ys);
            for (Cond c : Cond.values()) {
                for (Width w : Width.values()) {
                    Scalar[] t = BranchRefiner.refineScalars(c, w, x, y, true);
                    Scalar[] f = BranchRefiner.refineScalars(c, w, x, y, false);
                    for (long a : xs) {
                        for (long b : ys) {
                            long ta = w == Width.W32 ? a & 0xffff_ffffL : a, tb = w == Width.W32 ? b & 0xffff_ffffL : b;
                            Scalar[] edge = c.test(ta, tb, w) ? t : f;
                            String what = c + "." + w + " " + x + ", " + y + " with " + a + ", " + b;
                            if (edge == null) fail(what + ": edge pruned");
                            if (!edge[0].contains(a) || !edge[1].contains(b)) fail(what + ": refined to " + edge[0] + ", " + edge[1]);
                        }
                    }
                }
            }
        }
    }

    @Test
    void joinAndMeetBehave() {
        for (int round = 0; round < 20_000; round++) {
            List<Long> xs = new ArrayList<>(), ys = new ArrayList<>();
            Scalar x = scalar(xs), y = scalar(ys);
            Scalar j = x.join(y);
            for (long a : xs) assertTrue(j.contains(a));
            for (long b : ys) assertTrue(j.contains(b));
            Scalar m = x.meet(y);
            for (long a : xs) if (y.contains(a)) assertTrue(m != null && m.contains(a), x + " meet " + y + " misses " + a);
        }
        assertEquals(Scalar.constant(5), Scalar.unsigned(5, 5));
        assertEquals(null, Scalar.unsigned(3, 4).meet(Scalar.unsigned(6, 9)));
    }
}
