package dev.ebpfc.backend.riscv64;

import dev.ebpfc.backend.CompileOptions;
import dev.ebpfc.frontend.data.DataFileReader;
import dev.ebpfc.frontend.elf.ObjectLoader;
import dev.ebpfc.frontend.object.ProgramDef;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertTrue;

/// What Zba, Zbb and C buy at -O0: the code size (bytes, pool excluded) of every conformance
/// program and every bench program, baseline and with each extension. Printed for the record
/// (docs/native-abi.md); asserted only to shrink, never to grow, program by program.
class Riscv64CodeSizeTest {
    private static final Riscv64Target TARGET = new Riscv64Target();

    @Test
    void extensionsNeverGrowTheCodeAndShrinkItOverall() throws Exception {
        List<ProgramDef> conformance = new ArrayList<>(), bench = new ArrayList<>();
        try (Stream<Path> s = Files.list(Path.of(System.getProperty("ebpfc.conformance.dir"), "tests"))) {
            for (Path f : s.filter(p -> p.toString().endsWith(".data")).sorted().toList()) {
                conformance.add(ProgramDef.of(f.getFileName().toString(), DataFileReader.read(f).program()));
            }
        }
        try (Stream<Path> s = Files.list(Path.of(System.getProperty("ebpfc.root", ".."), "bench/programs/obj"))) {
            for (Path f : s.filter(p -> p.toString().endsWith(".o")).sorted().toList()) bench.addAll(ObjectLoader.load(f).programs());
        }
        Map<String, Set<String>> configs = new LinkedHashMap<>();
        configs.put("rv64ima", Set.of());
        configs.put("+zba", Set.of("zba"));
        configs.put("+zbb", Set.of("zbb"));
        configs.put("+zba,zbb", Set.of("zba", "zbb"));
        configs.put("+c", Set.of("c"));
        configs.put("+zba,zbb,c", Set.of("zba", "zbb", "c"));
        StringBuilder report = new StringBuilder(String.format("%-11s %15s %15s%n", "riscv64", "conformance", "bench"));
        long[] base = null;
        for (var c : configs.entrySet()) {
            long[] sizes = {0, 0};
            int i = 0;
            for (List<ProgramDef> set : List.of(conformance, bench)) {
                for (ProgramDef p : set) {
                    int size = TARGET.compile(p, CompileOptions.O0.withListing(false).withFeatures(c.getValue())).codeSize();
                    int baseline = TARGET.compile(p, CompileOptions.O0.withListing(false)).codeSize();
                    assertTrue(size <= baseline, p.name() + " grows with " + c.getKey() + ": " + size + " > " + baseline);
                    sizes[i] += size;
                }
                i++;
            }
            if (base == null) base = sizes;
            report.append(String.format("%-11s %15s %15s%n", c.getKey(), percent(sizes[0], base[0]), percent(sizes[1], base[1])));
            if (!c.getValue().isEmpty()) assertTrue(sizes[0] < base[0] && sizes[1] < base[1], c.getKey() + " saves nothing");
        }
        System.out.print("Riscv64CodeSizeTest (" + conformance.size() + " conformance, " + bench.size() + " bench programs):\n" + report);
    }

    private static String percent(long size, long base) {
        return size == base ? String.valueOf(size) : String.format("%d (%+.1f%%)", size, 100.0 * (size - base) / base);
    }
}
