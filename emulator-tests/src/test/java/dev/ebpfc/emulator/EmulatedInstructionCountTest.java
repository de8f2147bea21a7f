package dev.ebpfc.emulator;

import dev.ebpfc.frontend.asm.Assembler;
import dev.ebpfc.frontend.object.BpfObject;
import dev.ebpfc.frontend.object.ProgramDef;
import dev.ebpfc.runtime.ExecutionResult;
import dev.ebpfc.runtime.RuntimeOptions;
import dev.ebpfc.runtime.context.RunInput;
import dev.ebpfc.runtime.maps.MapSet;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/// [EmulatedEngine#countingInstructions] on each ISA: a loop of n iterations executes a fixed
/// number of machine instructions per iteration (so counts grow by exactly that much per
/// iteration), counts repeat run to run, a helper call (a trap into Java) costs only its call
/// sequence, and an engine that does not count says -1.
class EmulatedInstructionCountTest {
    private static final List<Supplier<EmulatedEngine>> ENGINES = List.of(EmulatedEngine::x86_64, EmulatedEngine::arm64, EmulatedEngine::riscv64);

    private static BpfObject loop(int n) {
        return object("""
                mov %r0, 0
                mov %r1, N
                again:
                add %r0, 3
                sub %r1, 1
                jne %r1, 0, again
                exit
                """.replace("N", Integer.toString(n)));
    }

    private static BpfObject object(String asm) {
        return new BpfObject("test", List.of(ProgramDef.of("p", Assembler.assemble(asm))), List.of(), "");
    }

    private static long count(EmulatedEngine e, BpfObject o, long r0) {
        ExecutionResult r = e.run(o, 0, MapSet.empty(), RunInput.empty(), RuntimeOptions.conformance());
        assertEquals(r0, r.r0(), e.name() + ": " + r);
        return e.instructionCount();
    }

    @Test
    void loopsCostTheSameInstructionsPerIteration() {
        for (Supplier<EmulatedEngine> make : ENGINES) {
            EmulatedEngine e = make.get().countingInstructions();
            long c10 = count(e, loop(10), 30), c20 = count(e, loop(20), 60), c30 = count(e, loop(30), 90);
            long perIteration = (c20 - c10) / 10;
            assertTrue(perIteration >= 3, e.name() + ": at least an add, a sub and a branch per iteration, got " + perIteration);
            assertEquals(c20 - c10, c30 - c20, e.name() + ": every iteration costs the same");
            assertEquals(c10, count(e, loop(10), 30), e.name() + ": the same program counts the same again");
        }
    }

    @Test
    void aHelperCallCostsOnlyItsCallSequence() {
        // Conformance helper 3 (sqrti) trapping into Java, once and then twice: the second call
        // costs only its call sequence, the same as the first.
        BpfObject once = object("""
                mov %r1, 16
                call 3
                exit
                """);
        BpfObject twice = object("""
                mov %r1, 16
                call 3
                mov %r1, %r0
                call 3
                exit
                """);
        BpfObject none = object("""
                mov %r1, 16
                mov %r0, 2
                exit
                """);
        for (Supplier<EmulatedEngine> make : ENGINES) {
            EmulatedEngine e = make.get().countingInstructions();
            long c0 = count(e, none, 2), c1 = count(e, once, 4), c2 = count(e, twice, 2);
            assertTrue(c1 - c0 < 40, e.name() + ": one helper call costs its call sequence only, got " + (c1 - c0));
            assertTrue(c2 > c1, e.name());
        }
    }

    @Test
    void anEngineThatDoesNotCountSaysSo() {
        EmulatedEngine e = EmulatedEngine.x86_64();
        assertEquals(-1, e.instructionCount());
        e.run(loop(3), 0, MapSet.empty(), RunInput.empty(), RuntimeOptions.conformance());
        assertEquals(-1, e.instructionCount());
        assertThrows(IllegalStateException.class, e::countingInstructions, "counting must be asked for before the first run");
    }
}
