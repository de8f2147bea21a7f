package dev.ebpfc.ir.opt;

import dev.ebpfc.ir.BinaryOp;
import dev.ebpfc.ir.Block;
import dev.ebpfc.ir.Function;
import dev.ebpfc.ir.Inst;
import dev.ebpfc.ir.Instruction.*;
import dev.ebpfc.ir.Module;
import dev.ebpfc.ir.Type;
import dev.ebpfc.ir.Value;

import java.util.List;

/// Removes the width conversions the lifter's 32-bit pattern (`trunc` → `op.i32` → `zext32`)
/// leaves between consecutive 32-bit operations, and extensions of values whose upper bits are
/// already known zero ([ZeroExtension]):
/// - `trunc(zext32 x)` and `trunc(sext32 x)` are `x`;
/// - `zext32(trunc x)` is `x` when bits 32–63 of `x` are known zero;
/// - `zextN x` (N = 8, 16; to `i32` or `i64` from a value of the same type) and `and x, mask` are
///   `x` when every bit they would clear is already known zero.
///
/// Which `i32` results a RISC-V backend may leave as its `*w` instructions produce them is not
/// recorded here but asked of [ZeroExtension#isKnownZeroExtended], whose comment states the
/// contract.
public final class ZeroExtensionElimination implements Pass {
    @Override
    public String name() {
        return "zext-elim";
    }

    @Override
    public void run(Module module, PassContext context) {
        for (Function f : module.functions()) {
            boolean changed = true;
            while (changed) {
                changed = false;
                for (Block b : f.blocks()) {
                    for (Inst i : List.copyOf(b.instructions())) {
                        if (i.block() == null) continue;
                        Value with = simplified(i);
                        if (with != null && Rewrites.replace(i, with)) {
                            context.count("zext-elim.removed", 1);
                            changed = true;
                        }
                    }
                }
            }
        }
    }

    /// What `i` equals without computing anything, or null.
    private static Value simplified(Inst i) {
        return switch (i.op()) {
            case Trunc(Value a) when a.definingInst() != null && a.definingInst().op() instanceof Extend(var _, int from, Type _, Value x)
                    && from == 32 -> x;
            case Extend(boolean signed, int from, Type to, Value a) when !signed && from == 32 && a.definingInst() != null
                    && a.definingInst().op() instanceof Trunc(Value x) && x.type() == Type.I64 && ZeroExtension.upperHalfKnownZero(x) -> x;
            case Extend(boolean signed, int from, Type to, Value a) when !signed && from < 32 && a.type() == to
                    && (ZeroExtension.knownZeroBits(a) | ZeroExtension.low(from)) == -1L -> a;
            case Binary(BinaryOp op, Value a, Value b) when op == BinaryOp.AND && b.asConst() != null && a.type() == i.result().type()
                    && (ZeroExtension.knownZeroBits(a) | b.asConst().value() | (a.type() == Type.I32 ? 0xffff_ffff_0000_0000L : 0)) == -1L -> a;
            default -> null;
        };
    }
}
