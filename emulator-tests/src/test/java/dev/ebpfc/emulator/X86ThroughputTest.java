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

import static org.junit.jupiter.api.Assertions.assertEquals;

/// What the fuzzer will pay per emulated run of a small program on the x86_64 engine (compiled
/// once, Unicorn reused): prints runs/second, asserts only results (2 shared cores make timings
/// noisy). Two programs: pure ALU, and one helper call (two memory syncs and a trap).
class X86ThroughputTest {
    static double runsPerSecond(EmulatedEngine e, BpfObject o, long expected, long millis) {
        RuntimeOptions options = RuntimeOptions.conformance();
        RunInput input = RunInput.of(new byte[16]);
        long runs = 0, t0 = System.nanoTime(), deadline = t0 + millis * 1_000_000;
        while (System.nanoTime() < deadline) {
            for (int i = 0; i < 200; i++, runs++) {
                ExecutionResult r = e.run(o, 0, MapSet.empty(), input, options);
                if (r.r0() != expected) throw new AssertionError(r.toString());
            }
        }
        return runs / ((System.nanoTime() - t0) / 1e9);
    }

    static BpfObject object(String asm) {
        return new BpfObject("t", List.of(ProgramDef.of("t", Assembler.assemble(asm))), List.of(), "");
    }

    @Test
    void smallProgramsRunsPerSecond() {
        BpfObject alu = object("""
                mov %r0, 1
                mov %r3, 10
                add %r0, %r3
                mul %r0, 7
                xor %r0, 5
                lsh %r0, 2
                rsh %r0, 1
                sub %r0, 3
                div %r0, 2
                exit
                """);
        BpfObject helper = object("""
                mov %r1, 49
                call 3
                exit
                """);
        EmulatedEngine e = EmulatedEngine.x86_64();
        long aluResult = ((((11 * 7) ^ 5) << 2 >> 1) - 3) / 2;
        runsPerSecond(e, alu, aluResult, 500);
        double a = runsPerSecond(e, alu, aluResult, 1500);
        runsPerSecond(e, helper, 7, 300);
        double h = runsPerSecond(e, helper, 7, 1500);
        System.out.printf("x86_64 engine: %.0f runs/s (10-instruction ALU program), %.0f runs/s (one helper call)%n", a, h);
        assertEquals(aluResult, e.run(alu, 0, MapSet.empty(), RunInput.of(new byte[16]), RuntimeOptions.conformance()).r0());
    }
}
