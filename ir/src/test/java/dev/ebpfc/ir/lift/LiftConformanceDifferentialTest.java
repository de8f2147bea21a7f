package dev.ebpfc.ir.lift;

import dev.ebpfc.frontend.FrontendException;
import dev.ebpfc.frontend.data.DataFile;
import dev.ebpfc.frontend.data.DataFileReader;
import dev.ebpfc.frontend.object.BpfObject;
import dev.ebpfc.frontend.object.ProgramDef;
import dev.ebpfc.ir.check.IrChecker;
import dev.ebpfc.ir.interp.IrEngine;
import dev.ebpfc.ir.Module;
import dev.ebpfc.runtime.ErrorKind;
import dev.ebpfc.runtime.RuntimeOptions;
import dev.ebpfc.runtime.conformance.ConformanceCase;
import dev.ebpfc.runtime.conformance.ConformanceRunner;
import dev.ebpfc.runtime.context.RunInput;
import dev.ebpfc.runtime.helpers.HelperProfile;
import dev.ebpfc.runtime.interp.StaticCheck;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/// Every bpf_conformance test (`tests/*.data`): the `ir` engine passes it as the interpreter does,
/// and on the test's `-- mem` the two interpreters agree on the whole result. Every program the
/// static check accepts lifts to well-formed IR.
class LiftConformanceDifferentialTest {
    static Path testsDir() {
        String dir = System.getProperty("ebpfc.conformance.dir");
        assertTrue(dir != null, "system property ebpfc.conformance.dir is not set");
        Path p = Path.of(dir, "tests");
        assertTrue(Files.isDirectory(p), p + " is missing");
        return p;
    }

    @Test
    void irEnginePassesTheConformanceSuite() {
        List<Path> files = ConformanceRunner.collect(List.of(testsDir()));
        assertTrue(files.size() >= 300, "only " + files.size() + " conformance tests");
        ConformanceRunner runner = new ConformanceRunner(new IrEngine());
        List<String> failed = new ArrayList<>();
        for (Path f : files) {
            ConformanceCase c = runner.run(f);
            if (!c.passed()) failed.add(f.getFileName() + ": " + c.detail());
        }
        assertEquals(List.of(), failed, failed.size() + " of " + files.size() + " failed on ir");
    }

    @Test
    void interpretersAgreeOnEveryConformanceProgram() {
        RuntimeOptions options = RuntimeOptions.conformance();
        List<String> mismatches = new ArrayList<>();
        int compared = 0, lifted = 0;
        for (Path f : ConformanceRunner.collect(List.of(testsDir()))) {
            DataFile data;
            ProgramDef def;
            try {
                data = DataFileReader.read(f);
                def = ProgramDef.of(f.getFileName().toString(), data.program());
            } catch (FrontendException e) {
                continue;
            }
            if (StaticCheck.check(def.program()) == null) {
                try {
                    Module m = Lifter.lift(def, List.of(), options.context(), HelperProfile.CONFORMANCE);
                    IrChecker.requireWellFormed(m);
                    lifted++;
                } catch (LiftException e) {
                    mismatches.add(f.getFileName() + ": accepted by the static check but not lifted: " + e.getMessage());
                }
            }
            BpfObject object = new BpfObject(f.toString(), List.of(def), List.of(), "");
            byte[] mem = data.mem();
            Differential.Pair p = Differential.run(object, 0, RunInput.of(mem == null ? new byte[0] : mem), options);
            String why = p.mismatch();
            if (why != null) mismatches.add(f.getFileName() + ": " + why);
            compared++;
        }
        System.out.println("conformance: " + compared + " programs compared, " + lifted + " lifted");
        assertEquals(List.of(), mismatches, mismatches.size() + " of " + compared + " differ");
    }
}
