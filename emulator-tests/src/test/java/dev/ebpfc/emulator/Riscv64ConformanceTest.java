package dev.ebpfc.emulator;

import org.junit.jupiter.api.Test;

/// The RISC-V64 -O0 code under Unicorn against the public bpf_conformance suite: every test passes,
/// as on the interpreter (runtime's ConformanceSuiteTest).
class Riscv64ConformanceTest {
    @Test
    void everyTestPasses() {
        X86ConformanceTest.assertEveryTestPasses(EmulatedEngine.riscv64());
    }
}
