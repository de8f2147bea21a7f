package dev.ebpfc.runtime;

import dev.ebpfc.frontend.insn.AluOp;
import dev.ebpfc.frontend.insn.Cond;
import dev.ebpfc.frontend.insn.LddwSource;
import dev.ebpfc.frontend.insn.Size;
import dev.ebpfc.runtime.context.RunInput;
import dev.ebpfc.runtime.helpers.TrashRegisters;
import dev.ebpfc.runtime.interp.Interpreter;
import dev.ebpfc.runtime.maps.MapSet;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/// Jumps, local calls and frames, callx, helper calls and their trace, unwind, the budget.
class CallsAndControlTest {
    /// The conformance suite's call_local.data, built by hand.
    @Test
    void localCallPassesArgumentsAndPreservesCalleeSaved() {
        Asm a = new Asm().mov(0, 0).mov(1, 1).mov(2, 2).mov(3, 3).mov(4, 4).mov(5, 5)
                .mov(6, 6).mov(7, 7).mov(8, 8).mov(9, 9)
                .callLocal(9)                    // slot 10 -> 20
                .jmp(Cond.JNE, 0, 15, 6)
                .jmp(Cond.JNE, 6, 6, 5).jmp(Cond.JNE, 7, 7, 4).jmp(Cond.JNE, 8, 8, 3).jmp(Cond.JNE, 9, 9, 2)
                .mov(0, 1).exit()
                .mov(0, -1).exit()
                .mov(0, 0).alu64r(AluOp.ADD, 0, 1).alu64r(AluOp.ADD, 0, 2).alu64r(AluOp.ADD, 0, 3)
                .alu64r(AluOp.ADD, 0, 4).alu64r(AluOp.ADD, 0, 5)
                .mov(6, 0).mov(7, 0).mov(8, 0).mov(9, 0).exit();
        ExecutionResult r = a.run();
        assertEquals(ErrorKind.NONE, r.error(), r.message());
        assertEquals(1, r.r0());
    }

    @Test
    void eachCallGetsAFreshFrameAndR10() {
        // main writes 0x55 to its frame, calls f; f returns r10 and its (zeroed) stack byte.
        ExecutionResult r = new Asm().st(Size.B, 10, -1, 0x55).callLocal(2).ldx(Size.B, 1, 10, -1).exit()
                .ldx(Size.B, 0, 10, -1).exit().run();
        assertEquals(0, r.r0());
        ExecutionResult fp = new Asm().callLocal(1).exit().movr(0, 10).exit().run();
        assertEquals(dev.ebpfc.runtime.memory.MemoryLayout.frameTop(1), fp.r0());
    }

    @Test
    void callerFrameIsReachableThroughAPointer() {
        ExecutionResult r = new Asm().st(Size.W, 10, -4, 77).movr(1, 10).alu64(AluOp.ADD, 1, -4).callLocal(1).exit()
                .ldx(Size.W, 0, 1, 0).exit().run();
        assertEquals(77, r.r0());
    }

    @Test
    void recursionBeyondEightFramesIsCallDepth() {
        ExecutionResult r = new Asm().mov(0, 0).callLocal(-1 - 1).exit().run();
        // slot 1 calls slot 0 forever.
        assertEquals(ErrorKind.CALL_DEPTH, r.error());
        assertEquals(1, r.slot());
        assertTrue(r.message().contains("8 frames"), r.message());
    }

    @Test
    void callxOfAFunctionAddressIsALocalCall() {
        ExecutionResult r = new Asm().mov(1, 20).lddw(2, LddwSource.FUNC, 3, 0).callx(2).exit()
                .movr(0, 1).alu64(AluOp.ADD, 0, 1).exit().run();
        // lddw at slot 1: target = 1 + 1 + 3 = 5.
        assertEquals(21, r.r0());
    }

    @Test
    void callxOfAHelperIdCallsTheHelper() {
        // callx.data: r2 = 5 (unwind) with r1 = -1 returns -1, so the program goes on.
        ExecutionResult r = new Asm().mov(1, -1).mov(2, 5).callx(2).mov(0, 2).exit().run();
        assertEquals(2, r.r0());
        assertEquals(1, r.trace().size());
        assertEquals(5, r.trace().get(0).id());
    }

    @Test
    void callxOfGarbageIsBadCall() {
        ExecutionResult r = new Asm().lddw(2, 0x123456789L).callx(2).mov(0, 0).exit().run();
        assertEquals(ErrorKind.BAD_CALL, r.error());
        assertEquals(2, r.slot());
    }

    @Test
    void unknownHelperIsBadCall() {
        ExecutionResult r = new Asm().call(99).exit().run();
        assertEquals(ErrorKind.BAD_CALL, r.error());
        assertEquals("slot 0: unknown helper 99 in the conformance profile", r.message());
    }

    @Test
    void unwindWithZeroStopsWithR0Zero() {
        ExecutionResult r = new Asm().mov(1, 0).call(5).mov(0, 2).exit().run();
        assertEquals(ErrorKind.UNWIND, r.error());
        assertEquals(0, r.r0());
        assertEquals(1, r.slot());
        ExecutionResult ok = new Asm().mov(1, -1).call(5).mov(0, 2).exit().run();
        assertEquals(2, ok.r0());
        assertEquals(ErrorKind.NONE, ok.error());
    }

    @Test
    void trashRegistersClobbersArguments() {
        Asm a = new Asm().mov(1, 1).call(2).movr(0, 3).exit();
        // Reading r3 after a call is refused by the pre-check; without it the garbage shows.
        assertEquals(ErrorKind.REJECTED, a.run().error());
        ExecutionResult r = a.run(RuntimeOptions.conformance().withStaticCheck(false), MapSet.empty(), RunInput.empty());
        assertEquals(TrashRegisters.GARBAGE | 3, r.r0());
    }

    @Test
    void helperTraceRecordsArgumentsAndResult() {
        ExecutionResult r = new Asm().mov(1, 0x11).mov(2, 0x22).mov(3, 0x33).mov(4, 0x44).mov(5, 0x55).call(0).exit().run();
        assertEquals(0x1122334455L, r.r0());
        HelperCall c = r.trace().get(0);
        assertEquals(new HelperCall(0, new long[]{0x11, 0x22, 0x33, 0x44, 0x55}, 0x1122334455L), c);
        assertEquals("helper 0(0x11, 0x22, 0x33, 0x44, 0x55) = 0x1122334455", c.toString());
    }

    /// The trace contract (docs/runtime.md): a call records exactly the arguments of the helper's
    /// prototype, whatever the other registers hold.
    @Test
    void helperTraceRecordsExactlyThePrototypesArguments() {
        ExecutionResult r = new Asm().mov(1, 49).mov(2, 0x22).mov(3, 0x33).mov(4, 0x44).mov(5, 0x55).call(3) // sqrti(r1)
                .mov(1, 1).mov(2, 2).mov(3, 3).mov(4, 4).mov(5, 5).call(2)                                      // trash_registers()
                .mov(0, 3).mov(1, 64).mov(2, 2).mov(3, 3).mov(4, 4).mov(5, 5).callx(0)                         // sqrti through callx
                .exit().run();
        assertEquals(ErrorKind.NONE, r.error(), r.message());
        assertEquals(java.util.List.of(new HelperCall(3, new long[]{49}, 7), new HelperCall(2, new long[0], 0),
                new HelperCall(3, new long[]{64}, 8)), r.trace());
    }

    /// trace_printk, variadic: the fixed two plus one per conversion when it succeeds.
    @Test
    void tracePrintkRecordsTheFormatsArguments() {
        // "%d %x\0" at r10-8; then "%%\0" (no conversion) at r10-16; then a format without its NUL.
        Asm a = new Asm().st(Size.W, 10, -8, 0x2520_6425).st(Size.W, 10, -4, 0x78).st(Size.DW, 10, -16, 0x2525)
                .movr(1, 10).alu64(AluOp.ADD, 1, -8).mov(2, 6).mov(3, 7).mov(4, 255).mov(5, 99).call(6)
                .movr(1, 10).alu64(AluOp.ADD, 1, -16).mov(2, 3).mov(3, 7).mov(4, 255).mov(5, 99).call(6)
                .movr(1, 10).alu64(AluOp.ADD, 1, -8).mov(2, 2).mov(3, 7).mov(4, 255).mov(5, 99).call(6)
                .mov(0, 0).exit();
        ExecutionResult r = a.run(RuntimeOptions.linux().withContext(dev.ebpfc.runtime.context.ContextKind.RAW), MapSet.empty(), RunInput.empty());
        assertEquals(ErrorKind.NONE, r.error(), r.message());
        assertEquals("7 ff%", r.printk());
        long fmt = dev.ebpfc.runtime.memory.MemoryLayout.frameTop(0) - 8;
        assertEquals(java.util.List.of(new HelperCall(6, new long[]{fmt, 6, 7, 255}, 4), new HelperCall(6, new long[]{fmt - 8, 3}, 1),
                new HelperCall(6, new long[]{fmt, 2}, -dev.ebpfc.runtime.maps.Errno.EINVAL)), r.trace());
    }

    /// Every helper of both profiles has a prototype of at most five arguments, and only
    /// trace_printk is variadic.
    @Test
    void everyHelperHasAPrototype() {
        for (dev.ebpfc.runtime.helpers.HelperProfile p : new dev.ebpfc.runtime.helpers.HelperProfile[]{
                dev.ebpfc.runtime.helpers.HelperProfile.LINUX, dev.ebpfc.runtime.helpers.HelperProfile.CONFORMANCE}) {
            for (int id = 0; id < 256; id++) {
                var h = p.get(id);
                if (h == null) continue;
                assertTrue(h.arity() >= 0 && h.arity() <= 5, h.name() + " arity " + h.arity());
                assertEquals(h.name().equals("trace_printk"), h.variadic(), h.name());
            }
        }
        assertEquals(5, dev.ebpfc.runtime.helpers.HelperProfile.CONFORMANCE.get(0).arity());
        assertEquals(4, dev.ebpfc.runtime.helpers.HelperProfile.LINUX.get(2).arity());
    }

    @Test
    void budgetExhaustion() {
        ExecutionResult r = new Interpreter(new Asm().mov(0, 0).ja(-1).exit().program(), RuntimeOptions.conformance().withBudget(1000))
                .run(MapSet.empty(), RunInput.empty());
        assertEquals(ErrorKind.BUDGET_EXHAUSTED, r.error());
        assertEquals(1000, r.executed());
        assertTrue(r.message().contains("budget of 1000"), r.message());
    }

    @Test
    void executedCountsInstructions() {
        ExecutionResult r = new Asm().mov(0, 0).mov(1, 10).alu64(AluOp.ADD, 0, 1).alu64(AluOp.SUB, 1, 1).jmp(Cond.JNE, 1, 0, -3).exit().run();
        assertEquals(10, r.r0());
        assertEquals(2 + 10 * 3 + 1, r.executed());
    }

    @Test
    void jmp32ComparesLowHalves() {
        assertEquals(1, new Asm().mov(0, 0).lddw(1, 0x1_0000_0005L).jmp32(Cond.JEQ, 1, 5, 1).exit().mov(0, 1).exit().run().r0());
        assertEquals(0, new Asm().mov(0, 0).lddw(1, 0x1_0000_0005L).jmp(Cond.JEQ, 1, 5, 1).exit().mov(0, 1).exit().run().r0());
        assertEquals(1, new Asm().mov(0, 0).mov(1, -1).jmp32(Cond.JSLT, 1, 0, 1).exit().mov(0, 1).exit().run().r0());
    }

    @Test
    void exitNotLastAndGotol() {
        ExecutionResult r = new Asm().mov(0, 1).add(new dev.ebpfc.frontend.insn.Insn.Goto(1, true)).mov(0, 2).exit().run();
        assertEquals(1, r.r0());
    }
}
