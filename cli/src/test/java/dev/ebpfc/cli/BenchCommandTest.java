package dev.ebpfc.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

import javax.xml.parsers.DocumentBuilderFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/// `ebpfc bench --quick` end to end on two small programs (one calling map helpers): the tables,
/// a bench.json that parses with the documented keys, an SVG that parses as XML, clang's ratio
/// column, executed instructions (ebpfc's and clang's build per CPU) that are positive, agree
/// with the interpreter and are the same in two runs.
class BenchCommandTest {
    private static final List<String> PROGRAMS = List.of("fnv1a", "map_count");

    @TempDir
    Path tmp;

    @Test
    void quickRunWritesTablesJsonAndChartAndCountsDeterministically() throws Exception {
        Path first = tmp.resolve("a"), second = tmp.resolve("b");
        CliRunner.Result r = CliRunner.run("bench", "--quick", "--programs", String.join(",", PROGRAMS), "--out", first.toString());
        assertEquals(0, r.exit(), r.out() + r.err());
        if (r.err().contains("clang not found")) fail("clang is needed for the clang -O2 reference: apt-get install clang-19 (./check installs it)");
        assertTrue(r.out().contains("1. host time per run"), r.out());
        assertTrue(r.out().contains("goal: xdp_lb"), r.out());
        assertTrue(r.err().contains("bench: [2/2] map_count"), r.err());

        Map<String, Object> a = json(first);
        assertEquals(List.of("schema", "quick", "repetitions", "packet", "clang", "native_overhead_ns", "load_average", "cpus", "programs",
                "geomean", "goals"),
                List.copyOf(a.keySet()));
        assertEquals(true, a.get("quick"));
        assertNotNull(a.get("clang"));
        List<?> programs = (List<?>) a.get("programs");
        assertEquals(PROGRAMS.size(), programs.size());
        for (int i = 0; i < programs.size(); i++) {
            Map<?, ?> p = (Map<?, ?>) programs.get(i);
            String name = PROGRAMS.get(i);
            assertEquals(name, p.get("name"));
            Map<?, ?> host = (Map<?, ?>) p.get("host_ns");
            assertEquals(true, host.get("clang_agrees"), name + ": the clang build must return the interpreter's r0: " + host);
            assertEquals(true, host.get("native_O0_agrees"), name + ": " + host);
            assertEquals(true, host.get("native_O2_agrees"), name + ": " + host);
            Map<?, ?> ratio = (Map<?, ?>) p.get("host_ratio_to_clang");
            for (String k : List.of("interp", "native_O0", "native_O2")) {
                assertTrue(ratio.get(k) instanceof Double d && d > 0, name + " " + k + " ratio to clang: " + ratio);
            }
            if (name.equals("fnv1a")) {
                // No helper calls: ebpfc's code is also called bare, and must return the interpreter's r0.
                assertEquals(true, host.get("bare_agrees"), name + ": " + host);
                assertTrue(ratio.get("bare_O2") instanceof Double d && d > 0, name + ": " + ratio);
            } else {
                assertEquals(null, ratio.get("bare_O2"), name + " calls helpers: no bare figure, " + ratio);
            }
            Map<?, ?> targets = (Map<?, ?>) p.get("targets");
            assertEquals(List.of("x86_64", "arm64", "riscv64"), List.copyOf(targets.keySet()));
            for (Object t : targets.values()) {
                Map<?, ?> f = (Map<?, ?>) t;
                assertTrue(f.get("insns_O0") instanceof Double d && d > 0, name + ": " + f);
                assertEquals(true, f.get("agrees_O0"), name + ": " + f);
                assertTrue(f.get("size_O0") instanceof Double d && d > 0, name + ": " + f);
                assertTrue(f.get("size_clang_O2") instanceof Double d && d > 0, name + ": " + f);
                assertTrue(f.get("insns_clang_O2") instanceof Double d && d > 0, name + ": clang's build under Unicorn: " + f);
                assertEquals(true, f.get("agrees_clang"), name + ": clang's build under Unicorn must return the interpreter's r0: " + f);
                assertTrue(f.get("compile_O0_insns_per_ms") instanceof Double d && d > 0, name + ": " + f);
            }
        }

        Document svg = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(first.resolve("bench.svg").toFile());
        assertEquals("svg", svg.getDocumentElement().getNodeName());
        assertTrue(svg.getElementsByTagName("rect").getLength() > PROGRAMS.size(), "bars drawn");

        CliRunner.Result again = CliRunner.run("bench", "--quick", "--programs", String.join(",", PROGRAMS), "--out", second.toString(), "--json");
        assertEquals(0, again.exit(), again.err());
        Map<String, Object> b = json(second);
        assertEquals(JsonReader.parse(again.out()), b, "--json prints bench.json");
        assertEquals(keyPaths(a, ""), keyPaths(b, ""), "the same JSON structure on every run");
        for (int i = 0; i < programs.size(); i++) {
            for (String target : List.of("x86_64", "arm64", "riscv64")) {
                assertEquals(insns(a, i, target, "insns_O0"), insns(b, i, target, "insns_O0"),
                        PROGRAMS.get(i) + " on " + target + ": -O0 instruction count differs between runs");
                assertEquals(insns(a, i, target, "insns_clang_O2"), insns(b, i, target, "insns_clang_O2"),
                        PROGRAMS.get(i) + " on " + target + ": clang's instruction count differs between runs");
            }
        }
    }

    @Test
    void anUnknownProgramIsAUsageError() {
        CliRunner.Result r = CliRunner.run("bench", "--quick", "--programs", "nosuch", "--out", tmp.toString());
        assertEquals(2, r.exit(), r.err());
        assertTrue(r.err().startsWith("ebpfc: unknown bench program 'nosuch' (available: call_chain, "), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> json(Path dir) throws Exception {
        return (Map<String, Object>) JsonReader.parse(Files.readString(dir.resolve("bench.json")));
    }

    private static Object insns(Map<String, Object> report, int program, String target, String key) {
        Map<?, ?> p = (Map<?, ?>) ((List<?>) report.get("programs")).get(program);
        return ((Map<?, ?>) ((Map<?, ?>) p.get("targets")).get(target)).get(key);
    }

    /// Every key path in document order (array elements by index).
    private static List<String> keyPaths(Object v, String at) {
        List<String> out = new ArrayList<>();
        if (v instanceof Map<?, ?> m) {
            for (var e : m.entrySet()) {
                out.add(at + "/" + e.getKey());
                out.addAll(keyPaths(e.getValue(), at + "/" + e.getKey()));
            }
        } else if (v instanceof List<?> l) {
            for (int i = 0; i < l.size(); i++) out.addAll(keyPaths(l.get(i), at + "[" + i + "]"));
        }
        return out;
    }
}
