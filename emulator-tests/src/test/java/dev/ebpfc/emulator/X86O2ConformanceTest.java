package dev.ebpfc.emulator;

import dev.ebpfc.backend.CompileOptions;
import dev.ebpfc.backend.x86_64.X86Target;
import dev.ebpfc.frontend.data.DataFileReader;
import dev.ebpfc.frontend.object.ProgramDef;
import dev.ebpfc.runtime.conformance.ConformanceCase;
import dev.ebpfc.runtime.conformance.ConformanceRunner;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/// x86_64 -O2 (engine `x86_64-O2`) under Unicorn against the bpf_conformance suite: every test
/// passes. Programs outside [dev.ebpfc.backend.x86_64.X86Isel]'s subset fall back to -O0; the test
/// counts how many went through real -O2 and requires at least the number reached when it was
/// written, so a shrinking subset is noticed.
class X86O2ConformanceTest {
    /// Conformance programs the -O2 subset accepted when this test was written.
    static final int MINIMUM_O2 = 219;

    @Test
    void everyTestPasses() {
        List<Path> files = ConformanceRunner.collect(List.of(X86ConformanceTest.suite().resolve("tests")));
        assertEquals(313, files.size(), "the suite has 313 tests");
        ConformanceRunner runner = new ConformanceRunner(EmulatedEngine.x86_64O2());
        StringBuilder failures = new StringBuilder();
        int failed = 0;
        int o2 = 0;
        long bytesO0 = 0;
        long bytesO2 = 0;
        java.util.TreeMap<String, Integer> reasons = new java.util.TreeMap<>();
        for (Path f : files) {
            ProgramDef def = ProgramDef.of(f.getFileName().toString(), DataFileReader.read(f).program());
            String why = X86Target.o2Rejection(def);
            if (why == null) {
                o2++;
                bytesO2 += X86Target.compileO2(def).code().length;
                bytesO0 += new X86Target().compile(def, CompileOptions.O0).code().length;
            }
            else reasons.merge(why.replaceAll("[0-9]+", "N"), 1, Integer::sum);
            ConformanceCase c = runner.run(f);
            if (!c.passed()) {
                failed++;
                failures.append(c.file()).append(": ").append(c.detail()).append('\n');
            }
        }
        System.out.println("X86O2ConformanceTest: " + (files.size() - failed) + "/" + files.size() + " pass; " + o2
                + " compiled at -O2, " + (files.size() - o2) + " fell back to -O0; code of the -O2 ones: " + bytesO0
                + " bytes at -O0, " + bytesO2 + " at -O2");
        reasons.forEach((k, v) -> System.out.println("  fallback " + v + " × " + k));
        assertEquals("", failures.toString(), failed + " of " + files.size() + " failed");
        assertTrue(o2 >= MINIMUM_O2, "only " + o2 + " programs went through -O2");
    }
}
