package dev.ebpfc.ir.lift;

import dev.ebpfc.frontend.FrontendException;
import dev.ebpfc.frontend.data.DataFile;
import dev.ebpfc.frontend.data.DataFileReader;
import dev.ebpfc.frontend.elf.ObjectLoader;
import dev.ebpfc.frontend.object.BpfObject;
import dev.ebpfc.frontend.object.ProgramDef;
import dev.ebpfc.ir.Module;
import dev.ebpfc.ir.interp.IrEngine;
import dev.ebpfc.ir.opt.PassContext;
import dev.ebpfc.ir.opt.Pipeline;
import dev.ebpfc.ir.opt.PipelineListener;
import dev.ebpfc.runtime.ExecutionResult;
import dev.ebpfc.runtime.RuntimeOptions;
import dev.ebpfc.runtime.conformance.ConformanceRunner;
import dev.ebpfc.runtime.context.ContextKind;
import dev.ebpfc.runtime.context.RunInput;
import dev.ebpfc.runtime.interp.Interpreter;
import dev.ebpfc.runtime.interp.StaticCheck;
import dev.ebpfc.runtime.maps.MapSet;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/// The optimiser before and after: for every conformance test, every ELF fixture and bench
/// program (on every packet of [TestPackets], load balancer tables filled), 10 000 generated
/// programs (`-Debpfc.optgen.count=N`; `-O1` and `-O2` only, [LiftGeneratedProgramsTest] does
/// `-O0`) and 3 000 stack-heavy ones ([StackProgramGenerator], `-Debpfc.optstack.count=N`), the
/// IR interpreter's whole result at `-O0`, `-O1` and `-O2` equals the bytecode interpreter's ([Differential#compare];
/// at `-O2` the helper-call traces without array-map lookups, which `helper-inline` removes). The
/// passes get the program's context kind, maps and helper numbering. The checker runs after every
/// pass; a malformed result is reported with the pass that made it. Lives beside the lifter's
/// differential helpers, which it reuses.
class OptDifferentialTest {
    private static final int[] LEVELS = {0, 1, 2};

    /// The pipeline of `level` with what a real compilation of program `entry` gives the passes:
    /// the helper numbering, the context kind and the object's maps (so `bce` and `helper-inline`
    /// run as they do when compiling).
    static UnaryOperator<Module> optimiser(int level, BpfObject object, int entry, RuntimeOptions options) {
        ContextKind kind = IrEngine.contextKind(object, entry, options);
        return m -> Pipeline.run(m, new PassContext(level, true, options.profile(), kind, object.maps()), PipelineListener.NONE);
    }

    /// What differs between the interpreter's result `expected` and the IR interpreter's at each
    /// level, or an empty list.
    static List<String> compareLevels(BpfObject object, int program, RunInput input, RuntimeOptions options,
                                      ExecutionResult expected, MapsFactory maps) {
        return compareLevels(object, program, input, options, expected, maps, LEVELS);
    }

    static List<String> compareLevels(BpfObject object, int program, RunInput input, RuntimeOptions options,
                                      ExecutionResult expected, MapsFactory maps, int... levels) {
        List<String> out = new ArrayList<>();
        for (int level : levels) {
            String why;
            try {
                MapSet m = maps.make();
                ExecutionResult r = IrEngine.interpreter(object, program, options, optimiser(level, object, program, options)).run(program, m, input);
                // helper-inline (-O2) turns array-map lookups into address arithmetic, which the
                // helper-call trace no longer shows; everything else is compared whole.
                why = level >= 2 ? OptPassesDifferentialTest.compare(expected, r, m, options) : Differential.compare(expected, r);
            } catch (RuntimeException e) {
                why = "optimiser failed: " + e.getMessage();
            }
            if (why != null) out.add("-O" + level + ": " + why);
        }
        return out;
    }

    interface MapsFactory {
        MapSet make();
    }

    @Test
    void conformanceProgramsAgreeAtEveryLevel() {
        RuntimeOptions options = RuntimeOptions.conformance();
        List<String> mismatches = new ArrayList<>();
        int compared = 0;
        for (Path f : ConformanceRunner.collect(List.of(LiftConformanceDifferentialTest.testsDir()))) {
            DataFile data;
            ProgramDef def;
            try {
                data = DataFileReader.read(f);
                def = ProgramDef.of(f.getFileName().toString(), data.program());
            } catch (FrontendException e) {
                continue;
            }
            BpfObject object = new BpfObject(f.toString(), List.of(def), List.of(), "");
            RunInput input = RunInput.of(data.mem() == null ? new byte[0] : data.mem());
            ExecutionResult expected = new Interpreter(object.programs(), options).run(0, new MapSet(object.maps()), input);
            for (String why : compareLevels(object, 0, input, options, expected, () -> new MapSet(object.maps()))) {
                mismatches.add(f.getFileName() + " " + why);
            }
            compared++;
        }
        System.out.println("opt conformance: " + compared + " programs at -O0, -O1, -O2");
        assertTrue(compared >= 300, "only " + compared + " conformance programs");
        assertEquals(List.of(), mismatches, mismatches.size() + " mismatches");
    }

    @Test
    void objectsAgreeAtEveryLevel() throws IOException {
        RuntimeOptions options = RuntimeOptions.linux();
        List<String> mismatches = new ArrayList<>();
        int runs = 0;
        for (Path f : LiftObjectsDifferentialTest.objects()) {
            BpfObject obj = ObjectLoader.load(f);
            for (int i = 0; i < obj.programs().size(); i++) {
                for (byte[] packet : TestPackets.all()) {
                    RunInput input = RunInput.of(packet);
                    ExecutionResult expected = new Interpreter(obj.programs(), options).run(i, LiftObjectsDifferentialTest.maps(obj), input);
                    for (String why : compareLevels(obj, i, input, options, expected, () -> LiftObjectsDifferentialTest.maps(obj))) {
                        mismatches.add(f.getFileName() + " " + obj.programs().get(i).name() + " (" + packet.length + "-byte packet) " + why);
                    }
                    runs++;
                }
            }
        }
        System.out.println("opt objects: " + runs + " runs at -O0, -O1, -O2");
        assertEquals(List.of(), mismatches, mismatches.size() + " mismatches");
    }

    @Test
    void stackHeavyProgramsAgreeAtEveryLevel() {
        int count = Integer.getInteger("ebpfc.optstack.count", 3_000);
        RuntimeOptions options = RuntimeOptions.conformance();
        List<String> failures = new ArrayList<>();
        int ran = 0;
        for (int i = 0; i < count && failures.size() < 5; i++) {
            ProgramDef def = new StackProgramGenerator(i).generate();
            String rejected = StaticCheck.check(def.program());
            if (rejected != null) {
                failures.add("seed " + i + ": invalid program: " + rejected + "\n" + def.program());
                continue;
            }
            BpfObject obj = new BpfObject("stack", List.of(def), List.of(), "");
            RunInput input = RunInput.of(new byte[64]);
            ExecutionResult expected = new Interpreter(obj.programs(), options).run(0, new MapSet(obj.maps()), input);
            List<String> why = compareLevels(obj, 0, input, options, expected, () -> new MapSet(obj.maps()));
            if (!why.isEmpty()) failures.add("seed " + i + ": " + String.join("; ", why) + "\n" + def.program());
            ran++;
        }
        System.out.println("opt stack-heavy: " + ran + " programs at -O0, -O1, -O2");
        assertEquals(List.of(), failures);
    }

    @Test
    void generatedProgramsAgreeAtEveryLevel() {
        int count = Integer.getInteger("ebpfc.optgen.count", 10_000);
        long base = Long.getLong("ebpfc.optgen.seed", 0x0b7e5L);
        RuntimeOptions options = RuntimeOptions.conformance();
        List<String> failures = new ArrayList<>();
        long t0 = System.nanoTime();
        int ran = 0;
        for (int i = 0; i < count && failures.size() < 5; i++) {
            long seed = base + i;
            ProgramDef def = new BpfProgramGenerator(seed).generate();
            if (StaticCheck.check(def.program()) != null) continue;
            BpfObject obj = new BpfObject("gen", List.of(def), List.of(), "");
            RunInput input = RunInput.of(BpfProgramGenerator.mem(seed));
            ExecutionResult expected = new Interpreter(obj.programs(), options).run(0, new MapSet(obj.maps()), input);
            // -O0 against the interpreter is LiftGeneratedProgramsTest's, on 10 000 programs of the same generator.
            List<String> why = compareLevels(obj, 0, input, options, expected, () -> new MapSet(obj.maps()), 1, 2);
            if (!why.isEmpty()) failures.add("seed " + seed + ": " + String.join("; ", why) + "\n" + def.program());
            ran++;
        }
        System.out.printf("opt generated: %d programs at -O1, -O2, %.1f s%n", ran, (System.nanoTime() - t0) / 1e9);
        assertEquals(List.of(), failures);
    }
}
