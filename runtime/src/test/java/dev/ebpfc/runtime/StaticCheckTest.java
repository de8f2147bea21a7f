package dev.ebpfc.runtime;

import dev.ebpfc.frontend.codec.Decoder;
import dev.ebpfc.frontend.insn.AluOp;
import dev.ebpfc.frontend.insn.Cond;
import dev.ebpfc.frontend.insn.LddwSource;
import dev.ebpfc.frontend.insn.Size;
import dev.ebpfc.runtime.interp.StaticCheck;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/// The static pre-check: must-init dataflow, r10 writes, falling off the end.
class StaticCheckTest {
    @Test
    void conformanceNegativeErrorDataIsRejected() {
        // negative/error.data: `or %r0, %r10; exit` with r0 never written. 0x4f = ALU64 | OR | X.
        var p = Decoder.decode(new long[]{0x00000000_0000a04fL, 0x95L});
        assertEquals("slot 0: R0 !read_ok (or r0, r10)".replace("or r0, r10", p.get(0).toString()), StaticCheck.check(p));
        assertEquals(ErrorKind.REJECTED, new Asm().alu64r(AluOp.OR, 0, 10).exit().run().error());
    }

    @Test
    void entryHasR1R2AndR10() {
        assertNull(StaticCheck.check(new Asm().movr(0, 1).alu64r(AluOp.ADD, 0, 2).alu64r(AluOp.ADD, 0, 10).exit().program()));
        assertEquals("slot 0: R3 !read_ok (mov %r0, %r3)", StaticCheck.check(new Asm().movr(0, 3).exit().program()));
    }

    @Test
    void exitReadsR0() {
        assertEquals("slot 0: R0 !read_ok (exit)", StaticCheck.check(new Asm().exit().program()));
    }

    @Test
    void mustBeInitialisedOnEveryPath() {
        // r0 set on only one side of the branch.
        var p = new Asm().jmp(Cond.JEQ, 1, 0, 1).mov(0, 1).exit().program();
        assertEquals("slot 2: R0 !read_ok (exit)", StaticCheck.check(p));
        var both = new Asm().jmp(Cond.JEQ, 1, 0, 2).mov(0, 1).ja(1).mov(0, 2).exit().program();
        assertNull(StaticCheck.check(both));
    }

    @Test
    void loopsReachAFixpoint() {
        var p = new Asm().mov(0, 0).mov(3, 5).alu64(AluOp.ADD, 0, 1).alu64(AluOp.SUB, 3, 1).jmp(Cond.JNE, 3, 0, -3).exit().program();
        assertNull(StaticCheck.check(p));
        // r4 first written inside the loop body after its use.
        var bad = new Asm().mov(0, 0).mov(3, 5).alu64r(AluOp.ADD, 0, 4).mov(4, 1).alu64(AluOp.SUB, 3, 1).jmp(Cond.JNE, 3, 0, -4).exit().program();
        assertEquals("slot 2: R4 !read_ok (add %r0, %r4)", StaticCheck.check(bad));
    }

    @Test
    void callsSetR0AndClobberArguments() {
        assertNull(StaticCheck.check(new Asm().call(7).exit().program()));
        assertEquals("slot 2: R1 !read_ok (mov %r0, %r1)", StaticCheck.check(new Asm().mov(1, 1).call(7).movr(0, 1).exit().program()));
        assertNull(StaticCheck.check(new Asm().mov(6, 1).call(7).movr(0, 6).exit().program()));
    }

    @Test
    void functionsStartWithArgumentsButNotCalleeSaved() {
        assertNull(StaticCheck.check(new Asm().callLocal(1).exit().movr(0, 5).exit().program()));
        assertEquals("slot 2: R6 !read_ok (mov %r0, %r6)",
                StaticCheck.check(new Asm().mov(6, 1).callLocal(1).exit().movr(0, 6).exit().program()).replace("slot 3", "slot 2"));
    }

    @Test
    void funcAddressesAreFunctionEntries() {
        assertNull(StaticCheck.check(new Asm().lddw(2, LddwSource.FUNC, 3, 0).callx(2).exit().movr(0, 3).exit().program()));
    }

    @Test
    void writingR10IsRejected() {
        assertEquals("slot 0: frame pointer is read only (mov %r10, 0)", StaticCheck.check(new Asm().mov(10, 0).mov(0, 0).exit().program()));
        assertEquals("slot 0: frame pointer is read only (ldxdw %r10, [%r1+0])", StaticCheck.check(new Asm().ldx(Size.DW, 10, 1, 0).mov(0, 0).exit().program()));
    }

    @Test
    void fallingOffTheEnd() {
        assertEquals("slot 0: falls off the end of the program (last instruction is not exit or jump)",
                StaticCheck.check(new Asm().mov(0, 0).program()));
        // main calls A (slot 3) and B (slot 4); A has no exit and runs into B.
        assertEquals("slot 3: falls through into the function at slot 4",
                StaticCheck.check(new Asm().callLocal(3).callLocal(1).exit().mov(0, 0).mov(0, 1).exit().program()));
    }

    @Test
    void unreachableCodeIsFine() {
        assertNull(StaticCheck.check(new Asm().mov(0, 0).exit().movr(0, 7).program()));
    }

    @Test
    void jumpIntoAnotherFunctionIsRejected() {
        var p = new Asm().callLocal(2).jmp(Cond.JEQ, 1, 0, 2).exit().mov(0, 0).exit().program();
        assertEquals("slot 1: jump out of its function to slot 4", StaticCheck.check(p));
    }
}
