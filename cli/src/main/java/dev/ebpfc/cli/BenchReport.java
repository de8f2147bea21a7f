package dev.ebpfc.cli;

import java.util.List;
import java.util.function.ToDoubleFunction;

/// What one `ebpfc bench` run measured. Missing figures are NaN (times, milliseconds, ratios) or
/// -1 (counts, sizes), and print as `n/a` / JSON `null`, never as zero.
///
/// @param quick whether `--quick` cut the repetitions
/// @param repetitions timed batches per host-time figure (the median is reported)
/// @param clang the clang version line, or null when no clang was found
/// @param nativeOverheadNs NativeEngine's time for a program that only returns (its fixed cost
///        per run: environment, copies, downcall), NaN when the host cannot run native code
/// @param loadAverage the one-minute load average at the end of the run (NaN where unknown), with
///        `cpus` the processors the JVM sees: host times mean little when it is above them
record BenchReport(boolean quick, int repetitions, String clang, double nativeOverheadNs, double loadAverage, int cpus,
                   List<Program> programs) {
    static final List<String> TARGETS = List.of("x86_64", "arm64", "riscv64");

    /// One bench program's figures.
    ///
    /// @param slots bytecode instruction slots (what throughput is per)
    /// @param r0 the interpreter's result on the sample packet with empty maps
    record Program(String name, int slots, long r0, HostTimes times, Compile compile, List<TargetFigures> targets) {
        TargetFigures target(String name) {
            for (TargetFigures t : targets) if (t.target().equals(name)) return t;
            throw new IllegalArgumentException(name);
        }
    }

    /// Median host time per run in nanoseconds, and whether each engine's first run (empty maps)
    /// returned the interpreter's r0 (for clang: its 32-bit return value against r0's low half).
    /// `nativeO2SameCode`: x86_64 -O2 gave exactly the -O0 code (it fell back).
    /// `bareO0Ns`/`bareO2Ns`: ebpfc's code called bare ([BareNativeProgram]), NaN for programs
    /// that call helpers; `bareAgrees`: both bare calls returned the interpreter's r0.
    record HostTimes(double interpNs, double nativeO0Ns, double nativeO2Ns, double bareO0Ns, double bareO2Ns, double clangNs,
                     boolean nativeO0Agrees, boolean nativeO2Agrees, boolean nativeO2SameCode, boolean bareAgrees, boolean clangAgrees,
                     String clangNote) {
        double ratio(double ns) {
            return ns / clangNs;
        }
    }

    /// The target-independent stages of -O2 (median milliseconds, warm): lifting to SSA IR and the
    /// optimisation pipeline. NaN when the lifter refuses the program.
    record Compile(double liftMs, double optimiseMs) {
    }

    /// One target's figures for a program.
    ///
    /// @param insnsO0 machine instructions executed in the program's code under Unicorn (-O0), -1 when the run failed
    /// @param o2Path `ir` when -O2 produced code different from -O0, `same-as-O0` when it did not,
    ///        `unsupported` when the target refused -O2 (its -O2 figures are then missing)
    ///        (the target ignores -O2 or fell back for this program)
    /// @param clangInsns instructions executed in clang -O2's build for this CPU under Unicorn
    ///        ([ClangEmulatedRun]); -1 when it could not be built or run
    /// @param clangAgrees whether that run returned the interpreter's r0 (low 32 bits)
    /// @param compileO0Ms median warm `Target.compile` time at -O0 (listing off)
    record TargetFigures(String target, long insnsO0, long insnsO2, boolean agreesO0, boolean agreesO2, String o2Path,
                         long clangInsns, boolean clangAgrees, int sizeO0, int sizeO2, long clangSize, double compileO0Ms, double compileO2Ms) {
        /// -O2 codegen time: the whole compile less the shared lift and optimise stages when -O2
        /// went through the IR; the whole compile when it did not.
        double codegenO2Ms(Compile c) {
            if (!o2Path.equals("ir") || Double.isNaN(c.liftMs())) return compileO2Ms;
            return Math.max(0, compileO2Ms - c.liftMs() - c.optimiseMs());
        }
    }

    /// The geometric mean of `f` over the programs where it is a positive finite number; NaN when
    /// there is none.
    double geomean(ToDoubleFunction<Program> f) {
        double logs = 0;
        int n = 0;
        for (Program p : programs) {
            double v = f.applyAsDouble(p);
            if (v > 0 && Double.isFinite(v)) {
                logs += Math.log(v);
                n++;
            }
        }
        return n == 0 ? Double.NaN : Math.exp(logs / n);
    }

    /// `a / b` for counts and sizes, NaN when either is missing.
    static double ratio(long a, long b) {
        return a <= 0 || b <= 0 ? Double.NaN : (double) a / b;
    }

    /// Whether the machine was busier than it has processors (host times then move a lot).
    boolean overloaded() {
        return loadAverage > cpus;
    }

    /// The goals (docs/bench.md) with the measured values, one line each. Reports, not
    /// assertions: a goal not met yet is a fact about the compiler today.
    List<String> goals() {
        List<String> lines = new java.util.ArrayList<>();
        if (overloaded()) {
            lines.add("note: load average " + fmt(loadAverage) + " on " + cpus + " CPUs during the run: the host-time goals below are unreliable");
        }
        double t = geomean(p -> p.times().ratio(p.times().nativeO2Ns()));
        double bare = geomean(p -> p.times().ratio(p.times().bareO2Ns()));
        long bareCount = programs.stream().filter(p -> !Double.isNaN(p.times().bareO2Ns())).count();
        long fellBack = programs.stream().filter(p -> p.times().nativeO2SameCode()).count();
        String fallbacks = fellBack == 0 ? "" : " [x86_64 -O2 gave the -O0 code for " + fellBack + " of " + programs.size() + " programs]";
        lines.add("goal: -O2 within 1.15x of clang -O2 in host time (geomean): " + (Double.isNaN(bare)
                ? "bare calls not measured" : fmt(bare) + "x" + verdict(bare <= 1.15) + " called bare (" + bareCount + " programs without helper calls)")
                + "; through NativeEngine " + fmt(t) + "x (all programs)" + fallbacks);
        for (String target : TARGETS) {
            double i = geomean(p -> ratio(p.target(target).insnsO2(), p.target(target).clangInsns()));
            double i0 = geomean(p -> ratio(p.target(target).insnsO0(), p.target(target).clangInsns()));
            boolean noClang = programs.stream().allMatch(p -> p.target(target).clangInsns() < 0);
            String why = noClang ? "not measured (no clang reference)" : "not measured (no -O2 code for " + target + ")";
            lines.add("goal: -O2 within 1.15x of clang -O2 in executed instructions on " + target + " (geomean): "
                    + (Double.isNaN(i) ? why : fmt(i) + "x" + verdict(i <= 1.15)) + (noClang ? "" : "; -O0: " + fmt(i0) + "x"));
        }
        double s = geomean(p -> p.times().bareO0Ns() / p.times().bareO2Ns());
        double sEngine = geomean(p -> p.times().nativeO0Ns() / p.times().nativeO2Ns());
        lines.add("goal: -O2 at least 1.5x faster than -O0 in host time (geomean): " + (Double.isNaN(s)
                ? "bare calls not measured" : fmt(s) + "x" + verdict(s >= 1.5) + " called bare") + "; through NativeEngine " + fmt(sEngine) + "x" + fallbacks);
        for (String target : TARGETS) {
            double i = geomean(p -> ratio(p.target(target).insnsO0(), p.target(target).insnsO2()));
            lines.add("      the same in executed instructions on " + target + " (geomean -O0/-O2): "
                    + (Double.isNaN(i) ? "n/a" : fmt(i) + "x" + verdict(i >= 1.5)));
        }
        Program lb = programs.stream().filter(p -> p.name().equals("xdp_lb")).findFirst().orElse(null);
        if (lb == null) {
            lines.add("goal: xdp_lb compiled for all three targets at -O2 in under 20 ms warm: not measured (xdp_lb not selected)");
        } else {
            double ms = 0, msO0 = 0;
            for (TargetFigures f : lb.targets()) {
                ms += f.compileO2Ms();
                msO0 += f.compileO0Ms();
            }
            String paths = lb.targets().stream().map(f -> f.target() + " " + f.o2Path()).reduce((a, b) -> a + ", " + b).orElse("");
            String head = "goal: xdp_lb (" + lb.slots() + " slots) compiled for all three targets at -O2 in under 20 ms warm: ";
            lines.add(head + (Double.isNaN(ms) ? "not measured (-O2 refused by a target)" : fmt(ms) + " ms" + verdict(ms < 20))
                    + " [" + paths + "]; all three at -O0: " + fmt(msO0) + " ms");
        }
        return lines;
    }

    private static String verdict(boolean met) {
        return met ? " (met)" : " (not met)";
    }

    static String fmt(double v) {
        if (Double.isNaN(v)) return "n/a";
        return v >= 100 ? String.format("%.0f", v) : v >= 10 ? String.format("%.1f", v) : String.format("%.2f", v);
    }
}
