package dev.ebpfc.ir;

import dev.ebpfc.frontend.insn.Size;
import dev.ebpfc.frontend.insn.Width;
import dev.ebpfc.ir.Instruction.*;

/// The typing rule of every instruction, in one place: which operand types it accepts and the
/// type of its result. Integers of different widths never mix (the lifter inserts `zext`/`trunc`);
/// a pointer is accepted wherever an `i64` is; `ptr ± integer` keeps the pointer's region,
/// `ptr - ptr` is an `i64`, and any other arithmetic on a pointer yields an `i64`.
///
/// Rules that need the module (map kinds, callee signatures) and the block-call rules are the
/// checker's; this class looks only at the instruction and its operands' types.
public final class TypeRules {
    private TypeRules() {}

    /// Thrown with the reason an instruction is ill-typed.
    public static final class TypeError extends IllegalArgumentException {
        TypeError(String why) {
            super(why);
        }
    }

    /// The type of `op`'s result, or null if it has none, after checking its operands.
    /// @throws TypeError saying which operand is wrong and why
    public static Type resultType(Instruction op) {
        return switch (op) {
            case Const c -> c.type();
            case Binary(BinaryOp o, Value a, Value b) -> binary(o, a, b);
            case Unary(UnaryOp _, Value a) -> a.type().integerType();
            case Extend e -> e.to();
            case Trunc(Value a) -> {
                need64(a, "operand");
                yield Type.I32;
            }
            case ByteSwap(int bits, Value a) -> {
                if (bits > a.type().bits()) throw new TypeError("swaps " + bits + " bits of " + typed(a));
                yield a.type().integerType();
            }
            case Cmp(var _, Width width, Value a, Value b) -> {
                compareOperands(width, a, b);
                yield Type.I64;
            }
            case Select(Value _, Value t, Value f) -> {
                Type j = Type.join(t.type(), f.type());
                if (j == null) throw new TypeError("selects between " + typed(t) + " and " + typed(f));
                yield j;
            }
            case Load l -> {
                need64(l.addr(), "address");
                if (l.type() == Type.I32 && l.size() == Size.DW) throw new TypeError("loads 8 bytes into an i32");
                if (l.type().isPointer() && (l.signed() || l.size() == Size.H || l.size() == Size.B)) {
                    throw new TypeError("loads a pointer with " + spelling(l.size(), l.signed()));
                }
                yield l.type();
            }
            case Store s -> {
                need64(s.addr(), "address");
                storedValue(s.size(), s.value(), "value");
                yield null;
            }
            case AtomicRmw a -> {
                need64(a.addr(), "address");
                storedValue(a.size(), a.value(), "value");
                yield a.fetch() ? Type.I64 : null;
            }
            case CmpXchg x -> {
                need64(x.addr(), "address");
                storedValue(x.size(), x.expected(), "expected value");
                storedValue(x.size(), x.replacement(), "replacement");
                yield Type.I64;
            }
            case PacketLoad _ -> Type.I64;
            case MapRef _ -> Type.PTR_MAP;
            case MapValueAddr m -> m.global() ? Type.PTR_GLOBAL : Type.PTR_MAP_VALUE;
            case FramePointer _ -> Type.PTR_STACK;
            case FuncAddr _ -> Type.I64;
            case CallHelper c -> callArgs(c.args());
            case CallLocal c -> callArgs(c.args());
            case CallKfunc c -> callArgs(c.args());
            case CallIndirect c -> {
                need64(c.target(), "target");
                yield callArgs(c.args());
            }
            case Jump _, Trap _ -> null;
            case Branch br -> {
                compareOperands(br.width(), br.a(), br.b());
                yield null;
            }
            case Return(Value v) -> {
                need64(v, "return value");
                yield null;
            }
            case TailCall t -> {
                need64(t.ctx(), "context");
                need64(t.map(), "map");
                yield null;
            }
        };
    }

    /// The result type of `a op b` (see the class comment).
    public static Type binary(BinaryOp op, Value a, Value b) {
        Type x = a.type(), y = b.type();
        if (x == Type.I32 || y == Type.I32) {
            if (x != y) throw new TypeError("operands " + typed(a) + " and " + typed(b) + " differ in width");
            return Type.I32;
        }
        return switch (op) {
            case ADD -> {
                if (x.isPointer() && y.isPointer()) throw new TypeError("adds two pointers " + typed(a) + " and " + typed(b));
                yield x.isPointer() ? x : y.isPointer() ? y : Type.I64;
            }
            case SUB -> {
                if (x.isPointer() && y.isPointer()) yield Type.I64;
                if (y.isPointer()) throw new TypeError("subtracts pointer " + typed(b) + " from an integer");
                yield x;
            }
            case MUL, UDIV, SDIV, UREM, SREM, AND, OR, XOR, SHL, LSHR, ASHR -> Type.I64;
        };
    }

    private static void compareOperands(Width width, Value a, Value b) {
        boolean a32 = a.type() == Type.I32, b32 = b.type() == Type.I32;
        if (a32 != b32) throw new TypeError("compares " + typed(a) + " with " + typed(b));
        if (a32 && width == Width.W64) throw new TypeError("64-bit comparison of i32 operands");
    }

    private static void storedValue(Size size, Value v, String role) {
        if (size == Size.DW && v.type() == Type.I32) throw new TypeError("8-byte access with i32 " + role + " " + v);
    }

    private static Type callArgs(java.util.List<Value> args) {
        for (int i = 0; i < args.size(); i++) need64(args.get(i), "argument " + (i + 1));
        return Type.I64;
    }

    private static void need64(Value v, String role) {
        if (!v.type().is64()) throw new TypeError(role + " " + v + " is i32; needs i64 or a pointer");
    }

    private static String typed(Value v) {
        return v + ": " + v.type();
    }

    private static String spelling(Size size, boolean signed) {
        return (signed ? "s" : "u") + size.bytes * 8;
    }
}
