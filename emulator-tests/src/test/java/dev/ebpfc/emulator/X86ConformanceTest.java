package dev.ebpfc.emulator;

import dev.ebpfc.runtime.Engine;
import dev.ebpfc.runtime.conformance.ConformanceCase;
import dev.ebpfc.runtime.conformance.ConformanceRunner;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/// The x86_64 -O0 code under Unicorn against the public bpf_conformance suite: every test passes,
/// as on the interpreter (runtime's ConformanceSuiteTest).
class X86ConformanceTest {
    static Path suite() {
        String dir = System.getProperty("ebpfc.conformance.dir");
        Path p = dir == null ? null : Path.of(dir);
        if (p == null || !Files.isDirectory(p.resolve("tests"))) {
            throw new AssertionError("bpf_conformance data not found at " + p
                    + "; set -Debpfc.conformance.dir or EBPFC_CONFORMANCE (see README)");
        }
        return p;
    }

    @Test
    void everyTestPasses() {
        assertEveryTestPasses(EmulatedEngine.x86_64());
    }

    /// Runs the whole suite (all 313 tests) on `engine`; fails listing every failing test.
    static void assertEveryTestPasses(Engine engine) {
        List<Path> files = ConformanceRunner.collect(List.of(suite().resolve("tests")));
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
        assertEquals("", failures.toString(), engine.name() + ": " + failed + " of " + files.size() + " failed");
    }
}
