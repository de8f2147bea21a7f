package dev.ebpfc.runtime.conformance;

import dev.ebpfc.runtime.interp.InterpreterEngine;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/// The reference interpreter against the public bpf_conformance suite: every test passes, every
/// negative file is rejected, and the deliberately wrong result is reported as a mismatch.
class ConformanceSuiteTest {
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
        List<Path> files = ConformanceRunner.collect(List.of(suite().resolve("tests")));
        assertEquals(313, files.size(), "the suite has 313 tests");
        ConformanceRunner runner = new ConformanceRunner(new InterpreterEngine());
        StringBuilder failures = new StringBuilder();
        for (Path f : files) {
            ConformanceCase c = runner.run(f);
            if (!c.passed()) failures.append(c.file()).append(": ").append(c.detail()).append('\n');
        }
        assertEquals("", failures.toString());
    }

    @Test
    void negativeFilesAreRejectedAndTheWrongResultIsAMismatch() {
        List<Path> files = ConformanceRunner.collect(List.of(suite().resolve("negative")));
        assertEquals(60, files.size());
        ConformanceRunner runner = new ConformanceRunner(new InterpreterEngine());
        for (Path f : files) {
            ConformanceCase c = runner.run(f);
            String name = f.getFileName().toString();
            if (name.equals("incorrect_return_value_high_bits.data")) {
                assertFalse(c.passed(), name);
                assertEquals("expected 0x8977665544332211, got 0x8877665544332211", c.detail());
            } else if (c.passed()) {
                assertTrue(c.detail().startsWith("rejected as expected: "), name + ": " + c.detail());
            } else {
                // No -- error section, but the program is invalid: rejected while reading or assembling.
                assertTrue(c.detail().startsWith("rejected: ") || c.detail().startsWith("cannot read: "), name + ": " + c.detail());
                assertTrue(c.actual() == null, name + " must not run");
            }
            assertEquals(1, c.detail().lines().count(), "one-line message for " + name);
        }
    }
}
