package dev.ebpfc.emulator.fuzz;

import dev.ebpfc.emulator.diff.DifferentialRunner;
import dev.ebpfc.frontend.data.DataFile;
import dev.ebpfc.frontend.data.DataFileReader;
import dev.ebpfc.runtime.conformance.ConformanceRunner;
import dev.ebpfc.runtime.interp.InterpreterEngine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/// A campaign against a broken engine finds it, and every reproducer it writes is a regression
/// test: named after the engine, the field and the seed, shrunk, diverging when read back, passing
/// on the interpreter and (when the divergence is in r0 or the error) failing on the broken engine.
class FuzzMutantCampaignTest {
    @TempDir
    Path out;

    @Test
    void findsShrinksAndWritesFailingReproducers() throws Exception {
        FuzzMutantEngine mutant = new FuzzMutantEngine(FuzzMutantEngine.Mutant.ARSH_AS_RSH);
        List<EngineFactory> engines = List.of(EngineCatalog.ALL.get(0), FuzzMutantEngine.factory(FuzzMutantEngine.Mutant.ARSH_AS_RSH));
        CampaignReport r = new FuzzCampaign(engines, CampaignConfig.programs(1, 120).withJobs(2).withOut(out)).run();
        System.out.println("FuzzMutantCampaignTest:\n" + r.table());
        assertFalse(r.clean());
        assertTrue(r.divergent() > 0 && !r.findings().isEmpty(), r.table());
        assertEquals(r.divergent(), r.engine(mutant.name()).divergences());
        assertTrue(r.engine("interp").opcodes().containsAll(r.engine(mutant.name()).opcodes()));

        DifferentialRunner runner = new DifferentialRunner(List.of(new InterpreterEngine(), mutant));
        int visible = 0;
        for (Finding f : r.findings()) {
            Path file = f.file();
            assertTrue(Files.exists(file));
            assertTrue(file.getFileName().toString().matches("mutant-arsh-as-rsh-[a-z0-9-]+-seed" + f.seed() + "\\.data"), file.toString());
            assertTrue(f.shrunk() && f.program().size() <= 10, f.program().size() + " instructions:\n" + f.program());
            DataFile back = DataFileReader.read(file);
            DifferentialRunner.Outcome o = runner.run(back.program(), back.mem() == null ? new byte[0] : back.mem());
            assertTrue(o.referenceValid() && !o.agreed(), "read back, " + file + " does not diverge:\n" + Files.readString(file));
            assertTrue(new ConformanceRunner(new InterpreterEngine()).run(file).passed(), "the reference fails " + file);
            if (f.visibleInResult()) {
                visible++;
                assertFalse(new ConformanceRunner(mutant).run(file).passed(), "the mutant passes " + file);
            }
        }
        assertTrue(visible > 0, "no finding is visible in -- result");
    }

    @Test
    void withoutShrinkingTheProgramIsWrittenAsFound() {
        List<EngineFactory> engines = List.of(EngineCatalog.ALL.get(0), FuzzMutantEngine.factory(FuzzMutantEngine.Mutant.JMP32_JGT_COMPARES_64));
        CampaignReport r = new FuzzCampaign(engines, CampaignConfig.programs(39, 1).withOut(out).withShrinkCandidates(0)).run();
        assertEquals(1, r.findings().size(), r.table());
        Finding f = r.findings().getFirst();
        assertFalse(f.shrunk());
        assertEquals(f.originalInsns(), f.program().size());
        assertTrue(new ConformanceRunner(new InterpreterEngine()).run(f.file()).passed());
    }
}
