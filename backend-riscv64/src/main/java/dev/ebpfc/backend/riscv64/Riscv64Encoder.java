package dev.ebpfc.backend.riscv64;

import dev.ebpfc.backend.riscv64.Riscv64Features.Extension;
import dev.ebpfc.backend.riscv64.Riscv64Insn.AluImmOp;
import dev.ebpfc.backend.riscv64.Riscv64Insn.AluOp;
import dev.ebpfc.backend.riscv64.Riscv64Insn.AmoOp;
import dev.ebpfc.backend.riscv64.Riscv64Insn.BranchOp;
import dev.ebpfc.backend.riscv64.Riscv64Insn.FenceSet;
import dev.ebpfc.backend.riscv64.Riscv64Insn.ImmKind;
import dev.ebpfc.backend.riscv64.Riscv64Insn.LoadOp;
import dev.ebpfc.backend.riscv64.Riscv64Insn.Opcode;
import dev.ebpfc.backend.riscv64.Riscv64Insn.Ordering;
import dev.ebpfc.backend.riscv64.Riscv64Insn.StoreOp;
import dev.ebpfc.backend.riscv64.Riscv64Insn.UnaryOp;
import dev.ebpfc.backend.riscv64.Riscv64Insn.Width;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import static dev.ebpfc.backend.riscv64.Riscv64Reg.SP;
import static dev.ebpfc.backend.riscv64.Riscv64Reg.ZERO;

/// Encodes RISC-V64 instructions (RISC-V Unprivileged ISA 20191213, "unpriv."; Bit-Manipulation
/// ISA-extensions 1.0.0, "bitmanip") into a growing little-endian byte buffer, in three layers:
///  1. format functions R/I/S/B/U/J (and the compressed CR/CI/CSS/CJ), every field width-checked;
///  2. one method per instruction, named after it;
///  3. [#emit], the one switch from the [Riscv64Insn] model to layer 2, choosing compressed forms
///     when [Riscv64Features] allows; and [#materialize] for 64-bit constants.
///
/// Instructions from an extension that is not enabled throw [IllegalStateException]; operands that
/// do not fit their field throw [IllegalArgumentException] naming the field.
public final class Riscv64Encoder {
    private final Riscv64Features features;
    private byte[] code = new byte[256];
    private int size;

    public Riscv64Encoder(Riscv64Features features) {
        this.features = Objects.requireNonNull(features);
    }

    /// An RV64IMA encoder.
    public Riscv64Encoder() {
        this(Riscv64Features.BASELINE);
    }

    public Riscv64Features features() {
        return features;
    }

    public int position() {
        return size;
    }

    public byte[] toByteArray() {
        return Arrays.copyOf(code, size);
    }

    /// Which pc-relative encoding a later relaxation pass is asking about.
    public enum BranchForm {
        /// B-type conditional branch: 13-bit signed even offset, ±4 KiB.
        B_TYPE(13),
        /// `jal`: 21-bit signed even offset, ±1 MiB.
        J_TYPE(21),
        /// `c.j`: 12-bit signed even offset, ±2 KiB.
        CJ_TYPE(12);

        final int bits;

        BranchForm(int bits) {
            this.bits = bits;
        }
    }

    /// Whether a branch of this form can reach `distance` bytes (target minus the branch's own
    /// address). Offsets are always even: the ISA drops bit 0 because, with C, instructions are
    /// 2-byte aligned.
    public static boolean fits(BranchForm form, long distance) {
        return (distance & 1) == 0 && fitsSigned(distance, form.bits);
    }

    // ---- layer 1: formats ------------------------------------------------------------------

    private static boolean fitsSigned(long v, int bits) {
        return v >= -(1L << (bits - 1)) && v < (1L << (bits - 1));
    }

    private static int unsigned(String field, long v, int bits) {
        if (v < 0 || v >= (1L << bits)) {
            throw new IllegalArgumentException(field + " = " + v + " does not fit in " + bits + " unsigned bits");
        }
        return (int) v;
    }

    private static int signed(String field, long v, int bits) {
        if (!fitsSigned(v, bits)) {
            throw new IllegalArgumentException(field + " = " + v + " does not fit in " + bits + " signed bits");
        }
        return (int) v & (int) ((1L << bits) - 1);
    }

    private static int even(String field, long v) {
        if ((v & 1) != 0) throw new IllegalArgumentException(field + " = " + v + " is odd");
        return (int) v;
    }

    /// R-type:
    /// ```
    ///  31       25 24   20 19   15 14  12 11    7 6      0
    /// |  funct7   |  rs2  |  rs1  |funct3|  rd   | opcode |
    /// ```
    static int rType(int funct7, int rs2, int rs1, int funct3, int rd, int opcode) {
        return unsigned("funct7", funct7, 7) << 25 | unsigned("rs2", rs2, 5) << 20 | unsigned("rs1", rs1, 5) << 15
                | unsigned("funct3", funct3, 3) << 12 | unsigned("rd", rd, 5) << 7 | unsigned("opcode", opcode, 7);
    }

    /// I-type: the immediate is sign-extended from bit 31 like every RISC-V immediate, so the
    /// sign bit sits in the same place for all formats.
    /// ```
    ///  31                20 19   15 14  12 11    7 6      0
    /// |      imm[11:0]     |  rs1  |funct3|  rd   | opcode |
    /// ```
    static int iType(int imm12, int rs1, int funct3, int rd, int opcode) {
        return signed("imm[11:0]", imm12, 12) << 20 | unsigned("rs1", rs1, 5) << 15
                | unsigned("funct3", funct3, 3) << 12 | unsigned("rd", rd, 5) << 7 | unsigned("opcode", opcode, 7);
    }

    /// I-type whose immediate field is an unsigned code (shift function + shamt, Zbb unary codes).
    static int iTypeRaw(int field12, int rs1, int funct3, int rd, int opcode) {
        return unsigned("imm[11:0]", field12, 12) << 20 | unsigned("rs1", rs1, 5) << 15
                | unsigned("funct3", funct3, 3) << 12 | unsigned("rd", rd, 5) << 7 | unsigned("opcode", opcode, 7);
    }

    /// S-type: the immediate is split so that rs1/rs2 stay where R-type has them.
    /// ```
    ///  31       25 24   20 19   15 14  12 11    7 6      0
    /// | imm[11:5] |  rs2  |  rs1  |funct3|imm[4:0]| opcode|
    /// ```
    static int sType(int imm12, int rs2, int rs1, int funct3, int opcode) {
        int imm = signed("imm[11:0]", imm12, 12);
        return (imm >> 5) << 25 | unsigned("rs2", rs2, 5) << 20 | unsigned("rs1", rs1, 5) << 15
                | unsigned("funct3", funct3, 3) << 12 | (imm & 0x1f) << 7 | unsigned("opcode", opcode, 7);
    }

    /// B-type: S-type with the offset in units of 2 bytes; bit 11 moves to instruction bit 7 so
    /// that bits 10:1 share positions with S-type.
    /// ```
    ///  31  30      25 24   20 19   15 14  12 11     8 7     6      0
    /// |[12]| [10:5]  |  rs2  |  rs1  |funct3| [4:1]  |[11]| opcode |
    /// ```
    static int bType(int offset, int rs2, int rs1, int funct3, int opcode) {
        int imm = signed("B-type offset", even("B-type offset", offset), 13);
        return ((imm >> 12) & 1) << 31 | ((imm >> 5) & 0x3f) << 25 | unsigned("rs2", rs2, 5) << 20
                | unsigned("rs1", rs1, 5) << 15 | unsigned("funct3", funct3, 3) << 12
                | ((imm >> 1) & 0xf) << 8 | ((imm >> 11) & 1) << 7 | unsigned("opcode", opcode, 7);
    }

    /// U-type:
    /// ```
    ///  31                                12 11    7 6      0
    /// |              imm[31:12]            |  rd   | opcode |
    /// ```
    static int uType(int imm20, int rd, int opcode) {
        return unsigned("imm[31:12]", imm20, 20) << 12 | unsigned("rd", rd, 5) << 7 | unsigned("opcode", opcode, 7);
    }

    /// J-type: U-type with a scrambled even offset (bits placed to share positions with I/B-type).
    /// ```
    ///  31  30        21  20  19        12 11    7 6      0
    /// |[20]|  [10:1]   |[11]|  [19:12]   |  rd   | opcode |
    /// ```
    static int jType(int offset, int rd, int opcode) {
        int imm = signed("J-type offset", even("J-type offset", offset), 21);
        return ((imm >> 20) & 1) << 31 | ((imm >> 1) & 0x3ff) << 21 | ((imm >> 11) & 1) << 20
                | ((imm >> 12) & 0xff) << 12 | unsigned("rd", rd, 5) << 7 | unsigned("opcode", opcode, 7);
    }

    /// CR (unpriv. §16.2):
    /// ```
    ///  15    12 11      7 6      2 1  0
    /// | funct4 |  rd/rs1 |   rs2   | op |
    /// ```
    static int crType(int funct4, int rdRs1, int rs2, int op) {
        return unsigned("funct4", funct4, 4) << 12 | unsigned("rd/rs1", rdRs1, 5) << 7
                | unsigned("rs2", rs2, 5) << 2 | unsigned("op", op, 2);
    }

    /// CI: a 6-bit immediate split around the register.
    /// ```
    ///  15  13  12  11      7 6        2 1  0
    /// |funct3|imm5| rd/rs1  | imm[4:0] | op |
    /// ```
    static int ciType(int funct3, int imm6, int rdRs1, int op) {
        int imm = unsigned("CI imm", imm6, 6);
        return unsigned("funct3", funct3, 3) << 13 | (imm >> 5) << 12 | unsigned("rd/rs1", rdRs1, 5) << 7
                | (imm & 0x1f) << 2 | unsigned("op", op, 2);
    }

    /// CSS: stack-relative store.
    /// ```
    ///  15  13 12        7 6      2 1  0
    /// |funct3|   imm6    |   rs2   | op |
    /// ```
    static int cssType(int funct3, int imm6, int rs2, int op) {
        return unsigned("funct3", funct3, 3) << 13 | unsigned("CSS imm", imm6, 6) << 7
                | unsigned("rs2", rs2, 5) << 2 | unsigned("op", op, 2);
    }

    /// CJ: an even ±2 KiB offset, bits in the order [11|4|9:8|10|6|7|3:1|5].
    /// ```
    ///  15  13 12                         2 1  0
    /// |funct3|        jump target         | op |
    /// ```
    static int cjType(int funct3, int offset, int op) {
        int i = signed("CJ offset", even("CJ offset", offset), 12);
        int t = ((i >> 11) & 1) << 10 | ((i >> 4) & 1) << 9 | ((i >> 8) & 3) << 7 | ((i >> 10) & 1) << 6
                | ((i >> 6) & 1) << 5 | ((i >> 7) & 1) << 4 | ((i >> 1) & 7) << 1 | ((i >> 5) & 1);
        return unsigned("funct3", funct3, 3) << 13 | t << 2 | unsigned("op", op, 2);
    }

    private void grow(int n) {
        if (size + n > code.length) code = Arrays.copyOf(code, Math.max(code.length * 2, size + n));
    }

    /// Appends a 32-bit instruction, little-endian (unpriv. §1.5: parcels are little-endian).
    private void word(int w) {
        grow(4);
        code[size++] = (byte) w;
        code[size++] = (byte) (w >>> 8);
        code[size++] = (byte) (w >>> 16);
        code[size++] = (byte) (w >>> 24);
    }

    private void half(int h) {
        grow(2);
        code[size++] = (byte) h;
        code[size++] = (byte) (h >>> 8);
    }

    private void require(Extension e, String what) {
        if (e != null && !features.has(e)) {
            throw new IllegalStateException(what + " needs the " + e + " extension, which is not enabled");
        }
    }

    // ---- layer 2: one method per instruction ------------------------------------------------

    /// Any R-type operation of [AluOp] (the named methods below delegate here).
    public void alu(AluOp op, Riscv64Reg rd, Riscv64Reg rs1, Riscv64Reg rs2) {
        require(op.extension, op.mnemonic);
        word(rType(op.funct7, rs2.number(), rs1.number(), op.funct3, rd.number(), op.opcode));
    }

    /// Any I-type operation of [AluImmOp]: `imm` is a signed 12-bit value, or a shift amount
    /// (0..63; 0..31 for the `w` forms, whose bit 5 would be a reserved encoding).
    public void aluImm(AluImmOp op, Riscv64Reg rd, Riscv64Reg rs1, int imm) {
        require(op.extension, op.mnemonic);
        int w = switch (op.kind) {
            case SIGNED12 -> iType(imm, rs1.number(), op.funct3, rd.number(), op.opcode);
            case SHAMT6 -> iTypeRaw(op.high << 6 | unsigned("shamt", imm, 6), rs1.number(), op.funct3, rd.number(), op.opcode);
            case SHAMT5 -> iTypeRaw(op.high << 5 | unsigned("shamt", imm, 5), rs1.number(), op.funct3, rd.number(), op.opcode);
        };
        word(w);
    }

    /// Zbb one-operand operations (bitmanip §2.2).
    public void unary(UnaryOp op, Riscv64Reg rd, Riscv64Reg rs1) {
        require(Extension.ZBB, op.mnemonic);
        word(iTypeRaw(op.imm12, rs1.number(), op.funct3, rd.number(), op.opcode));
    }

    /// ADD (unpriv. §2.4.2).
    public void add(Riscv64Reg rd, Riscv64Reg rs1, Riscv64Reg rs2) {
        alu(AluOp.ADD, rd, rs1, rs2);
    }

    /// SUB (unpriv. §2.4.2).
    public void sub(Riscv64Reg rd, Riscv64Reg rs1, Riscv64Reg rs2) {
        alu(AluOp.SUB, rd, rs1, rs2);
    }

    /// SLL (unpriv. §2.4.2; RV64 uses rs2[5:0], §5.2).
    public void sll(Riscv64Reg rd, Riscv64Reg rs1, Riscv64Reg rs2) {
        alu(AluOp.SLL, rd, rs1, rs2);
    }

    /// SRL (unpriv. §2.4.2, §5.2).
    public void srl(Riscv64Reg rd, Riscv64Reg rs1, Riscv64Reg rs2) {
        alu(AluOp.SRL, rd, rs1, rs2);
    }

    /// SRA (unpriv. §2.4.2, §5.2).
    public void sra(Riscv64Reg rd, Riscv64Reg rs1, Riscv64Reg rs2) {
        alu(AluOp.SRA, rd, rs1, rs2);
    }

    /// AND (unpriv. §2.4.2).
    public void and(Riscv64Reg rd, Riscv64Reg rs1, Riscv64Reg rs2) {
        alu(AluOp.AND, rd, rs1, rs2);
    }

    /// OR (unpriv. §2.4.2).
    public void or(Riscv64Reg rd, Riscv64Reg rs1, Riscv64Reg rs2) {
        alu(AluOp.OR, rd, rs1, rs2);
    }

    /// XOR (unpriv. §2.4.2).
    public void xor(Riscv64Reg rd, Riscv64Reg rs1, Riscv64Reg rs2) {
        alu(AluOp.XOR, rd, rs1, rs2);
    }

    /// SLT (unpriv. §2.4.2).
    public void slt(Riscv64Reg rd, Riscv64Reg rs1, Riscv64Reg rs2) {
        alu(AluOp.SLT, rd, rs1, rs2);
    }

    /// SLTU (unpriv. §2.4.2).
    public void sltu(Riscv64Reg rd, Riscv64Reg rs1, Riscv64Reg rs2) {
        alu(AluOp.SLTU, rd, rs1, rs2);
    }

    /// ADDW (unpriv. §5.2): 32-bit add, result sign-extended to 64 bits.
    public void addw(Riscv64Reg rd, Riscv64Reg rs1, Riscv64Reg rs2) {
        alu(AluOp.ADDW, rd, rs1, rs2);
    }

    /// SUBW (unpriv. §5.2).
    public void subw(Riscv64Reg rd, Riscv64Reg rs1, Riscv64Reg rs2) {
        alu(AluOp.SUBW, rd, rs1, rs2);
    }

    /// SLLW (unpriv. §5.2): shift amount rs2[4:0].
    public void sllw(Riscv64Reg rd, Riscv64Reg rs1, Riscv64Reg rs2) {
        alu(AluOp.SLLW, rd, rs1, rs2);
    }

    /// SRLW (unpriv. §5.2).
    public void srlw(Riscv64Reg rd, Riscv64Reg rs1, Riscv64Reg rs2) {
        alu(AluOp.SRLW, rd, rs1, rs2);
    }

    /// SRAW (unpriv. §5.2).
    public void sraw(Riscv64Reg rd, Riscv64Reg rs1, Riscv64Reg rs2) {
        alu(AluOp.SRAW, rd, rs1, rs2);
    }

    /// ADDI (unpriv. §2.4.1).
    public void addi(Riscv64Reg rd, Riscv64Reg rs1, int imm) {
        aluImm(AluImmOp.ADDI, rd, rs1, imm);
    }

    /// ADDIW (unpriv. §5.2); `addiw rd, rs, 0` is the canonical `sext.w`.
    public void addiw(Riscv64Reg rd, Riscv64Reg rs1, int imm) {
        aluImm(AluImmOp.ADDIW, rd, rs1, imm);
    }

    /// SLLI (unpriv. §5.2: RV64 has a 6-bit shamt).
    public void slli(Riscv64Reg rd, Riscv64Reg rs1, int shamt) {
        aluImm(AluImmOp.SLLI, rd, rs1, shamt);
    }

    /// SRLI (unpriv. §5.2).
    public void srli(Riscv64Reg rd, Riscv64Reg rs1, int shamt) {
        aluImm(AluImmOp.SRLI, rd, rs1, shamt);
    }

    /// SRAI (unpriv. §5.2).
    public void srai(Riscv64Reg rd, Riscv64Reg rs1, int shamt) {
        aluImm(AluImmOp.SRAI, rd, rs1, shamt);
    }

    /// SLLIW (unpriv. §5.2).
    public void slliw(Riscv64Reg rd, Riscv64Reg rs1, int shamt) {
        aluImm(AluImmOp.SLLIW, rd, rs1, shamt);
    }

    /// SRLIW (unpriv. §5.2).
    public void srliw(Riscv64Reg rd, Riscv64Reg rs1, int shamt) {
        aluImm(AluImmOp.SRLIW, rd, rs1, shamt);
    }

    /// SRAIW (unpriv. §5.2).
    public void sraiw(Riscv64Reg rd, Riscv64Reg rs1, int shamt) {
        aluImm(AluImmOp.SRAIW, rd, rs1, shamt);
    }

    /// ANDI (unpriv. §2.4.1).
    public void andi(Riscv64Reg rd, Riscv64Reg rs1, int imm) {
        aluImm(AluImmOp.ANDI, rd, rs1, imm);
    }

    /// ORI (unpriv. §2.4.1).
    public void ori(Riscv64Reg rd, Riscv64Reg rs1, int imm) {
        aluImm(AluImmOp.ORI, rd, rs1, imm);
    }

    /// XORI (unpriv. §2.4.1); `xori rd, rs, -1` is `not`.
    public void xori(Riscv64Reg rd, Riscv64Reg rs1, int imm) {
        aluImm(AluImmOp.XORI, rd, rs1, imm);
    }

    /// SLTI (unpriv. §2.4.1).
    public void slti(Riscv64Reg rd, Riscv64Reg rs1, int imm) {
        aluImm(AluImmOp.SLTI, rd, rs1, imm);
    }

    /// SLTIU (unpriv. §2.4.1): the immediate is sign-extended, then compared unsigned.
    public void sltiu(Riscv64Reg rd, Riscv64Reg rs1, int imm) {
        aluImm(AluImmOp.SLTIU, rd, rs1, imm);
    }

    /// LUI (unpriv. §2.4.1; on RV64 the 32-bit result is sign-extended, §5.2).
    public void lui(Riscv64Reg rd, int imm20) {
        word(uType(imm20, rd.number(), Opcode.LUI));
    }

    /// AUIPC (unpriv. §2.4.1, §5.2).
    public void auipc(Riscv64Reg rd, int imm20) {
        word(uType(imm20, rd.number(), Opcode.AUIPC));
    }

    /// LB/LH/LW/LD/LBU/LHU/LWU (unpriv. §2.6, §5.3).
    public void load(LoadOp op, Riscv64Reg rd, Riscv64Reg base, int offset) {
        word(iType(offset, base.number(), op.funct3, rd.number(), Opcode.LOAD));
    }

    /// SB/SH/SW/SD (unpriv. §2.6, §5.3).
    public void store(StoreOp op, Riscv64Reg src, Riscv64Reg base, int offset) {
        word(sType(offset, src.number(), base.number(), op.funct3, Opcode.STORE));
    }

    /// BEQ/BNE/BLT/BGE/BLTU/BGEU (unpriv. §2.5.2) to byte offset `target`.
    public void branch(BranchOp op, Riscv64Reg rs1, Riscv64Reg rs2, int target) {
        word(bType(target - size, rs2.number(), rs1.number(), op.funct3, Opcode.BRANCH));
    }

    /// JAL (unpriv. §2.5.1) to byte offset `target`.
    public void jal(Riscv64Reg rd, int target) {
        word(jType(target - size, rd.number(), Opcode.JAL));
    }

    /// JALR (unpriv. §2.5.1).
    public void jalr(Riscv64Reg rd, Riscv64Reg rs1, int offset) {
        word(iType(offset, rs1.number(), 0b000, rd.number(), Opcode.JALR));
    }

    /// MUL (unpriv. §7.1).
    public void mul(Riscv64Reg rd, Riscv64Reg rs1, Riscv64Reg rs2) {
        alu(AluOp.MUL, rd, rs1, rs2);
    }

    /// MULH (unpriv. §7.1): high 64 bits of signed × signed.
    public void mulh(Riscv64Reg rd, Riscv64Reg rs1, Riscv64Reg rs2) {
        alu(AluOp.MULH, rd, rs1, rs2);
    }

    /// MULHU (unpriv. §7.1).
    public void mulhu(Riscv64Reg rd, Riscv64Reg rs1, Riscv64Reg rs2) {
        alu(AluOp.MULHU, rd, rs1, rs2);
    }

    /// MULW (unpriv. §7.1).
    public void mulw(Riscv64Reg rd, Riscv64Reg rs1, Riscv64Reg rs2) {
        alu(AluOp.MULW, rd, rs1, rs2);
    }

    /// DIV (unpriv. §7.2): division by zero gives -1 and does not trap, unlike BPF's 0.
    public void div(Riscv64Reg rd, Riscv64Reg rs1, Riscv64Reg rs2) {
        alu(AluOp.DIV, rd, rs1, rs2);
    }

    /// DIVU (unpriv. §7.2): division by zero gives all ones.
    public void divu(Riscv64Reg rd, Riscv64Reg rs1, Riscv64Reg rs2) {
        alu(AluOp.DIVU, rd, rs1, rs2);
    }

    /// DIVW (unpriv. §7.2).
    public void divw(Riscv64Reg rd, Riscv64Reg rs1, Riscv64Reg rs2) {
        alu(AluOp.DIVW, rd, rs1, rs2);
    }

    /// DIVUW (unpriv. §7.2).
    public void divuw(Riscv64Reg rd, Riscv64Reg rs1, Riscv64Reg rs2) {
        alu(AluOp.DIVUW, rd, rs1, rs2);
    }

    /// REM (unpriv. §7.2): remainder by zero gives the dividend, as BPF wants.
    public void rem(Riscv64Reg rd, Riscv64Reg rs1, Riscv64Reg rs2) {
        alu(AluOp.REM, rd, rs1, rs2);
    }

    /// REMU (unpriv. §7.2).
    public void remu(Riscv64Reg rd, Riscv64Reg rs1, Riscv64Reg rs2) {
        alu(AluOp.REMU, rd, rs1, rs2);
    }

    /// REMW (unpriv. §7.2).
    public void remw(Riscv64Reg rd, Riscv64Reg rs1, Riscv64Reg rs2) {
        alu(AluOp.REMW, rd, rs1, rs2);
    }

    /// REMUW (unpriv. §7.2).
    public void remuw(Riscv64Reg rd, Riscv64Reg rs1, Riscv64Reg rs2) {
        alu(AluOp.REMUW, rd, rs1, rs2);
    }

    /// AMOADD/AMOAND/AMOOR/AMOXOR/AMOSWAP... .W/.D (unpriv. §8.4):
    /// funct7 = funct5 | aq | rl.
    public void amo(AmoOp op, Width width, Ordering ordering, Riscv64Reg rd, Riscv64Reg src, Riscv64Reg addr) {
        word(rType(op.funct5 << 2 | ordering.bits, src.number(), addr.number(), width.funct3, rd.number(), Opcode.AMO));
    }

    /// AMOADD.W/.D (unpriv. §8.4).
    public void amoadd(Width width, Ordering ordering, Riscv64Reg rd, Riscv64Reg src, Riscv64Reg addr) {
        amo(AmoOp.AMOADD, width, ordering, rd, src, addr);
    }

    /// AMOAND.W/.D (unpriv. §8.4).
    public void amoand(Width width, Ordering ordering, Riscv64Reg rd, Riscv64Reg src, Riscv64Reg addr) {
        amo(AmoOp.AMOAND, width, ordering, rd, src, addr);
    }

    /// AMOOR.W/.D (unpriv. §8.4).
    public void amoor(Width width, Ordering ordering, Riscv64Reg rd, Riscv64Reg src, Riscv64Reg addr) {
        amo(AmoOp.AMOOR, width, ordering, rd, src, addr);
    }

    /// AMOXOR.W/.D (unpriv. §8.4).
    public void amoxor(Width width, Ordering ordering, Riscv64Reg rd, Riscv64Reg src, Riscv64Reg addr) {
        amo(AmoOp.AMOXOR, width, ordering, rd, src, addr);
    }

    /// AMOSWAP.W/.D (unpriv. §8.4).
    public void amoswap(Width width, Ordering ordering, Riscv64Reg rd, Riscv64Reg src, Riscv64Reg addr) {
        amo(AmoOp.AMOSWAP, width, ordering, rd, src, addr);
    }

    /// LR.W/.D (unpriv. §8.2): rs2 field is zero.
    public void lr(Width width, Ordering ordering, Riscv64Reg rd, Riscv64Reg addr) {
        word(rType(0b00010 << 2 | ordering.bits, 0, addr.number(), width.funct3, rd.number(), Opcode.AMO));
    }

    /// SC.W/.D (unpriv. §8.2).
    public void sc(Width width, Ordering ordering, Riscv64Reg rd, Riscv64Reg src, Riscv64Reg addr) {
        word(rType(0b00011 << 2 | ordering.bits, src.number(), addr.number(), width.funct3, rd.number(), Opcode.AMO));
    }

    /// FENCE (unpriv. §2.7): imm[11:0] = fm[3:0] pred[3:0] succ[3:0], rs1 = rd = 0.
    public void fence(int pred, int succ) {
        word(iTypeRaw(unsigned("fence pred", pred, 4) << 4 | unsigned("fence succ", succ, 4), 0, 0b000, 0, Opcode.MISC_MEM));
    }

    /// FENCE.TSO (unpriv. §2.7): fm = 1000 with pred = succ = rw.
    public void fenceTso() {
        word(iTypeRaw(0b1000 << 8 | FenceSet.RW << 4 | FenceSet.RW, 0, 0b000, 0, Opcode.MISC_MEM));
    }

    /// ECALL (unpriv. §2.8).
    public void ecall() {
        word(iTypeRaw(0, 0, 0, 0, Opcode.SYSTEM));
    }

    /// EBREAK (unpriv. §2.8).
    public void ebreak() {
        word(iTypeRaw(1, 0, 0, 0, Opcode.SYSTEM));
    }

    /// SH1ADD (bitmanip §2.1): rd = rs2 + (rs1 << 1).
    public void sh1add(Riscv64Reg rd, Riscv64Reg rs1, Riscv64Reg rs2) {
        alu(AluOp.SH1ADD, rd, rs1, rs2);
    }

    /// SH2ADD (bitmanip §2.1).
    public void sh2add(Riscv64Reg rd, Riscv64Reg rs1, Riscv64Reg rs2) {
        alu(AluOp.SH2ADD, rd, rs1, rs2);
    }

    /// SH3ADD (bitmanip §2.1).
    public void sh3add(Riscv64Reg rd, Riscv64Reg rs1, Riscv64Reg rs2) {
        alu(AluOp.SH3ADD, rd, rs1, rs2);
    }

    /// ADD.UW (bitmanip §2.1); with rs2 = zero it is `zext.w`.
    public void addUw(Riscv64Reg rd, Riscv64Reg rs1, Riscv64Reg rs2) {
        alu(AluOp.ADD_UW, rd, rs1, rs2);
    }

    /// ANDN (bitmanip §2.2): rd = rs1 & ~rs2.
    public void andn(Riscv64Reg rd, Riscv64Reg rs1, Riscv64Reg rs2) {
        alu(AluOp.ANDN, rd, rs1, rs2);
    }

    /// ROL (bitmanip §2.2).
    public void rol(Riscv64Reg rd, Riscv64Reg rs1, Riscv64Reg rs2) {
        alu(AluOp.ROL, rd, rs1, rs2);
    }

    /// ROR (bitmanip §2.2).
    public void ror(Riscv64Reg rd, Riscv64Reg rs1, Riscv64Reg rs2) {
        alu(AluOp.ROR, rd, rs1, rs2);
    }

    /// RORI (bitmanip §2.2).
    public void rori(Riscv64Reg rd, Riscv64Reg rs1, int shamt) {
        aluImm(AluImmOp.RORI, rd, rs1, shamt);
    }

    /// REV8 (bitmanip §2.2, RV64 encoding): byte swap, the BPF `be64`/`le64` on little-endian.
    public void rev8(Riscv64Reg rd, Riscv64Reg rs1) {
        unary(UnaryOp.REV8, rd, rs1);
    }

    /// SEXT.B (bitmanip §2.2).
    public void sextB(Riscv64Reg rd, Riscv64Reg rs1) {
        unary(UnaryOp.SEXT_B, rd, rs1);
    }

    /// SEXT.H (bitmanip §2.2).
    public void sextH(Riscv64Reg rd, Riscv64Reg rs1) {
        unary(UnaryOp.SEXT_H, rd, rs1);
    }

    /// ZEXT.H (bitmanip §2.2, RV64 encoding in OP-32).
    public void zextH(Riscv64Reg rd, Riscv64Reg rs1) {
        unary(UnaryOp.ZEXT_H, rd, rs1);
    }

    private void requireC(String what) {
        require(Extension.C, what);
    }

    private static Riscv64Reg nonZero(String field, Riscv64Reg r) {
        if (r == ZERO) throw new IllegalArgumentException(field + " must not be zero (reserved or HINT encoding)");
        return r;
    }

    /// C.ADDI (unpriv. §16.5): rd += nzimm; a zero immediate is a HINT, not an add.
    public void cAddi(Riscv64Reg rd, int nzimm) {
        requireC("c.addi");
        if (nzimm == 0) throw new IllegalArgumentException("c.addi nzimm must not be 0");
        half(ciType(0b000, signed("c.addi nzimm", nzimm, 6), nonZero("c.addi rd", rd).number(), 0b01));
    }

    /// C.LI (unpriv. §16.5): rd = imm.
    public void cLi(Riscv64Reg rd, int imm) {
        requireC("c.li");
        half(ciType(0b010, signed("c.li imm", imm, 6), nonZero("c.li rd", rd).number(), 0b01));
    }

    /// C.MV (unpriv. §16.5): expands to `add rd, x0, rs2`; rs2 = 0 would be c.jr.
    public void cMv(Riscv64Reg rd, Riscv64Reg rs2) {
        requireC("c.mv");
        half(crType(0b1000, nonZero("c.mv rd", rd).number(), nonZero("c.mv rs2", rs2).number(), 0b10));
    }

    /// C.ADD (unpriv. §16.5): rd += rs2; rs2 = 0 would be c.jalr/c.ebreak.
    public void cAdd(Riscv64Reg rd, Riscv64Reg rs2) {
        requireC("c.add");
        half(crType(0b1001, nonZero("c.add rd", rd).number(), nonZero("c.add rs2", rs2).number(), 0b10));
    }

    /// C.LDSP (unpriv. §16.3): ld rd, uimm(sp) for uimm a multiple of 8 below 512; the
    /// offset bits are stored as [5] in bit 12 and [4:3|8:6] in bits 6:2.
    public void cLdsp(Riscv64Reg rd, int uimm) {
        requireC("c.ldsp");
        int u = eightAligned("c.ldsp offset", uimm);
        half(ciType(0b011, ((u >> 5) & 1) << 5 | ((u >> 3) & 3) << 3 | (u >> 6) & 7, nonZero("c.ldsp rd", rd).number(), 0b10));
    }

    /// C.SDSP (unpriv. §16.3): sd rs2, uimm(sp); offset bits [5:3|8:6] in bits 12:7.
    public void cSdsp(Riscv64Reg rs2, int uimm) {
        requireC("c.sdsp");
        int u = eightAligned("c.sdsp offset", uimm);
        half(cssType(0b111, ((u >> 3) & 7) << 3 | (u >> 6) & 7, rs2.number(), 0b10));
    }

    private static int eightAligned(String field, int v) {
        if ((v & 7) != 0) throw new IllegalArgumentException(field + " = " + v + " is not a multiple of 8");
        return unsigned(field, v, 9);
    }

    /// C.JR (unpriv. §16.4): jalr x0, 0(rs1).
    public void cJr(Riscv64Reg rs1) {
        requireC("c.jr");
        half(crType(0b1000, nonZero("c.jr rs1", rs1).number(), 0, 0b10));
    }

    /// C.J (unpriv. §16.4): jal x0 to byte offset `target`, ±2 KiB.
    public void cJ(int target) {
        requireC("c.j");
        half(cjType(0b101, target - size, 0b01));
    }

    // ---- layer 3: the model ----------------------------------------------------------------

    /// Encodes one instruction at the current position, compressed when C is enabled and the
    /// 16-bit form means exactly the same (and prints the same under objdump).
    public void emit(Riscv64Insn insn) {
        if (compressible(insn)) {
            emitCompressed(insn);
            return;
        }
        emitUncompressed(insn);
    }

    /// Encodes one instruction in its 32-bit form even where a compressed one exists: for code
    /// whose size must not depend on its operands (pc-relative sequences, whose offsets change
    /// while branches are relaxed).
    public void emitUncompressed(Riscv64Insn insn) {
        switch (insn) {
            case Riscv64Insn.Alu a -> alu(a.op(), a.rd(), a.rs1(), a.rs2());
            case Riscv64Insn.AluImm a -> aluImm(a.op(), a.rd(), a.rs1(), a.imm());
            case Riscv64Insn.Unary u -> unary(u.op(), u.rd(), u.rs1());
            case Riscv64Insn.Lui l -> lui(l.rd(), l.imm20());
            case Riscv64Insn.Auipc a -> auipc(a.rd(), a.imm20());
            case Riscv64Insn.Load l -> load(l.op(), l.rd(), l.base(), l.offset());
            case Riscv64Insn.Store s -> store(s.op(), s.src(), s.base(), s.offset());
            case Riscv64Insn.Branch b -> branch(b.op(), b.rs1(), b.rs2(), b.target());
            case Riscv64Insn.Jal j -> jal(j.rd(), j.target());
            case Riscv64Insn.Jalr j -> jalr(j.rd(), j.rs1(), j.offset());
            case Riscv64Insn.CompressedJump j -> cJ(j.target());
            case Riscv64Insn.Amo a -> amo(a.op(), a.width(), a.ordering(), a.rd(), a.src(), a.addr());
            case Riscv64Insn.LoadReserved l -> lr(l.width(), l.ordering(), l.rd(), l.addr());
            case Riscv64Insn.StoreConditional s -> sc(s.width(), s.ordering(), s.rd(), s.src(), s.addr());
            case Riscv64Insn.Fence f -> fence(f.pred(), f.succ());
            case Riscv64Insn.FenceTso f -> fenceTso();
            case Riscv64Insn.Ecall e -> ecall();
            case Riscv64Insn.Ebreak e -> ebreak();
        }
    }

    /// The size in bytes [#emit] will use for `insn` (2 or 4), for a sizing pass.
    public int length(Riscv64Insn insn) {
        return insn instanceof Riscv64Insn.CompressedJump || compressible(insn) ? 2 : 4;
    }

    private static boolean fits6(int v) {
        return v >= -32 && v < 32;
    }

    /// Whether a 16-bit form encodes exactly this instruction. `add rd, zero, rs` is deliberately
    /// not turned into c.mv: objdump would print `mv`, while the 32-bit form prints `add`.
    private boolean compressible(Riscv64Insn insn) {
        if (!features.has(Extension.C)) return false;
        return switch (insn) {
            case Riscv64Insn.AluImm(AluImmOp op, Riscv64Reg rd, Riscv64Reg rs1, int imm)
                    when op == AluImmOp.ADDI && rd != ZERO ->
                    (rs1 == rd && imm != 0 && fits6(imm)) || (rs1 == ZERO && fits6(imm)) || (imm == 0 && rs1 != ZERO);
            case Riscv64Insn.Alu(AluOp op, Riscv64Reg rd, Riscv64Reg rs1, Riscv64Reg rs2) when op == AluOp.ADD ->
                    rd != ZERO && rs1 == rd && rs2 != ZERO;
            case Riscv64Insn.Load(LoadOp op, Riscv64Reg rd, Riscv64Reg base, int off) when op == LoadOp.LD ->
                    rd != ZERO && base == SP && off >= 0 && off < 512 && (off & 7) == 0;
            case Riscv64Insn.Store(StoreOp op, Riscv64Reg src, Riscv64Reg base, int off) when op == StoreOp.SD ->
                    base == SP && off >= 0 && off < 512 && (off & 7) == 0;
            case Riscv64Insn.Jalr(Riscv64Reg rd, Riscv64Reg rs1, int off) -> rd == ZERO && off == 0 && rs1 != ZERO;
            default -> false;
        };
    }

    private void emitCompressed(Riscv64Insn insn) {
        switch (insn) {
            case Riscv64Insn.AluImm a when a.rs1() == a.rd() && a.imm() != 0 -> cAddi(a.rd(), a.imm());
            case Riscv64Insn.AluImm a when a.rs1() == ZERO -> cLi(a.rd(), a.imm());
            case Riscv64Insn.AluImm a -> cMv(a.rd(), a.rs1());
            case Riscv64Insn.Alu a -> cAdd(a.rd(), a.rs2());
            case Riscv64Insn.Load l -> cLdsp(l.rd(), l.offset());
            case Riscv64Insn.Store s -> cSdsp(s.src(), s.offset());
            case Riscv64Insn.Jalr j -> cJr(j.rs1());
            default -> throw new AssertionError("not compressible: " + insn);
        }
    }

    /// Loads the 64-bit constant `value` into `rd` with the shortest sequence found (see
    /// [#materialization]).
    public void materialize(Riscv64Reg rd, long value) {
        for (Riscv64Insn i : materialization(rd, value)) emit(i);
    }

    /// The instructions that build `value` in `rd` using only rd itself: lui, addi(w), slli, srli.
    ///
    /// The recursive scheme: a 32-bit signed value is `lui` + `addiw` (addiw, not addi, because
    /// lui+addi overflows to a different 64-bit value when the low part carries into bit 31).
    /// Wider values peel off their sign-extended low 12 bits (added back last with addi),
    /// shift out the trailing zeros of the rest (slli), and recurse on what remains. Alternatives
    /// tried, keeping the shortest: stopping the shift 12 bits early so the remainder is one
    /// `lui`; shifting out the value's own trailing zeros with no addi at the end (bits 11 and 63
    /// set: `li -1; slli 52; addi 1; slli 11` beats peeling -2048); and, for positive values,
    /// shifting the leading zeros out first (possibly filling them with ones, e.g. 0xffffffff =
    /// `li -1; srli 32`) and restoring them with a final srli. Not proven optimal: sequences that
    /// need a second register (`add rd, rd, tmp << 32`) or Zbb/Zba are out of scope.
    public static List<Riscv64Insn> materialization(Riscv64Reg rd, long value) {
        if (rd == ZERO) throw new IllegalArgumentException("cannot materialize into zero");
        Map<Long, List<Riscv64Insn>> memo = new HashMap<>();
        List<Riscv64Insn> best = build(rd, value, memo);
        // Leading zeros are filled and restored once, at the top, as a final srli; trying it at
        // every level of the recursion multiplies the work for no shorter results.
        if (value > 0 && value != (int) value) {
            int lz = Long.numberOfLeadingZeros(value);
            long top = value << lz;
            best = shorter(best, leading(rd, top, lz, memo));
            best = shorter(best, leading(rd, top | ((1L << lz) - 1), lz, memo));
        }
        return List.copyOf(best);
    }

    /// The alternatives revisit the same intermediate values, hence the memo (per call).
    private static List<Riscv64Insn> build(Riscv64Reg rd, long v, Map<Long, List<Riscv64Insn>> memo) {
        List<Riscv64Insn> known = memo.get(v);
        if (known != null) return known;
        List<Riscv64Insn> best = null;
        if (v == (int) v) {
            int lo = Imm12.lo12(v);
            int hi = Imm12.hi20((int) v);
            best = new ArrayList<>();
            if (hi == 0) {
                best.add(new Riscv64Insn.AluImm(AluImmOp.ADDI, rd, ZERO, lo));
            } else {
                best.add(new Riscv64Insn.Lui(rd, hi));
                if (lo != 0) best.add(new Riscv64Insn.AluImm(AluImmOp.ADDIW, rd, rd, lo));
            }
        } else {
            int lo = Imm12.lo12(v);
            long rest = v - lo;
            int tz = Long.numberOfTrailingZeros(rest);
            best = shorter(best, shifted(rd, rest, tz, lo, memo));
            if (tz > 12) best = shorter(best, shifted(rd, rest, tz - 12, lo, memo));
            int tzv = Long.numberOfTrailingZeros(v);
            if (lo != 0 && tzv > 0) best = shorter(best, shifted(rd, v, tzv, 0, memo));
        }
        memo.put(v, best);
        return best;
    }

    /// `rest >> shift` built recursively, then slli shift, then addi lo.
    private static List<Riscv64Insn> shifted(Riscv64Reg rd, long rest, int shift, int lo, Map<Long, List<Riscv64Insn>> memo) {
        List<Riscv64Insn> s = new ArrayList<>(build(rd, rest >> shift, memo));
        s.add(new Riscv64Insn.AluImm(AluImmOp.SLLI, rd, rd, shift));
        if (lo != 0) s.add(new Riscv64Insn.AluImm(AluImmOp.ADDI, rd, rd, lo));
        return s;
    }

    private static List<Riscv64Insn> leading(Riscv64Reg rd, long top, int lz, Map<Long, List<Riscv64Insn>> memo) {
        List<Riscv64Insn> s = new ArrayList<>(build(rd, top, memo));
        s.add(new Riscv64Insn.AluImm(AluImmOp.SRLI, rd, rd, lz));
        return s;
    }

    private static List<Riscv64Insn> shorter(List<Riscv64Insn> a, List<Riscv64Insn> b) {
        return a == null || b.size() < a.size() ? b : a;
    }
}
