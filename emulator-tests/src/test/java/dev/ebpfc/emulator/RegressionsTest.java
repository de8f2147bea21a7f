package dev.ebpfc.emulator;

import dev.ebpfc.emulator.diff.DifferentialRunner;
import dev.ebpfc.emulator.diff.Divergence;
import dev.ebpfc.emulator.fuzz.EngineCatalog;
import dev.ebpfc.emulator.fuzz.EngineFactory;
import dev.ebpfc.frontend.data.DataFile;
import dev.ebpfc.frontend.data.DataFileReader;
import dev.ebpfc.runtime.Engine;
import dev.ebpfc.runtime.conformance.ConformanceCase;
import dev.ebpfc.runtime.conformance.ConformanceRunner;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/// Purpose: the regression suite of programs that once broke an engine. Every conformance-style
/// `.data` file under `src/test/resources/regressions/` (one per bug, named after what it found)
/// runs on every engine of [EngineCatalog]: each must pass the file's `-- result` as a
/// conformance test, and each must leave the same whole state as the interpreter (r0, error,
/// memory, helper-call trace; [dev.ebpfc.emulator.diff.ResultDiff]), which also catches bugs
/// that r0 does not show. A new engine in the catalog runs them all with no change here.
class RegressionsTest {
    static final Path FOLDER = Path.of("src/test/resources/regressions");

    @Test
    void everyRegressionPassesOnEveryEngine() {
        List<Path> files = ConformanceRunner.collect(List.of(FOLDER));
        assertTrue(files.size() >= 3, "regression files found under " + FOLDER.toAbsolutePath() + ": " + files);
        List<Engine> engines = EngineCatalog.ALL.stream().map(EngineFactory::create).toList();
        assertEquals("interp", engines.getFirst().name(), "the catalog's first engine is the reference");
        DifferentialRunner runner = new DifferentialRunner(engines);
        StringBuilder failures = new StringBuilder();
        int runs = 0;
        for (Path f : files) {
            for (Engine e : engines) {
                ConformanceCase c = new ConformanceRunner(e).run(f);
                runs++;
                if (!c.passed()) failures.append(f.getFileName()).append(" on ").append(e.name()).append(": ").append(c.detail()).append('\n');
            }
            DataFile data = DataFileReader.read(f);
            byte[] mem = data.mem() == null ? new byte[0] : data.mem();
            DifferentialRunner.Outcome o = runner.run(data.program(), mem);
            for (Divergence d : o.divergences()) failures.append(f.getFileName()).append(": ").append(d.describe()).append('\n');
        }
        assertEquals("", failures.toString(), "regressions failing (" + runs + " conformance runs over " + files.size() + " files)");
        System.out.println("RegressionsTest: " + files.size() + " files on " + EngineCatalog.ALL.stream().map(EngineFactory::name).toList() + ", whole states equal");
    }
}
