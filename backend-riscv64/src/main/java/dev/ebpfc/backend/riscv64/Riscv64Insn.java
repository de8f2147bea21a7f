package dev.ebpfc.backend.riscv64;

import dev.ebpfc.backend.riscv64.Riscv64Features.Extension;
import dev.ebpfc.frontend.insn.Size;

import java.util.Objects;

/// A RISC-V64 machine instruction as data: one record per encoding family the BPF lowering uses.
/// Records name the base (32-bit) instruction; [Riscv64Encoder#emit] picks a compressed form when
/// the C extension is enabled and the operands allow it, so the lowering never has to. Branch and
/// jump targets are byte offsets in the same code buffer.
///
/// Spec references are to the RISC-V Unprivileged ISA 20191213 ("unpriv.") and to the
/// Bit-Manipulation ISA-extensions 1.0.0 ("bitmanip").
public sealed interface Riscv64Insn {

    /// Major opcodes (unpriv. ch. 24, "RV32/64G Instruction Set Listings", table 24.1).
    final class Opcode {
        public static final int LOAD = 0b0000011;
        public static final int MISC_MEM = 0b0001111;
        public static final int OP_IMM = 0b0010011;
        public static final int AUIPC = 0b0010111;
        public static final int OP_IMM_32 = 0b0011011;
        public static final int STORE = 0b0100011;
        public static final int AMO = 0b0101111;
        public static final int OP = 0b0110011;
        public static final int LUI = 0b0110111;
        public static final int OP_32 = 0b0111011;
        public static final int BRANCH = 0b1100011;
        public static final int JALR = 0b1100111;
        public static final int JAL = 0b1101111;
        public static final int SYSTEM = 0b1110011;

        private Opcode() {
        }
    }

    /// R-type register-register operations: major opcode, funct3, funct7, and the extension that
    /// provides them (null = base or M/A, which the baseline always has).
    enum AluOp {
        // unpriv. §2.4.2 and §5.2 (the `w` forms operate on the low 32 bits and sign-extend)
        ADD("add", Opcode.OP, 0b000, 0b0000000, null),
        SUB("sub", Opcode.OP, 0b000, 0b0100000, null),
        SLL("sll", Opcode.OP, 0b001, 0b0000000, null),
        SLT("slt", Opcode.OP, 0b010, 0b0000000, null),
        SLTU("sltu", Opcode.OP, 0b011, 0b0000000, null),
        XOR("xor", Opcode.OP, 0b100, 0b0000000, null),
        SRL("srl", Opcode.OP, 0b101, 0b0000000, null),
        SRA("sra", Opcode.OP, 0b101, 0b0100000, null),
        OR("or", Opcode.OP, 0b110, 0b0000000, null),
        AND("and", Opcode.OP, 0b111, 0b0000000, null),
        ADDW("addw", Opcode.OP_32, 0b000, 0b0000000, null),
        SUBW("subw", Opcode.OP_32, 0b000, 0b0100000, null),
        SLLW("sllw", Opcode.OP_32, 0b001, 0b0000000, null),
        SRLW("srlw", Opcode.OP_32, 0b101, 0b0000000, null),
        SRAW("sraw", Opcode.OP_32, 0b101, 0b0100000, null),
        // unpriv. ch. 7 (M): funct7 = 1
        MUL("mul", Opcode.OP, 0b000, 0b0000001, null),
        MULH("mulh", Opcode.OP, 0b001, 0b0000001, null),
        MULHSU("mulhsu", Opcode.OP, 0b010, 0b0000001, null),
        MULHU("mulhu", Opcode.OP, 0b011, 0b0000001, null),
        DIV("div", Opcode.OP, 0b100, 0b0000001, null),
        DIVU("divu", Opcode.OP, 0b101, 0b0000001, null),
        REM("rem", Opcode.OP, 0b110, 0b0000001, null),
        REMU("remu", Opcode.OP, 0b111, 0b0000001, null),
        MULW("mulw", Opcode.OP_32, 0b000, 0b0000001, null),
        DIVW("divw", Opcode.OP_32, 0b100, 0b0000001, null),
        DIVUW("divuw", Opcode.OP_32, 0b101, 0b0000001, null),
        REMW("remw", Opcode.OP_32, 0b110, 0b0000001, null),
        REMUW("remuw", Opcode.OP_32, 0b111, 0b0000001, null),
        // bitmanip §2.1 (Zba)
        SH1ADD("sh1add", Opcode.OP, 0b010, 0b0010000, Extension.ZBA),
        SH2ADD("sh2add", Opcode.OP, 0b100, 0b0010000, Extension.ZBA),
        SH3ADD("sh3add", Opcode.OP, 0b110, 0b0010000, Extension.ZBA),
        ADD_UW("add.uw", Opcode.OP_32, 0b000, 0b0000100, Extension.ZBA),
        SH1ADD_UW("sh1add.uw", Opcode.OP_32, 0b010, 0b0010000, Extension.ZBA),
        SH2ADD_UW("sh2add.uw", Opcode.OP_32, 0b100, 0b0010000, Extension.ZBA),
        SH3ADD_UW("sh3add.uw", Opcode.OP_32, 0b110, 0b0010000, Extension.ZBA),
        // bitmanip §2.2 (Zbb)
        ANDN("andn", Opcode.OP, 0b111, 0b0100000, Extension.ZBB),
        ORN("orn", Opcode.OP, 0b110, 0b0100000, Extension.ZBB),
        XNOR("xnor", Opcode.OP, 0b100, 0b0100000, Extension.ZBB),
        ROL("rol", Opcode.OP, 0b001, 0b0110000, Extension.ZBB),
        ROR("ror", Opcode.OP, 0b101, 0b0110000, Extension.ZBB),
        ROLW("rolw", Opcode.OP_32, 0b001, 0b0110000, Extension.ZBB),
        RORW("rorw", Opcode.OP_32, 0b101, 0b0110000, Extension.ZBB),
        MIN("min", Opcode.OP, 0b100, 0b0000101, Extension.ZBB),
        MINU("minu", Opcode.OP, 0b101, 0b0000101, Extension.ZBB),
        MAX("max", Opcode.OP, 0b110, 0b0000101, Extension.ZBB),
        MAXU("maxu", Opcode.OP, 0b111, 0b0000101, Extension.ZBB);

        public final String mnemonic;
        public final int opcode;
        public final int funct3;
        public final int funct7;
        public final Extension extension;

        AluOp(String mnemonic, int opcode, int funct3, int funct7, Extension extension) {
            this.mnemonic = mnemonic;
            this.opcode = opcode;
            this.funct3 = funct3;
            this.funct7 = funct7;
            this.extension = extension;
        }
    }

    /// How the 12-bit I-type immediate field is used: a signed immediate, or a shift amount whose
    /// upper bits are a function code (6 bits of shamt on RV64, 5 for the `w` forms, unpriv. §5.2).
    enum ImmKind {
        SIGNED12, SHAMT6, SHAMT5
    }

    /// I-type register-immediate operations. `high` is the funct6 (SHAMT6) or funct7 (SHAMT5)
    /// that sits above the shift amount.
    enum AluImmOp {
        // unpriv. §2.4.1 and §5.2
        ADDI("addi", Opcode.OP_IMM, 0b000, ImmKind.SIGNED12, 0, null),
        SLTI("slti", Opcode.OP_IMM, 0b010, ImmKind.SIGNED12, 0, null),
        SLTIU("sltiu", Opcode.OP_IMM, 0b011, ImmKind.SIGNED12, 0, null),
        XORI("xori", Opcode.OP_IMM, 0b100, ImmKind.SIGNED12, 0, null),
        ORI("ori", Opcode.OP_IMM, 0b110, ImmKind.SIGNED12, 0, null),
        ANDI("andi", Opcode.OP_IMM, 0b111, ImmKind.SIGNED12, 0, null),
        SLLI("slli", Opcode.OP_IMM, 0b001, ImmKind.SHAMT6, 0b000000, null),
        SRLI("srli", Opcode.OP_IMM, 0b101, ImmKind.SHAMT6, 0b000000, null),
        SRAI("srai", Opcode.OP_IMM, 0b101, ImmKind.SHAMT6, 0b010000, null),
        ADDIW("addiw", Opcode.OP_IMM_32, 0b000, ImmKind.SIGNED12, 0, null),
        SLLIW("slliw", Opcode.OP_IMM_32, 0b001, ImmKind.SHAMT5, 0b0000000, null),
        SRLIW("srliw", Opcode.OP_IMM_32, 0b101, ImmKind.SHAMT5, 0b0000000, null),
        SRAIW("sraiw", Opcode.OP_IMM_32, 0b101, ImmKind.SHAMT5, 0b0100000, null),
        // bitmanip §2.1, §2.2
        SLLI_UW("slli.uw", Opcode.OP_IMM_32, 0b001, ImmKind.SHAMT6, 0b000010, Extension.ZBA),
        RORI("rori", Opcode.OP_IMM, 0b101, ImmKind.SHAMT6, 0b011000, Extension.ZBB),
        RORIW("roriw", Opcode.OP_IMM_32, 0b101, ImmKind.SHAMT5, 0b0110000, Extension.ZBB);

        public final String mnemonic;
        public final int opcode;
        public final int funct3;
        public final ImmKind kind;
        public final int high;
        public final Extension extension;

        AluImmOp(String mnemonic, int opcode, int funct3, ImmKind kind, int high, Extension extension) {
            this.mnemonic = mnemonic;
            this.opcode = opcode;
            this.funct3 = funct3;
            this.kind = kind;
            this.high = high;
            this.extension = extension;
        }
    }

    /// Zbb one-operand operations (bitmanip §2.2). They are I-type encodings whose 12-bit
    /// immediate field is a fixed function code (`zext.h` is R-type with rs2 = 0, which is the
    /// same bits).
    enum UnaryOp {
        CLZ("clz", Opcode.OP_IMM, 0b001, 0x600),
        CTZ("ctz", Opcode.OP_IMM, 0b001, 0x601),
        CPOP("cpop", Opcode.OP_IMM, 0b001, 0x602),
        SEXT_B("sext.b", Opcode.OP_IMM, 0b001, 0x604),
        SEXT_H("sext.h", Opcode.OP_IMM, 0b001, 0x605),
        CLZW("clzw", Opcode.OP_IMM_32, 0b001, 0x600),
        CTZW("ctzw", Opcode.OP_IMM_32, 0b001, 0x601),
        CPOPW("cpopw", Opcode.OP_IMM_32, 0b001, 0x602),
        ORC_B("orc.b", Opcode.OP_IMM, 0b101, 0x287),
        REV8("rev8", Opcode.OP_IMM, 0b101, 0x6b8),
        ZEXT_H("zext.h", Opcode.OP_32, 0b100, 0x080);

        public final String mnemonic;
        public final int opcode;
        public final int funct3;
        public final int imm12;

        UnaryOp(String mnemonic, int opcode, int funct3, int imm12) {
            this.mnemonic = mnemonic;
            this.opcode = opcode;
            this.funct3 = funct3;
            this.imm12 = imm12;
        }
    }

    /// Loads (unpriv. §2.6, §5.3), by funct3: bit 2 set means zero-extend.
    enum LoadOp {
        LB("lb", 0b000, 1), LH("lh", 0b001, 2), LW("lw", 0b010, 4), LD("ld", 0b011, 8),
        LBU("lbu", 0b100, 1), LHU("lhu", 0b101, 2), LWU("lwu", 0b110, 4);

        public final String mnemonic;
        public final int funct3;
        public final int bytes;

        LoadOp(String mnemonic, int funct3, int bytes) {
            this.mnemonic = mnemonic;
            this.funct3 = funct3;
            this.bytes = bytes;
        }

        /// The load of a BPF access of `size`, sign- or zero-extending to 64 bits.
        static LoadOp of(Size size, boolean signed) {
            return switch (size) {
                case W -> signed ? LW : LWU;
                case H -> signed ? LH : LHU;
                case B -> signed ? LB : LBU;
                case DW -> LD;
            };
        }
    }

    /// Stores (unpriv. §2.6, §5.3), by funct3.
    enum StoreOp {
        SB("sb", 0b000, 1), SH("sh", 0b001, 2), SW("sw", 0b010, 4), SD("sd", 0b011, 8);

        public final String mnemonic;
        public final int funct3;
        public final int bytes;

        StoreOp(String mnemonic, int funct3, int bytes) {
            this.mnemonic = mnemonic;
            this.funct3 = funct3;
            this.bytes = bytes;
        }

        /// The store of a BPF access of `size`.
        static StoreOp of(Size size) {
            return switch (size) {
                case W -> SW;
                case H -> SH;
                case B -> SB;
                case DW -> SD;
            };
        }
    }

    /// Conditional branches (unpriv. §2.5.2), by funct3. There is no bgt/ble encoding: those are
    /// blt/bge with swapped operands.
    enum BranchOp {
        BEQ("beq", 0b000), BNE("bne", 0b001), BLT("blt", 0b100), BGE("bge", 0b101),
        BLTU("bltu", 0b110), BGEU("bgeu", 0b111);

        public final String mnemonic;
        public final int funct3;

        BranchOp(String mnemonic, int funct3) {
            this.mnemonic = mnemonic;
            this.funct3 = funct3;
        }

        /// The branch taken exactly when this one is not (funct3 bit 0 flips the sense), for
        /// relaxing an out-of-range branch into `inverted +8; jal target`.
        public BranchOp negate() {
            return switch (this) {
                case BEQ -> BNE;
                case BNE -> BEQ;
                case BLT -> BGE;
                case BGE -> BLT;
                case BLTU -> BGEU;
                case BGEU -> BLTU;
            };
        }
    }

    /// Atomic memory operations (unpriv. §8.4), by funct5.
    enum AmoOp {
        AMOADD("amoadd", 0b00000), AMOSWAP("amoswap", 0b00001), AMOXOR("amoxor", 0b00100),
        AMOOR("amoor", 0b01000), AMOAND("amoand", 0b01100),
        AMOMIN("amomin", 0b10000), AMOMAX("amomax", 0b10100),
        AMOMINU("amominu", 0b11000), AMOMAXU("amomaxu", 0b11100);

        public final String mnemonic;
        public final int funct5;

        AmoOp(String mnemonic, int funct5) {
            this.mnemonic = mnemonic;
            this.funct5 = funct5;
        }
    }

    /// Operand width of A-extension instructions: funct3 010 (.w) or 011 (.d).
    enum Width {
        W(0b010, ".w"), D(0b011, ".d");

        public final int funct3;
        public final String suffix;

        Width(int funct3, String suffix) {
            this.funct3 = funct3;
            this.suffix = suffix;
        }
    }

    /// The aq/rl bits of A-extension instructions (unpriv. §8.1): acquire orders later accesses
    /// after this one, release orders earlier ones before it; both make it sequentially consistent.
    enum Ordering {
        NONE(0, ""), RL(1, ".rl"), AQ(2, ".aq"), AQRL(3, ".aqrl");

        /// The two bits `aq rl` as they sit at instruction bits 26:25.
        public final int bits;
        public final String suffix;

        Ordering(int bits, String suffix) {
            this.bits = bits;
            this.suffix = suffix;
        }
    }

    /// The i/o/r/w bits of a fence's predecessor and successor sets (unpriv. §2.7).
    final class FenceSet {
        public static final int W = 1;
        public static final int R = 2;
        public static final int O = 4;
        public static final int I = 8;
        public static final int RW = R | W;
        public static final int IORW = I | O | R | W;

        private FenceSet() {
        }
    }

    /// `op rd, rs1, rs2`.
    record Alu(AluOp op, Riscv64Reg rd, Riscv64Reg rs1, Riscv64Reg rs2) implements Riscv64Insn {
        public Alu {
            Objects.requireNonNull(op);
        }
    }

    /// `op rd, rs1, imm`, where imm is a signed 12-bit value or a shift amount (see [ImmKind]).
    record AluImm(AluImmOp op, Riscv64Reg rd, Riscv64Reg rs1, int imm) implements Riscv64Insn {
        public AluImm {
            Objects.requireNonNull(op);
        }
    }

    /// Zbb `op rd, rs1`.
    record Unary(UnaryOp op, Riscv64Reg rd, Riscv64Reg rs1) implements Riscv64Insn {
    }

    /// `lui rd, imm20`: rd = sign-extended (imm20 << 12). `imm20` is the raw 20-bit field, 0..0xfffff.
    record Lui(Riscv64Reg rd, int imm20) implements Riscv64Insn {
    }

    /// `auipc rd, imm20`: rd = pc + sign-extended (imm20 << 12).
    record Auipc(Riscv64Reg rd, int imm20) implements Riscv64Insn {
    }

    /// `op rd, offset(base)`.
    record Load(LoadOp op, Riscv64Reg rd, Riscv64Reg base, int offset) implements Riscv64Insn {
    }

    /// `op src, offset(base)`.
    record Store(StoreOp op, Riscv64Reg src, Riscv64Reg base, int offset) implements Riscv64Insn {
    }

    /// `op rs1, rs2, target`: taken to byte offset `target` (±4 KiB of this instruction).
    record Branch(BranchOp op, Riscv64Reg rs1, Riscv64Reg rs2, int target) implements Riscv64Insn {
    }

    /// `jal rd, target` (±1 MiB); rd receives the return address.
    record Jal(Riscv64Reg rd, int target) implements Riscv64Insn {
    }

    /// `jalr rd, offset(rs1)`: jump to (rs1 + offset) & ~1.
    record Jalr(Riscv64Reg rd, Riscv64Reg rs1, int offset) implements Riscv64Insn {
    }

    /// `c.j target` (±2 KiB), the 16-bit unconditional jump. Explicit rather than picked by the
    /// emitter, because choosing it changes the size of code the target offsets were computed from.
    record CompressedJump(int target) implements Riscv64Insn {
    }

    /// `amoop.width.ordering rd, src, (addr)`: rd receives the old value.
    record Amo(AmoOp op, Width width, Ordering ordering, Riscv64Reg rd, Riscv64Reg src, Riscv64Reg addr)
            implements Riscv64Insn {
    }

    /// `lr.width.ordering rd, (addr)`.
    record LoadReserved(Width width, Ordering ordering, Riscv64Reg rd, Riscv64Reg addr) implements Riscv64Insn {
    }

    /// `sc.width.ordering rd, src, (addr)`: rd receives 0 on success.
    record StoreConditional(Width width, Ordering ordering, Riscv64Reg rd, Riscv64Reg src, Riscv64Reg addr)
            implements Riscv64Insn {
    }

    /// `fence pred, succ` with [FenceSet] bit sets.
    record Fence(int pred, int succ) implements Riscv64Insn {
    }

    /// `fence.tso`: orders everything except store→load (fm = 1000, rw,rw).
    record FenceTso() implements Riscv64Insn {
    }

    record Ecall() implements Riscv64Insn {
    }

    record Ebreak() implements Riscv64Insn {
    }
}
