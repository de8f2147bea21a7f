package dev.ebpfc.backend.riscv64;

import dev.ebpfc.backend.CompileOptions;
import dev.ebpfc.backend.CompiledProgram;
import dev.ebpfc.backend.ProgramEnvironment;
import dev.ebpfc.backend.select.OptimisingCompiler;
import dev.ebpfc.frontend.elf.ObjectLoader;
import dev.ebpfc.frontend.object.BpfObject;
import dev.ebpfc.frontend.object.ProgramDef;
import dev.ebpfc.runtime.helpers.HelperProfile;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/// -O2 code is smaller than -O0 code on the bench programs: prints both sizes per program and
/// asserts the -O2 total is at most the -O0 total (every bench program goes through the -O2
/// pipeline, not the -O0 fallback).
class Riscv64O2CodeSizeTest {
    @Test
    void benchProgramsAreSmallerAtO2() throws IOException {
        List<Path> objects;
        try (Stream<Path> s = Files.list(Path.of("../bench/programs/obj"))) {
            objects = s.filter(p -> p.toString().endsWith(".o")).sorted().toList();
        }
        assertTrue(objects.size() >= 10, "bench objects: " + objects);
        Riscv64Target target = new Riscv64Target();
        long o0Total = 0, o2Total = 0;
        System.out.printf("%-32s %8s %8s%n", "riscv64 code bytes", "-O0", "-O2");
        for (Path f : objects) {
            BpfObject object = ObjectLoader.load(f);
            ProgramEnvironment env = ProgramEnvironment.of(object, HelperProfile.LINUX, null);
            for (ProgramDef def : object.programs()) {
                CompileOptions o0 = CompileOptions.O0.withListing(false).withEnvironment(env);
                CompileOptions o2 = o0.withLevel(CompileOptions.Level.O2);
                assertNotNull(OptimisingCompiler.optimise(def, env), def.name() + " must compile at -O2, not fall back");
                CompiledProgram a = target.compile(def, o0), b = target.compile(def, o2);
                o0Total += a.codeSize();
                o2Total += b.codeSize();
                System.out.printf("%-32s %8d %8d%n", f.getFileName() + " " + def.name(), a.codeSize(), b.codeSize());
            }
        }
        System.out.printf("%-32s %8d %8d (%.1f%%)%n", "total", o0Total, o2Total, 100.0 * o2Total / o0Total);
        assertTrue(o2Total <= o0Total, "-O2 " + o2Total + " bytes > -O0 " + o0Total);
    }
}
