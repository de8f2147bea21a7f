package dev.ebpfc.backend.x86_64.nativeexec;

import dev.ebpfc.backend.CompileOptions;
import dev.ebpfc.backend.nativeexec.NativeEngine;
import dev.ebpfc.backend.x86_64.X86Target;
import dev.ebpfc.runtime.conformance.ConformanceCase;
import dev.ebpfc.runtime.conformance.ConformanceRunner;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/// x86_64 code at -O0 and -O2 run natively on the host against the public bpf_conformance suite:
/// every test passes, as on the interpreter and under emulation.
class NativeConformanceTest {
    static Path suite() {
        String dir = System.getProperty("ebpfc.conformance.dir");
        Path p = dir == null ? null : Path.of(dir);
        if (p == null || !Files.isDirectory(p.resolve("tests"))) {
            throw new AssertionError("bpf_conformance data not found at " + p + "; set -Debpfc.conformance.dir or EBPFC_CONFORMANCE (see README)");
        }
        return p;
    }

    @ParameterizedTest
    @EnumSource(CompileOptions.Level.class)
    void everyTestPasses(CompileOptions.Level level) {
        List<Path> files = ConformanceRunner.collect(List.of(suite().resolve("tests")));
        assertEquals(313, files.size(), "the suite has 313 tests");
        try (NativeEngine engine = new NativeEngine(new X86Target(), level)) {
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
            System.out.println(engine.name() + ": " + (files.size() - failed) + "/" + files.size() + " pass");
            assertEquals("", failures.toString(), failed + " of " + files.size() + " failed");
        }
    }
}
