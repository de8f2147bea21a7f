package dev.ebpfc.backend.riscv64;

import dev.ebpfc.backend.riscv64.Riscv64Insn.AluOp;
import dev.ebpfc.backend.riscv64.Riscv64Insn.BranchOp;
import dev.ebpfc.backend.riscv64.Riscv64Insn.FenceSet;

import static dev.ebpfc.backend.riscv64.Riscv64Reg.RA;
import static dev.ebpfc.backend.riscv64.Riscv64Reg.ZERO;

/// Prints RISC-V64 instructions exactly as GNU objdump 2.40 prints them with its default alias
/// rules (`li`, `mv`, `ret`, `beqz`...), so objdump can serve as an independent oracle for
/// [Riscv64Encoder]: for any instruction, `objdump -D -b binary -m riscv:rv64` of the encoder's bytes
/// must print what this prints (tabs as single spaces, objdump's `# address` comments dropped).
///
/// A compressed encoding prints as the 32-bit instruction it expands to, which is why the
/// encoder only compresses where the two spellings agree. Branch and jump targets print as
/// absolute offsets in the code buffer.
///
/// objdump's alias table holds some surprises, reproduced here on purpose: immediate forms print
/// under the register-form mnemonic (`addi a0,a1,5` is `add a0,a1,5`, `slli` is `sll`, `addiw`
/// is `addw`), shift amounts print in hex, other immediates in decimal.
public final class Riscv64Printer {
    private Riscv64Printer() {
    }

    public static String print(Riscv64Insn insn) {
        return switch (insn) {
            case Riscv64Insn.Alu a -> alu(a);
            case Riscv64Insn.AluImm a -> aluImm(a);
            case Riscv64Insn.Unary u -> u.op().mnemonic + " " + reg(u.rd()) + "," + reg(u.rs1());
            case Riscv64Insn.Lui l -> "lui " + reg(l.rd()) + ",0x" + Integer.toHexString(l.imm20());
            case Riscv64Insn.Auipc a -> "auipc " + reg(a.rd()) + ",0x" + Integer.toHexString(a.imm20());
            case Riscv64Insn.Load l -> l.op().mnemonic + " " + reg(l.rd()) + "," + l.offset() + "(" + reg(l.base()) + ")";
            case Riscv64Insn.Store s -> s.op().mnemonic + " " + reg(s.src()) + "," + s.offset() + "(" + reg(s.base()) + ")";
            case Riscv64Insn.Branch b -> branch(b);
            case Riscv64Insn.Jal j -> j.rd() == ZERO ? "j " + target(j.target())
                    : j.rd() == RA ? "jal " + target(j.target())
                    : "jal " + reg(j.rd()) + "," + target(j.target());
            case Riscv64Insn.Jalr j -> jalr(j);
            case Riscv64Insn.CompressedJump j -> "j " + target(j.target());
            case Riscv64Insn.Amo a -> a.op().mnemonic + a.width().suffix + a.ordering().suffix + " "
                    + reg(a.rd()) + "," + reg(a.src()) + ",(" + reg(a.addr()) + ")";
            case Riscv64Insn.LoadReserved l -> "lr" + l.width().suffix + l.ordering().suffix + " "
                    + reg(l.rd()) + ",(" + reg(l.addr()) + ")";
            case Riscv64Insn.StoreConditional s -> "sc" + s.width().suffix + s.ordering().suffix + " "
                    + reg(s.rd()) + "," + reg(s.src()) + ",(" + reg(s.addr()) + ")";
            case Riscv64Insn.Fence f -> f.pred() == FenceSet.IORW && f.succ() == FenceSet.IORW ? "fence"
                    : "fence " + fenceSet(f.pred()) + "," + fenceSet(f.succ());
            case Riscv64Insn.FenceTso f -> "fence.tso";
            case Riscv64Insn.Ecall e -> "ecall";
            case Riscv64Insn.Ebreak e -> "ebreak";
        };
    }

    public static String reg(Riscv64Reg r) {
        return r.abiName();
    }

    private static String target(int t) {
        return "0x" + Integer.toHexString(t);
    }

    private static String rrr(String m, Riscv64Reg rd, Riscv64Reg rs1, Riscv64Reg rs2) {
        return m + " " + reg(rd) + "," + reg(rs1) + "," + reg(rs2);
    }

    private static String rr(String m, Riscv64Reg rd, Riscv64Reg rs) {
        return m + " " + reg(rd) + "," + reg(rs);
    }

    private static String alu(Riscv64Insn.Alu a) {
        AluOp op = a.op();
        // Order matters where two aliases match: `slt rd,zero,zero` prints sltz, not sgtz.
        if (op == AluOp.SUB && a.rs1() == ZERO) return rr("neg", a.rd(), a.rs2());
        if (op == AluOp.SUBW && a.rs1() == ZERO) return rr("negw", a.rd(), a.rs2());
        if (op == AluOp.SLTU && a.rs1() == ZERO) return rr("snez", a.rd(), a.rs2());
        if (op == AluOp.SLT && a.rs2() == ZERO) return rr("sltz", a.rd(), a.rs1());
        if (op == AluOp.SLT && a.rs1() == ZERO) return rr("sgtz", a.rd(), a.rs2());
        if (op == AluOp.ADD_UW && a.rs2() == ZERO) return rr("zext.w", a.rd(), a.rs1());
        return rrr(op.mnemonic, a.rd(), a.rs1(), a.rs2());
    }

    private static String aluImm(Riscv64Insn.AluImm a) {
        String ri = reg(a.rd()) + "," + reg(a.rs1()) + ",";
        return switch (a.op()) {
            case ADDI -> {
                if (a.rd() == ZERO && a.rs1() == ZERO && a.imm() == 0) yield "nop";
                if (a.rs1() == ZERO) yield "li " + reg(a.rd()) + "," + a.imm();
                if (a.imm() == 0) yield rr("mv", a.rd(), a.rs1());
                yield "add " + ri + a.imm();
            }
            case ADDIW -> a.imm() == 0 ? rr("sext.w", a.rd(), a.rs1()) : "addw " + ri + a.imm();
            case SLTIU -> a.imm() == 1 ? rr("seqz", a.rd(), a.rs1()) : "sltiu " + ri + a.imm();
            case XORI -> a.imm() == -1 ? rr("not", a.rd(), a.rs1()) : "xor " + ri + a.imm();
            case SLTI -> "slti " + ri + a.imm();
            case ORI -> "or " + ri + a.imm();
            case ANDI -> a.imm() == 0xff ? rr("zext.b", a.rd(), a.rs1()) : "and " + ri + a.imm();
            case SLLI -> "sll " + ri + shamt(a);
            case SRLI -> "srl " + ri + shamt(a);
            case SRAI -> "sra " + ri + shamt(a);
            case SLLIW -> "sllw " + ri + shamt(a);
            case SRLIW -> "srlw " + ri + shamt(a);
            case SRAIW -> "sraw " + ri + shamt(a);
            case RORI -> "ror " + ri + shamt(a);
            case RORIW -> "rorw " + ri + shamt(a);
            case SLLI_UW -> "slli.uw " + ri + shamt(a);
        };
    }

    private static String shamt(Riscv64Insn.AluImm a) {
        return "0x" + Integer.toHexString(a.imm());
    }

    /// Comparisons against zero print as one-operand aliases; blez/bgtz are bge/blt with zero first.
    private static String branch(Riscv64Insn.Branch b) {
        String t = target(b.target());
        BranchOp op = b.op();
        Riscv64Reg rs1 = b.rs1();
        Riscv64Reg rs2 = b.rs2();
        return switch (op) {
            case BEQ -> rs2 == ZERO ? "beqz " + reg(rs1) + "," + t : "beq " + reg(rs1) + "," + reg(rs2) + "," + t;
            case BNE -> rs2 == ZERO ? "bnez " + reg(rs1) + "," + t : "bne " + reg(rs1) + "," + reg(rs2) + "," + t;
            case BGE -> rs1 == ZERO ? "blez " + reg(rs2) + "," + t
                    : rs2 == ZERO ? "bgez " + reg(rs1) + "," + t : "bge " + reg(rs1) + "," + reg(rs2) + "," + t;
            case BLT -> rs2 == ZERO ? "bltz " + reg(rs1) + "," + t
                    : rs1 == ZERO ? "bgtz " + reg(rs2) + "," + t : "blt " + reg(rs1) + "," + reg(rs2) + "," + t;
            case BLTU, BGEU -> op.mnemonic + " " + reg(rs1) + "," + reg(rs2) + "," + t;
        };
    }

    /// jalr drops whichever of rd (zero → `jr`, ra → `jalr`) and offset (0) are implied.
    private static String jalr(Riscv64Insn.Jalr j) {
        String target = j.offset() == 0 ? reg(j.rs1()) : j.offset() + "(" + reg(j.rs1()) + ")";
        if (j.rd() == ZERO) return j.offset() == 0 && j.rs1() == RA ? "ret" : "jr " + target;
        if (j.rd() == RA) return "jalr " + target;
        return "jalr " + reg(j.rd()) + "," + target;
    }

    /// A fence set in `iorw` order; objdump spells the empty set `unknown`.
    private static String fenceSet(int set) {
        if (set == 0) return "unknown";
        StringBuilder sb = new StringBuilder();
        if ((set & FenceSet.I) != 0) sb.append('i');
        if ((set & FenceSet.O) != 0) sb.append('o');
        if ((set & FenceSet.R) != 0) sb.append('r');
        if ((set & FenceSet.W) != 0) sb.append('w');
        return sb.toString();
    }
}
