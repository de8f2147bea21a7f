package dev.ebpfc.emulator.diff;

import dev.ebpfc.emulator.gen.GeneratedProgram;
import dev.ebpfc.emulator.gen.ProgramGenerator;
import dev.ebpfc.emulator.gen.Reproducer;
import dev.ebpfc.emulator.gen.Shrinker;
import dev.ebpfc.frontend.data.DataFile;
import dev.ebpfc.frontend.data.DataFileReader;
import dev.ebpfc.runtime.RuntimeOptions;
import dev.ebpfc.runtime.conformance.ConformanceRunner;
import dev.ebpfc.runtime.interp.InterpreterEngine;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/// Proof of power before any JIT exists: each [MutantEngine] bug is found by the generator and
/// the differential runner within a bounded number of programs, shrunk to a handful of
/// instructions, written as a `.data` file, and still diverges when that file is read back.
/// Prints the table (mutant, programs needed, size before and after shrinking).
class DiffMutantDetectionTest {
    /// Programs a mutant may take to show.
    private static final int PROGRAM_BOUND = 500;
    /// Instructions a shrunk reproducer may keep.
    private static final int SIZE_BOUND = 10;
    private static final Map<String, String> table = new TreeMap<>();

    @TempDir
    static Path dir;

    @ParameterizedTest
    @EnumSource(MutantEngine.Mutant.class)
    void caughtShrunkAndReproduced(MutantEngine.Mutant mutant) {
        long start = System.nanoTime();
        MutantEngine engine = new MutantEngine(mutant);
        DifferentialRunner runner = new DifferentialRunner(List.of(new InterpreterEngine(), engine));
        ProgramGenerator gen = new ProgramGenerator();
        GeneratedProgram found = null;
        Divergence divergence = null;
        int programs = 0;
        while (found == null && programs < PROGRAM_BOUND) {
            GeneratedProgram g = gen.generate(programs++);
            DifferentialRunner.Outcome o = runner.run(g.program(), g.mem());
            if (!o.agreed()) {
                found = g;
                divergence = o.divergences().get(0);
            }
        }
        if (found == null) fail(mutant + " not caught by " + PROGRAM_BOUND + " programs");

        // Shrink with a budget a few times what the original needed: candidates that loop
        // forever (a removed counter update) fail fast instead of burning 10 million steps.
        long executed = divergence.expected().executed();
        DifferentialRunner shrinkRunner = new DifferentialRunner(runner.engines(),
                RuntimeOptions.conformance().withBudget(Math.max(100_000, 4 * executed)));
        // Prefer a reproducer the conformance runner fails on the broken engine (r0 or error differs).
        boolean visible = divergence.visibleInResult();
        Shrinker.Result shrunk = new Shrinker(visible ? shrinkRunner.stillDivergesInResult(engine.name()) : shrinkRunner.stillDiverges(engine.name()))
                .shrink(found.program(), found.mem());

        DifferentialRunner.Outcome again = runner.run(shrunk.program(), shrunk.mem());
        assertTrue(!again.agreed() && again.referenceValid(), "shrunk program no longer diverges");
        String comment = "Found by the differential runner: " + engine.name() + " (" + mutant.description + ") against interp\n"
                + "generator seed " + found.seed() + ", " + found.program().size() + " instructions, shrunk to " + shrunk.program().size() + "\n"
                + again.divergences().get(0).summary();
        Path file = Reproducer.write(shrunk.program(), shrunk.mem(), comment, again.reference().r0(),
                dir.resolve(engine.name() + ".data"));

        DataFile back = DataFileReader.read(file);
        byte[] mem = back.mem() == null ? new byte[0] : back.mem();
        DifferentialRunner.Outcome reread = runner.run(back.program(), mem);
        assertTrue(!reread.agreed() && reread.referenceValid(), "the written .data file does not diverge:\n" + text(file));
        assertEquals(again.reference().r0(), back.result().getAsLong());
        assertTrue(new ConformanceRunner(new InterpreterEngine()).run(file).passed(), "reference fails its own reproducer");
        if (visible) assertFalse(new ConformanceRunner(engine).run(file).passed(), "the broken engine passes its reproducer");

        double secs = (System.nanoTime() - start) / 1e9;
        table.put(mutant.name(), String.format("%-36s %4d programs  %4d -> %2d instructions  mem %4d -> %3d bytes  %5d candidates  %5.2f s  %s%s",
                mutant, programs, found.program().size(), shrunk.program().size(), found.mem().length, shrunk.mem().length,
                shrunk.candidates(), secs, visible ? "" : "(first seen outside r0) ", again.divergences().get(0).summary()));
        assertTrue(programs <= PROGRAM_BOUND);
        assertTrue(shrunk.program().size() <= SIZE_BOUND, mutant + " shrunk only to " + shrunk.program().size() + ":\n" + shrunk.program());
    }

    @Test
    void everyMutantIsDistinctFromTheInterpreter() {
        assertEquals(MutantEngine.Mutant.values().length, Arrays.stream(MutantEngine.Mutant.values())
                .map(m -> new MutantEngine(m).name()).distinct().count());
    }

    @AfterAll
    static void report() {
        System.out.println("DiffMutantDetectionTest (mutant, programs until caught, original -> shrunk size):");
        table.values().forEach(System.out::println);
    }

    /// The file's text, for failure messages.
    private static String text(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return p + ": " + e.getMessage();
        }
    }
}
