package dev.ebpfc.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/// `ebpfc run`, `ebpfc conformance` and `ebpfc plugin` end to end.
class RunConformancePluginCommandTest {
    @TempDir
    Path tmp;

    static Path suite() {
        return Path.of(System.getProperty("ebpfc.conformance.dir"));
    }

    /// Ethernet + IPv4 + UDP to port 9 (dropped by the xdp_parse fixture).
    static final String UDP9 = "00112233445566778899aabb0800450000280000000040110000c0a80001c0a800020035000900140000";

    @Test
    void conformanceSuitePassesWithSummaryLine() {
        CliRunner.Result r = CliRunner.run("conformance", suite().resolve("tests").toString());
        assertEquals(0, r.exit(), r.out());
        assertTrue(r.out().strip().endsWith("313 passed, 0 failed"), r.out());
    }

    @Test
    void conformanceFailuresExitOneWithExpectedAndActual() {
        CliRunner.Result r = CliRunner.run("conformance", suite().resolve("negative/incorrect_return_value_high_bits.data").toString());
        assertEquals(1, r.exit());
        assertTrue(r.out().contains("expected 0x8977665544332211, got 0x8877665544332211"), r.out());
        assertTrue(r.out().strip().endsWith("0 passed, 1 failed"), r.out());
        CliRunner.Result j = CliRunner.run("conformance", "--json", suite().resolve("tests/add.data").toString());
        assertTrue(j.out().startsWith("{\"engine\":\"interp\",\"passed\":1,\"failed\":0,\"cases\":[{\"file\":"), j.out());
    }

    @Test
    void runsAnXdpObjectOnAPacketAndShowsMapChanges() throws Exception {
        Path pkt = tmp.resolve("pkt.bin");
        Files.write(pkt, HexFormat.of().parseHex(UDP9));
        CliRunner.Result r = CliRunner.run("run", CliRunner.fixture("xdp_parse.v3.o").toString(), "--packet", pkt.toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().startsWith("r0 = 0x1 (1)"), r.out()); // XDP_DROP
        assertTrue(r.out().contains("proto_count 11000000: (new) -> 0100000000000000"), r.out());

        Path maps = tmp.resolve("maps.json");
        Files.writeString(maps, "{\"proto_count\": {\"11000000\": \"0500000000000000\"}}");
        CliRunner.Result m = CliRunner.run("run", CliRunner.fixture("xdp_parse.v3.o").toString(), "--packet", pkt.toString(),
                "--maps", maps.toString(), "--json");
        assertEquals(0, m.exit(), m.err());
        assertTrue(m.out().contains("\"r0\":\"0x1\""), m.out());
        assertTrue(m.out().contains("proto_count 11000000: 0500000000000000 -> 0600000000000000"), m.out());

        Path dump = tmp.resolve("after.json");
        assertEquals(0, CliRunner.run("run", CliRunner.fixture("xdp_parse.v3.o").toString(), "--packet", pkt.toString(),
                "--maps", maps.toString(), "--dump-maps", dump.toString()).exit());
        assertTrue(Files.readString(dump).contains("\"11000000\": \"0600000000000000\""), Files.readString(dump));
        // The dump reads back as a pre-fill: one more packet makes it 7.
        CliRunner.Result again = CliRunner.run("run", CliRunner.fixture("xdp_parse.v3.o").toString(), "--packet", pkt.toString(),
                "--maps", dump.toString());
        assertTrue(again.out().contains("0600000000000000 -> 0700000000000000"), again.out());
    }

    @Test
    void runsDataTestsWithTheirMemoryAndTraces() {
        CliRunner.Result r = CliRunner.run("run", suite().resolve("tests/ldxb.data").toString(), "--trace");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("0: ldxb %r0, [%r1+2]"), r.out());
        assertTrue(r.out().contains("r0 = 0x11 (17)"), r.out());
    }

    /// `--count-insns`: machine instructions of the compiled code under emulation, in text and
    /// JSON, the same on every run; -O2 executes fewer than -O0 on fnv1a; refused for engines
    /// that do not emulate.
    @Test
    void countsMachineInstructionsUnderEmulation() {
        String obj = CliRunner.root().resolve("bench/programs/obj/fnv1a.o").toString();
        long[] counts = new long[2];
        String[] engines = {"arm64", "arm64-O2"};
        for (int k = 0; k < 2; k++) {
            CliRunner.Result r = CliRunner.run("run", obj, "--engine", engines[k], "--count-insns", "--json");
            assertEquals(0, r.exit(), r.out() + r.err());
            @SuppressWarnings("unchecked")
            java.util.Map<String, Object> json = (java.util.Map<String, Object>) JsonReader.parse(r.out());
            counts[k] = ((Number) json.get("machine_instructions")).longValue();
            assertTrue(counts[k] > 0, r.out());
            CliRunner.Result again = CliRunner.run("run", obj, "--engine", engines[k], "--count-insns");
            assertTrue(again.out().contains("executed " + counts[k] + " machine instructions (" + engines[k]), again.out());
        }
        assertTrue(counts[1] < counts[0], "-O2 " + counts[1] + ", -O0 " + counts[0]);
        CliRunner.Result refused = CliRunner.run("run", obj, "--engine", "interp", "--count-insns");
        assertEquals(2, refused.exit());
        assertTrue(refused.err().contains("--count-insns"), refused.err());
    }

    @Test
    void rejectedProgramExitsOne() {
        CliRunner.Result r = CliRunner.run("run", suite().resolve("negative/error.data").toString());
        assertEquals(1, r.exit());
        assertTrue(r.out().contains("error: rejected: slot 0: R0 !read_ok"), r.out());
    }

    @Test
    void badOptionsAndInputs() throws Exception {
        String data = suite().resolve("tests/add.data").toString();
        assertEquals(2, CliRunner.run("run", data, "--engine", "klingon").exit());
        assertEquals(2, CliRunner.run("run", data, "--ctx", "nope").exit());
        assertEquals(2, CliRunner.run("run", data, "--repeat", "0").exit());
        assertEquals(2, CliRunner.run("run", data, "--mem", "a", "--packet", "b").exit(), "exclusive options");
        Path badMaps = tmp.resolve("bad.json");
        Files.writeString(badMaps, "{\"proto_count\": {\"zz\": \"01\"}}");
        CliRunner.Result r = CliRunner.run("run", CliRunner.fixture("xdp_parse.v3.o").toString(), "--maps", badMaps.toString());
        assertEquals(1, r.exit());
        AsmDisasmCommandTest.assertOneLine(r.err());
        assertEquals(2, CliRunner.run("conformance", tmp.resolve("none").toString()).exit());
    }

    @Test
    void pluginProtocol() {
        // mov32 r0, 5 ; add64 r0, r2 (memory length) ; exit
        String prog = "b400000005000000" + "0f20000000000000" + "9500000000000000";
        InputStream old = System.in;
        try {
            System.setIn(new ByteArrayInputStream(prog.getBytes(StandardCharsets.US_ASCII)));
            CliRunner.Result r = CliRunner.run("plugin", "aabbcc");
            assertEquals(0, r.exit(), r.err());
            assertEquals("8", r.out().strip());
            System.setIn(new ByteArrayInputStream("zz".getBytes(StandardCharsets.US_ASCII)));
            CliRunner.Result bad = CliRunner.run("plugin");
            assertEquals(1, bad.exit());
            assertFalse(bad.err().isEmpty());
        } finally {
            System.setIn(old);
        }
    }
}
