package dev.ebpfc.emulator;

import dev.ebpfc.backend.ProgramEnvironment;
import dev.ebpfc.backend.select.OptimisingCompiler;
import dev.ebpfc.frontend.data.DataFileReader;
import dev.ebpfc.frontend.object.ProgramDef;
import dev.ebpfc.runtime.RuntimeOptions;
import dev.ebpfc.runtime.conformance.ConformanceCase;
import dev.ebpfc.runtime.conformance.ConformanceRunner;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/// What every -O2 code generator must do under emulation, one subclass per ISA: pass the whole
/// conformance suite (reporting which programs the lifter refuses, which run the -O0 code), and
/// the [DifferentialContract] with array-map lookups dropped from both traces.
abstract class O2EngineContract extends DifferentialContract {
    /// The -O2 engine under test.
    abstract EmulatedEngine engine();

    @Override
    final List<EmulatedEngine> createEngines() {
        return List.of(engine());
    }

    @Override
    final boolean optimised() {
        return true;
    }

    @Test
    void conformanceSuitePassesAtO2() {
        List<Path> files = ConformanceRunner.collect(List.of(X86ConformanceTest.suite().resolve("tests")));
        assertEquals(313, files.size(), "the suite has 313 tests");
        ConformanceRunner runner = new ConformanceRunner(engines().getFirst());
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
}
