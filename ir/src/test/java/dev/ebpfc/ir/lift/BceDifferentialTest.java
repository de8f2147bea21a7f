package dev.ebpfc.ir.lift;

import dev.ebpfc.frontend.FrontendException;
import dev.ebpfc.frontend.data.DataFile;
import dev.ebpfc.frontend.data.DataFileReader;
import dev.ebpfc.frontend.elf.ObjectLoader;
import dev.ebpfc.frontend.object.BpfObject;
import dev.ebpfc.frontend.object.ProgramDef;
import dev.ebpfc.ir.Module;
import dev.ebpfc.ir.interp.IrEngine;
import dev.ebpfc.ir.interp.IrInterpreter;
import dev.ebpfc.ir.opt.Pass;
import dev.ebpfc.ir.opt.PassContext;
import dev.ebpfc.ir.opt.Pipeline;
import dev.ebpfc.ir.opt.PipelineListener;
import dev.ebpfc.runtime.ExecutionResult;
import dev.ebpfc.runtime.RuntimeOptions;
import dev.ebpfc.runtime.conformance.ConformanceRunner;
import dev.ebpfc.runtime.context.ContextKind;
import dev.ebpfc.runtime.context.RunInput;
import dev.ebpfc.runtime.interp.Interpreter;
import dev.ebpfc.runtime.maps.MapSet;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/// Bounds-check elimination (`bce`) before against after: each program with `bce` alone and with
/// the whole -O2 pipeline must give the bytecode interpreter's result, over every conformance
/// test and every ELF fixture and bench program on every test packet (the helpers of
/// [OptPassesDifferentialTest]). Prints how many branches `bce` folds alone, per program.
class BceDifferentialTest {
    private static final Pass BCE = Pipeline.passes(2).stream().filter(p -> p.name().equals("bce")).findFirst().orElseThrow();
    private static final Pass O2 = new Pass() {
        @Override
        public String name() {
            return "-O2";
        }

        @Override
        public void run(Module module, PassContext context) {
            Pipeline.run(module, context, PipelineListener.NONE);
        }
    };
    private static final List<Pass> BOTH = List.of(BCE, O2);

    @Test
    void bceKeepsTheConformanceResults() {
        RuntimeOptions options = RuntimeOptions.conformance();
        List<String> mismatches = new ArrayList<>();
        int compared = 0;
        long folded = 0;
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
            byte[] mem = data.mem() == null ? new byte[0] : data.mem();
            ExecutionResult reference = new Interpreter(object.programs(), options).run(0, new MapSet(object.maps()), RunInput.of(mem));
            for (Pass pass : BOTH) {
                String why = OptPassesDifferentialTest.compare(reference,
                        OptPassesDifferentialTest.optimised(object, 0, options, pass).run(0, new MapSet(object.maps()), RunInput.of(mem)), null, options);
                if (why != null) mismatches.add(pass.name() + " " + f.getFileName() + ": " + why);
            }
            folded += foldedAlone(object, 0, options);
            compared++;
        }
        System.out.println("bce conformance: " + compared + " programs, " + folded + " branches folded by bce alone");
        assertEquals(List.of(), mismatches);
    }

    /// Found by the arm64 -O2 differential campaign (generated seed 702, shrunk): @fn_12's store
    /// runs only when its r4 is negative, which only the call from @fn_6 passes, and @fn_6 is
    /// reached through `callx`, which the verifier does not follow. Its facts then said the
    /// branch always skips the store; bce leaves modules with indirect calls alone.
    @Test
    void bceLeavesModulesWithIndirectCallsAlone() {
        RuntimeOptions options = RuntimeOptions.conformance();
        ProgramDef def = ProgramDef.of("callx-context", dev.ebpfc.frontend.asm.Assembler.assemble("""
                lddw %r7, func 5
                call %r7
                mov %r1, 0
                call local +4
                exit
                mov %r4, -1
                call local +4
                exit
                mov %r4, 0
                call local +1
                exit
                stb [%r10-56], 0
                stb [%r10-55], 0
                stb [%r10-54], 0
                stb [%r10-53], 0
                jsge32 %r4, 0, +1
                stb [%r1+0], 0
                mov %r0, 0
                exit
                """));
        BpfObject object = new BpfObject("callx-context", List.of(def), List.of(), "");
        byte[] mem = {8};
        ExecutionResult reference = new Interpreter(object.programs(), options).run(0, new MapSet(object.maps()), RunInput.of(mem.clone()));
        for (Pass pass : BOTH) {
            String why = OptPassesDifferentialTest.compare(reference,
                    OptPassesDifferentialTest.optimised(object, 0, options, pass).run(0, new MapSet(object.maps()), RunInput.of(mem.clone())), null, options);
            assertEquals(null, why, pass.name());
        }
    }

    @Test
    void bceKeepsTheFixtureAndBenchResults() throws Exception {
        RuntimeOptions options = RuntimeOptions.linux();
        List<String> mismatches = new ArrayList<>();
        StringBuilder table = new StringBuilder();
        long benchTotal = 0, fixtureTotal = 0, benchO2 = 0, fixtureO2 = 0;
        int runs = 0;
        for (Path f : LiftObjectsDifferentialTest.objects()) {
            BpfObject obj = ObjectLoader.load(f);
            for (int i = 0; i < obj.programs().size(); i++) {
                long n = foldedAlone(obj, i, options);
                long n2 = folded(obj, i, options, O2);
                boolean bench = f.toString().contains("bench");
                if (bench) {
                    benchTotal += n;
                    benchO2 += n2;
                } else {
                    fixtureTotal += n;
                    fixtureO2 += n2;
                }
                table.append(String.format("  %-8s %-28s %-24s alone %3d  in -O2 %3d%n", bench ? "bench" : "fixture", f.getFileName(), obj.programs().get(i).name(), n, n2));
                List<IrInterpreter> engines = new ArrayList<>();
                for (Pass pass : BOTH) engines.add(OptPassesDifferentialTest.optimised(obj, i, options, pass));
                for (byte[] packet : TestPackets.all()) {
                    MapSet ma = LiftObjectsDifferentialTest.maps(obj);
                    ExecutionResult a = new Interpreter(obj.programs(), options).run(i, ma, RunInput.of(packet));
                    for (int p = 0; p < BOTH.size(); p++) {
                        MapSet mb = LiftObjectsDifferentialTest.maps(obj);
                        String why = OptPassesDifferentialTest.compare(a, engines.get(p).run(i, mb, RunInput.of(packet)), mb, options);
                        if (why != null) {
                            mismatches.add(BOTH.get(p).name() + " " + f.getFileName() + " " + obj.programs().get(i).name()
                                    + " (" + packet.length + "-byte packet): " + why);
                        }
                        runs++;
                    }
                }
            }
        }
        System.out.println("bce objects: " + runs + " runs; branches folded by bce alone (bench " + benchTotal + ", fixtures " + fixtureTotal
                + "), in -O2 (bench " + benchO2 + ", fixtures " + fixtureO2 + "):\n" + table);
        assertEquals(List.of(), mismatches);
    }

    /// Branches `bce` alone folds in program `entry` of `object`, lifted for its context.
    private static long foldedAlone(BpfObject object, int entry, RuntimeOptions options) {
        return folded(object, entry, options, BCE);
    }

    /// Branches `bce` folds in program `entry` of `object` within `pass` (`bce` or -O2).
    private static long folded(BpfObject object, int entry, RuntimeOptions options, Pass pass) {
        ContextKind kind = IrEngine.contextKind(object, entry, options);
        Module m;
        try {
            m = Lifter.lift(object.programs().get(entry), object.maps(), kind, options.profile());
        } catch (LiftException e) {
            return 0;
        }
        PassContext cx = new PassContext(2, true, options.profile(), kind, object.maps());
        pass.run(m, cx);
        return cx.counters().getOrDefault("bce.folded", 0L);
    }
}
