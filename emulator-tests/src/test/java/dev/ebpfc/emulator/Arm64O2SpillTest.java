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
import dev.ebpfc.frontend.data.DataFileReader;
import dev.ebpfc.frontend.object.ProgramDef;
import dev.ebpfc.runtime.RuntimeOptions;
import dev.ebpfc.runtime.conformance.ConformanceCase;
import dev.ebpfc.runtime.conformance.ConformanceRunner;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/// The arm64 -O2 emitter's spill paths, run: the conformance suite compiled with three
/// allocatable registers (x6, x7 caller-saved, x19 callee-saved), so that operands, results,
/// edge copies (slot to slot included) and call arguments come from and go to spill slots, with
/// LL/SC and with LSE atomics.
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
            EmulatedEngine engine = new EmulatedEngine("arm64-O2-tiny", new Arm64EmulatedIsa(lse, TARGET),
                    CompileOptions.O0.withLevel(CompileOptions.Level.O2).withLse(lse));
            List<Path> files = ConformanceRunner.collect(List.of(X86ConformanceTest.suite().resolve("tests")));
            ConformanceRunner runner = new ConformanceRunner(engine);
            ProgramEnvironment env = new ProgramEnvironment(RuntimeOptions.conformance().profile(), null, List.of());
            StringBuilder failures = new StringBuilder();
            int spilled = 0;
            for (Path f : files) {
                ProgramDef def = ProgramDef.of(f.getFileName().toString(), DataFileReader.read(f).program());
                var stages = OptimisingCompiler.select(def, CompileOptions.O0.withLevel(CompileOptions.Level.O2).withEnvironment(env), TINY);
                if (stages != null && stages.functions().stream().map(SelectedFunction::allocation).anyMatch(a -> a.spilledCount() > 0)) spilled++;
                ConformanceCase c = runner.run(f);
                if (!c.passed()) failures.append(c.file()).append(": ").append(c.detail()).append('\n');
            }
            System.out.println("Arm64O2SpillTest" + (lse ? " (LSE)" : "") + ": " + spilled + " of " + files.size() + " programs spill");
            assertTrue(spilled > 100, spilled + " programs spill");
            assertEquals("", failures.toString());
        }
    }
}
