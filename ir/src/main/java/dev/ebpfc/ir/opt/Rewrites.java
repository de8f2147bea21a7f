package dev.ebpfc.ir.opt;

import dev.ebpfc.ir.Function;
import dev.ebpfc.ir.Inst;
import dev.ebpfc.ir.Instruction;
import dev.ebpfc.ir.Type;
import dev.ebpfc.ir.Value;

/// The small edits every pass of this package makes the same way: replace an instruction's result
/// by another value (only of exactly the same type, since result types are recomputed from
/// operand types and a pointer where an `i64` was would change them downstream), insert a new
/// instruction before another, and erase what a rewrite left dead.
final class Rewrites {
    private Rewrites() {
    }

    /// Makes every use of `inst`'s result use `with`, removes `inst` and erases operands it left
    /// unused. Returns false, changing nothing, when that could change a type: `with` must have
    /// the result's type, or be a pointer where the result is an `i64` or `ptr` and every use be
    /// one whose typing does not look at the region ([#regionBlind]).
    static boolean replace(Inst inst, Value with) {
        Value r = inst.result();
        if (r == null || r == with) return false;
        if (r.type() != with.type()) {
            if (!with.type().isAssignableTo(r.type())) return false;
            for (Inst u : r.users()) {
                if (!regionBlind(u.op(), r)) return false;
            }
        }
        r.replaceAllUsesWith(with);
        erase(inst);
        return true;
    }

    /// Whether `op`'s typing is the same with any pointer in place of the 64-bit `v`: addresses,
    /// stored values, comparisons, call and edge arguments (assignability is transitive), and
    /// operations whose result type ignores regions. Not `add`/`sub` (they keep the region) nor
    /// `select` (it joins).
    private static boolean regionBlind(Instruction op, Value v) {
        return switch (op) {
            case Instruction.Load _, Instruction.Store _, Instruction.AtomicRmw _, Instruction.CmpXchg _, Instruction.Cmp _,
                 Instruction.Branch _, Instruction.Return _, Instruction.Jump _, Instruction.CallHelper _,
                 Instruction.CallLocal _, Instruction.CallKfunc _, Instruction.CallIndirect _, Instruction.TailCall _,
                 Instruction.Unary _, Instruction.Trunc _, Instruction.Extend _, Instruction.ByteSwap _ -> true;
            case Instruction.Binary b -> b.op() != dev.ebpfc.ir.BinaryOp.ADD && b.op() != dev.ebpfc.ir.BinaryOp.SUB;
            default -> false;
        };
    }

    /// Removes `inst`, whose result (if any) must be unused, then every pure instruction that
    /// computed one of its operands and is now unused.
    static void erase(Inst inst) {
        Instruction op = inst.op();
        inst.remove();
        for (Value v : op.operands()) eraseIfDead(v);
    }

    /// Erases `v`'s defining instruction if it is pure and unused, recursively.
    static void eraseIfDead(Value v) {
        Inst def = v.definingInst();
        if (def != null && def.block() != null && !v.hasUses() && def.op().isPure()) erase(def);
    }

    /// Places a new instruction computing `op` just before `anchor`; returns its result.
    static Value before(Inst anchor, Instruction op) {
        Function f = anchor.block().function();
        Inst i = f.newInst(op);
        anchor.block().insertBefore(anchor, i);
        return i.result();
    }

    /// A constant of `type` (integer) placed just before `anchor`.
    static Value constant(Inst anchor, Type type, long value) {
        return before(anchor, new Instruction.Const(type.integerType(), value));
    }
}
