package dev.ebpfc.ir.lift;

import dev.ebpfc.frontend.insn.Size;
import dev.ebpfc.ir.BinaryOp;
import dev.ebpfc.ir.Block;
import dev.ebpfc.ir.Function;
import dev.ebpfc.ir.Inst;
import dev.ebpfc.ir.Instruction;
import dev.ebpfc.ir.Type;
import dev.ebpfc.ir.Value;
import dev.ebpfc.runtime.context.ContextKind;
import dev.ebpfc.runtime.context.ProgramContext;

/// The kernel's context-access rewriting, as the runtime's [ProgramContext] performs it: in XDP
/// and socket/TC programs a 4-byte load of `data`, `data_end` or `data_meta` from the context
/// yields the full 64-bit packet pointer, not the 32-bit field. Loads whose address is certainly
/// the context (the entry's r1 plus constants) at those offsets become loads typed
/// `ptr.packet`/`ptr.packet_end`; the value they produce is the one the interpreter's context
/// rules produce. Loads through a context pointer the lifter cannot see (spilled to the stack,
/// passed to a subprogram) stay `i64`; at run time they still get the pointer, from the same rules.
final class ContextFields {
    private ContextFields() {
    }

    static void rewrite(Function entry, ContextKind kind) {
        if (!kind.hasPacket() || entry.params().isEmpty()) return;
        Value ctx = entry.params().getFirst();
        for (Block b : entry.blocks()) {
            for (Inst inst : b.instructions()) {
                if (!(inst.op() instanceof Instruction.Load l) || l.size() != Size.W || l.signed() || l.type() != Type.I64) continue;
                Long base = offsetFrom(ctx, l.addr(), 0);
                if (base == null) continue;
                Type t = pointerField(kind, base + l.offset());
                if (t == null) continue;
                inst.setOp(new Instruction.Load(t, Size.W, false, l.addr(), l.offset()));
                inst.result().setType(t);
            }
        }
    }

    /// The constant `v - ctx`, when `v` is `ctx` plus or minus constants; else null.
    private static Long offsetFrom(Value ctx, Value v, int depth) {
        if (v == ctx) return 0L;
        if (depth > 8 || v.definingInst() == null || !(v.definingInst().op() instanceof Instruction.Binary(BinaryOp op, Value a, Value b))) return null;
        if (op == BinaryOp.ADD && b.asConst() != null) return add(offsetFrom(ctx, a, depth + 1), b.asConst().value());
        if (op == BinaryOp.ADD && a.asConst() != null) return add(offsetFrom(ctx, b, depth + 1), a.asConst().value());
        if (op == BinaryOp.SUB && b.asConst() != null) return add(offsetFrom(ctx, a, depth + 1), -b.asConst().value());
        return null;
    }

    private static Long add(Long x, long c) {
        return x == null ? null : x + c;
    }

    /// The pointer a 4-byte load at `offset` of the context yields, or null for other fields.
    static Type pointerField(ContextKind kind, long offset) {
        if (kind == ContextKind.XDP) {
            if (offset == ProgramContext.XDP_DATA || offset == ProgramContext.XDP_DATA_META) return Type.PTR_PACKET;
            if (offset == ProgramContext.XDP_DATA_END) return Type.PTR_PACKET_END;
            return null;
        }
        if (offset == ProgramContext.SKB_DATA || offset == ProgramContext.SKB_DATA_META) return Type.PTR_PACKET;
        if (offset == ProgramContext.SKB_DATA_END) return Type.PTR_PACKET_END;
        return null;
    }
}
