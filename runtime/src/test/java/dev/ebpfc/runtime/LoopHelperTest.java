package dev.ebpfc.runtime;

import dev.ebpfc.frontend.insn.AluOp;
import dev.ebpfc.frontend.insn.Cond;
import dev.ebpfc.frontend.insn.LddwSource;
import dev.ebpfc.frontend.insn.Size;
import dev.ebpfc.runtime.context.RunInput;
import dev.ebpfc.runtime.helpers.HelperOptions;
import dev.ebpfc.runtime.helpers.HelperProfile;
import dev.ebpfc.runtime.helpers.Loop;
import dev.ebpfc.runtime.maps.Errno;
import dev.ebpfc.runtime.maps.MapSet;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/// `bpf_loop` (Linux helper 181) on the interpreter: the callback runs as a local call with
/// (index, ctx), a non-zero return stops the loop, the result counts the calls, bad flags and
/// too many loops call nothing, the caller's registers survive, and faults inside the callback
/// report the callback's slot.
class LoopHelperTest {
    /// Slot of the callback in [#program].
    private static final int CALLBACK = 15;

    /// `acc = 0; r0 = bpf_loop(n, callback, &acc, flags); return acc * 100000 + r0 * 1000 + r6`,
    /// r6 = 77 before the call; the callback adds its index to `acc`, clobbers r6, and returns 1
    /// at index `stop`. `ctxOffset` is where r3 points relative to r10 (0 with `nullCtx`).
    private static Asm program(int n, int flags, int stop, boolean nullCtx) {
        Asm a = new Asm()
                .mov(6, 77)                                             // 0
                .st(Size.DW, 10, -8, 0)                                 // 1
                .mov(1, n)                                              // 2
                .lddw(2, LddwSource.FUNC, CALLBACK - 3 - 1, 0);         // 3-4: slot 3 + 1 + imm
        if (nullCtx) a.mov(3, 0).mov(3, 0);                             // 5, 6
        else a.movr(3, 10).alu64(AluOp.ADD, 3, -8);                     // 5, 6
        return a.mov(4, flags)                                          // 7
                .call(181)                                              // 8
                .ldx(Size.DW, 1, 10, -8)                                // 9
                .alu64(AluOp.MUL, 1, 100000)                            // 10
                .alu64(AluOp.MUL, 0, 1000)                              // 11
                .alu64r(AluOp.ADD, 0, 1)                                // 12
                .alu64r(AluOp.ADD, 0, 6)                                // 13
                .exit()                                                 // 14
                .ldx(Size.DW, 3, 2, 0)                                  // 15: callback(r1 = i, r2 = ctx)
                .alu64r(AluOp.ADD, 3, 1)                                // 16
                .stx(Size.DW, 2, 0, 3)                                  // 17
                .mov(0, 0)                                              // 18
                .jmp(Cond.JNE, 1, stop, 1)                              // 19
                .mov(0, 1)                                              // 20
                .mov(6, 5)                                              // 21
                .exit();                                                // 22
    }

    private static ExecutionResult run(Asm a) {
        return a.run(RuntimeOptions.linux(), MapSet.empty(), RunInput.of(new byte[0]));
    }

    private static long expected(long acc, long ret) {
        return acc * 100000 + ret * 1000 + 77;
    }

    @Test
    void runsTheCallbackForEveryIndex() {
        ExecutionResult r = run(program(10, 0, 99, false));
        assertEquals(ErrorKind.NONE, r.error(), r.toString());
        assertEquals(expected(45, 10), r.r0());
        assertEquals(1, r.trace().size());
        HelperCall c = r.trace().getFirst();
        assertEquals(181, c.id());
        assertEquals(4, c.args().length);
        assertEquals(10, c.result());
    }

    @Test
    void aNonZeroReturnStopsTheLoop() {
        assertEquals(expected(0 + 1 + 2 + 3, 4), run(program(10, 0, 3, false)).r0());
        assertEquals(expected(0, 1), run(program(10, 0, 0, false)).r0());
    }

    @Test
    void zeroLoopsCallNothing() {
        assertEquals(expected(0, 0), run(program(0, 0, 99, false)).r0());
    }

    @Test
    void flagsMustBeZero() {
        ExecutionResult r = run(program(10, 1, 99, false));
        assertEquals(ErrorKind.NONE, r.error(), r.toString());
        assertEquals(expected(0, -Errno.EINVAL), r.r0());
    }

    @Test
    void moreThanTheLimitIsE2big() {
        assertEquals(expected(0, -Errno.E2BIG), run(program((int) Loop.MAX_LOOPS + 1, 0, 99, false)).r0());
        // nr_loops is a u32: -1 is 2^32 - 1 loops.
        assertEquals(expected(0, -Errno.E2BIG), run(program(-1, 0, 99, false)).r0());
    }

    @Test
    void callbackInstructionsCountAgainstTheBudget() {
        RuntimeOptions small = new RuntimeOptions(HelperProfile.LINUX, null, 200, HelperOptions.DEFAULT, true);
        ExecutionResult r = program(1000, 0, -1, false).run(small, MapSet.empty(), RunInput.of(new byte[0]));
        assertEquals(ErrorKind.BUDGET_EXHAUSTED, r.error(), r.toString());
        assertTrue(r.slot() >= CALLBACK, "stopped at slot " + r.slot() + ", not in the callback");
        ExecutionResult done = run(program(1000, 0, -1, false));
        assertEquals(14 + 1000 * 7, done.executed(), "14 instructions of the caller, 7 of each of the 1000 callbacks");
    }

    @Test
    void aFaultInTheCallbackNamesTheCallbacksSlot() {
        ExecutionResult r = run(program(10, 0, 99, true));
        assertEquals(ErrorKind.OUT_OF_BOUNDS, r.error(), r.toString());
        assertEquals(CALLBACK, r.slot());
        assertTrue(r.message().startsWith("slot " + CALLBACK + ": "), r.message());
    }

    @Test
    void aCallbackThatIsNoFunctionIsABadCall() {
        ExecutionResult r = run(new Asm().mov(1, 3).lddw(2, 0x1234L).mov(3, 0).mov(4, 0).call(181).exit());
        assertEquals(ErrorKind.BAD_CALL, r.error(), r.toString());
        assertEquals(5, r.slot());
    }

    @Test
    void theCallbackGetsAFreshFrameOneDeeper() {
        // The callback stores r10 + (what its frame holds at -8, which it then overwrites) at
        // *ctx, twice: a frame not cleared between the calls would show in the second sum.
        ExecutionResult r = run(new Asm()
                .st(Size.DW, 10, -8, 0)                                 // 0
                .mov(1, 2)                                              // 1
                .lddw(2, LddwSource.FUNC, 11 - 2 - 1, 0)                // 2-3
                .movr(3, 10)                                            // 4
                .alu64(AluOp.ADD, 3, -8)                                // 5
                .mov(4, 0)                                              // 6
                .call(181)                                              // 7
                .ldx(Size.DW, 0, 10, -8)                                // 8
                .alu64r(AluOp.SUB, 0, 10)                               // 9
                .exit()                                                 // 10
                .ldx(Size.DW, 4, 10, -8)                                // 11: a fresh frame reads 0
                .stx(Size.DW, 10, -8, 2)                                // 12
                .movr(5, 10)                                            // 13
                .alu64r(AluOp.ADD, 5, 4)                                // 14
                .stx(Size.DW, 2, 0, 5)                                  // 15
                .mov(0, 0)                                              // 16
                .exit());                                               // 17
        assertEquals(ErrorKind.NONE, r.error(), r.toString());
        assertEquals(dev.ebpfc.runtime.memory.MemoryLayout.frameTop(1) - dev.ebpfc.runtime.memory.MemoryLayout.frameTop(0), r.r0());
        assertEquals(dev.ebpfc.runtime.memory.MemoryLayout.codeAddress(11), r.trace().getFirst().args()[1]);
        assertEquals(2, r.trace().getFirst().result());
    }
}
