package dev.ebpfc.emulator;

import dev.ebpfc.runtime.conformance.ConformanceCase;
import dev.ebpfc.runtime.conformance.ConformanceRunner;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/// The RISC-V64 -O0 code under Unicorn against the public bpf_conformance suite: every test passes,
/// as on the interpreter (runtime's ConformanceSuiteTest).
class Riscv64ConformanceTest {
    @Test
    void everyTestPasses() {
        List<Path> files = ConformanceRunner.collect(List.of(X86ConformanceTest.suite().resolve("tests")));
        assertEquals(313, files.size(), "the suite has 313 tests");
        ConformanceRunner runner = new ConformanceRunner(EmulatedEngine.riscv64());
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
