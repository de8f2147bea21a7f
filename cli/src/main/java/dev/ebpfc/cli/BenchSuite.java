package dev.ebpfc.cli;

import dev.ebpfc.backend.CompileOptions;
import dev.ebpfc.backend.CompiledProgram;
import dev.ebpfc.backend.ProgramEnvironment;
import dev.ebpfc.backend.Target;
import dev.ebpfc.backend.nativeexec.NativeEngine;
import dev.ebpfc.backend.x86_64.X86Target;
import dev.ebpfc.emulator.Arm64EmulatedIsa;
import dev.ebpfc.emulator.EmulatedEngine;
import dev.ebpfc.emulator.EmulatedIsa;
import dev.ebpfc.emulator.Riscv64EmulatedIsa;
import dev.ebpfc.emulator.X86EmulatedIsa;
import dev.ebpfc.frontend.asm.Assembler;
import dev.ebpfc.frontend.elf.ObjectLoader;
import dev.ebpfc.frontend.object.BpfObject;
import dev.ebpfc.frontend.object.ProgramDef;
import dev.ebpfc.ir.Module;
import dev.ebpfc.ir.lift.LiftException;
import dev.ebpfc.ir.lift.Lifter;
import dev.ebpfc.ir.opt.PassContext;
import dev.ebpfc.ir.opt.Pipeline;
import dev.ebpfc.ir.opt.PipelineListener;
import dev.ebpfc.runtime.Engine;
import dev.ebpfc.runtime.ErrorKind;
import dev.ebpfc.runtime.ExecutionResult;
import dev.ebpfc.runtime.RuntimeOptions;
import dev.ebpfc.runtime.context.RunInput;
import dev.ebpfc.runtime.context.SamplePackets;
import dev.ebpfc.runtime.helpers.HelperProfile;
import dev.ebpfc.runtime.interp.InterpreterEngine;
import dev.ebpfc.runtime.maps.MapSet;
import dev.ebpfc.runtime.memory.MemoryLayout;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/// The measurements behind `ebpfc bench` (docs/bench.md), one program at a time, all on the
/// sample HTTP packet ([SamplePackets#http]) with the `linux` helper profile:
///
/// 1. host time per run (median of timed batches after a warm-up): the interpreter, NativeEngine
///    at -O0 and -O2 (x86_64) and the program's C built by clang -O2 ([ClangHostProgram]);
///    maps start empty for each engine and persist across its runs;
/// 2. machine instructions executed in the program's code under Unicorn per target at -O0 and -O2
///    ([EmulatedEngine#countingInstructions]) and in clang's build for that CPU ([ClangEmulatedRun]),
///    one run each with empty maps (deterministic);
/// 3. code size per target and level ([CompiledProgram#codeSize]) and clang's function sizes;
/// 4. warm compile time: `Target.compile` per target and level (listing off, as engines compile),
///    and the shared -O2 stages lift and optimise measured on their own.
///
/// Every engine's result is checked against the interpreter's: a figure of a run that disagreed
/// is still reported, flagged.
final class BenchSuite {
    /// Timing effort: warm-up and slice per host-time figure, batches, compile repetitions.
    record Effort(long warmupNanos, long sliceNanos, int repetitions, int compileWarmups, int compileRepetitions) {
        static final Effort QUICK = new Effort(60_000_000L, 3_000_000L, 5, 5, 7);
        static final Effort FULL = new Effort(500_000_000L, 20_000_000L, 21, 40, 31);
    }

    private static final RuntimeOptions OPTIONS = RuntimeOptions.linux();
    private static final Target[] TARGETS = {new X86Target(), new dev.ebpfc.backend.arm64.Arm64Target(), new dev.ebpfc.backend.riscv64.Riscv64Target()};

    private final Path programs;
    private final ClangReference clang;
    private final Effort effort;
    private final boolean quick;
    private final Consumer<String> progress;
    private final BenchTimer timer;
    private final byte[] packet = SamplePackets.http();
    private final RunInput input;
    /// Counting engines by target name, then level (each is one Unicorn instance, reused).
    private final Map<String, EmulatedEngine[]> counting = new LinkedHashMap<>();
    private final Map<String, EmulatedIsa> isas = new LinkedHashMap<>();

    BenchSuite(Path programs, ClangReference clang, boolean quick, Consumer<String> progress) {
        this.programs = programs;
        this.clang = clang;
        this.quick = quick;
        this.effort = quick ? Effort.QUICK : Effort.FULL;
        this.progress = progress;
        this.timer = new BenchTimer(effort.warmupNanos(), effort.sliceNanos(), effort.repetitions());
        this.input = RunInput.of(packet);
        for (EmulatedIsa isa : List.of(new X86EmulatedIsa(), new Arm64EmulatedIsa(), new Riscv64EmulatedIsa())) {
            String t = isa.target().name();
            isas.put(t, isa);
            counting.put(t, new EmulatedEngine[]{
                new EmulatedEngine(t, isa, CompileOptions.O0).countingInstructions(),
                new EmulatedEngine(t + "-O2", isa, options(CompileOptions.Level.O2)).countingInstructions()});
        }
    }

    /// Options as the emulated engines compile: listing off, layout frame stride, and for -O2 the
    /// program's maps, context and the `linux` helpers (what the runs use).
    private static CompileOptions options(CompileOptions.Level level, BpfObject object) {
        return options(level).withEnvironment(ProgramEnvironment.of(object, OPTIONS.profile(), OPTIONS.context()));
    }

    private static CompileOptions options(CompileOptions.Level level) {
        return new CompileOptions(level, MemoryLayout.WINDOW_SIZE).withListing(false);
    }

    BenchReport run(List<String> names) throws IOException {
        List<BenchReport.Program> results = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            progress.accept("[" + (i + 1) + "/" + names.size() + "] " + names.get(i));
            results.add(program(names.get(i)));
        }
        // Last, on a JIT the programs have warmed up.
        double overhead = NativeEngine.hostSupported() ? nativeOverhead() : Double.NaN;
        return new BenchReport(quick, effort.repetitions(), clang == null ? null : clang.version(), overhead, loadAverage(),
                Runtime.getRuntime().availableProcessors(), results);
    }

    /// The one-minute load average from /proc/loadavg (Linux), NaN elsewhere.
    private static double loadAverage() {
        try {
            return Double.parseDouble(java.nio.file.Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    private BenchReport.Program program(String name) throws IOException {
        BpfObject object = ObjectLoader.load(programs.resolve("obj").resolve(name + ".o"));
        ProgramDef def = object.programs().getFirst();
        ExecutionResult reference = new InterpreterEngine().run(object, 0, new MapSet(object.maps()), input, OPTIONS);
        if (reference.error() != ErrorKind.NONE) throw new IllegalStateException(name + ": the interpreter stopped with " + reference);
        BenchReport.HostTimes times = hostTimes(name, object, reference);
        BenchReport.Compile compile = stages(def, object);
        List<BenchReport.TargetFigures> targets = new ArrayList<>();
        for (Target t : TARGETS) targets.add(target(name, t, object, def, reference));
        return new BenchReport.Program(name, def.program().slotCount(), reference.r0(), times, compile, targets);
    }

    // ---- 1. host time -----------------------------------------------------------------------

    private BenchReport.HostTimes hostTimes(String name, BpfObject object, ExecutionResult reference) throws IOException {
        boolean host = NativeEngine.hostSupported();
        String note = clang == null ? "clang not found" : host ? "" : "host is not Linux x86_64";
        // Each call timed, interleaved; indexes into the medians by column.
        List<LongSupplier> calls = new ArrayList<>();
        calls.add(engineCall(new InterpreterEngine(), object));
        int nativeO0At = -1, nativeO2At = -1, bareO0At = -1, bareO2At = -1, clangAt = -1;
        boolean nativeAgrees = false, nativeO2Agrees = false, nativeO2SameCode = false, clangAgrees = false, bareAgrees = false;
        NativeEngine o0 = host ? new NativeEngine(new X86Target()) : null;
        NativeEngine o2 = host ? new NativeEngine(new X86Target(), CompileOptions.Level.O2) : null;
        ClangHostProgram c = null;
        ProgramDef def = object.programs().getFirst();
        BareNativeProgram bareO0 = null, bareO2 = null;
        try {
            if (host) {
                nativeAgrees = agrees(o0.run(object, 0, new MapSet(object.maps()), input, OPTIONS), reference);
                nativeO2Agrees = agrees(o2.run(object, 0, new MapSet(object.maps()), input, OPTIONS), reference);
                nativeO2SameCode = Arrays.equals(o2.compiled(object, 0, OPTIONS).code(), o0.compiled(object, 0, OPTIONS).code());
                nativeO0At = calls.size();
                calls.add(engineCall(o0, object));
                // The same code as -O0 is timed once: both columns get that figure.
                nativeO2At = nativeO2SameCode ? nativeO0At : calls.size();
                if (!nativeO2SameCode) calls.add(engineCall(o2, object));
                // Bare calls only for code the engines ran cleanly (they check nothing).
                if (nativeAgrees && nativeO2Agrees) {
                    bareO0 = BareNativeProgram.load(def, object.maps(), CompileOptions.Level.O0, packet);
                    bareO2 = bareO0 == null || nativeO2SameCode ? null : BareNativeProgram.load(def, object.maps(), CompileOptions.Level.O2, packet);
                }
                if (bareO0 != null) {
                    bareAgrees = bareO0.run() == reference.r0() && (bareO2 == null || bareO2.run() == reference.r0());
                    bareO0At = calls.size();
                    calls.add(bareO0::run);
                    bareO2At = bareO2 == null ? bareO0At : calls.size();
                    if (bareO2 != null) calls.add(bareO2::run);
                }
                if (clang != null) {
                    c = new ClangHostProgram(clang.hostLibrary(name), def.name(), object.maps(), packet);
                    clangAgrees = c.run() == (int) reference.r0();
                    c.resetMaps();
                    if (!clangAgrees) note = "clang build returned a different r0";
                    clangAt = calls.size();
                    calls.add(c::run);
                }
            }
            double[] ns = timer.medianNanos(calls);
            return new BenchReport.HostTimes(ns[0], at(ns, nativeO0At), at(ns, nativeO2At), at(ns, bareO0At), at(ns, bareO2At), at(ns, clangAt),
                    nativeAgrees, nativeO2Agrees, nativeO2SameCode, bareAgrees, clangAgrees, note);
        } finally {
            if (bareO0 != null) bareO0.close();
            if (bareO2 != null) bareO2.close();
            if (c != null) c.close();
            if (o0 != null) o0.close();
            if (o2 != null) o2.close();
        }
    }

    private static double at(double[] values, int index) {
        return index < 0 ? Double.NaN : values[index];
    }

    /// One run of `engine` per call, on maps that start empty and persist across its calls.
    private LongSupplier engineCall(Engine engine, BpfObject object) {
        MapSet maps = new MapSet(object.maps());
        return () -> engine.run(object, 0, maps, input, OPTIONS).r0();
    }

    private double engineTime(Engine engine, BpfObject object) {
        return timer.medianNanos(engineCall(engine, object));
    }

    /// NativeEngine's fixed cost per run: a program that only returns, in an XDP section.
    private double nativeOverhead() {
        ProgramDef def = new ProgramDef("nothing", "xdp", Assembler.assemble("mov %r0, 0\nexit"),
                List.of(new ProgramDef.Function("nothing", 0)), List.of());
        BpfObject object = new BpfObject("(overhead probe)", List.of(def), List.of(), "GPL");
        try (NativeEngine n = new NativeEngine(new X86Target())) {
            return engineTime(n, object);
        }
    }

    private static boolean agrees(ExecutionResult r, ExecutionResult reference) {
        return r.error() == ErrorKind.NONE && r.r0() == reference.r0();
    }

    // ---- 2–4. per target -------------------------------------------------------------------

    private BenchReport.TargetFigures target(String name, Target t, BpfObject object, ProgramDef def, ExecutionResult reference) throws IOException {
        EmulatedEngine[] engines = counting.get(t.name());
        ExecutionResult o0 = engines[0].run(object, 0, new MapSet(object.maps()), input, OPTIONS);
        long insnsO0 = o0.error() == ErrorKind.NONE ? engines[0].instructionCount() : -1;
        CompiledProgram codeO0 = t.compile(def, options(CompileOptions.Level.O0, object));
        double ms0 = compileMillis(() -> t.compile(def, options(CompileOptions.Level.O0, object)));
        // -O2 as the public API gives it today: a target without an -O2 code generator refuses.
        CompiledProgram codeO2;
        String path;
        try {
            codeO2 = t.compile(def, options(CompileOptions.Level.O2, object));
            path = Arrays.equals(codeO0.code(), codeO2.code()) ? "same-as-O0" : "ir";
        } catch (UnsupportedOperationException e) {
            codeO2 = null;
            path = "unsupported";
        }
        long insnsO2 = -1;
        boolean agreesO2 = false;
        double ms2 = Double.NaN;
        if (codeO2 != null) {
            ExecutionResult o2 = engines[1].run(object, 0, new MapSet(object.maps()), input, OPTIONS);
            insnsO2 = o2.error() == ErrorKind.NONE ? engines[1].instructionCount() : -1;
            agreesO2 = agrees(o2, reference);
            ms2 = compileMillis(() -> t.compile(def, options(CompileOptions.Level.O2, object)));
        }
        long clangSize = -1, clangInsns = -1;
        boolean clangAgrees = false;
        if (clang != null) {
            String triple = ClangReference.TRIPLES.stream().filter(x -> x[0].equals(t.name())).findFirst().orElseThrow()[1];
            Path programObject = clang.object(name, triple);
            Map<String, Long> functions = ElfImage.read(programObject).functionSizes();
            clangSize = functions.values().stream().mapToLong(Long::longValue).sum();
            try {
                ClangEmulatedRun.Result r = ClangEmulatedRun.run(ElfImage.read(clang.linkedImage(programObject, name, triple)), functions.keySet(),
                        def.name(), isas.get(t.name()), object.maps(), packet);
                clangInsns = r.instructions();
                clangAgrees = r.r0() == (int) reference.r0();
            } catch (IOException | RuntimeException e) {
                progress.accept(name + ": clang reference on " + t.name() + " under Unicorn failed: " + e.getMessage());
            }
        }
        return new BenchReport.TargetFigures(t.name(), insnsO0, insnsO2, agrees(o0, reference), agreesO2, path,
                clangInsns, clangAgrees, codeO0.codeSize(), codeO2 == null ? -1 : codeO2.codeSize(), clangSize, ms0, ms2);
    }

    /// Lift and optimise on their own, as every -O2 code generator runs them first.
    private BenchReport.Compile stages(ProgramDef def, BpfObject object) {
        try {
            double[] lift = new double[effort.compileRepetitions()], opt = new double[effort.compileRepetitions()];
            long start = System.nanoTime();
            for (int i = 0; i < effort.compileWarmups() || System.nanoTime() - start < effort.warmupNanos() / 2; i++) {
                Pipeline.run(Lifter.lift(def, object.maps(), HelperProfile.LINUX), new PassContext(2, false, HelperProfile.LINUX), PipelineListener.NONE);
            }
            for (int i = 0; i < lift.length; i++) {
                long t0 = System.nanoTime();
                Module m = Lifter.lift(def, object.maps(), HelperProfile.LINUX);
                long t1 = System.nanoTime();
                Pipeline.run(m, new PassContext(2, false, HelperProfile.LINUX), PipelineListener.NONE);
                long t2 = System.nanoTime();
                lift[i] = (t1 - t0) / 1e6;
                opt[i] = (t2 - t1) / 1e6;
            }
            return new BenchReport.Compile(median(lift), median(opt));
        } catch (LiftException e) {
            return new BenchReport.Compile(Double.NaN, Double.NaN);
        }
    }

    /// Median milliseconds of `compile` after a warm-up of at least `compileWarmups` calls and
    /// half the host-time warm-up.
    private double compileMillis(Supplier<CompiledProgram> compile) {
        long start = System.nanoTime();
        for (int i = 0; i < effort.compileWarmups() || System.nanoTime() - start < effort.warmupNanos() / 2; i++) compile.get();
        double[] ms = new double[effort.compileRepetitions()];
        for (int i = 0; i < ms.length; i++) {
            long t0 = System.nanoTime();
            compile.get();
            ms[i] = (System.nanoTime() - t0) / 1e6;
        }
        return median(ms);
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }
}
