package dev.ebpfc.backend.riscv64;

import dev.ebpfc.backend.mir.MachineBlock;
import dev.ebpfc.backend.mir.MachineFunction;
import dev.ebpfc.backend.mir.MachineInst;
import dev.ebpfc.backend.mir.Operand;
import dev.ebpfc.backend.mir.Reg;
import dev.ebpfc.backend.select.MOp;
import dev.ebpfc.frontend.insn.Cond;
import dev.ebpfc.frontend.insn.Size;
import dev.ebpfc.frontend.insn.Width;
import dev.ebpfc.ir.BinaryOp;

import java.util.BitSet;
import java.util.List;

/// What the RISC-V64 -O2 emitter may assume about the upper halves of one function's virtual
/// registers, to drop the `slli 32; srli 32` pairs that the zero-extended i32 representation
/// ([MOp]) costs on RV64, whose `w` instructions sign-extend (unpriv. §5.2):
///
/// - **zero upper**: the value's bits 32–63 are known to be 0 (a zero-extending load, a
///   comparison, a mask, an i32 result that was zero-extended...). Zero- or truncating extension
///   from 32 bits of such a value is a copy, and a W32 unsigned or equality compare of two such
///   values needs no sign-extension first.
/// - **low only**: an i32 result whose every reader looks at its low 32 bits alone (a 32-bit
///   add, a narrow store, a W32 compare, which sign-extends its operands anyway...). Its
///   zero-extension is skipped: the register holds the `w` instruction's sign-extended result,
///   which no reader can tell apart; a zero-extension from 32 bits (`Trunc`, `Ext`) of which only
///   the low half is read is a copy. Such a value is "zero upper" only when it copies one.
///
/// Block parameters are neither (their values arrive along several edges); a value read by an
/// edge, a move, a call or anything not listed as a low-half reader is not "low only".
final class Riscv64UpperBits {
    private final BitSet zeroUpper = new BitSet();
    private final BitSet lowOnly = new BitSet();

    private Riscv64UpperBits() {
    }

    static Riscv64UpperBits of(MachineFunction f) {
        Riscv64UpperBits u = new Riscv64UpperBits();
        u.lowOnly(f);
        u.zeroUpper(f);
        return u;
    }

    boolean zeroUpper(Reg r) {
        return r instanceof Reg.VReg v && zeroUpper.get(v.id());
    }

    boolean lowOnly(Reg r) {
        return r instanceof Reg.VReg v && lowOnly.get(v.id());
    }

    // ---- low only ----------------------------------------------------------------------------

    private void lowOnly(MachineFunction f) {
        BitSet candidates = new BitSet(), other = new BitSet();
        for (MachineBlock b : f.blocks()) {
            for (MachineInst mi : b.insts()) {
                List<Operand> ops = mi.operands();
                if (mayDefer(mi.op()) && ops.getFirst().reg() instanceof Reg.VReg d) candidates.set(d.id());
                for (int i = 0; i < ops.size(); i++) {
                    Operand o = ops.get(i);
                    if (o.role() != Operand.Role.DEF && o.reg() instanceof Reg.VReg v && !readsLowHalf(mi.op(), i)) other.set(v.id());
                }
            }
            for (MachineBlock.Edge e : b.succs()) {
                for (Reg r : e.args()) if (r instanceof Reg.VReg v) other.set(v.id());
            }
        }
        candidates.andNot(other);
        lowOnly.or(candidates);
    }

    /// Whether `op` ends with a zero-extension the emitter may leave out.
    private static boolean mayDefer(Object op) {
        return switch (op) {
            case MOp.Alu a -> a.w32() && a.op() != BinaryOp.AND && a.op() != BinaryOp.OR && a.op() != BinaryOp.XOR;
            case MOp.AluImm a -> a.w32() && a.op() != BinaryOp.AND && a.op() != BinaryOp.LSHR;
            case MOp.Un u -> u.w32();
            // Zero-extensions themselves: a copy when no reader needs the upper half cleared.
            case MOp.Trunc t -> true;
            case MOp.Ext x -> x.fromBits() == 32 && (!x.signed() || x.to32());
            default -> false;
        };
    }

    /// Whether operand `i` (a use) of `op` only matters through its low 32 bits in the code
    /// [Riscv64EmitOps] emits for it.
    private static boolean readsLowHalf(Object op, int i) {
        return switch (op) {
            case MOp.Store s -> i == 1 && s.size() != Size.DW;
            case MOp.Alu a -> a.w32() && switch (a.op()) {
                case ADD, SUB, MUL, SHL, LSHR, ASHR, UREM, SREM -> true;
                // The quotient's zero test reads the whole divisor.
                case UDIV, SDIV -> i == 1;
                case AND, OR, XOR -> false;
            };
            case MOp.AluImm a -> a.w32() && a.op() != BinaryOp.AND && a.op() != BinaryOp.OR
                    && a.op() != BinaryOp.XOR && a.op() != BinaryOp.LSHR;
            case MOp.Un u -> u.w32();
            case MOp.Trunc t -> true;
            case MOp.Ext x -> x.fromBits() <= 32;
            case MOp.Swap s -> s.bits() <= 32;
            case MOp.SetCond s -> s.width() == Width.W32;
            case MOp.SetCondImm s -> s.width() == Width.W32;
            case MOp.Branch b -> b.width() == Width.W32;
            case MOp.BranchImm b -> b.width() == Width.W32;
            default -> false;
        };
    }

    // ---- zero upper --------------------------------------------------------------------------

    private void zeroUpper(MachineFunction f) {
        boolean changed = true;
        while (changed) {
            changed = false;
            for (MachineBlock b : f.blocks()) {
                for (MachineInst mi : b.insts()) {
                    List<Operand> ops = mi.operands();
                    if (ops.isEmpty() || ops.getFirst().role() != Operand.Role.DEF || !(ops.getFirst().reg() instanceof Reg.VReg d)) continue;
                    if (zeroUpper.get(d.id())) continue;
                    if (lowOnly.get(d.id()) ? copiesZeroUpper(mi.op(), ops) : zeroUpperResult(mi.op(), ops)) {
                        zeroUpper.set(d.id());
                        changed = true;
                    }
                }
            }
        }
    }

    /// A "low only" result is zero upper only where it is a copy of a zero-upper value (a
    /// zero-extension left out); arithmetic left sign-extended never is.
    private boolean copiesZeroUpper(Object op, List<Operand> ops) {
        return (op instanceof MOp.Trunc || op instanceof MOp.Ext) && zeroUpper(ops.get(1).reg());
    }

    private boolean zeroUpperResult(Object op, List<Operand> ops) {
        return switch (op) {
            case MOp.Move m -> zeroUpper(ops.get(1).reg());
            case MOp.Imm(long v) -> v >= 0 && v <= 0xffff_ffffL;
            case MOp.Alu a -> a.w32() || switch (a.op()) {
                case AND -> zeroUpper(ops.get(1).reg()) || zeroUpper(ops.get(2).reg());
                case OR, XOR -> zeroUpper(ops.get(1).reg()) && zeroUpper(ops.get(2).reg());
                case UDIV, UREM -> zeroUpper(ops.get(1).reg());
                default -> false;
            };
            case MOp.AluImm a -> a.w32() || switch (a.op()) {
                case AND -> (a.imm() >= 0 && a.imm() <= 0xffff_ffffL) || zeroUpper(ops.get(1).reg());
                case OR, XOR -> a.imm() >= 0 && a.imm() <= 0xffff_ffffL && zeroUpper(ops.get(1).reg());
                case LSHR -> (a.imm() & 63) >= 32 || zeroUpper(ops.get(1).reg());
                case UDIV, UREM -> zeroUpper(ops.get(1).reg());
                default -> false;
            };
            case MOp.Un u -> u.w32();
            case MOp.Ext x -> !x.signed() || x.to32();
            case MOp.Trunc t -> true;
            case MOp.Swap s -> s.bits() <= 32;
            case MOp.SetCond s -> true;
            case MOp.SetCondImm s -> true;
            case MOp.Select s -> zeroUpper(ops.get(2).reg()) && zeroUpper(ops.get(3).reg());
            case MOp.Load l -> !l.signed() && l.size() != Size.DW;
            case MOp.Atomic a -> a.size() == Size.W;
            case MOp.CmpXchg x -> x.size() == Size.W;
            default -> false;
        };
    }

    /// Whether a W32 compare `cond` may compare `a` and `b` as they are, without sign-extending
    /// their low halves: equality and unsigned order of two zero-extended values are those of
    /// their low halves.
    boolean compareAsIs(Cond cond, Reg a, Reg b) {
        return !cond.signed && cond != Cond.JSET && zeroUpper(a) && (b == null || zeroUpper(b));
    }
}
