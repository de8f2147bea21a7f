package dev.ebpfc.emulator;

import org.junit.jupiter.api.Test;

/// [X86ThroughputTest#smallProgramsRunsPerSecond] on the riscv64 engine.
class Riscv64ThroughputTest {
    @Test
    void smallProgramsRunsPerSecond() {
        X86ThroughputTest.smallProgramsRunsPerSecond(EmulatedEngine.riscv64());
    }
}
