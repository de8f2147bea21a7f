package dev.ebpfc.emulator;

import org.junit.jupiter.api.Test;

/// [X86ThroughputTest#smallProgramsRunsPerSecond] on the arm64 engine.
class Arm64ThroughputTest {
    @Test
    void smallProgramsRunsPerSecond() {
        X86ThroughputTest.smallProgramsRunsPerSecond(EmulatedEngine.arm64());
    }
}
