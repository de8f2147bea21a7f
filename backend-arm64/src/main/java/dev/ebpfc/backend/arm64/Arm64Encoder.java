package dev.ebpfc.backend.arm64;

import java.util.Arrays;

import dev.ebpfc.backend.arm64.Arm64Insn.*;

/// Encodes A64 instructions (Arm ARM DDI 0487, chapter C4 for the encoding classes, C6.2 for the
/// instruction pages) into a growing little-endian buffer, in three layers:
///  1. format functions, one per encoding class, with the bit layout drawn and every field
///     width-checked;
///  2. one method per instruction form, citing its C6.2 page by title (the page numbers move
///     between issues of the manual; the titles do not), with aliases built from base forms;
///  3. [#emit], the one switch from the [Arm64Insn] model to layer 2.
///
/// Register number 31 is checked against its meaning in each operand: passing [Arm64Reg#SP] where
/// the field reads as the zero register (or [Arm64Reg#ZR] where it reads as SP) throws, because
/// the encoding would silently mean the other register.
public final class Arm64Encoder {
    private byte[] code = new byte[256];
    private int size;

    public int position() {
        return size;
    }

    public byte[] toByteArray() {
        return Arrays.copyOf(code, size);
    }

    /// Whether a PC-relative form reaches `distance` bytes (target minus the instruction's own
    /// address), for branch relaxation.
    public static boolean fits(BranchForm form, long distance) {
        return form.fits(distance);
    }

    // ---- layer 1: formats ------------------------------------------------------------------

    private void word(int w) {
        if (size + 4 > code.length) code = Arrays.copyOf(code, code.length * 2);
        code[size++] = (byte) w;
        code[size++] = (byte) (w >>> 8);
        code[size++] = (byte) (w >>> 16);
        code[size++] = (byte) (w >>> 24);
    }

    /// An unsigned field, checked to fit.
    private static int u(long value, int bits, String name) {
        if (value < 0 || value >= (1L << bits)) throw new IllegalArgumentException(name + " out of range (" + bits + " bits): " + value);
        return (int) value;
    }

    /// A signed field, checked to fit, returned as its two's-complement low bits.
    private static int s(long value, int bits, String name) {
        if (value < -(1L << (bits - 1)) || value >= (1L << (bits - 1))) {
            throw new IllegalArgumentException(name + " out of range (signed " + bits + " bits): " + value);
        }
        return (int) (value & ((1L << bits) - 1));
    }

    /// A register operand in which 31 means the zero register.
    private static int zr(Arm64Reg r, String role) {
        if (r == Arm64Reg.SP) throw new IllegalArgumentException(role + " cannot be sp: register 31 means zr here");
        return r.number();
    }

    /// A register operand in which 31 means the stack pointer.
    private static int sp(Arm64Reg r, String role) {
        if (r == Arm64Reg.ZR) throw new IllegalArgumentException(role + " cannot be zr: register 31 means sp here");
        return r.number();
    }

    /// Add/subtract (immediate), C4.1 "Data Processing -- Immediate".
    ///   31 | 30 | 29 | 28..23  | 22 | 21..10 | 9..5 | 4..0
    ///   sf | op | S  | 100010  | sh | imm12  |  Rn  |  Rd
    private void fmtAddSubImm(int sf, int op, int s, int sh, int imm12, int rn, int rd) {
        word(sf << 31 | op << 30 | s << 29 | 0b100010 << 23 | u(sh, 1, "sh") << 22 | u(imm12, 12, "imm12") << 10 | rn << 5 | rd);
    }

    /// Logical (immediate).
    ///   31 | 30..29 | 28..23 | 22 | 21..16 | 15..10 | 9..5 | 4..0
    ///   sf |  opc   | 100100 | N  |  immr  |  imms  |  Rn  |  Rd
    private void fmtLogicalImm(int sf, int opc, int nImmrImms, int rn, int rd) {
        word(sf << 31 | opc << 29 | 0b100100 << 23 | u(nImmrImms, 13, "N:immr:imms") << 10 | rn << 5 | rd);
    }

    /// Move wide (immediate).
    ///   31 | 30..29 | 28..23 | 22..21 | 20..5 | 4..0
    ///   sf |  opc   | 100101 |   hw   | imm16 |  Rd
    private void fmtMoveWide(int sf, int opc, int hw, int imm16, int rd) {
        word(sf << 31 | opc << 29 | 0b100101 << 23 | u(hw, 2, "hw") << 21 | u(imm16, 16, "imm16") << 5 | rd);
    }

    /// Bitfield. N must equal sf.
    ///   31 | 30..29 | 28..23 | 22 | 21..16 | 15..10 | 9..5 | 4..0
    ///   sf |  opc   | 100110 | N  |  immr  |  imms  |  Rn  |  Rd
    private void fmtBitfield(int sf, int opc, int immr, int imms, int rn, int rd) {
        word(sf << 31 | opc << 29 | 0b100110 << 23 | sf << 22 | u(immr, 6, "immr") << 16 | u(imms, 6, "imms") << 10 | rn << 5 | rd);
    }

    /// PC-rel. addressing (ADR op=0, ADRP op=1); the 21-bit immediate is split lo:hi.
    ///   31 | 30..29 | 28..24 | 23..5 | 4..0
    ///   op | immlo  | 10000  | immhi |  Rd
    private void fmtPcRel(int op, int imm21, int rd) {
        word(op << 31 | (imm21 & 3) << 29 | 0b10000 << 24 | (imm21 >>> 2) << 5 | rd);
    }

    /// Logical (shifted register), C4.1 "Data Processing -- Register".
    ///   31 | 30..29 | 28..24 | 23..22 | 21 | 20..16 | 15..10 | 9..5 | 4..0
    ///   sf |  opc   | 01010  | shift  | N  |   Rm   |  imm6  |  Rn  |  Rd
    private void fmtLogicalShifted(int sf, int opc, int shift, int n, int rm, int imm6, int rn, int rd) {
        word(sf << 31 | opc << 29 | 0b01010 << 24 | shift << 22 | n << 21 | rm << 16 | u(imm6, 6, "imm6") << 10 | rn << 5 | rd);
    }

    /// Add/subtract (shifted register).
    ///   31 | 30 | 29 | 28..24 | 23..22 | 21 | 20..16 | 15..10 | 9..5 | 4..0
    ///   sf | op | S  | 01011  | shift  | 0  |   Rm   |  imm6  |  Rn  |  Rd
    private void fmtAddSubShifted(int sf, int op, int s, int shift, int rm, int imm6, int rn, int rd) {
        word(sf << 31 | op << 30 | s << 29 | 0b01011 << 24 | shift << 22 | rm << 16 | u(imm6, 6, "imm6") << 10 | rn << 5 | rd);
    }

    /// Add/subtract (extended register).
    ///   31 | 30 | 29 | 28..24 | 23..22 | 21 | 20..16 | 15..13 | 12..10 | 9..5 | 4..0
    ///   sf | op | S  | 01011  |   00   | 1  |   Rm   | option |  imm3  |  Rn  |  Rd
    private void fmtAddSubExtended(int sf, int op, int s, int rm, int option, int imm3, int rn, int rd) {
        word(sf << 31 | op << 30 | s << 29 | 0b01011 << 24 | 1 << 21 | rm << 16 | option << 13 | u(imm3, 3, "imm3") << 10 | rn << 5 | rd);
    }

    /// Data-processing (2 source).
    ///   31 | 30 | 29 | 28..21   | 20..16 | 15..10 | 9..5 | 4..0
    ///   sf | 0  | 0  | 11010110 |   Rm   | opcode |  Rn  |  Rd
    private void fmtTwoSource(int sf, int rm, int opcode, int rn, int rd) {
        word(sf << 31 | 0b11010110 << 21 | rm << 16 | opcode << 10 | rn << 5 | rd);
    }

    /// Data-processing (1 source).
    ///   31 | 30 | 29 | 28..21   | 20..16 | 15..10 | 9..5 | 4..0
    ///   sf | 1  | 0  | 11010110 | 00000  | opcode |  Rn  |  Rd
    private void fmtOneSource(int sf, int opcode, int rn, int rd) {
        word(sf << 31 | 1 << 30 | 0b11010110 << 21 | opcode << 10 | rn << 5 | rd);
    }

    /// Data-processing (3 source), op54 = 00, op31 = 000.
    ///   31 | 30..29 | 28..24 | 23..21 | 20..16 | 15 | 14..10 | 9..5 | 4..0
    ///   sf |   00   | 11011  |  000   |   Rm   | o0 |   Ra   |  Rn  |  Rd
    private void fmtThreeSource(int sf, int o0, int rm, int ra, int rn, int rd) {
        word(sf << 31 | 0b11011 << 24 | rm << 16 | o0 << 15 | ra << 10 | rn << 5 | rd);
    }

    /// Conditional select.
    ///   31 | 30 | 29 | 28..21   | 20..16 | 15..12 | 11..10 | 9..5 | 4..0
    ///   sf | op | 0  | 11010100 |   Rm   |  cond  |  op2   |  Rn  |  Rd
    private void fmtCondSelect(int sf, int op, int op2, int rm, int cond, int rn, int rd) {
        word(sf << 31 | op << 30 | 0b11010100 << 21 | rm << 16 | cond << 12 | op2 << 10 | rn << 5 | rd);
    }

    /// Load/store register (unsigned immediate), C4.1 "Loads and Stores".
    ///   31..30 | 29..27 | 26 | 25..24 | 23..22 | 21..10 | 9..5 | 4..0
    ///    size  |  111   | V=0|   01   |  opc   | imm12  |  Rn  |  Rt
    private void fmtLdStUnsigned(int size, int opc, int imm12, int rn, int rt) {
        word(size << 30 | 0b111001 << 24 | opc << 22 | u(imm12, 12, "imm12") << 10 | rn << 5 | rt);
    }

    /// Load/store register (unscaled immediate).
    ///   31..30 | 29..24 | 23..22 | 21 | 20..12 | 11..10 | 9..5 | 4..0
    ///    size  | 111000 |  opc   | 0  |  imm9  |   00   |  Rn  |  Rt
    private void fmtLdStUnscaled(int size, int opc, int imm9, int rn, int rt) {
        word(size << 30 | 0b111000 << 24 | opc << 22 | s(imm9, 9, "imm9") << 12 | rn << 5 | rt);
    }

    /// Load/store register (register offset).
    ///   31..30 | 29..24 | 23..22 | 21 | 20..16 | 15..13 | 12 | 11..10 | 9..5 | 4..0
    ///    size  | 111000 |  opc   | 1  |   Rm   | option | S  |   10   |  Rn  |  Rt
    private void fmtLdStRegOffset(int size, int opc, int rm, int option, int s, int rn, int rt) {
        word(size << 30 | 0b111000 << 24 | opc << 22 | 1 << 21 | rm << 16 | option << 13 | s << 12 | 0b10 << 10 | rn << 5 | rt);
    }

    /// Load register (literal); opc 00 loads a W register, 01 an X register.
    ///   31..30 | 29..27 | 26 | 25..24 | 23..5 | 4..0
    ///    opc   |  011   | V=0|   00   | imm19 |  Rt
    private void fmtLoadLiteral(int opc, int imm19, int rt) {
        word(opc << 30 | 0b011 << 27 | imm19 << 5 | rt);
    }

    /// Load/store register pair (post-indexed, offset, pre-indexed).
    ///   31..30 | 29..27 | 26 | 25..23 | 22 | 21..15 | 14..10 | 9..5 | 4..0
    ///    opc   |  101   | V=0|  mode  | L  |  imm7  |  Rt2   |  Rn  |  Rt
    private void fmtLdStPair(int opc, int mode, int l, int imm7, int rt2, int rn, int rt) {
        word(opc << 30 | 0b101 << 27 | mode << 23 | l << 22 | s(imm7, 7, "imm7") << 15 | rt2 << 10 | rn << 5 | rt);
    }

    /// Load/store exclusive (and, with o2 = o1 = 1, compare and swap).
    ///   31..30 | 29..24 | 23 | 22 | 21 | 20..16 | 15 | 14..10 | 9..5 | 4..0
    ///    size  | 001000 | o2 | L  | o1 |   Rs   | o0 |  Rt2   |  Rn  |  Rt
    private void fmtExclusive(int size, int o2, int l, int o1, int rs, int o0, int rn, int rt) {
        word(size << 30 | 0b001000 << 24 | o2 << 23 | l << 22 | o1 << 21 | rs << 16 | o0 << 15 | 31 << 10 | rn << 5 | rt);
    }

    /// Atomic memory operations (FEAT_LSE).
    ///   31..30 | 29..24 | 23 | 22 | 21 | 20..16 | 15 | 14..12 | 11..10 | 9..5 | 4..0
    ///    size  | 111000 | A  | R  | 1  |   Rs   | o3 |  opc   |   00   |  Rn  |  Rt
    private void fmtAtomic(int size, int a, int r, int rs, int o3, int opc, int rn, int rt) {
        word(size << 30 | 0b111000 << 24 | a << 23 | r << 22 | 1 << 21 | rs << 16 | o3 << 15 | opc << 12 | rn << 5 | rt);
    }

    /// Unconditional branch (immediate), C4.1 "Branches, Exception Generating and System".
    ///   31 | 30..26 | 25..0
    ///   op | 00101  | imm26
    private void fmtBranchImm(int op, int imm26) {
        word(op << 31 | 0b00101 << 26 | imm26);
    }

    /// Conditional branch (immediate).
    ///   31..24   | 23..5 | 4 | 3..0
    ///   01010100 | imm19 | 0 | cond
    private void fmtCondBranch(int imm19, int cond) {
        word(0b01010100 << 24 | imm19 << 5 | cond);
    }

    /// Compare and branch (immediate).
    ///   31 | 30..25 | 24 | 23..5 | 4..0
    ///   sf | 011010 | op | imm19 |  Rt
    private void fmtCompareBranch(int sf, int op, int imm19, int rt) {
        word(sf << 31 | 0b011010 << 25 | op << 24 | imm19 << 5 | rt);
    }

    /// Test and branch (immediate); the bit number is split b5:b40.
    ///   31 | 30..25 | 24 | 23..19 | 18..5 | 4..0
    ///   b5 | 011011 | op |  b40   | imm14 |  Rt
    private void fmtTestBranch(int bit, int op, int imm14, int rt) {
        word((bit >>> 5) << 31 | 0b011011 << 25 | op << 24 | (bit & 31) << 19 | imm14 << 5 | rt);
    }

    /// Unconditional branch (register).
    ///   31..25  | 24..21 | 20..16 | 15..10 | 9..5 | 4..0
    ///   1101011 |  opc   | 11111  | 000000 |  Rn  | 00000
    private void fmtBranchReg(int opc, int rn) {
        word(0b1101011 << 25 | opc << 21 | 0b11111 << 16 | rn << 5);
    }

    /// Exception generation.
    ///   31..24   | 23..21 | 20..5 | 4..2 | 1..0
    ///   11010100 |  opc   | imm16 | 000  |  LL
    private void fmtException(int opc, int imm16, int ll) {
        word(0b11010100 << 24 | opc << 21 | u(imm16, 16, "imm16") << 5 | ll);
    }

    /// The offset field of a PC-relative form, checked against its reach.
    private int pcRel(BranchForm form, long target) {
        long distance = target - size;
        if (!form.fits(distance)) {
            throw new IllegalArgumentException(form + " cannot reach target 0x" + Long.toHexString(target) + " from 0x"
                    + Integer.toHexString(size) + " (distance " + distance + ")");
        }
        return (int) ((distance >> form.shift) & ((1L << form.bits) - 1));
    }

    // ---- layer 2: one method per instruction form ------------------------------------------

    /// C6.2 "ADD/ADDS/SUB/SUBS (shifted register)". ROR is reserved here; the amount is below the width.
    public void addSubShifted(AddSubOp op, OpSize sz, Arm64Reg rd, Arm64Reg rn, Arm64Reg rm, Shift shift, int amount) {
        if (shift == Shift.ROR) throw new IllegalArgumentException("add/sub cannot use ror");
        checkAmount(sz, amount);
        fmtAddSubShifted(sz.sf(), op.op, op.s, shift.ordinal(), zr(rm, "rm"), amount, zr(rn, "rn"), zr(rd, "rd"));
    }

    /// C6.2 "ADD/ADDS/SUB/SUBS (extended register)": Rn is SP-or-register, Rd too for ADD/SUB.
    public void addSubExtended(AddSubOp op, OpSize sz, Arm64Reg rd, Arm64Reg rn, Arm64Reg rm, Extend ext, int amount) {
        if (amount > 4) throw new IllegalArgumentException("extended-register shift must be 0-4: " + amount);
        if (sz == OpSize.W && ext.sourceIsX()) throw new IllegalArgumentException(ext + " with W registers");
        int d = op.setsFlags() ? zr(rd, "rd") : sp(rd, "rd");
        fmtAddSubExtended(sz.sf(), op.op, op.s, zr(rm, "rm"), ext.ordinal(), amount, sp(rn, "rn"), d);
    }

    /// C6.2 "ADD/ADDS/SUB/SUBS (immediate)".
    public void addSubImm(AddSubOp op, OpSize sz, Arm64Reg rd, Arm64Reg rn, Imm12 imm) {
        int d = op.setsFlags() ? zr(rd, "rd") : sp(rd, "rd");
        fmtAddSubImm(sz.sf(), op.op, op.s, imm.shifted() ? 1 : 0, imm.bits(), sp(rn, "rn"), d);
    }

    /// C6.2 "CMP (shifted register)": alias of SUBS with Rd = ZR.
    public void cmp(OpSize sz, Arm64Reg rn, Arm64Reg rm) {
        addSubShifted(AddSubOp.SUBS, sz, Arm64Reg.ZR, rn, rm, Shift.LSL, 0);
    }

    /// C6.2 "CMP (immediate)": alias of SUBS (immediate) with Rd = ZR.
    public void cmp(OpSize sz, Arm64Reg rn, Imm12 imm) {
        addSubImm(AddSubOp.SUBS, sz, Arm64Reg.ZR, rn, imm);
    }

    /// C6.2 "CMN (shifted register)": alias of ADDS with Rd = ZR.
    public void cmn(OpSize sz, Arm64Reg rn, Arm64Reg rm) {
        addSubShifted(AddSubOp.ADDS, sz, Arm64Reg.ZR, rn, rm, Shift.LSL, 0);
    }

    /// C6.2 "NEG (shifted register)": alias of SUB with Rn = ZR.
    public void neg(OpSize sz, Arm64Reg rd, Arm64Reg rm) {
        addSubShifted(AddSubOp.SUB, sz, rd, Arm64Reg.ZR, rm, Shift.LSL, 0);
    }

    /// C6.2 "AND/BIC/ORR/ORN/EOR/EON/ANDS/BICS (shifted register)".
    public void logicalShifted(LogicOp op, OpSize sz, Arm64Reg rd, Arm64Reg rn, Arm64Reg rm, Shift shift, int amount) {
        checkAmount(sz, amount);
        fmtLogicalShifted(sz.sf(), op.opc, shift.ordinal(), op.n, zr(rm, "rm"), amount, zr(rn, "rn"), zr(rd, "rd"));
    }

    /// C6.2 "MOV (register)": alias of ORR with Rn = ZR; to or from SP it is "MOV (to/from SP)",
    /// an alias of ADD (immediate) #0, because ORR cannot name SP.
    public void mov(OpSize sz, Arm64Reg rd, Arm64Reg rm) {
        if (rd == Arm64Reg.SP || rm == Arm64Reg.SP) addSubImm(AddSubOp.ADD, sz, rd, rm, new Imm12(0, false));
        else logicalShifted(LogicOp.ORR, sz, rd, Arm64Reg.ZR, rm, Shift.LSL, 0);
    }

    /// C6.2 "MVN": alias of ORN with Rn = ZR.
    public void mvn(OpSize sz, Arm64Reg rd, Arm64Reg rm) {
        logicalShifted(LogicOp.ORN, sz, rd, Arm64Reg.ZR, rm, Shift.LSL, 0);
    }

    /// C6.2 "TST (shifted register)": alias of ANDS with Rd = ZR.
    public void tst(OpSize sz, Arm64Reg rn, Arm64Reg rm) {
        logicalShifted(LogicOp.ANDS, sz, Arm64Reg.ZR, rn, rm, Shift.LSL, 0);
    }

    /// C6.2 "AND/ORR/EOR/ANDS (immediate)": Rd is SP-or-register except for ANDS.
    public void logicalImm(LogicOp op, OpSize sz, Arm64Reg rd, Arm64Reg rn, long imm) {
        if (op.n != 0) throw new IllegalArgumentException(op + " has no immediate form");
        int field = LogicalImmediate.encode(imm, sz.bits).orElseThrow(() ->
                new IllegalArgumentException("not a " + sz.bits + "-bit logical immediate: 0x" + Long.toHexString(imm)));
        int d = op == LogicOp.ANDS ? zr(rd, "rd") : sp(rd, "rd");
        fmtLogicalImm(sz.sf(), op.opc, field, zr(rn, "rn"), d);
    }

    /// C6.2 "MOVN/MOVZ/MOVK": the halfword shift is 0 or 16 for W, up to 48 for X.
    public void moveWide(MoveWideOp op, OpSize sz, Arm64Reg rd, int imm16, int shift) {
        if (shift % 16 != 0 || shift < 0 || shift >= sz.bits) throw new IllegalArgumentException("move-wide shift " + shift + " at " + sz);
        fmtMoveWide(sz.sf(), op.opc, shift / 16, imm16, zr(rd, "rd"));
    }

    /// C6.2 "SBFM/BFM/UBFM". The shift, extract and extend aliases are factories in [Arm64Insn].
    public void bitfield(BitfieldOp op, OpSize sz, Arm64Reg rd, Arm64Reg rn, int immr, int imms) {
        if (immr >= sz.bits || imms >= sz.bits) throw new IllegalArgumentException("bitfield immr/imms beyond " + sz.bits + " bits");
        fmtBitfield(sz.sf(), op.opc, immr, imms, zr(rn, "rn"), zr(rd, "rd"));
    }

    /// C6.2 "UDIV", "SDIV", "LSLV", "LSRV", "ASRV", "RORV".
    public void twoSource(TwoSourceOp op, OpSize sz, Arm64Reg rd, Arm64Reg rn, Arm64Reg rm) {
        fmtTwoSource(sz.sf(), zr(rm, "rm"), op.opcode, zr(rn, "rn"), zr(rd, "rd"));
    }

    /// C6.2 "MADD", "MSUB" (MUL and MNEG when Ra = ZR).
    public void mulAdd(MulAddOp op, OpSize sz, Arm64Reg rd, Arm64Reg rn, Arm64Reg rm, Arm64Reg ra) {
        fmtThreeSource(sz.sf(), op.o0, zr(rm, "rm"), zr(ra, "ra"), zr(rn, "rn"), zr(rd, "rd"));
    }

    /// C6.2 "MUL": alias of MADD with Ra = ZR.
    public void mul(OpSize sz, Arm64Reg rd, Arm64Reg rn, Arm64Reg rm) {
        mulAdd(MulAddOp.MADD, sz, rd, rn, rm, Arm64Reg.ZR);
    }

    /// C6.2 "REV16", "REV32", "REV".
    public void reverse(ReverseOp op, OpSize sz, Arm64Reg rd, Arm64Reg rn) {
        fmtOneSource(sz.sf(), op.opcode(sz), zr(rn, "rn"), zr(rd, "rd"));
    }

    /// C6.2 "CSEL", "CSINC", "CSINV", "CSNEG".
    public void condSelect(CondSelectOp op, OpSize sz, Arm64Reg rd, Arm64Reg rn, Arm64Reg rm, Arm64Cond cond) {
        fmtCondSelect(sz.sf(), op.op, op.op2, zr(rm, "rm"), cond.code(), zr(rn, "rn"), zr(rd, "rd"));
    }

    /// C6.2 "CSET": alias of CSINC rd, ZR, ZR, invert(cond).
    public void cset(OpSize sz, Arm64Reg rd, Arm64Cond cond) {
        if (cond.always()) throw new IllegalArgumentException("cset with " + cond);
        condSelect(CondSelectOp.CSINC, sz, rd, Arm64Reg.ZR, Arm64Reg.ZR, cond.invert());
    }

    /// C6.2 "LDR/STR… (immediate)", unsigned-offset variant: the byte offset is scaled by the access size.
    public void loadStore(MemOp op, Arm64Reg rt, Arm64Reg rn, int offset) {
        if (offset % op.bytes() != 0) throw new IllegalArgumentException(op + " offset " + offset + " not a multiple of " + op.bytes());
        fmtLdStUnsigned(op.size, op.opc, u(offset / op.bytes(), 12, "scaled offset"), sp(rn, "rn"), zr(rt, "rt"));
    }

    /// C6.2 "LDUR/STUR…": unscaled signed 9-bit byte offset.
    public void loadStoreUnscaled(MemOp op, Arm64Reg rt, Arm64Reg rn, int offset) {
        fmtLdStUnscaled(op.size, op.opc, offset, sp(rn, "rn"), zr(rt, "rt"));
    }

    /// C6.2 "LDR/STR… (register)": the index is extended, then shifted by the access size when `shifted`.
    public void loadStoreIndexed(MemOp op, Arm64Reg rt, Arm64Reg rn, Arm64Reg rm, IndexExtend ext, boolean shifted) {
        fmtLdStRegOffset(op.size, op.opc, zr(rm, "rm"), ext.option, shifted ? 1 : 0, sp(rn, "rn"), zr(rt, "rt"));
    }

    /// C6.2 "STP", "LDP", "LDPSW". Writeback with Rn equal to a transfer register, and LDP into
    /// one register twice, are CONSTRAINED UNPREDICTABLE, so they are rejected.
    public void loadStorePair(PairOp op, IndexMode mode, Arm64Reg rt, Arm64Reg rt2, Arm64Reg rn, int offset) {
        int scale = 1 << op.scale;
        if (offset % scale != 0) throw new IllegalArgumentException(op + " offset " + offset + " not a multiple of " + scale);
        if (op.l == 1 && rt == rt2) throw new IllegalArgumentException(op + " into " + rt + " twice is unpredictable");
        if (mode != IndexMode.OFFSET && (rn == rt || rn == rt2)) {
            throw new IllegalArgumentException(op + " writeback to a transfer register is unpredictable");
        }
        fmtLdStPair(op.opc, mode.bits, op.l, offset / scale, zr(rt2, "rt2"), sp(rn, "rn"), zr(rt, "rt"));
    }

    /// C6.2 "LDR (literal)": a word-aligned PC-relative address within ±1 MiB.
    public void loadLiteral(OpSize sz, Arm64Reg rt, int target) {
        fmtLoadLiteral(sz == OpSize.X ? 1 : 0, pcRel(BranchForm.IMM19, target), zr(rt, "rt"));
    }

    /// C6.2 "LDXR", "LDAXR".
    public void loadExclusive(boolean acquire, OpSize sz, Arm64Reg rt, Arm64Reg rn) {
        fmtExclusive(sz == OpSize.X ? 3 : 2, 0, 1, 0, 31, acquire ? 1 : 0, sp(rn, "rn"), zr(rt, "rt"));
    }

    /// C6.2 "STXR", "STLXR". The status register must differ from the data and address registers
    /// (otherwise CONSTRAINED UNPREDICTABLE).
    public void storeExclusive(boolean release, OpSize sz, Arm64Reg rs, Arm64Reg rt, Arm64Reg rn) {
        if (rs == rt || rs == rn) throw new IllegalArgumentException("stxr status register must differ from rt and rn");
        fmtExclusive(sz == OpSize.X ? 3 : 2, 0, 0, 0, zr(rs, "rs"), release ? 1 : 0, sp(rn, "rn"), zr(rt, "rt"));
    }

    /// C6.2 "LDADD…", "LDCLR…", "LDEOR…", "LDSET…", "SWP…" (FEAT_LSE); "STADD…" and friends are
    /// their aliases with Rt = ZR.
    public void atomicRmw(AtomicOp op, MemOrder order, OpSize sz, Arm64Reg rs, Arm64Reg rt, Arm64Reg rn) {
        fmtAtomic(sz == OpSize.X ? 3 : 2, order.a, order.r, zr(rs, "rs"), op.o3, op.opc, sp(rn, "rn"), zr(rt, "rt"));
    }

    /// C6.2 "CAS, CASA, CASAL, CASL" (FEAT_LSE): L = acquire, o0 = release.
    public void compareAndSwap(MemOrder order, OpSize sz, Arm64Reg rs, Arm64Reg rt, Arm64Reg rn) {
        fmtExclusive(sz == OpSize.X ? 3 : 2, 1, order.a, 1, zr(rs, "rs"), order.r, sp(rn, "rn"), zr(rt, "rt"));
    }

    /// C6.2 "DMB": a system instruction (op0 = 00, op1 = 011, CRn = 0011, op2 = 101).
    public void dmb(Barrier barrier) {
        word(0xd50330bf | barrier.crm << 8);
    }

    /// C6.2 "B".
    public void b(int target) {
        fmtBranchImm(0, pcRel(BranchForm.IMM26, target));
    }

    /// C6.2 "BL".
    public void bl(int target) {
        fmtBranchImm(1, pcRel(BranchForm.IMM26, target));
    }

    /// C6.2 "B.cond".
    public void bCond(Arm64Cond cond, int target) {
        fmtCondBranch(pcRel(BranchForm.IMM19, target), cond.code());
    }

    /// C6.2 "CBZ", "CBNZ".
    public void cbz(boolean nonZero, OpSize sz, Arm64Reg rt, int target) {
        fmtCompareBranch(sz.sf(), nonZero ? 1 : 0, pcRel(BranchForm.IMM19, target), zr(rt, "rt"));
    }

    /// C6.2 "TBZ", "TBNZ".
    public void tbz(boolean nonZero, Arm64Reg rt, int bit, int target) {
        u(bit, 6, "bit number");
        fmtTestBranch(bit, nonZero ? 1 : 0, pcRel(BranchForm.IMM14, target), zr(rt, "rt"));
    }

    /// C6.2 "BR", "BLR", "RET".
    public void branchReg(BranchRegOp op, Arm64Reg rn) {
        fmtBranchReg(op.opc, zr(rn, "rn"));
    }

    /// C6.2 "RET" through x30.
    public void ret() {
        branchReg(BranchRegOp.RET, Arm64Reg.R30);
    }

    /// C6.2 "ADR": a byte offset within ±1 MiB.
    public void adr(Arm64Reg rd, int target) {
        fmtPcRel(0, pcRel(BranchForm.ADR21, target), zr(rd, "rd"));
    }

    /// C6.2 "ADRP": the distance between 4 KiB pages, in pages, within ±4 GiB.
    public void adrp(Arm64Reg rd, long target) {
        if ((target & 0xfff) != 0) throw new IllegalArgumentException("adrp target not page-aligned: 0x" + Long.toHexString(target));
        long pages = (target >> 12) - (size >> 12);
        fmtPcRel(1, s(pages, 21, "adrp page distance"), zr(rd, "rd"));
    }

    /// C6.2 "NOP" (a hint, CRm:op2 = 0).
    public void nop() {
        word(0xd503201f);
    }

    /// C6.2 "BRK".
    public void brk(int imm16) {
        fmtException(0b001, imm16, 0b00);
    }

    /// C6.2 "SVC".
    public void svc(int imm16) {
        fmtException(0b000, imm16, 0b01);
    }

    /// Loads a constant into `rd` with the shortest sequence [Arm64Materializer] finds.
    public void materialize(Arm64Reg rd, long value, OpSize sz) {
        for (Arm64Insn insn : Arm64Materializer.sequence(rd, value, sz)) emit(insn);
    }

    private static void checkAmount(OpSize sz, int amount) {
        if (amount < 0 || amount >= sz.bits) throw new IllegalArgumentException("shift amount " + amount + " at " + sz);
    }

    // ---- layer 3: the model ----------------------------------------------------------------

    /// Encodes one instruction at the current position.
    public void emit(Arm64Insn insn) {
        switch (insn) {
            case AddSubShifted a -> addSubShifted(a.op(), a.size(), a.rd(), a.rn(), a.rm(), a.shift(), a.amount());
            case AddSubExtended a -> addSubExtended(a.op(), a.size(), a.rd(), a.rn(), a.rm(), a.extend(), a.amount());
            case AddSubImm a -> addSubImm(a.op(), a.size(), a.rd(), a.rn(), a.imm());
            case LogicalShifted l -> logicalShifted(l.op(), l.size(), l.rd(), l.rn(), l.rm(), l.shift(), l.amount());
            case LogicalImm l -> logicalImm(l.op(), l.size(), l.rd(), l.rn(), l.imm());
            case MoveWide m -> moveWide(m.op(), m.size(), m.rd(), m.imm16(), m.shift());
            case Bitfield b -> bitfield(b.op(), b.size(), b.rd(), b.rn(), b.immr(), b.imms());
            case TwoSource t -> twoSource(t.op(), t.size(), t.rd(), t.rn(), t.rm());
            case MulAdd m -> mulAdd(m.op(), m.size(), m.rd(), m.rn(), m.rm(), m.ra());
            case Reverse r -> reverse(r.op(), r.size(), r.rd(), r.rn());
            case CondSelect c -> condSelect(c.op(), c.size(), c.rd(), c.rn(), c.rm(), c.cond());
            case LoadStore l -> loadStore(l.op(), l.rt(), l.rn(), l.offset());
            case LoadStoreUnscaled l -> loadStoreUnscaled(l.op(), l.rt(), l.rn(), l.offset());
            case LoadStoreIndexed l -> loadStoreIndexed(l.op(), l.rt(), l.rn(), l.rm(), l.extend(), l.shifted());
            case LoadStorePair p -> loadStorePair(p.op(), p.mode(), p.rt(), p.rt2(), p.rn(), p.offset());
            case LoadLiteral l -> loadLiteral(l.size(), l.rt(), l.target());
            case LoadExclusive l -> loadExclusive(l.acquire(), l.size(), l.rt(), l.rn());
            case StoreExclusive s -> storeExclusive(s.release(), s.size(), s.rs(), s.rt(), s.rn());
            case AtomicRmw a -> atomicRmw(a.op(), a.order(), a.size(), a.rs(), a.rt(), a.rn());
            case CompareAndSwap c -> compareAndSwap(c.order(), c.size(), c.rs(), c.rt(), c.rn());
            case Dmb d -> dmb(d.barrier());
            case B b -> b(b.target());
            case Bl b -> bl(b.target());
            case BCond b -> bCond(b.cond(), b.target());
            case Cbz c -> cbz(c.nonZero(), c.size(), c.rt(), c.target());
            case Tbz t -> tbz(t.nonZero(), t.rt(), t.bit(), t.target());
            case BranchReg b -> branchReg(b.op(), b.rn());
            case Adr a -> adr(a.rd(), a.target());
            case Adrp a -> adrp(a.rd(), a.target());
            case Nop n -> nop();
            case Brk b -> brk(b.imm16());
            case Svc s -> svc(s.imm16());
        }
    }
}
