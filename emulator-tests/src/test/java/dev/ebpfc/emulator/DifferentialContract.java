package dev.ebpfc.emulator;

import dev.ebpfc.emulator.diff.DifferentialRunner;
import dev.ebpfc.runtime.helpers.InlinedLookups;
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
import dev.ebpfc.runtime.conformance.ConformanceRunner;
import dev.ebpfc.runtime.helpers.Loop;
import dev.ebpfc.runtime.interp.InterpreterEngine;
import dev.ebpfc.runtime.maps.MapSet;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/// The differential tests every compiled engine passes, one subclass per engine set: the
/// interpreter and each engine must leave the same whole state (r0, error kind, every region
/// snapshot, helper-call trace, side channels; see [ResultDiff]) on every conformance program,
/// 1 000 generated programs, every ELF fixture's programs on several packets
/// ([TestInputs#fixturePackets]) and every bench program on the sample HTTP packet.
///
/// Runs a compiled engine stops at a `bpf_loop` call ([Loop#stoppedWithoutCallbacks]: no engine
/// runs callbacks yet) are left out. Optimised engines ([#optimised]) no longer call `map_lookup_elem` on array maps (helper
/// inlining), so those calls are dropped from both traces ([InlinedLookups]).
abstract class DifferentialContract {
    private final Engine interp = new InterpreterEngine();
    private final List<String> divergences = new ArrayList<>();
    private List<? extends Engine> engines;
    private int runs;

    /// The engines under test (created once per test class instance).
    abstract List<? extends Engine> createEngines();

    /// Whether the engines run optimised code (see the class comment).
    abstract boolean optimised();

    final List<? extends Engine> engines() {
        if (engines == null) engines = createEngines();
        return engines;
    }

    private void compare(String what, BpfObject object, int program, byte[] input, RuntimeOptions options) {
        MapSet refMaps = new MapSet(object.maps());
        ExecutionResult a = interp.run(object, program, refMaps, RunInput.of(input), options);
        if (optimised()) a = InlinedLookups.drop(a, refMaps, options);
        for (Engine e : engines()) {
            MapSet maps = new MapSet(object.maps());
            ExecutionResult b = e.run(object, program, maps, RunInput.of(input), options);
            // bpf_loop runs on the interpreters only; compiled code stops at the call (docs/runtime.md).
            if (Loop.stoppedWithoutCallbacks(b)) continue;
            if (optimised()) b = InlinedLookups.drop(b, maps, options);
            runs++;
            String diff = ResultDiff.describe("interp", a, e.name(), b);
            if (!diff.isEmpty()) divergences.add(what + " (" + e.name() + "):\n  " + diff.strip().replace("\n", "\n  "));
        }
    }

    private void assertNoDivergence(String what, int minimumRunsPerEngine) {
        System.out.println(getClass().getSimpleName() + " " + what + ": " + runs + " runs, " + divergences.size() + " divergences");
        assertTrue(runs >= minimumRunsPerEngine * engines().size(), "only " + runs + " runs");
        assertEquals("", String.join("\n", divergences), divergences.size() + " of " + runs + " runs diverge");
    }

    @Test
    void conformancePrograms() {
        for (Path f : ConformanceRunner.collect(List.of(X86ConformanceTest.suite().resolve("tests")))) {
            DataFile data = DataFileReader.read(f);
            BpfObject object = new BpfObject(f.toString(), List.of(ProgramDef.of(f.getFileName().toString(), data.program())), List.of(), "");
            byte[] mem = data.mem();
            compare(f.getFileName().toString(), object, 0, mem == null ? new byte[0] : mem, RuntimeOptions.conformance());
        }
        assertNoDivergence("conformance", 313);
    }

    @Test
    void generatedPrograms() {
        List<Engine> all = new ArrayList<>();
        all.add(interp);
        all.addAll(engines());
        DifferentialRunner runner = new DifferentialRunner(all);
        ProgramGenerator gen = new ProgramGenerator();
        int valid = 0;
        for (long seed = 0; seed < 1000; seed++) {
            GeneratedProgram g = gen.generate(seed);
            DifferentialRunner.Outcome o = runner.run(g.program(), g.mem());
            runs += engines().size();
            if (o.referenceValid()) valid++;
            if (!o.agreed()) divergences.add("seed " + seed + ": " + o.divergences());
        }
        assertTrue(valid > 500, valid + " valid programs");
        assertNoDivergence("generated", 1000);
    }

    @Test
    void elfFixturesOnSeveralPackets() throws IOException {
        List<byte[]> packets = TestInputs.fixturePackets();
        int objects = 0;
        for (Path f : TestInputs.objects(TestInputs.FIXTURES)) {
            BpfObject object = ObjectLoader.load(f);
            objects++;
            for (int p = 0; p < object.programs().size(); p++) {
                for (int k = 0; k < packets.size(); k++) {
                    compare(f.getFileName() + " " + object.programs().get(p).name() + " packet " + k, object, p, packets.get(k), RuntimeOptions.linux());
                }
            }
        }
        assertTrue(objects >= 20, objects + " fixtures");
        assertNoDivergence("ELF fixtures", 100);
    }

    @Test
    void benchProgramsOnTheSampleHttpPacket() throws IOException {
        for (Path f : TestInputs.objects(TestInputs.BENCH_OBJECTS)) {
            BpfObject object = ObjectLoader.load(f);
            for (int p = 0; p < object.programs().size(); p++) {
                compare(f.getFileName() + " " + object.programs().get(p).name(), object, p, TestInputs.httpPacket(), RuntimeOptions.linux());
            }
        }
        assertNoDivergence("bench", 11);
    }
}
