package dev.ebpfc.emulator;

import org.junit.jupiter.api.Test;

/// The ARM64 -O0 code under Unicorn against the public bpf_conformance suite: every test passes,
/// as on the interpreter (runtime's ConformanceSuiteTest) and on x86_64 ([X86ConformanceTest]),
/// with LL/SC and with FEAT_LSE atomics.
class Arm64ConformanceTest {
    @Test
    void everyTestPasses() {
        X86ConformanceTest.assertEveryTestPasses(EmulatedEngine.arm64());
    }

    /// The same with FEAT_LSE atomics, on Unicorn's `max` CPU model.
    @Test
    void everyTestPassesWithLse() {
        X86ConformanceTest.assertEveryTestPasses(EmulatedEngine.arm64Lse());
    }
}
