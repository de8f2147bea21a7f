package dev.ebpfc.cli;

import static dev.ebpfc.cli.BenchReport.fmt;

/// The readable form of a [BenchReport]: four tables (host time, executed instructions, code
/// size, compile speed), the geometric means and the goal lines. Columns are explained in
/// docs/bench.md.
final class BenchTable {
    private BenchTable() {
    }

    static String render(BenchReport r) {
        StringBuilder sb = new StringBuilder();
        sb.append("ebpfc bench").append(r.quick() ? " --quick" : "").append(": ").append(r.programs().size())
                .append(" programs, sample HTTP packet (256 bytes), median of ").append(r.repetitions()).append(" timed batches\n");
        sb.append("clang reference: ").append(r.clang() == null ? "not found (clang columns n/a)" : r.clang()).append('\n');
        sb.append("NativeEngine fixed cost per run (a program that only returns): ").append(ns(r.nativeOverheadNs()))
                .append(", included in its times\n");
        sb.append("load average ").append(fmt(r.loadAverage())).append(" on ").append(r.cpus()).append(" CPUs")
                .append(r.overloaded() ? ": the machine was busy, host times are unreliable (instruction counts and sizes are not affected)" : "")
                .append("\n\n");
        hostTimes(sb, r);
        instructions(sb, r);
        sizes(sb, r);
        compile(sb, r);
        for (String g : r.goals()) sb.append(g).append('\n');
        return sb.toString();
    }

    private static void hostTimes(StringBuilder sb, BenchReport r) {
        sb.append("1. host time per run, x86_64 (ns; x = ratio to clang -O2)\n");
        String row = "%-14s %16s %16s %16s %14s %14s %9s%s%n";
        sb.append(String.format(row, "program", "interp", "native -O0", "native -O2", "bare -O0", "bare -O2", "clang -O2", ""));
        for (BenchReport.Program p : r.programs()) {
            BenchReport.HostTimes t = p.times();
            String same = t.nativeO2SameCode() ? "=" : "";
            String bareMark = t.bareAgrees() || Double.isNaN(t.bareO0Ns()) ? "" : "!";
            sb.append(String.format(row, p.name(), withRatio(t.interpNs(), t.clangNs()),
                    withRatio(t.nativeO0Ns(), t.clangNs()) + mark(t.nativeO0Agrees(), t.nativeO0Ns()),
                    same + withRatio(t.nativeO2Ns(), t.clangNs()) + mark(t.nativeO2Agrees(), t.nativeO2Ns()),
                    withRatio(t.bareO0Ns(), t.clangNs()) + bareMark, same + withRatio(t.bareO2Ns(), t.clangNs()) + bareMark,
                    ns(t.clangNs()), t.clangNote().isEmpty() ? "" : "  (" + t.clangNote() + ")"));
        }
        sb.append(String.format(row, "geomean", x(r.geomean(p -> p.times().ratio(p.times().interpNs()))),
                x(r.geomean(p -> p.times().ratio(p.times().nativeO0Ns()))), x(r.geomean(p -> p.times().ratio(p.times().nativeO2Ns()))),
                x(r.geomean(p -> p.times().ratio(p.times().bareO0Ns()))), x(r.geomean(p -> p.times().ratio(p.times().bareO2Ns()))), "", ""));
        sb.append("   native: through NativeEngine, including its fixed cost per run (above), region copies and helper upcalls.\n");
        sb.append("   bare: ebpfc's code called directly like clang's (packet copied in, one downcall); n/a for programs that call helpers.\n");
        sb.append("   = : x86_64 -O2 gave the -O0 code (fell back), timed once for both columns. ! = the first run's r0 differed\n");
        sb.append("   from the interpreter's.\n\n");
    }

    private static String mark(boolean agrees, double ns) {
        return agrees || Double.isNaN(ns) ? "" : "!";
    }

    private static void instructions(StringBuilder sb, BenchReport r) {
        sb.append("2. machine instructions executed in the program's code under Unicorn (helpers excluded; = : -O2 gave the -O0 code)\n");
        sb.append(String.format("%-14s", "program"));
        for (String t : BenchReport.TARGETS) sb.append(String.format(" %11s %11s %7s", t + " -O0", "-O2", "clang"));
        sb.append('\n');
        for (BenchReport.Program p : r.programs()) {
            sb.append(String.format("%-14s", p.name()));
            for (BenchReport.TargetFigures f : p.targets()) {
                sb.append(String.format(" %11s %11s %7s", count(f.insnsO0(), f.agreesO0()),
                        (f.o2Path().equals("same-as-O0") ? "=" : "") + count(f.insnsO2(), f.agreesO2()), count(f.clangInsns(), f.clangAgrees())));
            }
            sb.append('\n');
        }
        sb.append(String.format("%-14s", "geo vs clang"));
        for (String t : BenchReport.TARGETS) {
            sb.append(String.format(" %11s %11s %7s", x(r.geomean(p -> BenchReport.ratio(p.target(t).insnsO0(), p.target(t).clangInsns()))),
                    x(r.geomean(p -> BenchReport.ratio(p.target(t).insnsO2(), p.target(t).clangInsns()))), ""));
        }
        sb.append('\n').append(String.format("%-14s", "geo -O0/-O2"));
        for (String t : BenchReport.TARGETS) {
            sb.append(String.format(" %11s %11s %7s", "", x(r.geomean(p -> BenchReport.ratio(p.target(t).insnsO0(), p.target(t).insnsO2()))), ""));
        }
        sb.append("\n   clang: its -O2 build for that CPU, linked with the map helpers, run in the same harness (helpers excluded).\n");
        sb.append("   ! = the run's r0 differed from the interpreter's.\n\n");
    }

    private static void sizes(StringBuilder sb, BenchReport r) {
        sb.append("3. native code size in bytes (x = ratio to clang -O2's functions for that CPU)\n");
        sb.append(String.format("%-14s", "program"));
        for (String t : BenchReport.TARGETS) sb.append(String.format(" %15s %15s %6s", t + " -O0", "-O2", "clang"));
        sb.append('\n');
        for (BenchReport.Program p : r.programs()) {
            sb.append(String.format("%-14s", p.name()));
            for (BenchReport.TargetFigures f : p.targets()) {
                sb.append(String.format(" %15s %15s %6s", withRatio(f.sizeO0(), f.clangSize()), withRatio(f.sizeO2(), f.clangSize()),
                        f.clangSize() < 0 ? "n/a" : Long.toString(f.clangSize())));
            }
            sb.append('\n');
        }
        sb.append(String.format("%-14s", "geomean"));
        for (String t : BenchReport.TARGETS) {
            sb.append(String.format(" %15s %15s %6s", x(r.geomean(p -> BenchReport.ratio(p.target(t).sizeO0(), p.target(t).clangSize()))),
                    x(r.geomean(p -> BenchReport.ratio(p.target(t).sizeO2(), p.target(t).clangSize()))), ""));
        }
        sb.append("\n\n");
    }

    private static void compile(StringBuilder sb, BenchReport r) {
        sb.append("4. compile speed, warm (bytecode instructions per ms; lift and optimise are -O2's shared stages)\n");
        sb.append(String.format("%-14s %6s %8s %8s", "program", "slots", "lift", "opt"));
        for (String t : BenchReport.TARGETS) sb.append(String.format(" %8s %8s %8s", t + " O0", "O2", "O2 cg"));
        sb.append('\n');
        for (BenchReport.Program p : r.programs()) {
            sb.append(String.format("%-14s %6d %8s %8s", p.name(), p.slots(), rate(p.slots(), p.compile().liftMs()), rate(p.slots(), p.compile().optimiseMs())));
            for (BenchReport.TargetFigures f : p.targets()) {
                sb.append(String.format(" %8s %8s %8s", rate(p.slots(), f.compileO0Ms()), rate(p.slots(), f.compileO2Ms()),
                        rate(p.slots(), f.codegenO2Ms(p.compile()))));
            }
            sb.append('\n');
        }
        sb.append("   O2 = the whole Target.compile at -O2; O2 cg = its code generation alone (O2 less lift and optimise when\n");
        sb.append("   -O2 went through the IR, else all of it). Times in ms are in bench.json.\n\n");
    }

    static String ns(double v) {
        return Double.isNaN(v) ? "n/a" : String.format("%.0f ns", v);
    }

    private static String withRatio(double v, double reference) {
        if (Double.isNaN(v) || v < 0) return "n/a";
        String base = v >= 100 ? String.format("%.0f", v) : String.format("%.1f", v);
        return reference > 0 && !Double.isNaN(reference) ? base + " (" + fmt(v / reference) + "x)" : base;
    }

    private static String x(double v) {
        return Double.isNaN(v) ? "n/a" : fmt(v) + "x";
    }

    private static String count(long v, boolean agrees) {
        return v < 0 ? "n/a" : v + (agrees ? "" : "!");
    }

    private static String rate(int slots, double ms) {
        return Double.isNaN(ms) ? "n/a" : ms <= 0 ? ">" + slots * 1000 : String.format("%.0f", slots / ms);
    }
}
