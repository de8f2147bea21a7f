package dev.ebpfc.emulator;

import dev.ebpfc.backend.ProgramEnvironment;
import dev.ebpfc.backend.select.OptimisingCompiler;
import dev.ebpfc.emulator.diff.DifferentialRunner;
import dev.ebpfc.emulator.diff.InlinedLookups;
import dev.ebpfc.emulator.diff.ResultDiff;
import dev.ebpfc.emulator.gen.GeneratedProgram;
import dev.ebpfc.emulator.gen.ProgramGenerator;
import dev.ebpfc.frontend.data.DataFile;
import dev.ebpfc.frontend.data.DataFileReader;
import dev.ebpfc.frontend.elf.ObjectLoader;
import dev.ebpfc.frontend.object.BpfObject;
import dev.ebpfc.frontend.object.ProgramDef;
import dev.ebpfc.runtime.Engine;
import dev.ebpfc.runtime.ExecutionResult;
import dev.ebpfc.runtime.RuntimeOptions;
import dev.ebpfc.runtime.context.RunInput;
import dev.ebpfc.runtime.conformance.ConformanceCase;
import dev.ebpfc.runtime.conformance.ConformanceRunner;
import dev.ebpfc.runtime.interp.InterpreterEngine;
import dev.ebpfc.runtime.maps.MapSet;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/// What every -O2 code generator must do under emulation, one subclass per ISA: pass the whole
/// conformance suite with every program the lifter takes compiled at -O2 (not the -O0 fallback),
/// and leave the interpreter's whole state ([ResultDiff]; array-map lookups that -O2 inlines are
/// dropped from both traces, [InlinedLookups]) on every ELF fixture on several packets, every
/// bench program on the sample HTTP packet and 1 000 generated programs.
abstract class O2EngineContract {
    private final Engine interp = new InterpreterEngine();
    private final List<String> divergences = new ArrayList<>();
    private int runs;

    /// The -O2 engine under test (a fresh one per test class instance).
    abstract EmulatedEngine engine();

    private Engine engine;

    private Engine target() {
        if (engine == null) engine = engine();
        return engine;
    }

    private void compare(String what, BpfObject object, int program, byte[] input, RuntimeOptions options) {
        MapSet m1 = new MapSet(object.maps()), m2 = new MapSet(object.maps());
        ExecutionResult a = InlinedLookups.drop(interp.run(object, program, m1, RunInput.of(input), options), m1, options);
        ExecutionResult b = InlinedLookups.drop(target().run(object, program, m2, RunInput.of(input), options), m2, options);
        runs++;
        String diff = ResultDiff.describe("interp", a, target().name(), b);
        if (!diff.isEmpty()) divergences.add(what + ":\n  " + diff.strip().replace("\n", "\n  "));
    }

    private void assertNoDivergence(String what, int minimumRuns) {
        System.out.println(getClass().getSimpleName() + " " + what + ": " + runs + " runs, " + divergences.size() + " divergences");
        assertTrue(runs >= minimumRuns, "only " + runs + " runs");
        assertEquals("", String.join("\n", divergences), divergences.size() + " of " + runs + " runs diverge");
    }

    @Test
    void conformanceSuitePassesAtO2() {
        List<Path> files = ConformanceRunner.collect(List.of(X86ConformanceTest.suite().resolve("tests")));
        assertEquals(313, files.size(), "the suite has 313 tests");
        ConformanceRunner runner = new ConformanceRunner(target());
        ProgramEnvironment env = new ProgramEnvironment(RuntimeOptions.conformance().profile(), null, List.of());
        StringBuilder failures = new StringBuilder();
        List<String> notLifted = new ArrayList<>();
        int failed = 0;
        for (Path f : files) {
            ProgramDef def = ProgramDef.of(f.getFileName().toString(), DataFileReader.read(f).program());
            if (OptimisingCompiler.optimise(def, env) == null) notLifted.add(f.getFileName().toString());
            ConformanceCase c = runner.run(f);
            if (!c.passed()) {
                failed++;
                failures.append(c.file()).append(": ").append(c.detail()).append('\n');
            }
        }
        System.out.println(getClass().getSimpleName() + ": " + (files.size() - failed) + "/" + files.size() + " pass; "
                + (files.size() - notLifted.size()) + " at -O2, the lifter refuses " + notLifted);
        assertEquals("", failures.toString(), failed + " of " + files.size() + " failed");
    }

    @Test
    void conformanceProgramsLeaveTheInterpretersState() {
        for (Path f : ConformanceRunner.collect(List.of(X86ConformanceTest.suite().resolve("tests")))) {
            DataFile data = DataFileReader.read(f);
            BpfObject object = new BpfObject(f.toString(), List.of(ProgramDef.of(f.getFileName().toString(), data.program())), List.of(), "");
            byte[] mem = data.mem();
            compare(f.getFileName().toString(), object, 0, mem == null ? new byte[0] : mem, RuntimeOptions.conformance());
        }
        assertNoDivergence("conformance", 313);
    }

    @Test
    void elfFixturesOnSeveralPackets() throws IOException {
        List<byte[]> packets = List.of(X86DifferentialTest.httpPacket(), Arrays.copyOf(X86DifferentialTest.httpPacket(), 20),
                X86DifferentialTest.randomPacket(64), new byte[0]);
        for (Path f : X86DifferentialTest.objects(Path.of("../frontend/src/test/resources/fixtures"))) {
            BpfObject object = ObjectLoader.load(f);
            for (int p = 0; p < object.programs().size(); p++) {
                for (int k = 0; k < packets.size(); k++) {
                    compare(f.getFileName() + " " + object.programs().get(p).name() + " packet " + k, object, p, packets.get(k), RuntimeOptions.linux());
                }
            }
        }
        assertNoDivergence("ELF fixtures", 100);
    }

    @Test
    void benchProgramsOnTheSampleHttpPacket() throws IOException {
        for (Path f : X86DifferentialTest.objects(Path.of("../bench/programs/obj"))) {
            BpfObject object = ObjectLoader.load(f);
            for (int p = 0; p < object.programs().size(); p++) {
                compare(f.getFileName() + " " + object.programs().get(p).name(), object, p, X86DifferentialTest.httpPacket(), RuntimeOptions.linux());
            }
        }
        assertNoDivergence("bench", 11);
    }

    @Test
    void generatedPrograms() {
        ProgramGenerator gen = new ProgramGenerator();
        DifferentialRunner runner = new DifferentialRunner(List.of(interp, target()));
        for (long seed = 0; seed < 1000; seed++) {
            GeneratedProgram g = gen.generate(seed);
            runs++;
            DifferentialRunner.Outcome o = runner.run(g.program(), g.mem());
            if (!o.agreed()) divergences.add("seed " + seed + ": " + o.divergences());
        }
        assertNoDivergence("generated", 1000);
    }
}
