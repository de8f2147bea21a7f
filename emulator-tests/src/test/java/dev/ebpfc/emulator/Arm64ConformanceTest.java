package dev.ebpfc.emulator;

import dev.ebpfc.runtime.conformance.ConformanceCase;
import dev.ebpfc.runtime.conformance.ConformanceRunner;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/// The ARM64 -O0 code under Unicorn against the public bpf_conformance suite: every test passes,
/// as on the interpreter (runtime's ConformanceSuiteTest) and on x86_64 ([X86ConformanceTest]),
/// with LL/SC and with FEAT_LSE atomics.
class Arm64ConformanceTest {
    @Test
    void everyTestPasses() {
        everyTestPasses(EmulatedEngine.arm64());
    }

    /// The same with FEAT_LSE atomics, on Unicorn's `max` CPU model.
    @Test
    void everyTestPassesWithLse() {
        everyTestPasses(EmulatedEngine.arm64Lse());
    }

    private static void everyTestPasses(EmulatedEngine engine) {
        List<Path> files = ConformanceRunner.collect(List.of(X86ConformanceTest.suite().resolve("tests")));
        assertEquals(313, files.size(), "the suite has 313 tests");
        ConformanceRunner runner = new ConformanceRunner(engine);
        StringBuilder failures = new StringBuilder();
        int failed = 0;
        for (Path f : files) {
            ConformanceCase c = runner.run(f);
            if (!c.passed()) {
                failed++;
                failures.append(c.file()).append(": ").append(c.detail()).append('\n');
            }
        }
        assertEquals("", failures.toString(), failed + " of " + files.size() + " failed");
    }
}
