package dev.ebpfc.ir.verify;

import dev.ebpfc.frontend.insn.Insn;
import dev.ebpfc.frontend.insn.Program;
import dev.ebpfc.frontend.insn.Reg;
import dev.ebpfc.ir.Inst;
import dev.ebpfc.ir.Instruction;
import dev.ebpfc.ir.Value;

/// Names operands the way the kernel's messages do: by the BPF register the lifted instruction
/// read them from (`R3`), found from the bytecode instruction at the IR instruction's slot. Falls
/// back to the IR value (`v12`) when there is no bytecode (IR built by hand or by a pass).
final class Names {
    private final Program program;

    Names(Program program) {
        this.program = program;
    }

    /// The register `operand` of `inst` came from.
    String reg(Inst inst, Value operand) {
        Reg r = register(inst, operand);
        return r != null ? "R" + r.number() : operand.toString();
    }

    private Reg register(Inst inst, Value operand) {
        switch (inst.op()) {
            case Instruction.CallHelper c -> {
                return argReg(c.args().indexOf(operand));
            }
            case Instruction.CallLocal c -> {
                return argReg(c.args().indexOf(operand));
            }
            case Instruction.Return _ -> {
                return Reg.R0;
            }
            default -> {
            }
        }
        if (program == null || inst.slot() < 0 || program.indexAtSlot(inst.slot()) < 0) return null;
        Insn insn = program.atSlot(inst.slot());
        Instruction op = inst.op();
        return switch (insn) {
            case Insn.Load l when op instanceof Instruction.Load x && x.addr() == operand -> l.base();
            case Insn.Store s when op instanceof Instruction.Store x -> x.addr() == operand ? s.base() : s.value() instanceof Reg r ? r : null;
            case Insn.Atomic a when op instanceof Instruction.AtomicRmw x -> x.addr() == operand ? a.base() : a.src();
            case Insn.Atomic a when op instanceof Instruction.CmpXchg x -> x.addr() == operand ? a.base() : x.expected() == operand ? Reg.R0 : a.src();
            case Insn.Alu a when op instanceof Instruction.Binary x -> x.a() == operand ? a.dst() : a.src() instanceof Reg r ? r : null;
            case Insn.Alu a -> a.dst();
            case Insn.Endian e -> e.dst();
            case Insn.CallIndirect c -> c.target();
            case Insn.Jump j when op instanceof Instruction.Branch x -> x.a() == operand ? j.dst() : j.src() instanceof Reg r ? r : null;
            default -> null;
        };
    }

    private static Reg argReg(int index) {
        return index < 0 ? null : Reg.of(index + 1);
    }
}
