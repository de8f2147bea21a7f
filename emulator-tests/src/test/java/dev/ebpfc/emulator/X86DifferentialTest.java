package dev.ebpfc.emulator;

import dev.ebpfc.emulator.diff.ResultDiff;

import dev.ebpfc.frontend.data.DataFile;
import dev.ebpfc.frontend.data.DataFileReader;
import dev.ebpfc.frontend.elf.ObjectLoader;
import dev.ebpfc.frontend.object.BpfObject;
import dev.ebpfc.frontend.object.ProgramDef;
import dev.ebpfc.runtime.Engine;
import dev.ebpfc.runtime.ExecutionResult;
import dev.ebpfc.runtime.RuntimeOptions;
import dev.ebpfc.runtime.context.RunInput;
import dev.ebpfc.runtime.context.SamplePackets;
import dev.ebpfc.runtime.conformance.ConformanceRunner;
import dev.ebpfc.runtime.interp.InterpreterEngine;
import dev.ebpfc.runtime.maps.MapSet;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/// The interpreter and x86_64 -O0 under Unicorn must leave the same whole state (r0, error kind
/// and slot, every region snapshot, helper-call trace, side channels; see [ResultDiff]) on: every
/// conformance program, every ELF fixture's programs on a few packets, and the bench programs on
/// the sample HTTP packet.
class X86DifferentialTest {
    private final Engine interp = new InterpreterEngine();
    private final Engine x86 = EmulatedEngine.x86_64();
    private final List<String> divergences = new ArrayList<>();
    private int runs;

    private void compare(String what, BpfObject object, int program, byte[] input, RuntimeOptions options) {
        ExecutionResult a = interp.run(object, program, new MapSet(object.maps()), RunInput.of(input), options);
        ExecutionResult b = x86.run(object, program, new MapSet(object.maps()), RunInput.of(input), options);
        runs++;
        String diff = ResultDiff.describe("interp", a, "x86_64", b);
        if (!diff.isEmpty()) divergences.add(what + ":\n  " + diff.strip().replace("\n", "\n  "));
    }

    private void assertNoDivergence(int minimumRuns) {
        assertTrue(runs >= minimumRuns, "only " + runs + " runs");
        assertEquals("", String.join("\n", divergences), divergences.size() + " of " + runs + " runs diverge");
        System.out.println(getClass().getSimpleName() + ": " + runs + " runs, whole states equal");
    }

    @Test
    void conformancePrograms() {
        List<Path> files = ConformanceRunner.collect(List.of(X86ConformanceTest.suite().resolve("tests")));
        for (Path f : files) {
            DataFile data = DataFileReader.read(f);
            BpfObject object = new BpfObject(f.toString(), List.of(ProgramDef.of(f.getFileName().toString(), data.program())), List.of(), "");
            byte[] mem = data.mem();
            compare(f.getFileName().toString(), object, 0, mem == null ? new byte[0] : mem, RuntimeOptions.conformance());
        }
        assertNoDivergence(313);
    }

    @Test
    void elfFixturesOnSeveralPackets() throws IOException {
        List<byte[]> packets = List.of(httpPacket(), java.util.Arrays.copyOf(httpPacket(), 20), randomPacket(64), new byte[0]);
        int objects = 0;
        for (Path f : objects(Path.of("../frontend/src/test/resources/fixtures"))) {
            BpfObject object = ObjectLoader.load(f);
            objects++;
            for (int p = 0; p < object.programs().size(); p++) {
                for (int k = 0; k < packets.size(); k++) {
                    compare(f.getFileName() + " " + object.programs().get(p).name() + " packet " + k, object, p, packets.get(k), RuntimeOptions.linux());
                }
            }
        }
        assertTrue(objects >= 20, objects + " fixtures");
        assertNoDivergence(100);
    }

    @Test
    void benchProgramsOnTheSampleHttpPacket() throws IOException {
        for (Path f : objects(Path.of("../bench/programs/obj"))) {
            BpfObject object = ObjectLoader.load(f);
            for (int p = 0; p < object.programs().size(); p++) {
                compare(f.getFileName() + " " + object.programs().get(p).name(), object, p, httpPacket(), RuntimeOptions.linux());
            }
        }
        assertNoDivergence(11);
    }

    static List<Path> objects(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(".o")).sorted().toList();
        }
    }

    static byte[] randomPacket(int n) {
        return SamplePackets.random(n);
    }

    /// The CLI demo's sample packet.
    static byte[] httpPacket() {
        return SamplePackets.http();
    }
}
