package dev.ebpfc.ir.opt;

import dev.ebpfc.frontend.insn.Cond;
import dev.ebpfc.frontend.insn.Width;
import dev.ebpfc.ir.BinaryOp;
import dev.ebpfc.ir.Block;
import dev.ebpfc.ir.Function;
import dev.ebpfc.ir.Inst;
import dev.ebpfc.ir.Instruction;
import dev.ebpfc.ir.Instruction.*;
import dev.ebpfc.ir.Module;
import dev.ebpfc.ir.Type;
import dev.ebpfc.ir.UnaryOp;
import dev.ebpfc.ir.Value;

import java.util.List;

/// Strength reduction and algebraic peepholes, each a local rewrite that keeps BPF semantics
/// exactly ([BinaryOp] is the law: division by zero gives 0, remainder by zero the dividend, shift
/// counts are masked, `INT_MIN sdiv -1` is `INT_MIN`):
/// - constants to the right of commutative operations and comparisons (swapping the condition);
///   operations on two constants folded;
/// - `x * 2^k` → `x << k`, `x udiv 2^k` → `x lshr k`, `x urem 2^k` → `x & (2^k - 1)`; `sdiv`/`srem`
///   by `2^k` become the unsigned forms only when `x` is known non-negative (rounding toward zero
///   differs otherwise); `x sdiv -1` → `neg x` (wraps at `INT_MIN` as BPF does), `x srem ±1` → 0;
///   division by the constant 0 → 0, remainder by 0 → `x`;
/// - shift counts ≥ the width masked (BPF masks them), shifts by 0 removed;
/// - identities: `x + 0`, `x * 1`, `x & -1`, `x | 0`, `x ^ 0` → `x`; `x * 0`, `x & 0` → 0,
///   `x | -1` → -1; `x - x`, `x ^ x` → 0; `x & x`, `x | x` → `x`; `x ^ -1` → `not x`;
///   `neg neg x`, `not not x` → `x`; `x + neg y` → `x - y`, `x - neg y` → `x + y`, `0 - x` → `neg x`;
///   `(x + c1) + c2` → `x + (c1 + c2)` when the inner sum has no other use;
/// - comparisons of a value with itself, or of two constants, decided; a decided `br` becomes a
///   `jump`, a `select` on a constant picks its operand.
///
/// A rewrite that would change a result's type (a pointer where an `i64` was: `or.i64 p, 0` is
/// not `p`) is skipped, since result types are computed from operand types.
public final class Peepholes implements Pass {
    @Override
    public String name() {
        return "peephole";
    }

    @Override
    public void run(Module module, PassContext context) {
        for (Function f : module.functions()) {
            for (int round = 0; round < 16; round++) {
                long changes = 0;
                for (Block b : f.blocks()) {
                    for (Inst i : List.copyOf(b.instructions())) {
                        if (i.block() != null && rewrite(i)) changes++;
                    }
                }
                context.count("peephole.rewrites", changes);
                if (changes == 0) break;
            }
        }
    }

    /// Applies the first rule that matches `i`; returns whether anything changed.
    private static boolean rewrite(Inst i) {
        return switch (i.op()) {
            case Binary bin -> binary(i, bin);
            case Unary(UnaryOp op, Value a) -> {
                Long k = constant(a);
                if (k != null) yield setConst(i, op.evaluate(k, i.result().type()));
                if (a.definingInst() != null && a.definingInst().op() instanceof Unary(UnaryOp inner, Value x) && inner == op) {
                    yield Rewrites.replace(i, x);
                }
                yield false;
            }
            case Cmp(Cond cond, Width w, Value a, Value b) -> {
                Boolean d = decide(cond, w, a, b);
                if (d != null) yield setConst(i, d ? 1 : 0);
                if (a.asConst() != null && b.asConst() == null) {
                    i.setOp(new Cmp(cond.swap(), w, b, a));
                    yield true;
                }
                yield false;
            }
            case Branch br -> {
                Boolean d = decide(br.cond(), br.width(), br.a(), br.b());
                if (d != null) {
                    i.setOp(new Jump(d ? br.ifTrue() : br.ifFalse()));
                    Rewrites.eraseIfDead(br.a());
                    Rewrites.eraseIfDead(br.b());
                    yield true;
                }
                if (br.a().asConst() != null && br.b().asConst() == null) {
                    i.setOp(new Branch(br.cond().swap(), br.width(), br.b(), br.a(), br.ifTrue(), br.ifFalse()));
                    yield true;
                }
                yield false;
            }
            case Select(Value c, Value t, Value e) -> {
                Long k = constant(c);
                if (k != null) yield Rewrites.replace(i, k != 0 ? t : e);
                yield t == e && Rewrites.replace(i, t);
            }
            default -> false;
        };
    }

    private static boolean binary(Inst i, Binary bin) {
        BinaryOp op = bin.op();
        Value a = bin.a(), b = bin.b();
        Type type = i.result().type();
        int width = type.bits();
        long ones = width == 32 ? 0xffff_ffffL : -1L;
        Long ka = constant(a), kb = constant(b);
        if (ka != null && kb != null && !type.isPointer()) return setConst(i, op.evaluate(ka, kb, type));
        if (op.commutative && ka != null && kb == null) {
            i.setOp(new Binary(op, b, a));
            return true;
        }
        if (kb != null) {
            long k = kb;
            // A signed divisor 2^k must be positive at the operation's width (0x8000_0000 is INT_MIN in i32).
            boolean positivePowerOfTwo = isPowerOfTwo(k) && (k & (1L << (width - 1))) == 0;
            if (op.isShift()) {
                long masked = k & (width - 1);
                if (masked == 0) return Rewrites.replace(i, a);
                if (masked != k) return setOperandB(i, bin, Rewrites.constant(i, b.type(), masked));
                return false;
            }
            if (op.rightIdentity() != null && (k == (op.rightIdentity() & ones)) && Rewrites.replace(i, a)) return true;
            switch (op) {
                case MUL -> {
                    if (k == 0) return setConst(i, 0);
                    if (isPowerOfTwo(k)) return setOp(i, new Binary(BinaryOp.SHL, a, Rewrites.constant(i, b.type(), Long.numberOfTrailingZeros(k))));
                }
                case AND -> {
                    if (k == 0) return setConst(i, 0);
                }
                case OR -> {
                    if (k == ones) return setConst(i, ones);
                }
                case XOR -> {
                    if (k == ones && !a.type().isPointer()) return setOp(i, new Unary(UnaryOp.NOT, a));
                }
                case UDIV, SDIV -> {
                    if (k == 0) return setConst(i, 0);
                    if (op == BinaryOp.SDIV && k == ones) return setOp(i, new Unary(UnaryOp.NEG, a));
                    if (op == BinaryOp.UDIV ? isPowerOfTwo(k) : positivePowerOfTwo && signBitZero(a, width)) {
                        return setOp(i, new Binary(BinaryOp.LSHR, a, Rewrites.constant(i, b.type(), Long.numberOfTrailingZeros(k))));
                    }
                    if (op == BinaryOp.SDIV && signBitZero(a, width) && signBitZero(b, width)) return setOp(i, new Binary(BinaryOp.UDIV, a, b));
                }
                case UREM, SREM -> {
                    if (k == 0) return Rewrites.replace(i, a);
                    if (k == 1 || (op == BinaryOp.SREM && k == ones)) return setConst(i, 0);
                    if (op == BinaryOp.UREM ? isPowerOfTwo(k) : positivePowerOfTwo && signBitZero(a, width)) {
                        return setOp(i, new Binary(BinaryOp.AND, a, Rewrites.constant(i, b.type(), k - 1)));
                    }
                }
                case ADD -> {
                    // (x + c1) + c2 → x + (c1 + c2), when the inner sum is used only here.
                    Inst inner = a.definingInst();
                    if (inner != null && inner.op() instanceof Binary(BinaryOp iop, Value x, Value c1) && iop == BinaryOp.ADD
                            && constant(c1) != null && a.users().size() == 1) {
                        Value sum = Rewrites.constant(i, b.type(), BinaryOp.ADD.evaluate(constant(c1), k, b.type()));
                        i.setOp(new Binary(BinaryOp.ADD, x, sum));
                        Rewrites.eraseIfDead(a);
                        Rewrites.eraseIfDead(b);
                        return true;
                    }
                }
                default -> { }
            }
        }
        if (a == b) {
            switch (op) {
                case SUB, XOR -> {
                    return !type.isPointer() && setConst(i, 0);
                }
                case AND, OR -> {
                    return Rewrites.replace(i, a);
                }
                default -> { }
            }
        }
        Value negB = negated(b), negA = negated(a);
        if (op == BinaryOp.ADD && negB != null) return setOp(i, new Binary(BinaryOp.SUB, a, negB));
        if (op == BinaryOp.ADD && negA != null) return setOp(i, new Binary(BinaryOp.SUB, b, negA));
        if (op == BinaryOp.SUB && negB != null) return setOp(i, new Binary(BinaryOp.ADD, a, negB));
        if (op == BinaryOp.SUB && ka != null && ka == 0 && !b.type().isPointer()) return setOp(i, new Unary(UnaryOp.NEG, b));
        return false;
    }

    /// `x` when `v` is `neg x`, else null.
    private static Value negated(Value v) {
        Inst d = v.definingInst();
        return d != null && d.op() instanceof Unary(UnaryOp op, Value x) && op == UnaryOp.NEG ? x : null;
    }

    private static boolean signBitZero(Value v, int width) {
        return (ZeroExtension.knownZeroBits(v) & (1L << (width - 1))) != 0;
    }

    private static boolean isPowerOfTwo(long k) {
        return k > 0 && (k & (k - 1)) == 0;
    }

    /// Whether `a cond b` is decided: on two constants, or on one value with itself.
    private static Boolean decide(Cond cond, Width w, Value a, Value b) {
        Long ka = constant(a), kb = constant(b);
        if (ka != null && kb != null) return cond.test(ka, kb, w);
        if (a != b) return null;
        return switch (cond) {
            case JEQ, JGE, JLE, JSGE, JSLE -> true;
            case JNE, JGT, JLT, JSGT, JSLT -> false;
            case JSET -> null;
        };
    }

    private static Long constant(Value v) {
        Const c = v.asConst();
        return c == null ? null : c.value();
    }

    /// Replaces `i` by a constant of its (integer) type.
    private static boolean setConst(Inst i, long value) {
        Type t = i.result().type();
        if (t.isPointer()) return false;
        Instruction old = i.op();
        i.setOp(new Const(t, value));
        for (Value v : old.operands()) Rewrites.eraseIfDead(v);
        return true;
    }

    /// Gives `i` a new computation whose result type is the same; false (undoing nothing, since
    /// nothing was changed) when the type would differ.
    private static boolean setOp(Inst i, Instruction op) {
        Type t;
        try {
            t = dev.ebpfc.ir.TypeRules.resultType(op);
        } catch (dev.ebpfc.ir.TypeRules.TypeError e) {
            t = null;
        }
        if (t != i.result().type()) {
            for (Value v : op.operands()) Rewrites.eraseIfDead(v);
            return false;
        }
        Instruction old = i.op();
        i.setOp(op);
        for (Value v : old.operands()) Rewrites.eraseIfDead(v);
        return true;
    }

    private static boolean setOperandB(Inst i, Binary bin, Value b) {
        return setOp(i, new Binary(bin.op(), bin.a(), b));
    }
}
