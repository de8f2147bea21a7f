package dev.ebpfc.ir.opt;

import dev.ebpfc.ir.Instruction;
import dev.ebpfc.ir.Instruction.*;
import dev.ebpfc.ir.Type;
import dev.ebpfc.ir.Value;

import java.util.function.ToLongFunction;

/// Constant folding of one pure instruction, with the semantics the IR interpreter gives it
/// (arithmetic through [dev.ebpfc.ir.BinaryOp#evaluate] and [dev.ebpfc.ir.UnaryOp#evaluate], the
/// single definition; extensions, truncation and byte swaps as the interpreter computes them).
/// Values are in the interpreter's representation: an `i32` zero-extended in a `long`.
final class Fold {
    private Fold() {
    }

    /// Whether [#evaluate] can fold `op` once its operands are known.
    static boolean isFoldable(Instruction op) {
        return switch (op) {
            case Const _, Binary _, Unary _, Extend _, Trunc _, ByteSwap _, Cmp _ -> true;
            case Select _, Load _, Store _, AtomicRmw _, CmpXchg _, PacketLoad _, MapRef _, MapValueAddr _,
                 FramePointer _, FuncAddr _, CallHelper _, CallLocal _, CallKfunc _, CallIndirect _, Jump _,
                 Branch _, Return _, TailCall _, Trap _ -> false;
        };
    }

    /// The value of foldable `op` with result type `type`, given its operands' values.
    static long evaluate(Instruction op, Type type, ToLongFunction<Value> value) {
        return switch (op) {
            case Const c -> c.value();
            case Binary(var o, Value a, Value b) -> o.evaluate(value.applyAsLong(a), value.applyAsLong(b), type);
            case Unary(var o, Value a) -> o.evaluate(value.applyAsLong(a), type);
            case Extend(boolean signed, int from, Type to, Value a) -> {
                long x = value.applyAsLong(a);
                int sh = 64 - from;
                long r = signed ? (x << sh) >> sh : (x << sh) >>> sh;
                yield to == Type.I32 ? r & 0xffff_ffffL : r;
            }
            case Trunc(Value a) -> value.applyAsLong(a) & 0xffff_ffffL;
            case ByteSwap(int bits, Value a) -> {
                long x = value.applyAsLong(a);
                long r = switch (bits) {
                    case 16 -> Short.reverseBytes((short) x) & 0xffffL;
                    case 32 -> Integer.reverseBytes((int) x) & 0xffff_ffffL;
                    default -> Long.reverseBytes(x);
                };
                yield type == Type.I32 ? r & 0xffff_ffffL : r;
            }
            case Cmp(var cond, var width, Value a, Value b) -> cond.test(value.applyAsLong(a), value.applyAsLong(b), width) ? 1 : 0;
            case Select _, Load _, Store _, AtomicRmw _, CmpXchg _, PacketLoad _, MapRef _, MapValueAddr _,
                 FramePointer _, FuncAddr _, CallHelper _, CallLocal _, CallKfunc _, CallIndirect _, Jump _,
                 Branch _, Return _, TailCall _, Trap _ -> throw new IllegalArgumentException("not foldable: " + op);
        };
    }
}
