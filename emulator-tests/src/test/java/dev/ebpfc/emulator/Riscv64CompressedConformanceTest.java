package dev.ebpfc.emulator;

import dev.ebpfc.backend.CompileOptions;
import dev.ebpfc.runtime.conformance.ConformanceCase;
import dev.ebpfc.runtime.conformance.ConformanceRunner;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

/// RISC-V64 -O0 code with compressed instructions (`CompileOptions.features` `c`) under Unicorn,
/// which runs RV64GC: every conformance test passes, as with 4-byte instructions only. Mixed
/// 2- and 4-byte code exercises branch relaxation with sizes that depend on operands.
class Riscv64CompressedConformanceTest {
    @Test
    void everyTestPasses() {
        List<Path> files = ConformanceRunner.collect(List.of(X86ConformanceTest.suite().resolve("tests")));
        assertEquals(313, files.size(), "the suite has 313 tests");
        EmulatedEngine engine = new EmulatedEngine("riscv64-c", new Riscv64EmulatedIsa(), CompileOptions.O0.withFeatures(Set.of("c")));
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
