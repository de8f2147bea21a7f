package dev.ebpfc.ir.opt;

import dev.ebpfc.frontend.insn.Size;
import dev.ebpfc.ir.BinaryOp;
import dev.ebpfc.ir.BlockCall;
import dev.ebpfc.ir.Inst;
import dev.ebpfc.ir.Instruction.*;
import dev.ebpfc.ir.Type;
import dev.ebpfc.ir.Value;

import java.util.IdentityHashMap;
import java.util.Map;

/// Which bits of a value are known to be zero, from the instructions that compute it: the fact
/// [ZeroExtensionElimination] uses to drop extensions, and the one the backends ask.
///
/// ## The contract for backends
///
/// `isKnownZeroExtended(v)` for an `i32` value `v` says bit 31 of `v` is zero on every execution.
/// Then the sign extension of `v` to 64 bits equals its zero extension, so a RISC-V backend, whose
/// 32-bit `*w` instructions (`addw`, `subw`, `sllw`, `lw`…) sign-extend their result into the
/// 64-bit register, holds `v` already in the zero-extended form the IR defines and may lower
/// `zext32.i64 v` to a plain move (or nothing). x86-64 and ARM64 zero-extend 32-bit results
/// themselves and need no such fact. `upperHalfKnownZero(v)` says the same for an `i64`: bits
/// 32–63 are zero, so `zext32(trunc v)` is `v`.
///
/// The facts are computed from the IR on demand, not stored, so they are right for the IR as it is
/// when asked (after any pass) and cost nothing to keep up to date. They are conservative: the
/// walk looks through at most [#DEPTH] definitions and through block parameters (the meet of every
/// incoming argument), and says "unknown" on cycles.
public final class ZeroExtension {
    private ZeroExtension() {
    }

    /// How many definitions a query looks through.
    static final int DEPTH = 8;

    private static final long UPPER32 = 0xffff_ffff_0000_0000L;

    /// For an `i32` value: bit 31 is known zero, so sign- and zero-extension agree (see the class
    /// comment). False for other types.
    public static boolean isKnownZeroExtended(Value v) {
        return v.type() == Type.I32 && (knownZeroBits(v) & 0x8000_0000L) != 0;
    }

    /// For an `i64` value: bits 32–63 are known zero. False for pointers and `i32`.
    public static boolean upperHalfKnownZero(Value v) {
        return v.type() == Type.I64 && (knownZeroBits(v) & UPPER32) == UPPER32;
    }

    /// The bits of `v` known to be zero, in the IR's 64-bit representation (an `i32` is held
    /// zero-extended, so its upper half is always known zero).
    public static long knownZeroBits(Value v) {
        return new Query().zero(v, DEPTH);
    }

    /// Mask of the low `n` bits (n in 0..64).
    static long low(int n) {
        return n >= 64 ? -1L : (1L << n) - 1;
    }

    private static final class Query {
        /// Values being computed (cycles through block parameters) and finished results.
        private final Map<Value, Long> memo = new IdentityHashMap<>();

        long zero(Value v, int depth) {
            Long m = memo.get(v);
            if (m != null) return m;
            if (v.type().isPointer()) return 0;
            long typeZeros = v.type() == Type.I32 ? UPPER32 : 0;
            if (depth <= 0) return typeZeros;
            memo.put(v, typeZeros);
            long r = typeZeros | compute(v, depth - 1);
            memo.put(v, r);
            return r;
        }

        private long compute(Value v, int depth) {
            Inst def = v.definingInst();
            if (def == null) return param(v, depth);
            int width = v.type().bits();
            long wmask = low(width);
            return switch (def.op()) {
                case Const c -> ~c.value();
                case Extend e -> {
                    long in = zero(e.a(), depth) & low(e.fromBits());
                    boolean signZero = (in & (1L << (e.fromBits() - 1))) != 0;
                    yield !e.signed() || signZero ? in | ~low(e.fromBits()) : in;
                }
                case Trunc t -> zero(t.a(), depth) | UPPER32;
                case ByteSwap b -> ~low(b.bits());
                case Cmp _ -> ~1L;
                case Select s -> zero(s.ifTrue(), depth) & zero(s.ifFalse(), depth);
                case Load l -> l.type().isPointer() || l.signed() || l.size() == Size.DW ? 0 : ~low(8 * l.size().bytes);
                case PacketLoad p -> ~low(8 * p.size().bytes);
                case AtomicRmw a -> a.size() == Size.W ? UPPER32 : 0;
                case CmpXchg x -> x.size() == Size.W ? UPPER32 : 0;
                case Binary b -> binary(b, width, wmask, depth);
                default -> 0;
            };
        }

        private long binary(Binary b, int width, long wmask, int depth) {
            BinaryOp op = b.op();
            if (op.isShift()) {
                Const k = b.b().asConst();
                if (k == null) return 0;
                int c = (int) (k.value() & (width - 1));
                long x = zero(b.a(), depth) & wmask;
                return switch (op) {
                    case SHL -> ((x << c) | low(c)) & wmask;
                    case LSHR -> (x >>> c) | (wmask & ~(wmask >>> c));
                    // The mask shifts like the value: the top bits copy bit width-1's knowledge.
                    default -> width == 32 ? ((long) ((int) x >> c)) & wmask : x >> c;
                } | ~wmask;
            }
            long za = zero(b.a(), depth), zb = zero(b.b(), depth);
            return switch (op) {
                case AND -> za | zb;
                case OR, XOR -> za & zb;
                // Never above the dividend (division or remainder by zero gives 0 or the dividend).
                case UDIV, UREM -> leading(za, width);
                case ADD -> {
                    int n = Math.min(leadingCount(za, width), leadingCount(zb, width));
                    yield n <= 1 ? 0 : ~low(width - n + 1);
                }
                default -> 0;
            };
        }

        /// The meet over every edge into the block whose parameter `v` is; unknown for the
        /// function's own parameters.
        private long param(Value v, int depth) {
            var block = v.definingParamBlock();
            if (block == null || block == block.function().entry()) return 0;
            int index = block.params().indexOf(v);
            long r = -1;
            boolean any = false;
            for (Inst caller : block.distinctCallers()) {
                for (BlockCall c : caller.op().blockCalls()) {
                    if (c.target() != block) continue;
                    r &= zero(c.args().get(index), depth);
                    any = true;
                    if (r == 0) return 0;
                }
            }
            return any ? r : 0;
        }

        private static int leadingCount(long zeros, int width) {
            long z = zeros & low(width);
            int n = 0;
            for (int bit = width - 1; bit >= 0 && (z & (1L << bit)) != 0; bit--) n++;
            return n;
        }

        private static long leading(long zeros, int width) {
            int n = leadingCount(zeros, width);
            return n == 0 ? 0 : ~low(width - n);
        }
    }
}
