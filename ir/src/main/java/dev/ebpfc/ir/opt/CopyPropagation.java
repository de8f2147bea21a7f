package dev.ebpfc.ir.opt;

import dev.ebpfc.frontend.insn.Size;
import dev.ebpfc.ir.BinaryOp;
import dev.ebpfc.ir.Block;
import dev.ebpfc.ir.BlockCall;
import dev.ebpfc.ir.Function;
import dev.ebpfc.ir.Inst;
import dev.ebpfc.ir.Instruction;
import dev.ebpfc.ir.Instruction.*;
import dev.ebpfc.ir.Module;
import dev.ebpfc.ir.Type;
import dev.ebpfc.ir.Value;

import java.util.ArrayDeque;
import java.util.BitSet;
import java.util.List;

/// Copy propagation (`copy-prop`): every value that is merely another value under a different
/// name is replaced by that value, and its definition left for [DeadCodeElimination].
///
/// Copies are: a block parameter every incoming edge passes the same value for (or itself, around
/// a loop), removed recursively as in Braun et al.'s trivial-phi removal; `x op identity`
/// (`add x, 0`, `or x, 0`, `mul x, 1`, `and x, -1`, shifts by 0 …) and `x op x` for `and`/`or`;
/// `select c, x, x`; a zero extension of a value whose upper bits are already zero, and a
/// `trunc` of a 32-bit value's extension. A copy whose value has another type (`or p, 0` makes a
/// pointer an `i64`) is replaced only when everything computed from it stays well typed
/// ([Rewrite#replace]).
final class CopyPropagation implements Pass {
    @Override
    public String name() {
        return "copy-prop";
    }

    @Override
    public void run(Module module, PassContext context) {
        for (Function f : module.functions()) run(f, context);
    }

    private static void run(Function f, PassContext context) {
        Rewrite.removeUnreachableBlocks(f);
        long copies = 0, params = 0;
        for (Block b : f.blocks()) {
            for (Inst i : b.instructions()) {
                Value r = i.result();
                if (r == null) continue;
                Value c = copyOf(i.op(), r.type());
                if (c != null && c != r && r.hasUses() && Rewrite.replace(r, c)) copies++;
            }
        }
        // Trivial parameters, until none is left: removing one can make another trivial.
        ArrayDeque<Block> work = new ArrayDeque<>();
        BitSet queued = new BitSet();
        for (Block b : f.blocks()) {
            if (b != f.entry() && !b.params().isEmpty()) {
                work.add(b);
                queued.set(b.id());
            }
        }
        while (!work.isEmpty()) {
            Block b = work.poll();
            queued.clear(b.id());
            for (int k = b.params().size() - 1; k >= 0; k--) {
                Value p = b.params().get(k);
                Value same = trivialValue(b, k);
                if (same == null || !Rewrite.replace(p, same)) continue;
                b.removeParam(k);
                params++;
                for (Inst u : Rewrite.distinctUsers(same)) {
                    for (BlockCall c : u.op().blockCalls()) {
                        Block t = c.target();
                        if (t != f.entry() && !t.params().isEmpty() && !queued.get(t.id())) {
                            work.add(t);
                            queued.set(t.id());
                        }
                    }
                }
            }
        }
        context.count("copy-prop.copies", copies);
        context.count("copy-prop.params", params);
    }

    /// The one value other than the parameter itself that every edge passes for parameter `k`
    /// of `b`, or null.
    private static Value trivialValue(Block b, int k) {
        Value p = b.params().get(k), same = null;
        for (Inst caller : b.distinctCallers()) {
            for (BlockCall c : caller.op().blockCalls()) {
                if (c.target() != b) continue;
                Value a = c.args().get(k);
                if (a == p || a == same) continue;
                if (same != null) return null;
                same = a;
            }
        }
        return same;
    }

    /// The value `op` merely copies, or null.
    static Value copyOf(Instruction op, Type type) {
        return switch (op) {
            case Binary(BinaryOp o, Value a, Value b) -> {
                if (a == b && (o == BinaryOp.AND || o == BinaryOp.OR)) yield a;
                Long id = o.rightIdentity();
                if (id != null && isConst(b, id)) yield a;
                if (o.commutative && id != null && isConst(a, id)) yield b;
                yield null;
            }
            case Select(Value c, Value t, Value e) -> t == e ? t : null;
            case Extend(boolean signed, int from, Type to, Value a) -> {
                if (a.type() != to) yield null;
                // The low `from` bits extended over bits already equal to the extension: a copy.
                int bits = significantBits(a);
                yield (!signed && bits <= from) || (signed && bits < from) ? a : null;
            }
            case Trunc(Value a) -> {
                if (a.definingInst() != null && a.definingInst().op() instanceof Extend(var s, int from, Type to, Value x)
                        && from == 32 && x.type() == Type.I32) {
                    yield x;
                }
                yield null;
            }
            case Const _, Unary _, ByteSwap _, Cmp _, Load _, Store _, AtomicRmw _, CmpXchg _, PacketLoad _,
                 MapRef _, MapValueAddr _, FramePointer _, FuncAddr _, CallHelper _, CallLocal _, CallKfunc _,
                 CallIndirect _, Jump _, Branch _, Return _, TailCall _, Trap _ -> null;
        };
    }

    /// Whether `v` is the constant `c` (at its width).
    private static boolean isConst(Value v, long c) {
        Const k = v.asConst();
        return k != null && k.value() == (k.type() == Type.I32 ? c & 0xffff_ffffL : c);
    }

    /// How many low bits of `v` may be non-zero, by its definition alone (64 when unknown; 32
    /// for an unknown `i32`, which is held zero-extended).
    static int significantBits(Value v) {
        return significantBits(v, 0);
    }

    private static int significantBits(Value v, int depth) {
        int width = v.type() == Type.I32 ? 32 : 64;
        Inst d = v.definingInst();
        if (v.type().isPointer() || depth > 8) return width;
        if (d == null) {
            // A parameter holds what its edges pass (the entry's are unknown).
            Block b = v.definingParamBlock();
            if (b == null || b.distinctCallers().isEmpty()) return width;
            int k = b.params().indexOf(v), bits = 0;
            for (Inst caller : b.distinctCallers()) {
                for (BlockCall c : caller.op().blockCalls()) {
                    if (c.target() == b && c.args().get(k) != v) bits = Math.max(bits, significantBits(c.args().get(k), depth + 1));
                }
            }
            return Math.min(bits, width);
        }
        int bits = switch (d.op()) {
            case Const c -> 64 - Long.numberOfLeadingZeros(c.value());
            case Extend e -> e.signed() ? width : e.fromBits();
            case Load l -> l.signed() || l.type().isPointer() ? width : l.size().bytes * 8;
            case PacketLoad p -> p.size().bytes * 8;
            case AtomicRmw a -> a.size() == Size.W ? 32 : width;
            case CmpXchg x -> x.size() == Size.W ? 32 : width;
            case ByteSwap s -> s.bits();
            case Cmp _ -> 1;
            case Binary(BinaryOp o, Value a, Value b) -> switch (o) {
                case AND -> Math.min(significantBits(a, depth + 1), significantBits(b, depth + 1));
                case LSHR -> b.asConst() != null ? Math.max(0, width - (int) (b.asConst().value() & (width - 1))) : width;
                default -> width;
            };
            case Unary _, Trunc _, Select _, Store _, MapRef _, MapValueAddr _, FramePointer _, FuncAddr _,
                 CallHelper _, CallLocal _, CallKfunc _, CallIndirect _, Jump _, Branch _, Return _, TailCall _,
                 Trap _ -> width;
        };
        return Math.min(bits, width);
    }
}
