package dev.ebpfc.backend.x86_64;

import dev.ebpfc.backend.CompileOptions;
import dev.ebpfc.backend.ProgramEnvironment;
import dev.ebpfc.frontend.elf.ObjectLoader;
import dev.ebpfc.frontend.object.BpfObject;
import dev.ebpfc.runtime.helpers.HelperProfile;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertTrue;

/// -O2 code size against -O0 on the bench programs (bytes before the pool), compiled for the
/// Linux profile as the engines compile them; prints the sizes per program. -O2 is smaller on 8
/// of the 11 but not in total: xdp_lb's array-map lookups are inlined (16 calls instead of 62, more
/// instructions) and its values live across calls outnumber x86_64's callee-saved registers (whole
/// intervals spill; no splitting yet). The test holds the line where it was measured: -O2 smaller
/// on at least 8 programs and within 110% of -O0 in total (106% when written).
class X86CodeSizeTest {
    @Test
    void o2SizeAgainstO0OnTheBenchPrograms() throws Exception {
        Path dir = Path.of(System.getProperty("ebpfc.root", "..")).resolve("bench/programs/obj");
        List<Path> objects;
        try (Stream<Path> s = Files.list(dir)) {
            objects = s.filter(p -> p.toString().endsWith(".o")).sorted().toList();
        }
        X86Target target = new X86Target();
        long total0 = 0, total2 = 0;
        int programs = 0, smaller = 0;
        StringBuilder table = new StringBuilder(String.format("%-36s %8s %8s%n", "program", "-O0", "-O2"));
        for (Path f : objects) {
            BpfObject object = ObjectLoader.load(f);
            CompileOptions o0 = CompileOptions.O0.withEnvironment(ProgramEnvironment.of(object, HelperProfile.LINUX, null));
            for (int p = 0; p < object.programs().size(); p++) {
                int s0 = target.compile(object.programs().get(p), o0).codeSize();
                int s2 = target.compile(object.programs().get(p), o0.withLevel(CompileOptions.Level.O2)).codeSize();
                table.append(String.format("%-36s %8d %8d%n", f.getFileName() + " " + object.programs().get(p).name(), s0, s2));
                total0 += s0;
                if (s2 < s0) smaller++;
                total2 += s2;
                programs++;
            }
        }
        table.append(String.format("%-36s %8d %8d (%.0f%%)%n", "total", total0, total2, 100.0 * total2 / total0));
        System.out.print(table);
        assertTrue(programs >= 11, programs + " bench programs");
        assertTrue(smaller >= 8, "-O2 smaller on only " + smaller + " programs\n" + table);
        assertTrue(total2 <= total0 * 1.10, "-O2 " + total2 + " bytes, -O0 " + total0 + "\n" + table);
    }
}
