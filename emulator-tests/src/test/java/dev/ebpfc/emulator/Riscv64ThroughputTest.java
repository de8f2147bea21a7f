package dev.ebpfc.emulator;

import dev.ebpfc.frontend.object.BpfObject;
import dev.ebpfc.runtime.RuntimeOptions;
import dev.ebpfc.runtime.context.RunInput;
import dev.ebpfc.runtime.maps.MapSet;
import org.junit.jupiter.api.Test;


import static org.junit.jupiter.api.Assertions.assertEquals;

/// What the fuzzer will pay per emulated run of a small program on the riscv64 engine (compiled
/// once, Unicorn reused): prints runs/second, asserts only results (2 shared cores make timings
/// noisy). Two programs: pure ALU, and one helper call (two memory syncs and a trap).
class Riscv64ThroughputTest {
    @Test
    void smallProgramsRunsPerSecond() {
        BpfObject alu = X86ThroughputTest.object("""
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
        BpfObject helper = X86ThroughputTest.object("""
                mov %r1, 49
                call 3
                exit
                """);
        EmulatedEngine e = EmulatedEngine.riscv64();
        long aluResult = ((((11 * 7) ^ 5) << 2 >> 1) - 3) / 2;
        X86ThroughputTest.runsPerSecond(e, alu, aluResult, 500);
        double a = X86ThroughputTest.runsPerSecond(e, alu, aluResult, 1500);
        X86ThroughputTest.runsPerSecond(e, helper, 7, 300);
        double h = X86ThroughputTest.runsPerSecond(e, helper, 7, 1500);
        System.out.printf("riscv64 engine: %.0f runs/s (10-instruction ALU program), %.0f runs/s (one helper call)%n", a, h);
        assertEquals(aluResult, e.run(alu, 0, MapSet.empty(), RunInput.of(new byte[16]), RuntimeOptions.conformance()).r0());
    }
}
