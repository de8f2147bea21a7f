package dev.ebpfc.backend.riscv64;

import dev.ebpfc.backend.riscv64.Riscv64Encoder.BranchForm;
import dev.ebpfc.backend.riscv64.Riscv64Features.Extension;
import dev.ebpfc.backend.riscv64.Riscv64Insn.BranchOp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import static dev.ebpfc.backend.riscv64.Riscv64Reg.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/// Reach of the pc-relative forms, and the encoder's refusals: every operand that does not fit its
/// field is an [IllegalArgumentException] naming the field; an instruction from an extension that
/// is not enabled is an [IllegalStateException].
class Riscv64EncoderRangeTest {

    static void rejects(String field, Executable e) {
        IllegalArgumentException x = assertThrows(IllegalArgumentException.class, e);
        assertTrue(x.getMessage().contains(field), x.getMessage());
    }

    @Test
    void reach() {
        assertTrue(Riscv64Encoder.fits(BranchForm.B_TYPE, 4094));
        assertTrue(Riscv64Encoder.fits(BranchForm.B_TYPE, -4096));
        assertFalse(Riscv64Encoder.fits(BranchForm.B_TYPE, 4096));
        assertFalse(Riscv64Encoder.fits(BranchForm.B_TYPE, -4098));
        assertFalse(Riscv64Encoder.fits(BranchForm.B_TYPE, 7));
        assertTrue(Riscv64Encoder.fits(BranchForm.J_TYPE, (1 << 20) - 2));
        assertTrue(Riscv64Encoder.fits(BranchForm.J_TYPE, -(1 << 20)));
        assertFalse(Riscv64Encoder.fits(BranchForm.J_TYPE, 1 << 20));
        assertFalse(Riscv64Encoder.fits(BranchForm.J_TYPE, -(1 << 20) - 2));
        assertTrue(Riscv64Encoder.fits(BranchForm.CJ_TYPE, 2046));
        assertFalse(Riscv64Encoder.fits(BranchForm.CJ_TYPE, 2048));
        assertTrue(Riscv64Encoder.fits(BranchForm.CJ_TYPE, -2048));
    }

    @Test
    void outOfRangeBranchesAndJumps() {
        Riscv64Encoder e = new Riscv64Encoder();
        rejects("B-type offset", () -> e.branch(BranchOp.BEQ, A0, A1, 4096));
        rejects("B-type offset", () -> e.branch(BranchOp.BEQ, A0, A1, 7));
        rejects("J-type offset", () -> e.jal(RA, 1 << 20));
        rejects("CJ offset", () -> new Riscv64Encoder(Riscv64Features.of(Extension.C)).cJ(2048));
        assertEquals(0, e.position(), "a refused instruction writes nothing");
    }

    @Test
    void immediateFields() {
        Riscv64Encoder e = new Riscv64Encoder();
        rejects("imm[11:0]", () -> e.addi(A0, A1, 2048));
        rejects("imm[11:0]", () -> e.addi(A0, A1, -2049));
        rejects("imm[11:0]", () -> e.load(Riscv64Insn.LoadOp.LD, A0, A1, 4000));
        rejects("imm[11:0]", () -> e.store(Riscv64Insn.StoreOp.SD, A0, A1, -3000));
        rejects("imm[11:0]", () -> e.jalr(RA, A1, 2048));
        rejects("shamt", () -> e.slli(A0, A1, 64));
        rejects("shamt", () -> e.slliw(A0, A1, 32));
        rejects("shamt", () -> e.srai(A0, A1, -1));
        rejects("imm[31:12]", () -> e.lui(A0, 0x100000));
        rejects("imm[31:12]", () -> e.auipc(A0, -1));
        rejects("fence pred", () -> e.fence(16, 0));
        rejects("fence succ", () -> e.fence(0, -1));
        assertEquals(0, e.position());
    }

    @Test
    void compressedConstraints() {
        Riscv64Encoder e = new Riscv64Encoder(Riscv64Features.of(Extension.C));
        rejects("nzimm", () -> e.cAddi(A0, 0));
        rejects("c.addi nzimm", () -> e.cAddi(A0, 32));
        rejects("c.li rd", () -> e.cLi(ZERO, 1));
        rejects("c.mv rs2", () -> e.cMv(A0, ZERO));
        rejects("c.ldsp offset", () -> e.cLdsp(A0, 12));
        rejects("c.sdsp offset", () -> e.cSdsp(A0, 512));
        rejects("c.jr rs1", () -> e.cJr(ZERO));
        // shapes the emitter must not compress stay 4 bytes
        assertEquals(4, e.length(new Riscv64Insn.AluImm(Riscv64Insn.AluImmOp.ADDI, A0, A0, 32)));
        assertEquals(4, e.length(new Riscv64Insn.Alu(Riscv64Insn.AluOp.ADD, A0, ZERO, A1)));
        assertEquals(4, e.length(new Riscv64Insn.Load(Riscv64Insn.LoadOp.LD, A0, SP, 4)));
        assertEquals(4, e.length(new Riscv64Insn.Jalr(RA, A0, 0)));
        assertEquals(2, e.length(new Riscv64Insn.AluImm(Riscv64Insn.AluImmOp.ADDI, A0, A0, 31)));
        assertEquals(0, e.position());
    }

    @Test
    void extensionsMustBeEnabled() {
        Riscv64Encoder base = new Riscv64Encoder();
        assertThrows(IllegalStateException.class, () -> base.rev8(A0, A1));
        assertThrows(IllegalStateException.class, () -> base.andn(A0, A1, A2));
        assertThrows(IllegalStateException.class, () -> base.sh1add(A0, A1, A2));
        assertThrows(IllegalStateException.class, () -> base.cAddi(A0, 1));
        assertThrows(IllegalStateException.class, () -> base.emit(new Riscv64Insn.CompressedJump(0)));
        // Zbb alone does not bring Zba
        Riscv64Encoder zbb = new Riscv64Encoder(Riscv64Features.of(Extension.ZBB));
        zbb.zextH(A0, A1);
        assertThrows(IllegalStateException.class, () -> zbb.addUw(A0, A1, ZERO));
        assertEquals(4, zbb.position());
        // without C nothing is compressed
        assertEquals(4, base.length(new Riscv64Insn.AluImm(Riscv64Insn.AluImmOp.ADDI, A0, A0, 1)));
    }
}
