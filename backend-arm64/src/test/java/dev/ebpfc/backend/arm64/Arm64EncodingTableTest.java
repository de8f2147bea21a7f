package dev.ebpfc.backend.arm64;

import dev.ebpfc.backend.arm64.Arm64Insn.*;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;

import static dev.ebpfc.backend.arm64.Arm64Insn.AddSubOp.*;
import static dev.ebpfc.backend.arm64.Arm64Insn.AtomicOp.*;
import static dev.ebpfc.backend.arm64.Arm64Insn.BitfieldOp.*;
import static dev.ebpfc.backend.arm64.Arm64Insn.CondSelectOp.*;
import static dev.ebpfc.backend.arm64.Arm64Insn.LogicOp.*;
import static dev.ebpfc.backend.arm64.Arm64Insn.MemOp.*;
import static dev.ebpfc.backend.arm64.Arm64Insn.MemOrder.*;
import static dev.ebpfc.backend.arm64.Arm64Insn.MoveWideOp.*;
import static dev.ebpfc.backend.arm64.Arm64Insn.MulAddOp.*;
import static dev.ebpfc.backend.arm64.Arm64Insn.PairOp.*;
import static dev.ebpfc.backend.arm64.Arm64Insn.TwoSourceOp.*;
import static dev.ebpfc.backend.arm64.Arm64Reg.*;
import static dev.ebpfc.backend.arm64.OpSize.W;
import static dev.ebpfc.backend.arm64.OpSize.X;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/// Known encodings, one row per interesting rule (register 31 as SP or ZR, alias choice, scaled
/// offsets, branch ranges, LSE order suffixes). The words were produced by GNU as 2.40
/// (`aarch64-linux-gnu-as -march=armv8.1-a`, armv8.2-a for `bfc`; branch targets written
/// `.+N`, linked at address 0 with `ld -Ttext=0`) and read back as objdump shows them, so they are
/// independent of our encoder. Each row is emitted at offset 0; the hex is the instruction word.
class Arm64EncodingTableTest {
    record Row(Arm64Insn insn, String text, String word) {
        @Override
        public String toString() {
            return text;
        }
    }

    static Row row(Arm64Insn insn, String text, String word) {
        return new Row(insn, text, word);
    }

    static List<Row> rows() {
        return List.of(
                row(new AddSubImm(ADD, X, R0, R1, new Imm12(0x10, false)), "add x0, x1, #0x10", "91004020"),
                row(new AddSubImm(ADD, X, R0, R1, new Imm12(1, true)), "add x0, x1, #0x1, lsl #12", "91400420"),
                row(Arm64Insn.mov(X, SP, R1), "mov sp, x1", "9100003f"),
                row(Arm64Insn.mov(X, R1, SP), "mov x1, sp", "910003e1"),
                row(Arm64Insn.cmn(X, R1, new Imm12(3, false)), "cmn x1, #0x3", "b1000c3f"),
                row(Arm64Insn.cmp(X, SP, new Imm12(3, false)), "cmp sp, #0x3", "f1000fff"),
                row(new AddSubImm(SUB, W, SP, R3, new Imm12(0xfff, true)), "sub wsp, w3, #0xfff, lsl #12", "517ffc7f"),
                row(new AddSubShifted(ADD, X, R0, R1, R2, Shift.LSL, 3), "add x0, x1, x2, lsl #3", "8b020c20"),
                row(Arm64Insn.cmp(X, R1, R2), "cmp x1, x2", "eb02003f"),
                row(new AddSubShifted(SUBS, X, R3, ZR, R2, Shift.LSL, 0), "negs x3, x2", "eb0203e3"),
                row(new AddSubShifted(SUB, X, R3, ZR, R2, Shift.ASR, 4), "neg x3, x2, asr #4", "cb8213e3"),
                row(new AddSubShifted(ADDS, W, R4, R5, R6, Shift.LSR, 31), "adds w4, w5, w6, lsr #31", "2b467ca4"),
                row(new AddSubExtended(ADD, X, R0, SP, R2, Extend.UXTW, 0), "add x0, sp, w2, uxtw", "8b2243e0"),
                row(new AddSubExtended(ADD, X, R0, R1, R2, Extend.UXTW, 2), "add x0, x1, w2, uxtw #2", "8b224820"),
                row(new AddSubExtended(ADD, X, SP, R1, R2, Extend.UXTX, 0), "add sp, x1, x2", "8b22603f"),
                row(new AddSubExtended(ADD, X, R0, SP, R2, Extend.UXTX, 2), "add x0, sp, x2, lsl #2", "8b226be0"),
                row(new AddSubExtended(ADD, W, R0, SP, R2, Extend.UXTW, 0), "add w0, wsp, w2", "0b2243e0"),
                row(new AddSubExtended(SUBS, X, ZR, SP, R2, Extend.UXTX, 0), "cmp sp, x2", "eb2263ff"),
                row(new AddSubExtended(ADD, X, R0, R1, R2, Extend.SXTB, 0), "add x0, x1, w2, sxtb", "8b228020"),
                row(Arm64Insn.mov(X, R0, R1), "mov x0, x1", "aa0103e0"),
                row(new LogicalShifted(ORR, X, R0, ZR, R1, Shift.LSL, 2), "orr x0, xzr, x1, lsl #2", "aa010be0"),
                row(new LogicalShifted(ORN, X, R0, ZR, R1, Shift.ROR, 3), "mvn x0, x1, ror #3", "aae10fe0"),
                row(Arm64Insn.tst(X, R1, R2), "tst x1, x2", "ea02003f"),
                row(new LogicalShifted(BICS, W, R1, R2, R3, Shift.ASR, 7), "bics w1, w2, w3, asr #7", "6aa31c41"),
                row(new LogicalShifted(EON, X, R1, R2, R3, Shift.LSL, 0), "eon x1, x2, x3", "ca230041"),
                row(new LogicalImm(AND, X, SP, R1, 0xff), "and sp, x1, #0xff", "92401c3f"),
                row(new LogicalImm(ORR, X, R0, ZR, 0xff), "orr x0, xzr, #0xff", "b2401fe0"),
                row(new LogicalImm(ORR, X, R0, ZR, 0x5555555555555555L), "mov x0, #0x5555555555555555", "b200f3e0"),
                row(Arm64Insn.tst(X, R1, 0xff), "tst x1, #0xff", "f2401c3f"),
                row(new LogicalImm(AND, W, R0, R1, 0x80000001L), "and w0, w1, #0x80000001", "12010420"),
                row(new LogicalImm(EOR, X, R7, R8, 0xfffffffffffffffeL), "eor x7, x8, #0xfffffffffffffffe", "d27ff907"),
                row(new MoveWide(MOVZ, X, R0, 0, 16), "movz x0, #0x0, lsl #16", "d2a00000"),
                row(new MoveWide(MOVZ, X, R0, 0x1234, 32), "mov x0, #0x123400000000", "d2c24680"),
                row(new MoveWide(MOVN, X, R0, 0, 0), "mov x0, #0xffffffffffffffff", "92800000"),
                row(new MoveWide(MOVN, W, R0, 0xffff, 0), "movn w0, #0xffff", "129fffe0"),
                row(new MoveWide(MOVN, W, R0, 0x1234, 16), "mov w0, #0xedcbffff", "12a24680"),
                row(new MoveWide(MOVK, X, R0, 0x1234, 48), "movk x0, #0x1234, lsl #48", "f2e24680"),
                row(Arm64Insn.mul(X, R0, R1, R2), "mul x0, x1, x2", "9b027c20"),
                row(new MulAdd(MSUB, X, R0, R1, R2, R3), "msub x0, x1, x2, x3", "9b028c20"),
                row(new MulAdd(MSUB, W, R0, R1, R2, ZR), "mneg w0, w1, w2", "1b02fc20"),
                row(new TwoSource(UDIV, W, R0, R1, R2), "udiv w0, w1, w2", "1ac20820"),
                row(new TwoSource(SDIV, X, R0, R1, R2), "sdiv x0, x1, x2", "9ac20c20"),
                row(new TwoSource(LSLV, X, R0, R1, R2), "lsl x0, x1, x2", "9ac22020"),
                row(new TwoSource(ASRV, W, R0, R1, R2), "asr w0, w1, w2", "1ac22820"),
                row(Arm64Insn.lsl(X, R0, R1, 4), "lsl x0, x1, #4", "d37cec20"),
                row(Arm64Insn.lsr(W, R0, R1, 4), "lsr w0, w1, #4", "53047c20"),
                row(Arm64Insn.asr(X, R0, R1, 63), "asr x0, x1, #63", "937ffc20"),
                row(Arm64Insn.signExtend(X, R0, R1, 8), "sxtb x0, w1", "93401c20"),
                row(Arm64Insn.signExtend(W, R0, R1, 16), "sxth w0, w1", "13003c20"),
                row(Arm64Insn.signExtend(X, R0, R1, 32), "sxtw x0, w1", "93407c20"),
                row(Arm64Insn.zeroExtend(R0, R1, 8), "uxtb w0, w1", "53001c20"),
                row(Arm64Insn.zeroExtend(R0, R1, 16), "uxth w0, w1", "53003c20"),
                row(new Bitfield(UBFM, X, R0, R1, 8, 3), "ubfiz x0, x1, #56, #4", "d3480c20"),
                row(new Bitfield(BFM, X, R0, ZR, 8, 3), "bfc x0, #56, #4", "b3480fe0"),
                row(new Reverse(ReverseOp.REV, W, R0, R1), "rev w0, w1", "5ac00820"),
                row(new Reverse(ReverseOp.REV, X, R0, R1), "rev x0, x1", "dac00c20"),
                row(new Reverse(ReverseOp.REV16, X, R0, R1), "rev16 x0, x1", "dac00420"),
                row(new Reverse(ReverseOp.REV32, X, R0, R1), "rev32 x0, x1", "dac00820"),
                row(new CondSelect(CSEL, X, R0, R1, R2, Arm64Cond.EQ), "csel x0, x1, x2, eq", "9a820020"),
                row(Arm64Insn.cset(X, R0, Arm64Cond.EQ), "cset x0, eq", "9a9f17e0"),
                row(new CondSelect(CSINC, X, R0, R1, R1, Arm64Cond.NE), "cinc x0, x1, eq", "9a811420"),
                row(new CondSelect(CSINC, X, R0, R1, R2, Arm64Cond.LO), "csinc x0, x1, x2, cc", "9a823420"),
                row(new CondSelect(CSINC, X, R0, ZR, ZR, Arm64Cond.AL), "csinc x0, xzr, xzr, al", "9a9fe7e0"),
                row(new LoadStore(LDR_X, R0, R1, 8), "ldr x0, [x1, #8]", "f9400420"),
                row(new LoadStore(LDRB, R0, R1, 4095), "ldrb w0, [x1, #4095]", "397ffc20"),
                row(new LoadStore(LDRSB_X, R0, R1, 1), "ldrsb x0, [x1, #1]", "39800420"),
                row(new LoadStore(LDRSW, R0, R1, 16380), "ldrsw x0, [x1, #16380]", "b9bffc20"),
                row(new LoadStore(LDRSH_W, R0, R1, 2), "ldrsh w0, [x1, #2]", "79c00420"),
                row(new LoadStore(STR_X, ZR, SP, 32760), "str xzr, [sp, #32760]", "f93fffff"),
                row(new LoadStore(STRH, R9, R10, 0), "strh w9, [x10]", "79000149"),
                row(new LoadStoreUnscaled(LDR_X, R0, R1, -256), "ldur x0, [x1, #-256]", "f8500020"),
                row(new LoadStoreUnscaled(STRB, R0, SP, -1), "sturb w0, [sp, #-1]", "381ff3e0"),
                row(new LoadStoreUnscaled(LDRSW, R0, R1, 3), "ldursw x0, [x1, #3]", "b8803020"),
                row(new LoadStoreIndexed(LDR_X, R0, R1, R2, IndexExtend.LSL, false), "ldr x0, [x1, x2]", "f8626820"),
                row(new LoadStoreIndexed(LDR_X, R0, R1, R2, IndexExtend.LSL, true), "ldr x0, [x1, x2, lsl #3]", "f8627820"),
                row(new LoadStoreIndexed(LDRB, R0, R1, R2, IndexExtend.LSL, true), "ldrb w0, [x1, x2, lsl #0]", "38627820"),
                row(new LoadStoreIndexed(LDRH, R0, R1, R2, IndexExtend.SXTW, true), "ldrh w0, [x1, w2, sxtw #1]", "7862d820"),
                row(new LoadStoreIndexed(STR_W, R0, SP, R2, IndexExtend.SXTX, true), "str w0, [sp, x2, sxtx #2]", "b822fbe0"),
                row(new LoadStorePair(STP_X, IndexMode.PRE, R29, R30, SP, -16), "stp x29, x30, [sp, #-16]!", "a9bf7bfd"),
                row(new LoadStorePair(LDP_X, IndexMode.POST, R29, R30, SP, 16), "ldp x29, x30, [sp], #16", "a8c17bfd"),
                row(new LoadStorePair(STP_W, IndexMode.OFFSET, R0, R1, R2, -256), "stp w0, w1, [x2, #-256]", "29200440"),
                row(new LoadStorePair(LDP_X, IndexMode.OFFSET, R0, R1, SP, 504), "ldp x0, x1, [sp, #504]", "a95f87e0"),
                row(new LoadStorePair(LDPSW, IndexMode.OFFSET, R0, R1, SP, 8), "ldpsw x0, x1, [sp, #8]", "694107e0"),
                row(new B(8), "b 0x8", "14000002"),
                row(new B(0x7fffffc), "b 0x7fffffc", "15ffffff"),
                row(new BCond(Arm64Cond.EQ, 8), "b.eq 0x8", "54000040"),
                row(new BCond(Arm64Cond.HS, 0xffffc), "b.cs 0xffffc", "547fffe2"),
                row(new Cbz(false, X, R0, 0x100), "cbz x0, 0x100", "b4000800"),
                row(new Cbz(true, W, R30, 0), "cbnz w30, 0x0", "3500001e"),
                row(new Tbz(false, R0, 63, 8), "tbz x0, #63, 0x8", "b6f80040"),
                row(new Tbz(true, R5, 31, 0x7ffc), "tbnz w5, #31, 0x7ffc", "37fbffe5"),
                row(new Bl(0x1000), "bl 0x1000", "94000400"),
                row(new BranchReg(BranchRegOp.BLR, R1), "blr x1", "d63f0020"),
                row(new BranchReg(BranchRegOp.BR, R16), "br x16", "d61f0200"),
                row(Arm64Insn.ret(), "ret", "d65f03c0"),
                row(new BranchReg(BranchRegOp.RET, R1), "ret x1", "d65f0020"),
                row(new LoadLiteral(X, R0, 8), "ldr x0, 0x8", "58000040"),
                row(new LoadLiteral(X, R30, 0xffffc), "ldr x30, 0xffffc", "587ffffe"),
                row(new LoadLiteral(W, R1, -4), "ldr w1, 0xfffffffffffffffc", "18ffffe1"),
                row(new LoadExclusive(false, X, R0, R1), "ldxr x0, [x1]", "c85f7c20"),
                row(new LoadExclusive(true, W, R0, SP), "ldaxr w0, [sp]", "885fffe0"),
                row(new StoreExclusive(false, X, R2, R0, R1), "stxr w2, x0, [x1]", "c8027c20"),
                row(new StoreExclusive(true, W, R2, R0, SP), "stlxr w2, w0, [sp]", "8802ffe0"),
                row(new AtomicRmw(LDADD, PLAIN, X, R0, R1, R2), "ldadd x0, x1, [x2]", "f8200041"),
                row(new AtomicRmw(LDADD, PLAIN, X, R0, ZR, R2), "stadd x0, [x2]", "f820005f"),
                row(new AtomicRmw(LDADD, RELEASE, X, R0, ZR, R2), "staddl x0, [x2]", "f860005f"),
                row(new AtomicRmw(LDADD, ACQUIRE, X, R0, ZR, R2), "ldadda x0, xzr, [x2]", "f8a0005f"),
                row(new AtomicRmw(LDADD, ACQ_REL, W, R0, ZR, SP), "ldaddal w0, wzr, [sp]", "b8e003ff"),
                row(new AtomicRmw(LDCLR, PLAIN, X, R0, ZR, R2), "stclr x0, [x2]", "f820105f"),
                row(new AtomicRmw(LDEOR, PLAIN, X, R0, R1, R2), "ldeor x0, x1, [x2]", "f8202041"),
                row(new AtomicRmw(LDSET, RELEASE, W, R0, ZR, R2), "stsetl w0, [x2]", "b860305f"),
                row(new AtomicRmw(SWP, PLAIN, X, R0, ZR, R2), "swp x0, xzr, [x2]", "f820805f"),
                row(new AtomicRmw(SWP, ACQ_REL, X, R0, R1, R2), "swpal x0, x1, [x2]", "f8e08041"),
                row(new CompareAndSwap(PLAIN, X, R0, R1, R2), "cas x0, x1, [x2]", "c8a07c41"),
                row(new CompareAndSwap(ACQ_REL, W, R0, R1, SP), "casal w0, w1, [sp]", "88e0ffe1"),
                row(new Dmb(Barrier.ISH), "dmb ish", "d5033bbf"),
                row(new Nop(), "nop", "d503201f"),
                row(new Brk(0x3e8), "brk #0x3e8", "d4207d00"),
                row(new Svc(0), "svc #0x0", "d4000001"),
                row(new Adr(R0, 16), "adr x0, 0x10", "10000080"),
                row(new Adrp(R0, 0x10000), "adrp x0, 0x10000", "90000080"));
    }

    @ParameterizedTest
    @MethodSource("rows")
    void encodesAndPrints(Row row) {
        Arm64Encoder e = new Arm64Encoder();
        e.emit(row.insn());
        byte[] b = e.toByteArray();
        assertEquals(4, b.length);
        int word = (b[0] & 0xff) | (b[1] & 0xff) << 8 | (b[2] & 0xff) << 16 | (b[3] & 0xff) << 24;
        assertEquals(row.word(), String.format("%08x", word), "word of " + row.text());
        assertEquals(row.text(), Arm64Printer.print(row.insn()));
    }

    @Test
    void registerThirtyOneMustMatchItsRole() {
        Arm64Encoder e = new Arm64Encoder();
        // ZR where the field means SP, and SP where it means ZR: both would silently encode the other.
        assertThrows(IllegalArgumentException.class, () -> e.emit(new AddSubImm(ADD, X, R0, ZR, new Imm12(1, false))));
        assertThrows(IllegalArgumentException.class, () -> e.emit(new AddSubShifted(ADD, X, SP, R1, R2, Shift.LSL, 0)));
        assertThrows(IllegalArgumentException.class, () -> e.emit(new AddSubImm(ADDS, X, SP, R1, new Imm12(1, false))));
        assertThrows(IllegalArgumentException.class, () -> e.emit(new LogicalImm(ANDS, X, SP, R1, 0xff)));
        assertThrows(IllegalArgumentException.class, () -> e.emit(new LogicalImm(AND, X, R0, SP, 0xff)));
        assertThrows(IllegalArgumentException.class, () -> e.emit(new LoadStore(LDR_X, SP, R1, 0)));
        assertThrows(IllegalArgumentException.class, () -> e.emit(new LoadStore(LDR_X, R0, ZR, 0)));
        assertThrows(IllegalArgumentException.class, () -> e.emit(new MoveWide(MOVZ, X, SP, 1, 0)));
        assertThrows(IllegalArgumentException.class, () -> e.emit(new BranchReg(BranchRegOp.BR, SP)));
        assertEquals(0, e.position(), "nothing emitted by a rejected instruction");
    }

    @Test
    void rejectsUnencodableOperands() {
        Arm64Encoder e = new Arm64Encoder();
        assertThrows(IllegalArgumentException.class, () -> e.emit(new LogicalImm(AND, X, R0, R1, 0x1234)));
        assertThrows(IllegalArgumentException.class, () -> e.emit(new LoadStore(LDR_X, R0, R1, 4)), "unaligned scaled offset");
        assertThrows(IllegalArgumentException.class, () -> e.emit(new LoadStore(LDR_X, R0, R1, 4096 * 8)));
        assertThrows(IllegalArgumentException.class, () -> e.emit(new LoadStoreUnscaled(LDR_X, R0, R1, 256)));
        assertThrows(IllegalArgumentException.class, () -> e.emit(new LoadStorePair(STP_X, IndexMode.PRE, R29, R30, SP, -520)));
        assertThrows(IllegalArgumentException.class, () -> e.emit(new LoadStorePair(LDP_X, IndexMode.OFFSET, R1, R1, SP, 0)));
        assertThrows(IllegalArgumentException.class, () -> e.emit(new LoadStorePair(LDP_X, IndexMode.POST, R1, R2, R1, 16)));
        assertThrows(IllegalArgumentException.class, () -> e.emit(new StoreExclusive(false, X, R1, R1, R2)));
        assertThrows(IllegalArgumentException.class, () -> e.emit(new AddSubShifted(ADD, W, R0, R1, R2, Shift.LSL, 32)));
        assertThrows(IllegalArgumentException.class, () -> e.emit(new AddSubShifted(ADD, X, R0, R1, R2, Shift.ROR, 1)));
        assertThrows(IllegalArgumentException.class, () -> e.emit(new AddSubExtended(ADD, X, R0, R1, R2, Extend.UXTB, 5)));
        assertThrows(IllegalArgumentException.class, () -> e.emit(new MoveWide(MOVZ, W, R0, 1, 32)));
        assertThrows(IllegalArgumentException.class, () -> e.emit(new Reverse(ReverseOp.REV32, W, R0, R1)));
        assertThrows(IllegalArgumentException.class, () -> e.emit(new Brk(0x10000)));
        assertThrows(IllegalArgumentException.class, () -> new Imm12(4096, false));
        assertThrows(IllegalArgumentException.class, () -> Arm64Insn.cset(X, R0, Arm64Cond.AL));
        assertEquals(0, e.position());
    }

    @Test
    void branchRanges() {
        // B/BL ±128 MiB, B.cond/CBZ ±1 MiB, TBZ ±32 KiB, ADR ±1 MiB in bytes; words must be aligned.
        assertTrue(Arm64Encoder.fits(BranchForm.IMM26, (1L << 27) - 4));
        assertFalse(Arm64Encoder.fits(BranchForm.IMM26, 1L << 27));
        assertTrue(Arm64Encoder.fits(BranchForm.IMM26, -(1L << 27)));
        assertFalse(Arm64Encoder.fits(BranchForm.IMM26, -(1L << 27) - 4));
        assertTrue(Arm64Encoder.fits(BranchForm.IMM19, (1L << 20) - 4));
        assertFalse(Arm64Encoder.fits(BranchForm.IMM19, 1L << 20));
        assertTrue(Arm64Encoder.fits(BranchForm.IMM19, -(1L << 20)));
        assertTrue(Arm64Encoder.fits(BranchForm.IMM14, (1L << 15) - 4));
        assertFalse(Arm64Encoder.fits(BranchForm.IMM14, 1L << 15));
        assertTrue(Arm64Encoder.fits(BranchForm.IMM14, -(1L << 15)));
        assertFalse(Arm64Encoder.fits(BranchForm.IMM14, -(1L << 15) - 4));
        assertFalse(Arm64Encoder.fits(BranchForm.IMM19, 2), "misaligned");
        assertTrue(Arm64Encoder.fits(BranchForm.ADR21, (1L << 20) - 1));
        assertFalse(Arm64Encoder.fits(BranchForm.ADR21, 1L << 20));

        Arm64Encoder e = new Arm64Encoder();
        var tooFar = assertThrows(IllegalArgumentException.class, () -> e.emit(new Tbz(false, R0, 3, 1 << 15)));
        assertTrue(tooFar.getMessage().contains("IMM14"), tooFar.getMessage());
        assertThrows(IllegalArgumentException.class, () -> e.emit(new BCond(Arm64Cond.EQ, 1 << 20)));
        assertThrows(IllegalArgumentException.class, () -> e.emit(new Cbz(true, X, R0, 1 << 20)));
        assertThrows(IllegalArgumentException.class, () -> e.emit(new B(1 << 27)));
        assertThrows(IllegalArgumentException.class, () -> e.emit(new Bl(6)));
        assertThrows(IllegalArgumentException.class, () -> e.emit(new Adr(R0, 1 << 20)));
        assertThrows(IllegalArgumentException.class, () -> e.emit(new LoadLiteral(X, R0, 1 << 20)));
        assertThrows(IllegalArgumentException.class, () -> e.emit(new LoadLiteral(X, R0, 2)), "misaligned");
        assertThrows(IllegalArgumentException.class, () -> e.emit(new Adrp(R0, 0x1001)));
        e.emit(new Tbz(false, R0, 3, (1 << 15) - 4));
        e.emit(new B(4 + (1 << 27) - 4));
        assertEquals(8, e.position());
    }
}
