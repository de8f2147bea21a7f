package dev.ebpfc.cli;

/// `bench.json`: every figure of a [BenchReport] under fixed keys in a fixed order (the same
/// structure on every run; a missing figure is `null`, never absent). Times in nanoseconds,
/// compile times in milliseconds, sizes in bytes.
final class BenchJson {
    private BenchJson() {
    }

    static String render(BenchReport r) {
        Json.Writer w = new Json.Writer().object();
        w.field("schema", "ebpfc-bench/1").field("quick", r.quick()).field("repetitions", r.repetitions())
                .field("packet", "SamplePackets.http (256 bytes)").field("clang", r.clang());
        number(w, "native_overhead_ns", r.nativeOverheadNs());
        number(w, "load_average", r.loadAverage());
        w.field("cpus", r.cpus());
        w.key("programs").array();
        for (BenchReport.Program p : r.programs()) program(w, p);
        w.end();
        w.key("geomean").object();
        number(w, "interp_over_clang", r.geomean(p -> p.times().ratio(p.times().interpNs())));
        number(w, "native_O0_over_clang", r.geomean(p -> p.times().ratio(p.times().nativeO0Ns())));
        number(w, "native_O2_over_clang", r.geomean(p -> p.times().ratio(p.times().nativeO2Ns())));
        number(w, "bare_O0_over_clang", r.geomean(p -> p.times().ratio(p.times().bareO0Ns())));
        number(w, "bare_O2_over_clang", r.geomean(p -> p.times().ratio(p.times().bareO2Ns())));
        for (String t : BenchReport.TARGETS) {
            w.key(t).object();
            number(w, "insns_O0_over_clang", r.geomean(p -> BenchReport.ratio(p.target(t).insnsO0(), p.target(t).clangInsns())));
            number(w, "insns_O0_over_O2", r.geomean(p -> BenchReport.ratio(p.target(t).insnsO0(), p.target(t).insnsO2())));
            number(w, "insns_O2_over_clang", r.geomean(p -> BenchReport.ratio(p.target(t).insnsO2(), p.target(t).clangInsns())));
            number(w, "size_O0_over_clang", r.geomean(p -> BenchReport.ratio(p.target(t).sizeO0(), p.target(t).clangSize())));
            number(w, "size_O2_over_clang", r.geomean(p -> BenchReport.ratio(p.target(t).sizeO2(), p.target(t).clangSize())));
            w.end();
        }
        w.end();
        w.key("goals").array();
        for (String g : r.goals()) w.string(g.strip());
        w.end();
        return w.end().toString() + "\n";
    }

    private static void program(Json.Writer w, BenchReport.Program p) {
        w.object().field("name", p.name()).field("slots", p.slots()).field("r0", p.r0());
        BenchReport.HostTimes t = p.times();
        w.key("host_ns").object();
        number(w, "interp", t.interpNs());
        number(w, "native_O0", t.nativeO0Ns());
        number(w, "native_O2", t.nativeO2Ns());
        number(w, "bare_O0", t.bareO0Ns());
        number(w, "bare_O2", t.bareO2Ns());
        number(w, "clang_O2", t.clangNs());
        w.field("native_O0_agrees", t.nativeO0Agrees()).field("native_O2_agrees", t.nativeO2Agrees())
                .field("native_O2_same_code_as_O0", t.nativeO2SameCode()).field("bare_agrees", t.bareAgrees()).field("clang_agrees", t.clangAgrees()).field("clang_note", t.clangNote());
        w.end();
        w.key("host_ratio_to_clang").object();
        number(w, "interp", t.ratio(t.interpNs()));
        number(w, "native_O0", t.ratio(t.nativeO0Ns()));
        number(w, "native_O2", t.ratio(t.nativeO2Ns()));
        number(w, "bare_O0", t.ratio(t.bareO0Ns()));
        number(w, "bare_O2", t.ratio(t.bareO2Ns()));
        w.end();
        w.key("compile_stages_ms").object();
        number(w, "lift", p.compile().liftMs());
        number(w, "optimise", p.compile().optimiseMs());
        w.end();
        w.key("targets").object();
        for (BenchReport.TargetFigures f : p.targets()) {
            w.key(f.target()).object();
            count(w, "insns_O0", f.insnsO0());
            count(w, "insns_O2", f.insnsO2());
            count(w, "insns_clang_O2", f.clangInsns());
            w.field("agrees_O0", f.agreesO0()).field("agrees_O2", f.agreesO2()).field("agrees_clang", f.clangAgrees()).field("O2_path", f.o2Path());
            count(w, "size_O0", f.sizeO0());
            count(w, "size_O2", f.sizeO2());
            count(w, "size_clang_O2", f.clangSize());
            number(w, "compile_O0_ms", f.compileO0Ms());
            number(w, "compile_O2_ms", f.compileO2Ms());
            number(w, "codegen_O2_ms", f.codegenO2Ms(p.compile()));
            number(w, "compile_O0_insns_per_ms", p.slots() / f.compileO0Ms());
            number(w, "compile_O2_insns_per_ms", p.slots() / f.compileO2Ms());
            w.end();
        }
        w.end();
        w.end();
    }

    private static void number(Json.Writer w, String key, double v) {
        if (Double.isFinite(v)) w.field(key, v);
        else w.field(key, (String) null);
    }

    private static void count(Json.Writer w, String key, long v) {
        if (v >= 0) w.field(key, v);
        else w.field(key, (String) null);
    }
}
