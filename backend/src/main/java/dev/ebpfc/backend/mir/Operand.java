package dev.ebpfc.backend.mir;

/// One register operand of a [MachineInst] with its role. Within an instruction all uses are read
/// before any def is written, so a use and a def may share a register; a [Role#LATE_USE] is still
/// live when the defs are written (two-address forms whose source must not alias the destination).
public record Operand(Reg reg, Role role) {
    public enum Role { USE, LATE_USE, DEF }

    public static Operand use(Reg r) {
        return new Operand(r, Role.USE);
    }

    public static Operand lateUse(Reg r) {
        return new Operand(r, Role.LATE_USE);
    }

    public static Operand def(Reg r) {
        return new Operand(r, Role.DEF);
    }

    @Override
    public String toString() {
        return switch (role) {
            case USE -> reg.toString();
            case LATE_USE -> reg + "!";
            case DEF -> "=" + reg;
        };
    }
}
