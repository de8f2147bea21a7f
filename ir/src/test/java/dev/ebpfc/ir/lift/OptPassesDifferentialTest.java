package dev.ebpfc.ir.lift;

import dev.ebpfc.frontend.FrontendException;
import dev.ebpfc.frontend.data.DataFile;
import dev.ebpfc.frontend.data.DataFileReader;
import dev.ebpfc.frontend.elf.ObjectLoader;
import dev.ebpfc.frontend.object.BpfObject;
import dev.ebpfc.frontend.object.ProgramDef;
import dev.ebpfc.ir.Block;
import dev.ebpfc.ir.Function;
import dev.ebpfc.ir.Module;
import dev.ebpfc.ir.check.IrChecker;
import dev.ebpfc.ir.interp.IrEngine;
import dev.ebpfc.ir.interp.IrInterpreter;
import dev.ebpfc.ir.interp.IrProgram;
import dev.ebpfc.ir.opt.Pass;
import dev.ebpfc.ir.opt.PassContext;
import dev.ebpfc.ir.opt.Pipeline;
import dev.ebpfc.ir.opt.PipelineListener;
import dev.ebpfc.runtime.ErrorKind;
import dev.ebpfc.runtime.ExecutionResult;
import dev.ebpfc.runtime.RuntimeOptions;
import dev.ebpfc.runtime.conformance.ConformanceRunner;
import dev.ebpfc.runtime.context.ContextKind;
import dev.ebpfc.runtime.context.RunInput;
import dev.ebpfc.runtime.helpers.InlinedLookups;
import dev.ebpfc.runtime.interp.Interpreter;
import dev.ebpfc.runtime.interp.StaticCheck;
import dev.ebpfc.runtime.maps.MapSet;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/// Each -O2 pass alone, before against after: a program is lifted, the one pass runs (the checker
/// must accept its output), and the IR interpreter's result on the optimised IR must equal the
/// bytecode interpreter's on the same input — over every conformance test, every ELF fixture and
/// bench program on every test packet, and generated programs (5 000 per build;
/// `-Debpfc.opt.gen.count=N` for more). The whole -O2 pipeline (checked between passes) runs the
/// same way, on the first 1 000 generated programs. Failures name the pass, the program and the difference.
///
/// The helper-call trace is compared too, except for `map_lookup_elem` calls on array maps:
/// helper inlining turns those into address arithmetic, so optimised code no longer calls (nor
/// records) them, and the trace of an inlined lookup exists only at -O0. Both sides drop them, so
/// every other helper call is still compared in order, with its arguments and result.
///
/// Lives beside the lifter's differential tests to share their packets, map contents and program
/// generator.
class OptPassesDifferentialTest {
    private static final List<Pass> PASSES = Pipeline.passes(2);
    /// The whole -O2 pipeline as one pass, checked between passes: how the passes compose.
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
    /// Each pass alone, then the pipeline.
    private static final List<Pass> ALL = java.util.stream.Stream.concat(PASSES.stream(), java.util.stream.Stream.of(O2)).toList();

    @Test
    void eachPassAloneKeepsTheConformanceResults() {
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
            byte[] mem = data.mem() == null ? new byte[0] : data.mem();
            ExecutionResult reference = new Interpreter(object.programs(), options).run(0, new MapSet(object.maps()), RunInput.of(mem));
            for (Pass pass : ALL) {
                String why = compare(reference, optimised(object, 0, options, pass).run(0, new MapSet(object.maps()), RunInput.of(mem)), null, options);
                if (why != null) mismatches.add(pass.name() + " " + f.getFileName() + ": " + why);
            }
            compared++;
        }
        System.out.println("opt conformance: " + compared + " programs x " + ALL.size() + " pass lists");
        assertEquals(List.of(), mismatches);
    }

    @Test
    void eachPassAloneKeepsTheFixtureAndBenchResults() throws Exception {
        RuntimeOptions options = RuntimeOptions.linux();
        List<String> mismatches = new ArrayList<>();
        int runs = 0;
        for (Path f : LiftObjectsDifferentialTest.objects()) {
            BpfObject obj = ObjectLoader.load(f);
            for (int i = 0; i < obj.programs().size(); i++) {
                List<IrInterpreter> engines = new ArrayList<>();
                for (Pass pass : ALL) engines.add(optimised(obj, i, options, pass));
                for (byte[] packet : TestPackets.all()) {
                    MapSet ma = LiftObjectsDifferentialTest.maps(obj);
                    ExecutionResult a = new Interpreter(obj.programs(), options).run(i, ma, RunInput.of(packet));
                    for (int p = 0; p < ALL.size(); p++) {
                        MapSet mb = LiftObjectsDifferentialTest.maps(obj);
                        String why = compare(a, engines.get(p).run(i, mb, RunInput.of(packet)), mb, options);
                        if (why != null) {
                            mismatches.add(ALL.get(p).name() + " " + f.getFileName() + " " + obj.programs().get(i).name()
                                    + " (" + packet.length + "-byte packet): " + why);
                        }
                        runs++;
                    }
                }
            }
        }
        System.out.println("opt objects: " + runs + " runs");
        assertEquals(List.of(), mismatches);
    }

    @Test
    void eachPassAloneKeepsGeneratedProgramResults() {
        int count = Integer.getInteger("ebpfc.opt.gen.count", 5_000);
        long base = Long.getLong("ebpfc.opt.gen.seed", 0x0b7e5L);
        RuntimeOptions options = RuntimeOptions.conformance();
        List<String> failures = new ArrayList<>();
        long t0 = System.nanoTime();
        // The lifter's own check of every lift is left out here (the IR is checked after the pass,
        // and LiftGeneratedProgramsTest checks lifts): it would double this test's time.
        String liftCheck = System.getProperty("ebpfc.lift.check");
        System.setProperty("ebpfc.lift.check", "false");
        try {
            run(count, base, options, failures);
        } finally {
            if (liftCheck == null) System.clearProperty("ebpfc.lift.check");
            else System.setProperty("ebpfc.lift.check", liftCheck);
        }
        System.out.printf("opt generated: %d programs x %d passes, %.1f s%n", count, PASSES.size(), (System.nanoTime() - t0) / 1e9);
        assertEquals(List.of(), failures);
    }

    private static void run(int count, long base, RuntimeOptions options, List<String> failures) {
        for (int k = 0; k < count && failures.size() < 5; k++) {
            long seed = base + k;
            ProgramDef def = new BpfProgramGenerator(seed).generate();
            if (StaticCheck.check(def.program()) != null) continue;
            BpfObject obj = new BpfObject("gen", List.of(def), List.of(), "");
            ExecutionResult a = new Interpreter(obj.programs(), options).run(0, new MapSet(obj.maps()), RunInput.of(BpfProgramGenerator.mem(seed)));
            // Every pass alone on each program, and the whole pipeline on the first thousand.
            for (Pass pass : k < 1000 ? ALL : PASSES) {
                String why;
                try {
                    ExecutionResult b = optimised(obj, 0, options, pass).run(0, new MapSet(obj.maps()), RunInput.of(BpfProgramGenerator.mem(seed)));
                    why = compare(a, b, null, options);
                } catch (RuntimeException e) {
                    why = e.toString();
                }
                if (why != null) failures.add(pass.name() + " seed " + seed + ": " + why + "\n" + def.program());
            }
        }
    }

    /// Instructions each pass removes alone, after lifting, from every bench program, with the
    /// pass's own counters (LICM moves rather than removes; helper inlining trades a call for a
    /// few instructions), and the whole -O2 pipeline. Printed for the record; asserts only that no
    /// pass but helper inlining grows a program.
    @Test
    void instructionsRemovedPerPassOnBenchPrograms() throws Exception {
        RuntimeOptions options = RuntimeOptions.linux();
        Map<String, Long> removedTotal = new LinkedHashMap<>();
        Map<String, Long> counters = new java.util.TreeMap<>();
        StringBuilder table = new StringBuilder(String.format("%-14s %7s", "bench program", "lifted"));
        for (Pass p : ALL) table.append(String.format(" %15s", p.name()));
        table.append('\n');
        List<String> grown = new ArrayList<>();
        int liftedTotal = 0;
        for (Path f : LiftObjectsDifferentialTest.objects()) {
            if (!f.toString().contains("bench")) continue;
            BpfObject obj = ObjectLoader.load(f);
            for (int i = 0; i < obj.programs().size(); i++) {
                ProgramDef def = obj.programs().get(i);
                ContextKind kind = IrEngine.contextKind(obj, i, options);
                int lifted = size(Lifter.lift(def, obj.maps(), kind, options.profile()));
                liftedTotal += lifted;
                table.append(String.format("%-14s %7d", f.getFileName().toString().replace(".o", ""), lifted));
                for (Pass pass : ALL) {
                    Module m = Lifter.lift(def, obj.maps(), kind, options.profile());
                    PassContext cx = new PassContext(2, true, options.profile(), kind, obj.maps());
                    pass.run(m, cx);
                    int removed = lifted - size(m);
                    if (removed < 0 && !pass.name().equals("helper-inline") && pass != O2) grown.add(pass.name() + " grows " + f.getFileName() + " by " + -removed);
                    removedTotal.merge(pass.name(), (long) removed, Long::sum);
                    if (pass != O2) cx.counters().forEach((k, v) -> counters.merge(k, v, Long::sum));
                    table.append(String.format(" %15d", removed));
                }
                table.append('\n');
            }
        }
        table.append(String.format("%-14s %7d", "total", liftedTotal));
        for (Pass p : ALL) table.append(String.format(" %15d", removedTotal.get(p.name())));
        System.out.println("instructions removed by each pass alone (after lifting):\n" + table + "\ncounters of the passes alone: " + counters);
        assertEquals(List.of(), grown);
    }

    /// An IR interpreter over every program of `object`, each lifted for program `entry`'s context
    /// and then transformed by `pass` alone, checked after the pass.
    static IrInterpreter optimised(BpfObject object, int entry, RuntimeOptions options, Pass pass) {
        ContextKind kind = IrEngine.contextKind(object, entry, options);
        List<IrProgram> programs = new ArrayList<>();
        for (ProgramDef p : object.programs()) {
            if (options.staticCheck() && StaticCheck.check(p.program()) != null) {
                programs.add(IrProgram.failed(ErrorKind.REJECTED, StaticCheck.check(p.program())));
                continue;
            }
            Module m;
            try {
                m = Lifter.lift(p, object.maps(), kind, options.profile());
            } catch (LiftException e) {
                programs.add(IrProgram.failed(e.kind == LiftException.Kind.UNSUPPORTED ? ErrorKind.UNSUPPORTED : ErrorKind.REJECTED, e.getMessage()));
                continue;
            }
            pass.run(m, new PassContext(2, true, options.profile(), kind, object.maps()));
            try {
                IrChecker.requireWellFormed(m);
            } catch (IllegalStateException e) {
                throw new AssertionError("IR malformed after " + pass.name() + " on " + p.name() + ":\n" + e.getMessage(), e);
            }
            programs.add(IrProgram.of(m, BpfFunctions.of(p).slots()));
        }
        return new IrInterpreter(programs, options.withContext(kind));
    }

    /// [Differential#compare] with array-map lookups dropped from both traces (see the class
    /// comment); `maps` says which handles name array maps (null: the run has no maps).
    static String compare(ExecutionResult a, ExecutionResult b, MapSet maps, RuntimeOptions options) {
        if (maps == null) return Differential.compare(a, b);
        return Differential.compare(InlinedLookups.drop(a, maps, options), InlinedLookups.drop(b, maps, options));
    }

    static int size(Module m) {
        int n = 0;
        for (Function f : m.functions()) {
            for (Block b : f.blocks()) n += b.instructions().size();
        }
        return n;
    }
}
