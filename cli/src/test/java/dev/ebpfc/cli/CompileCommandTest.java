package dev.ebpfc.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/// `ebpfc compile` in each format, its refusals, and the native engine through `run` and
/// `conformance`.
class CompileCommandTest {
    @TempDir
    Path dir;

    private static Path bench(String name) {
        return CliRunner.root().resolve("bench/programs/obj").resolve(name);
    }

    @Test
    void elfIsARelocatableX86_64Object() throws Exception {
        Path out = dir.resolve("lb.o");
        CliRunner.Result r = CliRunner.run("compile", bench("xdp_lb.o").toString(), "--target", "x86_64", "-O0", "--format", "elf", "-o", out.toString());
        assertEquals(0, r.exit(), r.err());
        byte[] b = Files.readAllBytes(out);
        assertArrayEquals(new byte[]{0x7f, 'E', 'L', 'F', 2, 1}, java.util.Arrays.copyOf(b, 6));
        assertEquals(1, b[16]);          // ET_REL
        assertEquals(62, b[18] & 0xff);  // EM_X86_64
        assertTrue(r.err().contains("the host must define: ebpfc_helper_"), r.err());
        String syms = tool("objdump", "-t", out.toString());
        assertTrue(syms.contains(" F .text") && syms.contains("xdp_lb") && syms.contains("xdp_lb_maps"), syms);
        String relocs = tool("objdump", "-r", out.toString());
        assertTrue(relocs.contains("R_X86_64_64") && relocs.contains("ebpfc_helper_1"), relocs);
    }

    /// The raw bytes disassembled by GNU objdump print exactly what the asm listing prints.
    @Test
    void objdumpOfRawOutputMatchesTheListing() throws Exception {
        Path raw = dir.resolve("p.bin"), asm = dir.resolve("p.s");
        for (String name : new String[]{"xdp_lb.o", "call_chain.o", "v4_heavy.o"}) {
            assertEquals(0, CliRunner.run("compile", bench(name).toString(), "--format", "raw", "-o", raw.toString()).exit());
            CliRunner.Result r = CliRunner.run("compile", bench(name).toString(), "--format", "asm", "-o", asm.toString());
            assertEquals(0, r.exit(), r.err());
            Map<Integer, String> listing = new HashMap<>();
            Matcher m = Pattern.compile("(?m)^\\s*([0-9a-f]+):\\s+[0-9a-f]+\\s+(\\S.*)$").matcher(Files.readString(asm));
            while (m.find()) listing.put(Integer.parseInt(m.group(1), 16), norm(m.group(2)));
            Map<Integer, String> dis = new HashMap<>();
            for (String line : tool("objdump", "-D", "-b", "binary", "-m", "i386:x86-64", raw.toString()).split("\n")) {
                String[] parts = line.split("\t");
                if (parts.length < 3 || !parts[0].trim().endsWith(":")) continue;
                String a = parts[0].trim();
                dis.put(Integer.parseInt(a.substring(0, a.length() - 1), 16), norm(parts[2]));
            }
            assertTrue(listing.size() > 100, name + ": " + listing.size() + " listed instructions");
            int compared = 0;
            for (var e : listing.entrySet()) {
                assertEquals(e.getValue(), dis.get(e.getKey()), name + " at 0x" + Integer.toHexString(e.getKey()));
                compared++;
            }
            assertEquals(listing.size(), compared);
        }
    }

    /// ARM64 and RISC-V objects: the same writer, their machine numbers and absolute relocations.
    @Test
    void elfForTheOtherTargets() throws Exception {
        for (String[] t : new String[][]{{"arm64", "183"}, {"riscv64", "243"}}) {
            Path out = dir.resolve(t[0] + ".o");
            CliRunner.Result r = CliRunner.run("compile", bench("map_count.o").toString(), "--target", t[0], "-o", out.toString());
            assertEquals(0, r.exit(), r.err());
            byte[] b = Files.readAllBytes(out);
            assertEquals(Integer.parseInt(t[1]), (b[18] & 0xff) | (b[19] & 0xff) << 8, t[0]);
            String relocs = tool("readelf", "-rs", out.toString());
            assertTrue(relocs.contains(t[0].equals("arm64") ? "R_AARCH64_ABS64" : "R_RISCV_64") && relocs.contains("ebpfc_helper_1")
                    && relocs.contains("map_count_maps"), relocs);
            assertEquals(0, CliRunner.run("compile", bench("map_count.o").toString(), "--target", t[0], "--format", "asm", "-o", dir.resolve(t[0] + ".s").toString()).exit());
        }
    }

    /// `--features`: riscv64 takes zba, zbb and c (smaller code, extension instructions in the
    /// listing); unknown names and targets without features are refused in one line, exit 2.
    @Test
    void featuresAreCheckedPerTarget() throws Exception {
        Path base = dir.resolve("base.s"), zb = dir.resolve("zb.s"), out = dir.resolve("x.o");
        assertEquals(0, CliRunner.run("compile", bench("v4_heavy.o").toString(), "--target", "riscv64", "--format", "asm", "-o", base.toString()).exit());
        CliRunner.Result r = CliRunner.run("compile", bench("v4_heavy.o").toString(), "--target", "riscv64", "--features", "zba,zbb", "--format", "asm",
                "-o", zb.toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.err().contains("riscv64 +zba,zbb -O0"), r.err());
        String listing = Files.readString(zb);
        assertTrue(listing.contains("rev8 ") && listing.contains("zext.w ") && !Files.readString(base).contains("rev8 "), listing);
        assertTrue(Files.size(zb) < Files.size(base), Files.size(zb) + " vs " + Files.size(base));
        Path obj = dir.resolve("zb.o");
        assertEquals(0, CliRunner.run("compile", bench("v4_heavy.o").toString(), "--target", "riscv64", "--features", "zbb,zba,c", "-o", obj.toString()).exit());
        String attributes = tool("readelf", "-A", obj.toString());
        assertTrue(attributes.contains("Tag_RISCV_arch: \"rv64i2p1_m2p0_a2p1_c2p0_zba1p0_zbb1p0\""), attributes);
        CliRunner.Result unknown = CliRunner.run("compile", bench("xdp_lb.o").toString(), "--target", "riscv64", "--features", "zba,zbs", "-o", out.toString());
        assertEquals(2, unknown.exit());
        assertEquals("unknown feature 'zbs' for riscv64 (known: c, zba, zbb)", unknown.err().strip().lines().filter(l -> l.contains("zbs")).findFirst().orElse(unknown.err())
                .replaceFirst("^ebpfc: ", ""));
        CliRunner.Result none = CliRunner.run("compile", bench("xdp_lb.o").toString(), "--target", "x86_64", "--features", "zba", "-o", out.toString());
        assertEquals(2, none.exit());
        assertTrue(none.err().contains("unknown feature 'zba' for x86_64 (it has none)"), none.err());
        // arm64 lse: FEAT_LSE atomics instead of ldaxr/stlxr loops, at both levels.
        for (String level : new String[]{"-O0", "-O2"}) {
            Path plain = dir.resolve("atomics" + level + ".s"), lse = dir.resolve("atomics-lse" + level + ".s");
            assertEquals(0, CliRunner.run("compile", CliRunner.fixture("atomics.v3.o").toString(), "--target", "arm64", level, "--format", "asm",
                    "-o", plain.toString()).exit());
            assertEquals(0, CliRunner.run("compile", CliRunner.fixture("atomics.v3.o").toString(), "--target", "arm64", level, "--features", "lse",
                    "--format", "asm", "-o", lse.toString()).exit());
            assertTrue(Files.readString(plain).contains("ldaxr") && !Files.readString(plain).contains("ldaddal"), level);
            assertTrue(Files.readString(lse).contains("ldaddal") && !Files.readString(lse).contains("ldaxr"), level);
        }
    }

    @Test
    void rawListsThePoolEntriesToPatch() {
        CliRunner.Result r = CliRunner.run("compile", bench("map_count.o").toString(), "--format", "raw", "-o", dir.resolve("m.bin").toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.err().contains("write each 64-bit little-endian pool entry") && r.err().contains("the address of helper 1"), r.err());
    }

    @Test
    void refusals() throws Exception {
        Path out = dir.resolve("x.o");
        CliRunner.Result bad = CliRunner.run("compile", bench("fnv1a.o").toString(), "--target", "mips", "-o", out.toString());
        assertEquals(2, bad.exit());
        assertTrue(bad.err().contains("unknown target 'mips'"), bad.err());
        // arm64 has -O2 now (the shared pipeline): no refusal.
        CliRunner.Result o2 = CliRunner.run("compile", bench("fnv1a.o").toString(), "--target", "arm64", "-O2", "-o", out.toString());
        assertEquals(0, o2.exit(), o2.err());
        CliRunner.Result o3 = CliRunner.run("compile", bench("fnv1a.o").toString(), "-O3", "-o", out.toString());
        assertEquals(2, o3.exit());
        assertTrue(o3.err().contains("unknown optimisation level -O3"), o3.err());
        CliRunner.Result fmt = CliRunner.run("compile", bench("fnv1a.o").toString(), "--format", "exe", "-o", out.toString());
        assertEquals(2, fmt.exit());
        Path copy = dir.resolve("in.o");
        Files.copy(bench("fnv1a.o"), copy);
        byte[] before = Files.readAllBytes(copy);
        CliRunner.Result same = CliRunner.run("compile", copy.toString(), "-o", copy.toString());
        assertEquals(2, same.exit());
        assertTrue(same.err().contains("is the input file"), same.err());
        assertArrayEquals(before, Files.readAllBytes(copy));
    }

    @Test
    void nativeEngineRunsAndPassesConformance() {
        CliRunner.Result run = CliRunner.run("run", bench("map_count.o").toString(), "--engine", "native", "--json");
        assertEquals(0, run.exit(), run.err());
        CliRunner.Result interp = CliRunner.run("run", bench("map_count.o").toString(), "--engine", "interp", "--json");
        assertEquals(field(interp.out(), "r0"), field(run.out(), "r0"));
        Path tests = Path.of(System.getProperty("ebpfc.conformance.dir", "../../shared/conformance")).resolve("tests");
        CliRunner.Result conf = CliRunner.run("conformance", tests.toString(), "--engine", "native");
        assertEquals(0, conf.exit(), conf.out() + conf.err());
        assertTrue(conf.out().contains("313 passed, 0 failed"), conf.out());
    }

    private static String field(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\"\\s*:\\s*(\"[^\"]*\"|[^,}]+)").matcher(json);
        return m.find() ? m.group(1) : null;
    }

    private static String norm(String s) {
        return s.trim().replaceAll("\\s+", " ");
    }

    static String tool(String... command) throws Exception {
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (java.io.IOException e) {
            fail(command[0] + " not found: apt-get install binutils");
            throw e;
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        return out;
    }
}
