package dev.ebpfc.cli;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/// `ebpfc ir` (lifted IR in the text format, `--check`, `-O1`/`-O2`, `--print-after`, `--time-passes`)
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
    void optimisesAtO1AndO2() {
        String f = CliRunner.fixture("loop.v3.o").toString();
        CliRunner.Result o0 = CliRunner.run("ir", "-O0", f);
        assertEquals(0, o0.exit(), o0.err());
        for (String level : new String[]{"-O1", "-O2"}) {
            CliRunner.Result r = CliRunner.run("ir", level, "--check", f);
            assertEquals(0, r.exit(), r.err());
            assertTrue(r.err().contains("well formed"), r.err());
            assertTrue(r.out().lines().count() < o0.out().lines().count(), level + " did not shrink:\n" + r.out());
        }
    }

    @Test
    void printsAfterPassesAndTimesThem() {
        String f = CliRunner.fixture("xdp_parse.v3.o").toString();
        CliRunner.Result all = CliRunner.run("ir", "-O2", "--print-after", "all", "--time-passes", f);
        assertEquals(0, all.exit(), all.err());
        for (String pass : new String[]{"mem2reg", "sccp", "copy-prop", "dce", "gvn", "simplify-cfg"}) {
            assertTrue(all.out().contains("; after " + pass), pass + " missing:\n" + all.out());
            assertTrue(all.err().contains(pass), all.err());
        }
        assertTrue(all.err().contains(" ms "), all.err());
        assertTrue(all.err().contains("total"), all.err());
        CliRunner.Result one = CliRunner.run("ir", "-O1", "--print-after", "sccp", f);
        assertEquals(0, one.exit(), one.err());
        assertTrue(one.out().contains("; after sccp"), one.out());
        assertFalse(one.out().contains("; after dce"), one.out());
    }

    /// The passes get the program's context kind, maps and helper numbering, as in a real
    /// compilation: the array lookup of legacy_maps' count_len is inlined, and bce folds the NULL
    /// check after it (its key is at most 3 of 4 entries).
    @Test
    void o2RunsContextDependentPasses() {
        CliRunner.Result r = CliRunner.run("ir", "-O2", "--check", "--time-passes", CliRunner.fixture("legacy_maps.v3.o").toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.err().contains("bce.folded=1"), r.err());
        assertTrue(r.err().contains("helper-inline.map-lookups=1"), r.err());
        assertFalse(r.out().contains("call_helper 1("), r.out());
        assertTrue(r.out().contains("map_value map0"), r.out());
    }

    @Test
    void refusesUnknownLevelsAndPasses() {
        String f = CliRunner.fixture("loop.v3.o").toString();
        for (String[] args : new String[][]{{"ir", "-O3", f}, {"ir", "-O2", "--print-after", "nosuchpass", f}, {"ir", "-O1", "--print-after", "gvn", f}}) {
            CliRunner.Result r = CliRunner.run(args);
            assertEquals(2, r.exit(), String.join(" ", args));
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
