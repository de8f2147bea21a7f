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

/// -O2 code is smaller than -O0 code on the bench programs (bytes before the pool), compiled
/// for the Linux profile as the engines compile them. Prints the sizes per program.
class X86CodeSizeTest {
    @Test
    void o2IsSmallerThanO0OnTheBenchPrograms() throws Exception {
        Path dir = Path.of(System.getProperty("ebpfc.root", "..")).resolve("bench/programs/obj");
        List<Path> objects;
        try (Stream<Path> s = Files.list(dir)) {
            objects = s.filter(p -> p.toString().endsWith(".o")).sorted().toList();
        }
        X86Target target = new X86Target();
        long total0 = 0, total2 = 0;
        int programs = 0;
        StringBuilder table = new StringBuilder(String.format("%-36s %8s %8s%n", "program", "-O0", "-O2"));
        for (Path f : objects) {
            BpfObject object = ObjectLoader.load(f);
            CompileOptions o0 = CompileOptions.O0.withEnvironment(ProgramEnvironment.of(object, HelperProfile.LINUX, null));
            for (int p = 0; p < object.programs().size(); p++) {
                int s0 = target.compile(object.programs().get(p), o0).codeSize();
                int s2 = target.compile(object.programs().get(p), o0.withLevel(CompileOptions.Level.O2)).codeSize();
                table.append(String.format("%-36s %8d %8d%n", f.getFileName() + " " + object.programs().get(p).name(), s0, s2));
                total0 += s0;
                total2 += s2;
                programs++;
            }
        }
        table.append(String.format("%-36s %8d %8d (%.0f%%)%n", "total", total0, total2, 100.0 * total2 / total0));
        System.out.print(table);
        assertTrue(programs >= 11, programs + " bench programs");
        assertTrue(total2 <= total0, "-O2 " + total2 + " bytes, -O0 " + total0 + "\n" + table);
    }
}
