package dev.ebpfc.emulator;

import dev.ebpfc.backend.CompileOptions;
import dev.ebpfc.backend.CompiledProgram;
import dev.ebpfc.backend.x86_64.X86Target;
import dev.ebpfc.emulator.diff.DifferentialRunner;
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
import dev.ebpfc.runtime.interp.InterpreterEngine;
import dev.ebpfc.runtime.maps.MapSet;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/// The interpreter and x86_64 -O2 (engine `x86_64-O2`) under Unicorn must leave the same whole
/// state ([ResultDiff]) on every conformance program, every ELF fixture's programs on a few
/// packets, the bench programs on the sample HTTP packet and 1 000 generated programs. Each test
/// also counts how many programs went through real -O2 rather than the -O0 fallback.
///
/// Helper traces are compared unfiltered. At -O2 helper inlining removes inlined array-map lookups
/// from the trace (ir's OptPassesDifferentialTest drops them on both sides), but no program with a
/// helper call is inside the current -O2 subset ([dev.ebpfc.backend.x86_64.X86Isel] rejects
/// calls and lifts without maps), so every trace here comes from -O0 code and is complete. When
/// helper calls join the subset, this comparison must drop array-map lookups on both sides.
class X86O2DifferentialTest {
    private final Engine interp = new InterpreterEngine();
    private final Engine x86 = EmulatedEngine.x86_64O2();
    private final List<String> divergences = new ArrayList<>();
    private int runs;
    private int o2;

    private void compare(String what, BpfObject object, int program, byte[] input, RuntimeOptions options) {
        ExecutionResult a = interp.run(object, program, new MapSet(object.maps()), RunInput.of(input), options);
        ExecutionResult b = x86.run(object, program, new MapSet(object.maps()), RunInput.of(input), options);
        runs++;
        String diff = ResultDiff.describe("interp", a, "x86_64-O2", b);
        if (!diff.isEmpty()) divergences.add(what + ":\n  " + diff.strip().replace("\n", "\n  "));
    }

    private void count(ProgramDef def) {
        if (X86Target.compileO2(def) != null) o2++;
    }

    private void assertNoDivergence(String what, int minimumRuns) {
        System.out.println("X86O2DifferentialTest " + what + ": " + runs + " runs, " + o2 + " programs at -O2, "
                + divergences.size() + " divergences");
        assertTrue(runs >= minimumRuns, "only " + runs + " runs");
        assertEquals("", String.join("\n", divergences), divergences.size() + " of " + runs + " runs diverge");
    }

    @Test
    void conformancePrograms() {
        for (Path f : ConformanceRunner.collect(List.of(X86ConformanceTest.suite().resolve("tests")))) {
            DataFile data = DataFileReader.read(f);
            ProgramDef def = ProgramDef.of(f.getFileName().toString(), data.program());
            count(def);
            BpfObject object = new BpfObject(f.toString(), List.of(def), List.of(), "");
            byte[] mem = data.mem();
            compare(f.getFileName().toString(), object, 0, mem == null ? new byte[0] : mem, RuntimeOptions.conformance());
        }
        assertNoDivergence("conformance", 313);
    }

    @Test
    void elfFixturesOnSeveralPackets() throws IOException {
        List<byte[]> packets = List.of(X86DifferentialTest.httpPacket(), java.util.Arrays.copyOf(X86DifferentialTest.httpPacket(), 20),
                X86DifferentialTest.randomPacket(64), new byte[0]);
        for (Path f : X86DifferentialTest.objects(Path.of("../frontend/src/test/resources/fixtures"))) {
            BpfObject object = ObjectLoader.load(f);
            for (int p = 0; p < object.programs().size(); p++) {
                count(object.programs().get(p));
                for (int k = 0; k < packets.size(); k++) {
                    compare(f.getFileName() + " " + object.programs().get(p).name() + " packet " + k, object, p, packets.get(k), RuntimeOptions.linux());
                }
            }
        }
        assertNoDivergence("ELF fixtures", 100);
    }

    /// Also prints -O0 against -O2 code size for the bench programs that went through -O2.
    @Test
    void benchProgramsOnTheSampleHttpPacket() throws IOException {
        for (Path f : X86DifferentialTest.objects(Path.of("../bench/programs/obj"))) {
            BpfObject object = ObjectLoader.load(f);
            for (int p = 0; p < object.programs().size(); p++) {
                ProgramDef def = object.programs().get(p);
                CompiledProgram optimised = X86Target.compileO2(def);
                if (optimised != null) {
                    o2++;
                    CompiledProgram base = new X86Target().compile(def, CompileOptions.O0);
                    System.out.printf("code size %s %s: -O0 %d bytes, -O2 %d bytes%n", f.getFileName(), def.name(), base.code().length, optimised.code().length);
                }
                compare(f.getFileName() + " " + def.name(), object, p, X86DifferentialTest.httpPacket(), RuntimeOptions.linux());
            }
        }
        assertNoDivergence("bench", 11);
    }

    /// Generated programs through [DifferentialRunner] (conformance options). A program inside the
    /// -O2 subset must leave the interpreter's whole state. A program outside it runs the -O0 code,
    /// so there it must leave exactly the state x86_64 -O0 leaves: x86_64 -O0 itself diverges from
    /// the interpreter on some generated programs (helper-call traces around `callx`; see the
    /// printed count), which is X86DifferentialTest's business, not this path's.
    @Test
    void generatedPrograms() {
        ProgramGenerator gen = new ProgramGenerator();
        DifferentialRunner runner = new DifferentialRunner(List.of(interp, x86));
        DifferentialRunner fallback = new DifferentialRunner(List.of(EmulatedEngine.x86_64(), x86));
        int valid = 0;
        int o0Divergent = 0;
        for (long seed = 0; seed < 1000; seed++) {
            GeneratedProgram g = gen.generate(seed);
            boolean atO2 = X86Target.compileO2(ProgramDef.of("gen" + seed, g.program())) != null;
            runs++;
            DifferentialRunner.Outcome o = runner.run(g.program(), g.mem());
            if (o.referenceValid()) valid++;
            if (atO2) {
                o2++;
                if (!o.agreed()) divergences.add("seed " + seed + " (-O2): " + o.divergences());
            } else {
                if (!o.agreed()) o0Divergent++;
                DifferentialRunner.Outcome same = fallback.run(g.program(), g.mem());
                if (!same.agreed()) divergences.add("seed " + seed + " (fallback differs from -O0): " + same.divergences());
            }
        }
        System.out.println("X86O2DifferentialTest generated: " + valid + " of " + runs + " run validly on the interpreter; "
                + o0Divergent + " fallback programs on which -O0 itself differs from the interpreter");
        assertNoDivergence("generated", 1000);
    }
}
