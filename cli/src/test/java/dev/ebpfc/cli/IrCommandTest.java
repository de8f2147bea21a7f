package dev.ebpfc.cli;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/// `ebpfc ir` (lifted IR in the text format, `--check`, levels the optimiser will bring refused)
/// and the `ir` engine behind `run` and `conformance`.
class IrCommandTest {
    @Test
    void printsLiftedIrOfEveryProgram() {
        CliRunner.Result r = CliRunner.run("ir", CliRunner.fixture("subprogs.v3.o").toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("function @xdp_len(v0: ptr.ctx) {"), r.out());
        assertTrue(r.out().contains("load.u32.ptr.packet v0+0"), r.out());
        assertTrue(r.out().contains("load.u32.ptr.packet_end v0+4"), r.out());
        assertTrue(r.out().contains("; program tc_len"), r.out());
        assertTrue(r.out().contains("call @clamp("), r.out());
    }

    @Test
    void checksOneProgram() {
        CliRunner.Result r = CliRunner.run("ir", "--check", "--program", "xdp_len", CliRunner.fixture("subprogs.v3.o").toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.err().contains("xdp_len: well formed ("), r.err());
        assertFalse(r.out().contains("tc_len"), r.out());
    }

    @Test
    void acceptsO0AndRefusesTheOptimiserOptionsForNow() {
        String f = CliRunner.fixture("loop.v3.o").toString();
        assertEquals(0, CliRunner.run("ir", "-O0", f).exit());
        for (String[] args : new String[][]{{"ir", "-O1", f}, {"ir", "-O2", f}, {"ir", "--print-after", "all", f}, {"ir", "--time-passes", f}}) {
            CliRunner.Result r = CliRunner.run(args);
            assertEquals(2, r.exit(), String.join(" ", args));
            assertTrue(r.err().contains("not available yet"), r.err());
            assertFalse(r.err().contains("Exception"), r.err());
        }
    }

    @Test
    void reportsProgramsThatCannotBeLifted() throws Exception {
        Path src = java.nio.file.Files.createTempFile("bad", ".s");
        java.nio.file.Files.writeString(src, "mov %r0, %r3\nexit\n");
        CliRunner.Result r = CliRunner.run("ir", src.toString());
        assertEquals(1, r.exit());
        assertTrue(r.err().contains("slot 0: reads r3, which is not set on every path here"), r.err());
        assertFalse(r.err().contains("Exception"), r.err());
    }

    @Test
    void irEngineRunsAndPassesConformanceTests() {
        Path tests = Path.of(System.getProperty("ebpfc.conformance.dir"), "tests");
        CliRunner.Result run = CliRunner.run("run", "--engine", "ir", tests.resolve("call_local.data").toString());
        assertEquals(0, run.exit(), run.err());
        assertTrue(run.out().contains("r0 = 0x1 (1)"), run.out());
        CliRunner.Result c = CliRunner.run("conformance", "--engine", "ir",
                tests.resolve("call_local.data").toString(), tests.resolve("lock_cmpxchg.data").toString());
        assertEquals(0, c.exit(), c.out() + c.err());
        assertTrue(c.out().contains("2 passed, 0 failed"), c.out());
    }
}
