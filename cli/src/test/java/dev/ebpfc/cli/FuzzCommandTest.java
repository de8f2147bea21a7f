package dev.ebpfc.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/// `ebpfc fuzz` end to end: a clean campaign's table and JSON, and the usage errors.
class FuzzCommandTest {
    @TempDir
    Path tmp;

    @Test
    void aCleanCampaignPrintsItsTableAndExitsZero() {
        Path out = tmp.resolve("findings");
        CliRunner.Result r = CliRunner.run("fuzz", "--programs", "200", "--seed", "5", "--jobs", "2", "--out", out.toString());
        assertEquals(0, r.exit(), r.out() + r.err());
        assertTrue(r.err().startsWith("fuzz: interp (reference) vs "), r.err());
        assertTrue(r.err().contains("seed 5, shard 0/1, 200 programs, 2 jobs"), r.err());
        assertTrue(r.out().startsWith("engine "), r.out());
        assertTrue(r.out().contains("interp (ref)"), r.out());
        assertTrue(r.out().contains("200 programs in "), r.out());
        assertTrue(r.out().contains("0 divergent, 0 invalid, 0 reproducers"), r.out());
        assertFalse(Files.exists(out), "the reproducer folder is made only for a finding");
    }

    @Test
    void jsonSummary() {
        CliRunner.Result r = CliRunner.run("fuzz", "--engines", "interp", "--programs", "30", "--seed", "9", "--shard", "1/4", "--json");
        assertEquals(0, r.exit(), r.out() + r.err());
        assertEquals("", r.err());
        String j = r.out().strip();
        assertTrue(j.startsWith("{\"seed\":\"9\",\"shard\":\"1/4\",\"jobs\":1,\"programs\":30,"), j);
        assertTrue(j.contains("\"divergent\":0,\"invalid\":0,\"clean\":true"), j);
        assertTrue(j.contains("{\"name\":\"interp\",\"reference\":true,\"programs\":30,"), j);
        assertTrue(j.contains("{\"name\":\"interp-2\",\"reference\":false,\"programs\":30,"), j);
        assertTrue(j.contains("\"executedOpcodes\":[\"0x"), j);
        assertTrue(j.endsWith("\"findings\":[]}"), j);
    }

    @Test
    void usageErrorsSayWhatIsWrong() throws Exception {
        assertUsage("give --seconds or --programs, not both", "--seconds", "5", "--programs", "5");
        assertUsage("--shard: shard '4/4': I must be in 0..3", "--programs", "1", "--shard", "4/4");
        assertUsage("--shard: shard 'x' is not I/N (for example 0/4)", "--programs", "1", "--shard", "x");
        assertUsage("unknown engine 'nope'", "--programs", "1", "--engines", "interp,nope");
        assertUsage("--jobs must be at least 1, got 0", "--programs", "1", "--jobs", "0");
        assertUsage("--programs must be at least 1, got 0", "--programs", "0");
        assertUsage("--seconds must be at least 1, got -3", "--seconds", "-3");
        Path file = Files.writeString(tmp.resolve("file"), "x");
        assertUsage(file + ": exists and is not a folder (--out)", "--programs", "1", "--out", file.toString());
    }

    private static void assertUsage(String message, String... args) {
        String[] full = new String[args.length + 1];
        full[0] = "fuzz";
        System.arraycopy(args, 0, full, 1, args.length);
        CliRunner.Result r = CliRunner.run(full);
        assertEquals(2, r.exit(), String.join(" ", args) + "\n" + r.out() + r.err());
        assertTrue(r.err().startsWith("ebpfc: " + message), "expected '" + message + "', got: " + r.err());
    }
}
