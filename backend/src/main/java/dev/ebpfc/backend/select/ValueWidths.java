package dev.ebpfc.backend.select;

import dev.ebpfc.backend.mir.MachineBlock;
import dev.ebpfc.backend.mir.MachineFunction;
import dev.ebpfc.backend.mir.MachineInst;
import dev.ebpfc.backend.mir.Operand;
import dev.ebpfc.backend.mir.Reg;
import dev.ebpfc.frontend.insn.Size;
import dev.ebpfc.ir.BinaryOp;

import java.util.List;

/// How many low bits of each virtual register's value may be non-zero, from its one definition
/// (SSA; a block parameter: the widest of its edge arguments, to a fixpoint over loops). Emitters
/// skip zero-extensions and truncations of values that already have that form (`ldrb` then
/// `uxtb`, a 32-bit operation then the truncation of its result, a 0/1 flag passed along an edge):
/// a width of at most 32 means bits 32–63 are clear.
public final class ValueWidths {
    private ValueWidths() {
    }

    public static int[] of(MachineFunction f) {
        // From 0 up (block parameters join their edge arguments; loops reach a fixpoint).
        int[] w = new int[f.vregCount()];
        boolean changed = true;
        while (changed) {
            changed = false;
            for (MachineBlock b : f.blocks()) {
                for (MachineBlock.Edge e : b.succs()) {
                    List<Reg.VReg> params = f.block(e.target()).params();
                    for (int k = 0; k < params.size(); k++) {
                        int bits = e.args().get(k) instanceof Reg.VReg a ? w[a.id()] : 64;
                        if (bits > w[params.get(k).id()]) {
                            w[params.get(k).id()] = bits;
                            changed = true;
                        }
                    }
                }
                for (MachineInst i : b.insts()) {
                    if (i.operands().isEmpty() || !(i.operands().getFirst().reg() instanceof Reg.VReg d)
                            || i.operands().getFirst().role() != Operand.Role.DEF) continue;
                    int bits = switch ((MOp) i.op()) {
                        case MOp.Move m -> i.operands().get(1).reg() instanceof Reg.VReg s ? w[s.id()] : 64;
                        case MOp.Imm(long v) -> 64 - Long.numberOfLeadingZeros(v);
                        case MOp.Alu(var op, boolean w32) -> w32 ? 32 : 64;
                        case MOp.AluImm(var op, boolean w32, long imm) ->
                                op == BinaryOp.AND && (w32 || imm >= 0) ? Math.min(w32 ? 32 : 64, 64 - Long.numberOfLeadingZeros(w32 ? imm & 0xffff_ffffL : imm)) : w32 ? 32 : 64;
                        case MOp.Un(var op, boolean w32) -> w32 ? 32 : 64;
                        case MOp.Ext(boolean signed, int from, boolean to32) -> !signed ? from : to32 ? 32 : 64;
                        case MOp.Trunc t -> 32;
                        case MOp.Swap(int bits1) -> bits1;
                        case MOp.SetCond c -> 1;
                        case MOp.SetCondImm c -> 1;
                        case MOp.Load(Size size, boolean signed, int offset) -> signed ? 64 : 8 * size.bytes;
                        case MOp.Atomic a -> a.size() == Size.DW ? 64 : 32;
                        case MOp.CmpXchg x -> x.size() == Size.DW ? 64 : 32;
                        default -> 64;
                    };
                    if (bits > w[d.id()]) {
                        w[d.id()] = bits;
                        changed = true;
                    }
                }
            }
        }
        return w;
    }
}
