package dev.ebpfc.ir.verify;

import dev.ebpfc.ir.BinaryOp;

/// The abstract value of an integer: unsigned bounds, signed bounds and known bits, kept
/// consistent with each other ([#of] tightens each from the others, as the kernel's
/// `reg_bounds_sync` does). Values are 64-bit; an `i32` value is held zero-extended, exactly as
/// the IR holds it, so it simply has `umax < 2^32`. 32-bit operations compute on 64 bits and then
/// [#truncate] (or, for the signed ones, on [#sext] views), which is exact modular arithmetic.
///
/// Every operation over-approximates: the result contains every concrete result of the operation
/// on concrete members of the operands. Bottom (no value) is `null`.
public record Scalar(long umin, long umax, long smin, long smax, Tnum bits) implements AbsValue {
    public static final Scalar UNKNOWN = new Scalar(0, -1L, Long.MIN_VALUE, Long.MAX_VALUE, Tnum.UNKNOWN);
    public static final Scalar U32 = unsigned(0, 0xffff_ffffL);
    public static final Scalar BOOL = unsigned(0, 1);
    private static final long M32 = 0xffff_ffffL;

    public static Scalar constant(long v) {
        return new Scalar(v, v, v, v, Tnum.constant(v));
    }

    /// Every value in the unsigned range `[min, max]`.
    public static Scalar unsigned(long min, long max) {
        return of(min, max, Long.MIN_VALUE, Long.MAX_VALUE, Tnum.UNKNOWN);
    }

    /// Every value in the signed range `[min, max]`.
    public static Scalar signed(long min, long max) {
        return of(0, -1L, min, max, Tnum.UNKNOWN);
    }

    /// Every value of `bytes` bytes, zero-extended (a load's result).
    public static Scalar ofSize(int bytes) {
        return bytes >= 8 ? UNKNOWN : unsigned(0, (1L << (8 * bytes)) - 1);
    }

    /// The values satisfying all of the given facts, each tightened by the others; null if none.
    public static Scalar of(long umin, long umax, long smin, long smax, Tnum bits) {
        for (int round = 0; round < 3; round++) {
            if (Long.compareUnsigned(umin, umax) > 0 || smin > smax) return null;
            // Known bits bound both orders; known low bits (alignment, parity) snap the
            // unsigned bounds to the nearest values that have them.
            umin = umaxOf(umin, bits.umin());
            umax = uminOf(umax, bits.umax());
            int k = Long.numberOfTrailingZeros(bits.mask());
            if (k > 0 && k < 64) {
                long m = (1L << k) - 1, low = bits.value() & m;
                long up = (low - umin) & m, down = (umax - low) & m;
                if (Long.compareUnsigned(umin, -1L - up) > 0 || Long.compareUnsigned(umax, down) < 0) return null;
                umin += up;
                umax -= down;
                if (Long.compareUnsigned(umin, umax) > 0) return null;
            }
            smin = Math.max(smin, bits.smin());
            smax = Math.min(smax, bits.smax());
            if (Long.compareUnsigned(umin, umax) > 0 || smin > smax) return null;
            // An unsigned range on one side of the sign boundary is also a signed range, and back.
            if ((umin ^ umax) >= 0) {
                smin = Math.max(smin, umin);
                smax = Math.min(smax, umax);
            }
            if ((smin ^ smax) >= 0) {
                umin = umaxOf(umin, smin);
                umax = uminOf(umax, smax);
            }
            if (Long.compareUnsigned(umin, umax) > 0 || smin > smax) return null;
            Tnum t = bits.meet(Tnum.range(umin, umax));
            if (t == null) return null;
            if ((smin ^ smax) >= 0) {
                t = t.meet(Tnum.range(smin, smax));
                if (t == null) return null;
            }
            if (t.equals(bits)) {
                bits = t;
                break;
            }
            bits = t;
        }
        if (Long.compareUnsigned(umin, umax) > 0 || smin > smax) return null;
        return new Scalar(umin, umax, smin, smax, bits);
    }

    public boolean isConstant() {
        return umin == umax;
    }

    public boolean contains(long v) {
        return Long.compareUnsigned(v, umin) >= 0 && Long.compareUnsigned(v, umax) <= 0 && v >= smin && v <= smax && bits.contains(v);
    }

    /// Whether every value fits in 32 bits unsigned (the form of an `i32`).
    public boolean fits32() {
        return Long.compareUnsigned(umax, M32) <= 0;
    }

    // ---- lattice --------------------------------------------------------------------------------

    public Scalar join(Scalar o) {
        if (equals(o)) return this;
        return new Scalar(uminOf(umin, o.umin), umaxOf(umax, o.umax), Math.min(smin, o.smin), Math.max(smax, o.smax), bits.join(o.bits));
    }

    /// The values in both; null if none.
    public Scalar meet(Scalar o) {
        Tnum t = bits.meet(o.bits);
        if (t == null) return null;
        return of(umaxOf(umin, o.umin), uminOf(umax, o.umax), Math.max(smin, o.smin), Math.min(smax, o.smax), t);
    }

    /// `this` widened by `next` (which contains it): each bound that moved jumps to the next
    /// threshold, so ascending chains at loop headers are finite.
    public Scalar widen(Scalar next, Thresholds th) {
        long nu0 = Long.compareUnsigned(next.umin, umin) < 0 ? th.unsignedBelow(next.umin) : umin;
        long nu1 = Long.compareUnsigned(next.umax, umax) > 0 ? th.unsignedAbove(next.umax) : umax;
        long ns0 = next.smin < smin ? th.signedBelow(next.smin) : smin;
        long ns1 = next.smax > smax ? th.signedAbove(next.smax) : smax;
        Scalar w = of(nu0, nu1, ns0, ns1, bits.join(next.bits));
        return w == null ? UNKNOWN : w;
    }

    // ---- arithmetic -----------------------------------------------------------------------------

    /// `a op b` on 64 bits.
    public static Scalar binary(BinaryOp op, Scalar a, Scalar b) {
        if (a.isConstant() && b.isConstant()) return constant(op.evaluate(a.umin, b.umin, dev.ebpfc.ir.Type.I64));
        return switch (op) {
            case ADD -> add(a, b);
            case SUB -> sub(a, b);
            case MUL -> mul(a, b);
            case AND -> nonNull(of(0, uminOf(a.umax, b.umax), Long.MIN_VALUE, Long.MAX_VALUE, a.bits.and(b.bits)));
            case OR -> nonNull(of(umaxOf(a.umin, b.umin), -1L, Long.MIN_VALUE, Long.MAX_VALUE, a.bits.or(b.bits)));
            case XOR -> nonNull(of(0, -1L, Long.MIN_VALUE, Long.MAX_VALUE, a.bits.xor(b.bits)));
            case SHL -> shift(op, a, b, 64);
            case LSHR -> shift(op, a, b, 64);
            case ASHR -> shift(op, a, b, 64);
            case UDIV -> udiv(a, b);
            case UREM -> urem(a, b);
            case SDIV -> UNKNOWN;
            case SREM -> srem(a, b);
        };
    }

    /// `a op b` on the low 32 bits, zero-extended (the IR's `op.i32`).
    public static Scalar binary32(BinaryOp op, Scalar a, Scalar b) {
        a = a.truncate(32);
        b = b.truncate(32);
        if (a.isConstant() && b.isConstant()) return constant(op.evaluate(a.umin, b.umin, dev.ebpfc.ir.Type.I32));
        return switch (op) {
            case ADD, SUB, MUL, AND, OR, XOR, UDIV, UREM -> binary(op, a, b).truncate(32);
            case SHL, LSHR -> shift(op, a, b, 32).truncate(32);
            case ASHR -> shift(op, a.sext(32), b, 32).truncate(32);
            case SDIV, SREM -> binary(op, a.sext(32), b.sext(32)).truncate(32);
        };
    }

    public static Scalar add(Scalar a, Scalar b) {
        long u0 = a.umin + b.umin, u1 = a.umax + b.umax;
        boolean lowWraps = Long.compareUnsigned(u0, a.umin) < 0, highWraps = Long.compareUnsigned(u1, a.umax) < 0;
        if (lowWraps != highWraps) {
            u0 = 0;
            u1 = -1L;
        }
        long s0, s1;
        try {
            s0 = Math.addExact(a.smin, b.smin);
            s1 = Math.addExact(a.smax, b.smax);
        } catch (ArithmeticException e) {
            s0 = Long.MIN_VALUE;
            s1 = Long.MAX_VALUE;
        }
        return nonNull(of(u0, u1, s0, s1, a.bits.add(b.bits)));
    }

    public static Scalar sub(Scalar a, Scalar b) {
        long u0 = a.umin - b.umax, u1 = a.umax - b.umin;
        boolean lowWraps = Long.compareUnsigned(a.umin, b.umax) < 0, highWraps = Long.compareUnsigned(a.umax, b.umin) < 0;
        if (lowWraps != highWraps) {
            u0 = 0;
            u1 = -1L;
        }
        long s0, s1;
        try {
            s0 = Math.subtractExact(a.smin, b.smax);
            s1 = Math.subtractExact(a.smax, b.smin);
        } catch (ArithmeticException e) {
            s0 = Long.MIN_VALUE;
            s1 = Long.MAX_VALUE;
        }
        return nonNull(of(u0, u1, s0, s1, a.bits.sub(b.bits)));
    }

    private static Scalar mul(Scalar a, Scalar b) {
        long u0 = 0, u1 = -1L;
        if (Math.unsignedMultiplyHigh(a.umax, b.umax) == 0) {
            u0 = a.umin * b.umin;
            u1 = a.umax * b.umax;
        }
        long s0 = Long.MIN_VALUE, s1 = Long.MAX_VALUE;
        try {
            long p1 = Math.multiplyExact(a.smin, b.smin), p2 = Math.multiplyExact(a.smin, b.smax);
            long p3 = Math.multiplyExact(a.smax, b.smin), p4 = Math.multiplyExact(a.smax, b.smax);
            s0 = Math.min(Math.min(p1, p2), Math.min(p3, p4));
            s1 = Math.max(Math.max(p1, p2), Math.max(p3, p4));
        } catch (ArithmeticException e) {
            // keep the full signed range
        }
        Tnum t = Tnum.UNKNOWN;
        // Multiplying by 2^k is a shift: the low k bits are known zero.
        int tz = Math.min(64, Long.numberOfTrailingZeros(a.bits.umax()) + Long.numberOfTrailingZeros(b.bits.umax()));
        if (tz > 0 && tz < 64) t = new Tnum(0, -1L << tz);
        return nonNull(of(u0, u1, s0, s1, t));
    }

    private static Scalar shift(BinaryOp op, Scalar a, Scalar b, int width) {
        long mask = width - 1;
        if (b.isConstant()) {
            int k = (int) (b.umin & mask);
            return switch (op) {
                case SHL -> {
                    long u0 = 0, u1 = -1L;
                    if (k == 0 || Long.compareUnsigned(a.umax, -1L >>> k) <= 0) {
                        u0 = a.umin << k;
                        u1 = a.umax << k;
                    }
                    yield nonNull(of(u0, u1, Long.MIN_VALUE, Long.MAX_VALUE, a.bits.shl(k)));
                }
                case LSHR -> nonNull(of(a.umin >>> k, a.umax >>> k, Long.MIN_VALUE, Long.MAX_VALUE, a.bits.lshr(k)));
                default -> nonNull(of(0, -1L, a.smin >> k, a.smax >> k, a.bits.ashr(k)));
            };
        }
        if (Long.compareUnsigned(b.umax, mask) > 0) return UNKNOWN;
        int lo = (int) b.umin, hi = (int) b.umax;
        return switch (op) {
            case LSHR -> unsigned(a.umin >>> hi, a.umax >>> lo);
            case ASHR -> signed(Math.min(a.smin >> lo, a.smin >> hi), Math.max(a.smax >> lo, a.smax >> hi));
            default -> Long.compareUnsigned(a.umax, -1L >>> hi) <= 0 ? unsigned(a.umin << lo, a.umax << hi) : UNKNOWN;
        };
    }

    private static Scalar udiv(Scalar a, Scalar b) {
        // BPF: division by zero gives 0.
        if (b.umin != 0) return unsigned(Long.divideUnsigned(a.umin, b.umax), Long.divideUnsigned(a.umax, b.umin));
        return unsigned(0, a.umax);
    }

    private static Scalar urem(Scalar a, Scalar b) {
        // BPF: the remainder by zero is the dividend.
        if (b.umin != 0) return unsigned(0, uminOf(a.umax, b.umax - 1));
        return unsigned(0, a.umax);
    }

    private static Scalar srem(Scalar a, Scalar b) {
        if (a.smin >= 0 && b.smin > 0) return unsigned(0, Math.min(a.smax, b.smax - 1));
        return UNKNOWN;
    }

    public Scalar neg() {
        return sub(constant(0), this);
    }

    public Scalar not() {
        return binary(BinaryOp.XOR, this, constant(-1L));
    }

    /// The low `width` bits, zero-extended: exact when the values lie in one `2^width` block.
    public Scalar truncate(int width) {
        if (width >= 64) return this;
        long m = (1L << width) - 1;
        if (Long.compareUnsigned(umax, m) <= 0) return this;
        Tnum t = bits.truncate(width);
        if ((smin >> width) == (smax >> width)) return nonNull(of(smin & m, smax & m, Long.MIN_VALUE, Long.MAX_VALUE, t));
        if ((umin >>> width) == (umax >>> width)) return nonNull(of(umin & m, umax & m, Long.MIN_VALUE, Long.MAX_VALUE, t));
        return nonNull(of(0, m, Long.MIN_VALUE, Long.MAX_VALUE, t));
    }

    /// The low `width` bits sign-extended to 64.
    public Scalar sext(int width) {
        if (width >= 64) return this;
        Scalar low = truncate(width);
        long half = 1L << (width - 1);
        if (Long.compareUnsigned(low.umax, half) < 0) return low;
        if (Long.compareUnsigned(low.umin, half) >= 0) {
            long off = 1L << width;
            return nonNull(of(low.umin - off, low.umax - off, low.umin - off, low.umax - off, Tnum.UNKNOWN));
        }
        return signed(-half, half - 1);
    }

    /// Reverses the low `width` bytes.
    public Scalar byteSwap(int width) {
        if (isConstant()) {
            long v = switch (width) {
                case 16 -> Short.reverseBytes((short) umin) & 0xffffL;
                case 32 -> Integer.reverseBytes((int) umin) & M32;
                default -> Long.reverseBytes(umin);
            };
            return constant(v);
        }
        return ofSize(width / 8);
    }

    // ---- helpers --------------------------------------------------------------------------------

    static long uminOf(long a, long b) {
        return Long.compareUnsigned(a, b) <= 0 ? a : b;
    }

    static long umaxOf(long a, long b) {
        return Long.compareUnsigned(a, b) >= 0 ? a : b;
    }

    private static Scalar nonNull(Scalar s) {
        // Sound operations on non-empty operands never give an empty result; guard anyway.
        return s == null ? UNKNOWN : s;
    }

    @Override
    public String toString() {
        if (isConstant()) return Long.toString(umin);
        StringBuilder sb = new StringBuilder("scalar(");
        boolean any = false;
        if (umin != 0 || umax != -1L) {
            sb.append("umin=").append(Long.toUnsignedString(umin)).append(",umax=").append(Long.toUnsignedString(umax));
            any = true;
        }
        if (smin != Long.MIN_VALUE || smax != Long.MAX_VALUE) {
            if (any) sb.append(',');
            sb.append("smin=").append(smin).append(",smax=").append(smax);
            any = true;
        }
        if (bits.mask() != -1L && !any) sb.append("var_off=").append(bits);
        return sb.append(')').toString();
    }
}
