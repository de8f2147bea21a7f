package dev.ebpfc.backend.arm64;

import java.util.Objects;

import static dev.ebpfc.backend.arm64.Arm64Reg.ZR;

/// An ARM64 machine instruction as data: one record per A64 encoding class the BPF lowering uses
/// (Arm ARM DDI 0487 C4.1). Operands are in assembler order. Register number 31 appears as
/// [Arm64Reg#SP] or [Arm64Reg#ZR] according to what the operand means in that class; the encoder
/// rejects the other. Assembler aliases (`cmp`, `mov`, `lsl #n`, `cset`…) are not records of their
/// own: they are the base encodings built by the static factories below, and [Arm64Printer] picks
/// the alias exactly when objdump does. Branch targets are byte offsets in the same code buffer.
public sealed interface Arm64Insn {

    // ---- operation enums: each carries its encoding bits ---------------------------------------

    /// ADD/ADDS/SUB/SUBS: `op` (bit 30) and `S` (bit 29), shared by the immediate, shifted-register
    /// and extended-register classes.
    enum AddSubOp {
        ADD(0, 0, "add"), ADDS(0, 1, "adds"), SUB(1, 0, "sub"), SUBS(1, 1, "subs");

        public final int op, s;
        public final String mnemonic;

        AddSubOp(int op, int s, String mnemonic) {
            this.op = op;
            this.s = s;
            this.mnemonic = mnemonic;
        }

        /// Flag-setting forms read register 31 in Rd as XZR; the others as SP (imm/extended only).
        public boolean setsFlags() {
            return s == 1;
        }
    }

    /// The `shift` field of shifted-register operands. ROR exists only for the logical class.
    enum Shift {
        LSL, LSR, ASR, ROR;

        public String text() {
            return name().toLowerCase();
        }
    }

    /// The `option` field of extended-register operands (value = ordinal).
    enum Extend {
        UXTB, UXTH, UXTW, UXTX, SXTB, SXTH, SXTW, SXTX;

        public String text() {
            return name().toLowerCase();
        }

        /// UXTX/SXTX take an X source; the rest a W source.
        public boolean sourceIsX() {
            return this == UXTX || this == SXTX;
        }
    }

    /// The logical class: `opc` (bits 30:29) and `N` (bit 21, inverts the second operand; only
    /// the shifted-register class has N=1 forms).
    enum LogicOp {
        AND(0, 0, "and"), BIC(0, 1, "bic"), ORR(1, 0, "orr"), ORN(1, 1, "orn"),
        EOR(2, 0, "eor"), EON(2, 1, "eon"), ANDS(3, 0, "ands"), BICS(3, 1, "bics");

        public final int opc, n;
        public final String mnemonic;

        LogicOp(int opc, int n, String mnemonic) {
            this.opc = opc;
            this.n = n;
            this.mnemonic = mnemonic;
        }
    }

    /// Move wide (immediate) `opc`: MOVN writes NOT(imm16 << shift), MOVZ imm16 << shift, MOVK
    /// replaces one halfword.
    enum MoveWideOp {
        MOVN(0, "movn"), MOVZ(2, "movz"), MOVK(3, "movk");

        public final int opc;
        public final String mnemonic;

        MoveWideOp(int opc, String mnemonic) {
            this.opc = opc;
            this.mnemonic = mnemonic;
        }
    }

    /// Bitfield `opc`. The shift and extend instructions are aliases of these.
    enum BitfieldOp {
        SBFM(0, "sbfm"), BFM(1, "bfm"), UBFM(2, "ubfm");

        public final int opc;
        public final String mnemonic;

        BitfieldOp(int opc, String mnemonic) {
            this.opc = opc;
            this.mnemonic = mnemonic;
        }
    }

    /// Data-processing (2 source) `opcode` field. objdump prints the shifts by their aliases
    /// `lsl`/`lsr`/`asr`/`ror`, which are always preferred.
    enum TwoSourceOp {
        UDIV(0b000010, "udiv"), SDIV(0b000011, "sdiv"), LSLV(0b001000, "lsl"), LSRV(0b001001, "lsr"),
        ASRV(0b001010, "asr"), RORV(0b001011, "ror");

        public final int opcode;
        public final String text;

        TwoSourceOp(int opcode, String text) {
            this.opcode = opcode;
            this.text = text;
        }
    }

    /// Data-processing (3 source) with `op31 = 000`: the `o0` bit picks MADD or MSUB.
    enum MulAddOp {
        MADD(0, "madd", "mul"), MSUB(1, "msub", "mneg");

        public final int o0;
        public final String mnemonic;
        /// The alias when the addend is the zero register.
        public final String zeroAddend;

        MulAddOp(int o0, String mnemonic, String zeroAddend) {
            this.o0 = o0;
            this.mnemonic = mnemonic;
            this.zeroAddend = zeroAddend;
        }
    }

    /// Byte reversal (Data-processing (1 source)). REV's opcode depends on the width (000010 for W,
    /// 000011 for X), and REV32 exists only for X, where 000010 means REV32.
    enum ReverseOp {
        REV16("rev16"), REV32("rev32"), REV("rev");

        public final String mnemonic;

        ReverseOp(String mnemonic) {
            this.mnemonic = mnemonic;
        }

        public int opcode(OpSize size) {
            return switch (this) {
                case REV16 -> 0b000001;
                case REV32 -> {
                    if (size != OpSize.X) throw new IllegalArgumentException("rev32 needs X registers");
                    yield 0b000010;
                }
                case REV -> size == OpSize.X ? 0b000011 : 0b000010;
            };
        }
    }

    /// Conditional select: `op` (bit 30) and `op2` (bits 11:10).
    enum CondSelectOp {
        CSEL(0, 0, "csel"), CSINC(0, 1, "csinc"), CSINV(1, 0, "csinv"), CSNEG(1, 1, "csneg");

        public final int op, op2;
        public final String mnemonic;

        CondSelectOp(int op, int op2, String mnemonic) {
            this.op = op;
            this.op2 = op2;
            this.mnemonic = mnemonic;
        }
    }

    /// Single-register integer loads and stores: `size` (bits 31:30, log2 of the access) and `opc`
    /// (bits 23:22: 00 store, 01 zero-extending load, 10 sign-extend to X, 11 sign-extend to W).
    /// `size=11, opc=10` would be PRFM and is not modelled.
    enum MemOp {
        STRB(0, 0, OpSize.W, "strb", "sturb"), LDRB(0, 1, OpSize.W, "ldrb", "ldurb"),
        LDRSB_X(0, 2, OpSize.X, "ldrsb", "ldursb"), LDRSB_W(0, 3, OpSize.W, "ldrsb", "ldursb"),
        STRH(1, 0, OpSize.W, "strh", "sturh"), LDRH(1, 1, OpSize.W, "ldrh", "ldurh"),
        LDRSH_X(1, 2, OpSize.X, "ldrsh", "ldursh"), LDRSH_W(1, 3, OpSize.W, "ldrsh", "ldursh"),
        STR_W(2, 0, OpSize.W, "str", "stur"), LDR_W(2, 1, OpSize.W, "ldr", "ldur"),
        LDRSW(2, 2, OpSize.X, "ldrsw", "ldursw"),
        STR_X(3, 0, OpSize.X, "str", "stur"), LDR_X(3, 1, OpSize.X, "ldr", "ldur");

        /// log2 of the access size in bytes.
        public final int size;
        public final int opc;
        /// The width of the transfer register Rt.
        public final OpSize reg;
        public final String mnemonic, unscaledMnemonic;

        MemOp(int size, int opc, OpSize reg, String mnemonic, String unscaledMnemonic) {
            this.size = size;
            this.opc = opc;
            this.reg = reg;
            this.mnemonic = mnemonic;
            this.unscaledMnemonic = unscaledMnemonic;
        }

        public int bytes() {
            return 1 << size;
        }

        public boolean isStore() {
            return opc == 0;
        }
    }

    /// The index register's extension in register-offset addressing (`option`, bits 15:13).
    /// LSL is UXTX by another name; only 010, 011, 110, 111 are allocated.
    enum IndexExtend {
        UXTW(0b010, "uxtw"), LSL(0b011, "lsl"), SXTW(0b110, "sxtw"), SXTX(0b111, "sxtx");

        public final int option;
        public final String text;

        IndexExtend(int option, String text) {
            this.option = option;
            this.text = text;
        }

        public boolean indexIsX() {
            return (option & 1) == 1;
        }
    }

    /// Load/store pair: `opc` (bits 31:30), `L` (bit 22) and the register width. The 7-bit
    /// immediate is scaled by the register size (by 4 for LDPSW).
    enum PairOp {
        STP_W(0, 0, OpSize.W, 2, "stp"), LDP_W(0, 1, OpSize.W, 2, "ldp"), LDPSW(1, 1, OpSize.X, 2, "ldpsw"),
        STP_X(2, 0, OpSize.X, 3, "stp"), LDP_X(2, 1, OpSize.X, 3, "ldp");

        public final int opc, l;
        public final OpSize reg;
        /// log2 of the immediate's scale.
        public final int scale;
        public final String mnemonic;

        PairOp(int opc, int l, OpSize reg, int scale, String mnemonic) {
            this.opc = opc;
            this.l = l;
            this.reg = reg;
            this.scale = scale;
            this.mnemonic = mnemonic;
        }
    }

    /// Pair addressing modes: the bits 25:23 of the class (001 post-index, 010 signed offset,
    /// 011 pre-index).
    enum IndexMode {
        POST(0b001), OFFSET(0b010), PRE(0b011);

        public final int bits;

        IndexMode(int bits) {
            this.bits = bits;
        }
    }

    /// LSE atomic memory operations (FEAT_LSE, "Atomic memory operations" class): `o3` (bit 15)
    /// and `opc` (bits 14:12). `storeAlias` is the ST* alias used when the result register is ZR
    /// and there is no acquire (SWP has none).
    enum AtomicOp {
        LDADD(0, 0b000, "ldadd", "stadd"), LDCLR(0, 0b001, "ldclr", "stclr"), LDEOR(0, 0b010, "ldeor", "steor"),
        LDSET(0, 0b011, "ldset", "stset"), SWP(1, 0b000, "swp", null);

        public final int o3, opc;
        public final String mnemonic, storeAlias;

        AtomicOp(int o3, int opc, String mnemonic, String storeAlias) {
            this.o3 = o3;
            this.opc = opc;
            this.mnemonic = mnemonic;
            this.storeAlias = storeAlias;
        }
    }

    /// Memory-ordering variants of LSE instructions: the acquire (`A`) and release (`R`) bits,
    /// and the mnemonic suffix.
    enum MemOrder {
        PLAIN(0, 0, ""), ACQUIRE(1, 0, "a"), RELEASE(0, 1, "l"), ACQ_REL(1, 1, "al");

        public final int a, r;
        public final String suffix;

        MemOrder(int a, int r, String suffix) {
            this.a = a;
            this.r = r;
            this.suffix = suffix;
        }
    }

    /// Unconditional branch (register) `opc` (bits 24:21).
    enum BranchRegOp {
        BR(0, "br"), BLR(1, "blr"), RET(2, "ret");

        public final int opc;
        public final String mnemonic;

        BranchRegOp(int opc, String mnemonic) {
            this.opc = opc;
            this.mnemonic = mnemonic;
        }
    }

    /// Barrier domain/type of DMB (`CRm`, Arm ARM C6.2 "DMB").
    enum Barrier {
        OSHLD(0b0001), OSHST(0b0010), OSH(0b0011), NSHLD(0b0101), NSHST(0b0110), NSH(0b0111),
        ISHLD(0b1001), ISHST(0b1010), ISH(0b1011), LD(0b1101), ST(0b1110), SY(0b1111);

        public final int crm;

        Barrier(int crm) {
            this.crm = crm;
        }
    }

    /// PC-relative forms and their reach. The offset field holds `bits` signed bits of words, so
    /// the byte distance (target minus the instruction's own address) must be a multiple of 4 in
    /// [-2^(bits+1), 2^(bits+1)); ADR counts bytes, not words.
    enum BranchForm {
        /// B, BL: ±128 MiB.
        IMM26(26, 2),
        /// B.cond, CBZ, CBNZ (and LDR literal): ±1 MiB.
        IMM19(19, 2),
        /// TBZ, TBNZ: ±32 KiB.
        IMM14(14, 2),
        /// ADR: ±1 MiB in bytes.
        ADR21(21, 0);

        public final int bits, shift;

        BranchForm(int bits, int shift) {
            this.bits = bits;
            this.shift = shift;
        }

        public boolean fits(long distance) {
            if ((distance & ((1L << shift) - 1)) != 0) return false;
            long units = distance >> shift;
            return units >= -(1L << (bits - 1)) && units < (1L << (bits - 1));
        }
    }

    // ---- records: one per encoding class -------------------------------------------------------

    /// Add/subtract (shifted register). All of Rd, Rn, Rm read 31 as ZR. Shift is LSL/LSR/ASR.
    record AddSubShifted(AddSubOp op, OpSize size, Arm64Reg rd, Arm64Reg rn, Arm64Reg rm, Shift shift, int amount)
            implements Arm64Insn {
    }

    /// Add/subtract (extended register). Rn is SP-or-register; Rd too unless flags are set.
    /// `amount` is a left shift of 0–4 after the extension.
    record AddSubExtended(AddSubOp op, OpSize size, Arm64Reg rd, Arm64Reg rn, Arm64Reg rm, Extend extend, int amount)
            implements Arm64Insn {
    }

    /// Add/subtract (immediate). Rn is SP-or-register; Rd too unless flags are set.
    record AddSubImm(AddSubOp op, OpSize size, Arm64Reg rd, Arm64Reg rn, Imm12 imm) implements Arm64Insn {
        public AddSubImm {
            Objects.requireNonNull(imm);
        }
    }

    /// Logical (shifted register). All registers read 31 as ZR.
    record LogicalShifted(LogicOp op, OpSize size, Arm64Reg rd, Arm64Reg rn, Arm64Reg rm, Shift shift, int amount)
            implements Arm64Insn {
    }

    /// Logical (immediate): AND/ORR/EOR/ANDS with a [LogicalImmediate]. Rd is SP-or-register except
    /// for ANDS; Rn reads 31 as ZR. `imm` is the value at the operation's width.
    record LogicalImm(LogicOp op, OpSize size, Arm64Reg rd, Arm64Reg rn, long imm) implements Arm64Insn {
    }

    /// Move wide (immediate): `imm16` placed at halfword `shift / 16`.
    record MoveWide(MoveWideOp op, OpSize size, Arm64Reg rd, int imm16, int shift) implements Arm64Insn {
    }

    /// Bitfield: the raw `immr`/`imms` form; use the factories for the shift and extend aliases.
    record Bitfield(BitfieldOp op, OpSize size, Arm64Reg rd, Arm64Reg rn, int immr, int imms) implements Arm64Insn {
    }

    record TwoSource(TwoSourceOp op, OpSize size, Arm64Reg rd, Arm64Reg rn, Arm64Reg rm) implements Arm64Insn {
    }

    /// `rd = ra ± rn * rm`.
    record MulAdd(MulAddOp op, OpSize size, Arm64Reg rd, Arm64Reg rn, Arm64Reg rm, Arm64Reg ra) implements Arm64Insn {
    }

    record Reverse(ReverseOp op, OpSize size, Arm64Reg rd, Arm64Reg rn) implements Arm64Insn {
    }

    /// `rd = cond ? rn : f(rm)`.
    record CondSelect(CondSelectOp op, OpSize size, Arm64Reg rd, Arm64Reg rn, Arm64Reg rm, Arm64Cond cond)
            implements Arm64Insn {
        public CondSelect {
            Objects.requireNonNull(cond);
        }
    }

    /// Load/store (unsigned immediate): `offset` in bytes, a multiple of the access size in
    /// [0, 4095 × size]. Rn is SP-or-register, Rt reads 31 as ZR.
    record LoadStore(MemOp op, Arm64Reg rt, Arm64Reg rn, int offset) implements Arm64Insn {
    }

    /// Load/store (unscaled immediate), LDUR/STUR: a signed byte offset in [-256, 255].
    record LoadStoreUnscaled(MemOp op, Arm64Reg rt, Arm64Reg rn, int offset) implements Arm64Insn {
    }

    /// Load/store (register offset): address `rn + extend(rm) << (shifted ? size : 0)`.
    record LoadStoreIndexed(MemOp op, Arm64Reg rt, Arm64Reg rn, Arm64Reg rm, IndexExtend extend, boolean shifted)
            implements Arm64Insn {
    }

    /// Load/store pair with a signed, scaled 7-bit byte offset in the given addressing mode.
    record LoadStorePair(PairOp op, IndexMode mode, Arm64Reg rt, Arm64Reg rt2, Arm64Reg rn, int offset)
            implements Arm64Insn {
    }

    /// LDR (literal): a 32- or 64-bit load from the PC-relative byte offset `target` (±1 MiB,
    /// [BranchForm#IMM19]); how the code reads its constant pool.
    record LoadLiteral(OpSize size, Arm64Reg rt, int target) implements Arm64Insn {
    }

    /// LDXR / LDAXR.
    record LoadExclusive(boolean acquire, OpSize size, Arm64Reg rt, Arm64Reg rn) implements Arm64Insn {
    }

    /// STXR / STLXR: `rs` (always a W register) receives 0 on success, 1 on failure.
    record StoreExclusive(boolean release, OpSize size, Arm64Reg rs, Arm64Reg rt, Arm64Reg rn) implements Arm64Insn {
    }

    /// LSE atomic read-modify-write: `rt = [rn]; [rn] = op([rn], rs)`.
    record AtomicRmw(AtomicOp op, MemOrder order, OpSize size, Arm64Reg rs, Arm64Reg rt, Arm64Reg rn) implements Arm64Insn {
    }

    /// LSE compare and swap: compares [rn] with `rs`, stores `rt` if equal; `rs` receives the old value.
    record CompareAndSwap(MemOrder order, OpSize size, Arm64Reg rs, Arm64Reg rt, Arm64Reg rn) implements Arm64Insn {
    }

    record Dmb(Barrier barrier) implements Arm64Insn {
    }

    /// B to byte offset `target`.
    record B(int target) implements Arm64Insn {
    }

    /// BL to byte offset `target`.
    record Bl(int target) implements Arm64Insn {
    }

    record BCond(Arm64Cond cond, int target) implements Arm64Insn {
        public BCond {
            Objects.requireNonNull(cond);
        }
    }

    /// CBZ (or CBNZ when `nonZero`).
    record Cbz(boolean nonZero, OpSize size, Arm64Reg rt, int target) implements Arm64Insn {
    }

    /// TBZ (or TBNZ when `nonZero`) on bit `bit` of `rt` (a W register for bits below 32).
    record Tbz(boolean nonZero, Arm64Reg rt, int bit, int target) implements Arm64Insn {
    }

    /// BR / BLR / RET through `rn` (RET normally uses x30).
    record BranchReg(BranchRegOp op, Arm64Reg rn) implements Arm64Insn {
    }

    /// ADR: `rd = address of byte offset target`.
    record Adr(Arm64Reg rd, int target) implements Arm64Insn {
    }

    /// ADRP: `rd = target`, a 4 KiB page address (multiple of 4096) within ±4 GiB of this page.
    record Adrp(Arm64Reg rd, long target) implements Arm64Insn {
    }

    record Nop() implements Arm64Insn {
    }

    /// BRK #imm16: a breakpoint trap, for trap stubs.
    record Brk(int imm16) implements Arm64Insn {
    }

    /// SVC #imm16: a supervisor call.
    record Svc(int imm16) implements Arm64Insn {
    }

    // ---- aliases built from base forms (Arm ARM C6.2 alias pages) ------------------------------

    /// CMP rn, rm = SUBS ZR, rn, rm.
    static Arm64Insn cmp(OpSize size, Arm64Reg rn, Arm64Reg rm) {
        return new AddSubShifted(AddSubOp.SUBS, size, ZR, rn, rm, Shift.LSL, 0);
    }

    /// CMP rn, #imm = SUBS ZR, rn, #imm.
    static Arm64Insn cmp(OpSize size, Arm64Reg rn, Imm12 imm) {
        return new AddSubImm(AddSubOp.SUBS, size, ZR, rn, imm);
    }

    /// CMN rn, rm = ADDS ZR, rn, rm.
    static Arm64Insn cmn(OpSize size, Arm64Reg rn, Arm64Reg rm) {
        return new AddSubShifted(AddSubOp.ADDS, size, ZR, rn, rm, Shift.LSL, 0);
    }

    /// CMN rn, #imm = ADDS ZR, rn, #imm.
    static Arm64Insn cmn(OpSize size, Arm64Reg rn, Imm12 imm) {
        return new AddSubImm(AddSubOp.ADDS, size, ZR, rn, imm);
    }

    /// TST rn, rm = ANDS ZR, rn, rm.
    static Arm64Insn tst(OpSize size, Arm64Reg rn, Arm64Reg rm) {
        return new LogicalShifted(LogicOp.ANDS, size, ZR, rn, rm, Shift.LSL, 0);
    }

    /// TST rn, #imm = ANDS ZR, rn, #imm.
    static Arm64Insn tst(OpSize size, Arm64Reg rn, long imm) {
        return new LogicalImm(LogicOp.ANDS, size, ZR, rn, imm);
    }

    /// NEG rd, rm = SUB rd, ZR, rm.
    static Arm64Insn neg(OpSize size, Arm64Reg rd, Arm64Reg rm) {
        return new AddSubShifted(AddSubOp.SUB, size, rd, ZR, rm, Shift.LSL, 0);
    }

    /// MVN rd, rm = ORN rd, ZR, rm.
    static Arm64Insn mvn(OpSize size, Arm64Reg rd, Arm64Reg rm) {
        return new LogicalShifted(LogicOp.ORN, size, rd, ZR, rm, Shift.LSL, 0);
    }

    /// MOV between registers: ORR rd, ZR, rm; or ADD rd, rn, #0 when either side is SP, since ORR
    /// cannot name SP.
    static Arm64Insn mov(OpSize size, Arm64Reg rd, Arm64Reg rm) {
        if (rd == Arm64Reg.SP || rm == Arm64Reg.SP) return new AddSubImm(AddSubOp.ADD, size, rd, rm, new Imm12(0, false));
        return new LogicalShifted(LogicOp.ORR, size, rd, ZR, rm, Shift.LSL, 0);
    }

    /// MUL rd, rn, rm = MADD rd, rn, rm, ZR.
    static Arm64Insn mul(OpSize size, Arm64Reg rd, Arm64Reg rn, Arm64Reg rm) {
        return new MulAdd(MulAddOp.MADD, size, rd, rn, rm, ZR);
    }

    /// LSL rd, rn, #n = UBFM rd, rn, #(-n mod width), #(width - 1 - n).
    static Arm64Insn lsl(OpSize size, Arm64Reg rd, Arm64Reg rn, int n) {
        checkShift(size, n);
        return new Bitfield(BitfieldOp.UBFM, size, rd, rn, (size.bits - n) % size.bits, size.bits - 1 - n);
    }

    /// LSR rd, rn, #n = UBFM rd, rn, #n, #(width - 1).
    static Arm64Insn lsr(OpSize size, Arm64Reg rd, Arm64Reg rn, int n) {
        checkShift(size, n);
        return new Bitfield(BitfieldOp.UBFM, size, rd, rn, n, size.bits - 1);
    }

    /// ASR rd, rn, #n = SBFM rd, rn, #n, #(width - 1).
    static Arm64Insn asr(OpSize size, Arm64Reg rd, Arm64Reg rn, int n) {
        checkShift(size, n);
        return new Bitfield(BitfieldOp.SBFM, size, rd, rn, n, size.bits - 1);
    }

    /// SXTB/SXTH/SXTW = SBFM rd, rn, #0, #(bits - 1); SXTW exists only with an X destination.
    static Arm64Insn signExtend(OpSize size, Arm64Reg rd, Arm64Reg rn, int fromBits) {
        if (fromBits != 8 && fromBits != 16 && !(fromBits == 32 && size == OpSize.X)) {
            throw new IllegalArgumentException("sign-extend from " + fromBits + " to " + size);
        }
        return new Bitfield(BitfieldOp.SBFM, size, rd, rn, 0, fromBits - 1);
    }

    /// UXTB/UXTH = UBFM wd, wn, #0, #(bits - 1). (Writing a W register already clears the upper
    /// half, so there is no 64-bit form.)
    static Arm64Insn zeroExtend(Arm64Reg rd, Arm64Reg rn, int fromBits) {
        if (fromBits != 8 && fromBits != 16) throw new IllegalArgumentException("zero-extend from " + fromBits);
        return new Bitfield(BitfieldOp.UBFM, OpSize.W, rd, rn, 0, fromBits - 1);
    }

    /// CSET rd, cond = CSINC rd, ZR, ZR, invert(cond).
    static Arm64Insn cset(OpSize size, Arm64Reg rd, Arm64Cond cond) {
        if (cond.always()) throw new IllegalArgumentException("cset with " + cond);
        return new CondSelect(CondSelectOp.CSINC, size, rd, ZR, ZR, cond.invert());
    }

    /// RET (through x30).
    static Arm64Insn ret() {
        return new BranchReg(BranchRegOp.RET, Arm64Reg.R30);
    }

    private static void checkShift(OpSize size, int n) {
        if (n < 0 || n >= size.bits) throw new IllegalArgumentException("shift " + n + " at " + size);
    }
}
