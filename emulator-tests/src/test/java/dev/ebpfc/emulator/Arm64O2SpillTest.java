package dev.ebpfc.emulator;

import dev.ebpfc.backend.CompileOptions;
import dev.ebpfc.backend.CompiledProgram;
import dev.ebpfc.backend.ProgramEnvironment;
import dev.ebpfc.backend.Target;
import dev.ebpfc.backend.arm64.Arm64Machine;
import dev.ebpfc.backend.arm64.Arm64Target;
import dev.ebpfc.backend.regalloc.RegisterSet;
import dev.ebpfc.backend.select.OptimisingCompiler;
import dev.ebpfc.backend.select.SelectedFunction;
import dev.ebpfc.runtime.helpers.InlinedLookups;
import dev.ebpfc.emulator.diff.ResultDiff;
import dev.ebpfc.frontend.data.DataFileReader;
import dev.ebpfc.frontend.elf.ObjectLoader;
import dev.ebpfc.frontend.object.BpfObject;
import dev.ebpfc.frontend.object.ProgramDef;
import dev.ebpfc.runtime.Engine;
import dev.ebpfc.runtime.ExecutionResult;
import dev.ebpfc.runtime.RuntimeOptions;
import dev.ebpfc.runtime.conformance.ConformanceCase;
import dev.ebpfc.runtime.conformance.ConformanceRunner;
import dev.ebpfc.runtime.context.RunInput;
import dev.ebpfc.runtime.interp.InterpreterEngine;
import dev.ebpfc.runtime.maps.MapSet;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/// The arm64 -O2 emitter's spill paths, run: the conformance suite (LL/SC and LSE atomics) and
/// the bench programs compiled with three allocatable registers (x6, x7 caller-saved, x19
/// callee-saved), so that operands, results, edge copies (slot to slot included) and call
/// arguments come from and go to spill slots.
class Arm64O2SpillTest {
    private static final Arm64Machine TINY = new Arm64Machine(new RegisterSet(List.of(6, 7), List.of(19),
            List.of(9, 10, 11, 12, 13, 16, 17)));

    /// -O2 with [#TINY]; the -O0 code for programs the lifter refuses.
    private static final Target TARGET = new Target() {
        @Override
        public String name() {
            return "arm64";
        }

        @Override
        public CompiledProgram compile(ProgramDef program, CompileOptions options) {
            CompiledProgram c = OptimisingCompiler.compile(program, options, TINY);
            return c != null ? c : new Arm64Target().compile(program, options.withLevel(CompileOptions.Level.O0));
        }
    };

    @Test
    void conformanceSuiteWithThreeRegisters() {
        for (boolean lse : new boolean[]{false, true}) {
            EmulatedEngine engine = engine(lse);
            List<Path> files = ConformanceRunner.collect(List.of(X86ConformanceTest.suite().resolve("tests")));
            ConformanceRunner runner = new ConformanceRunner(engine);
            ProgramEnvironment env = new ProgramEnvironment(RuntimeOptions.conformance().profile(), null, List.of());
            StringBuilder failures = new StringBuilder();
            int spilled = 0;
            for (Path f : files) {
                ProgramDef def = ProgramDef.of(f.getFileName().toString(), DataFileReader.read(f).program());
                if (spills(def, env)) spilled++;
                ConformanceCase c = runner.run(f);
                if (!c.passed()) failures.append(c.file()).append(": ").append(c.detail()).append('\n');
            }
            System.out.println("Arm64O2SpillTest" + (lse ? " (LSE)" : "") + ": " + spilled + " of " + files.size() + " conformance programs spill");
            assertEquals("", failures.toString());
            assertTrue(spilled >= 10, spilled + " programs spill");
        }
    }

    /// Every bench program spills with three registers; each must leave the interpreter's state.
    @Test
    void benchProgramsWithThreeRegisters() throws IOException {
        Engine interp = new InterpreterEngine();
        EmulatedEngine engine = engine(false);
        List<String> divergences = new ArrayList<>();
        int spilled = 0, runs = 0;
        for (Path f : TestInputs.objects(Path.of("../bench/programs/obj"))) {
            BpfObject object = ObjectLoader.load(f);
            for (int p = 0; p < object.programs().size(); p++) {
                RuntimeOptions options = RuntimeOptions.linux();
                if (spills(object.programs().get(p), ProgramEnvironment.of(object, options.profile(), options.context()))) spilled++;
                MapSet m1 = new MapSet(object.maps()), m2 = new MapSet(object.maps());
                byte[] packet = TestInputs.httpPacket();
                ExecutionResult a = InlinedLookups.drop(interp.run(object, p, m1, RunInput.of(packet), options), m1, options);
                ExecutionResult b = InlinedLookups.drop(engine.run(object, p, m2, RunInput.of(packet), options), m2, options);
                runs++;
                String diff = ResultDiff.describe("interp", a, engine.name(), b);
                if (!diff.isEmpty()) divergences.add(f.getFileName() + ": " + diff);
            }
        }
        System.out.println("Arm64O2SpillTest: " + spilled + " of " + runs + " bench programs spill, " + divergences.size() + " diverge");
        assertTrue(spilled >= runs - 2, spilled + " of " + runs + " spill");
        assertEquals("", String.join("\n", divergences));
    }

    private static EmulatedEngine engine(boolean lse) {
        return new EmulatedEngine("arm64-O2-tiny", new Arm64EmulatedIsa(lse, TARGET), CompileOptions.O0.withLevel(CompileOptions.Level.O2).withLse(lse));
    }

    private static boolean spills(ProgramDef def, ProgramEnvironment env) {
        var stages = OptimisingCompiler.select(def, CompileOptions.O0.withLevel(CompileOptions.Level.O2).withEnvironment(env), TINY);
        return stages != null && stages.functions().stream().map(SelectedFunction::allocation).anyMatch(a -> a.spilledCount() > 0);
    }
}
