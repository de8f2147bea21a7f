package dev.ebpfc.backend.mir;

import java.util.List;
import java.util.Set;

/// A machine instruction as the register allocator sees it: an opaque ISA payload `op` (the
/// instruction selector's own record), the register operands with their roles, the physical
/// registers it clobbers (a call clobbers the caller-saved set), and whether it is a plain
/// register-to-register copy (`operands` = def, use), which the allocator tries to coalesce.
public record MachineInst(Object op, List<Operand> operands, Set<Integer> clobbers, boolean isMove) {
    public MachineInst {
        operands = List.copyOf(operands);
        clobbers = Set.copyOf(clobbers);
        if (isMove && (operands.size() != 2 || operands.get(0).role() != Operand.Role.DEF
                || operands.get(1).role() != Operand.Role.USE)) {
            throw new IllegalArgumentException("a move is (def, use): " + operands);
        }
    }

    public static MachineInst of(Object op, Operand... operands) {
        return new MachineInst(op, List.of(operands), Set.of(), false);
    }

    public static MachineInst move(Object op, Reg dst, Reg src) {
        return new MachineInst(op, List.of(Operand.def(dst), Operand.use(src)), Set.of(), true);
    }

    @Override
    public String toString() {
        return op + " " + operands + (clobbers.isEmpty() ? "" : " clobbers " + clobbers);
    }
}
