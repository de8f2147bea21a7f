package dev.ebpfc.backend.arm64;

import dev.ebpfc.backend.CompileOptions;
import dev.ebpfc.backend.CompiledProgram;
import dev.ebpfc.backend.ProgramEnvironment;
import dev.ebpfc.backend.select.OptimisingCompiler;
import dev.ebpfc.frontend.elf.ObjectLoader;
import dev.ebpfc.frontend.object.BpfObject;
import dev.ebpfc.frontend.object.ProgramDef;
import dev.ebpfc.runtime.RuntimeOptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/// -O2 code is smaller than -O0 code on the bench programs (machine code without the pool; each
/// program compiled for the environment it runs in, every one of them through the -O2 pipeline,
/// not the -O0 fallback).
class Arm64O2CodeSizeTest {
    private static final Arm64Target TARGET = new Arm64Target();

    @Test
    void o2IsSmallerThanO0OnTheBenchPrograms() throws IOException {
        List<Path> objects;
        try (Stream<Path> s = Files.list(Path.of("../bench/programs/obj"))) {
            objects = s.filter(p -> p.toString().endsWith(".o")).sorted().toList();
        }
        assertTrue(objects.size() >= 10, objects.toString());
        long total0 = 0, total2 = 0;
        StringBuilder table = new StringBuilder(String.format("%-34s %8s %8s%n", "program", "-O0", "-O2"));
        for (Path f : objects) {
            BpfObject object = ObjectLoader.load(f);
            for (ProgramDef def : object.programs()) {
                RuntimeOptions run = RuntimeOptions.linux();
                ProgramEnvironment env = ProgramEnvironment.of(object, run.profile(), run.context());
                CompileOptions o0 = CompileOptions.O0.withListing(false).withEnvironment(env);
                CompileOptions o2 = o0.withLevel(CompileOptions.Level.O2);
                assertNotNull(OptimisingCompiler.optimise(def, env), def.name() + " must go through -O2");
                CompiledProgram c0 = TARGET.compile(def, o0), c2 = TARGET.compile(def, o2);
                total0 += c0.codeSize();
                total2 += c2.codeSize();
                table.append(String.format("%-34s %8d %8d%n", f.getFileName() + " " + def.name(), c0.codeSize(), c2.codeSize()));
            }
        }
        table.append(String.format("%-34s %8d %8d  (-O2 = %.0f%% of -O0)%n", "total", total0, total2, 100.0 * total2 / total0));
        System.out.print("Arm64O2CodeSizeTest: bytes of arm64 code\n" + table);
        assertTrue(total2 <= total0, "-O2 " + total2 + " bytes, -O0 " + total0 + "\n" + table);
    }
}
