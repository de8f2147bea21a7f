package dev.ebpfc.emulator.diff;

import dev.ebpfc.frontend.insn.Program;
import dev.ebpfc.frontend.object.BpfObject;
import dev.ebpfc.frontend.object.ProgramDef;
import dev.ebpfc.runtime.Engine;
import dev.ebpfc.runtime.ErrorKind;
import dev.ebpfc.runtime.ExecutionResult;
import dev.ebpfc.runtime.RuntimeOptions;
import dev.ebpfc.runtime.context.RunInput;
import dev.ebpfc.runtime.maps.MapSet;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiPredicate;

/// Runs one program on several engines and compares each whole result with the first engine's
/// (the reference) by [ResultDiff]. An engine that throws is a divergence carrying the exception
/// text; the runner itself never throws for what an engine does. Each engine gets fresh maps.
public final class DifferentialRunner {
    /// The reference result (null when the reference threw) and every divergence.
    public record Outcome(ExecutionResult reference, List<Divergence> divergences) {
        public Outcome {
            divergences = List.copyOf(divergences);
        }

        public boolean agreed() {
            return divergences.isEmpty();
        }

        /// Whether the reference ran to exit or unwind: the programs the other engines must agree on.
        public boolean referenceValid() {
            return reference != null && (reference.error() == ErrorKind.NONE || reference.error() == ErrorKind.UNWIND);
        }
    }

    private final List<Engine> engines;
    private final RuntimeOptions options;

    public DifferentialRunner(List<Engine> engines, RuntimeOptions options) {
        if (engines.size() < 2) throw new IllegalArgumentException("a differential run needs a reference and at least one other engine");
        this.engines = List.copyOf(engines);
        this.options = options;
    }

    /// Runs with [RuntimeOptions#conformance], the setting generated programs are made for.
    public DifferentialRunner(List<Engine> engines) {
        this(engines, RuntimeOptions.conformance());
    }

    public List<Engine> engines() {
        return engines;
    }

    public RuntimeOptions options() {
        return options;
    }

    public Outcome run(Program program, byte[] mem) {
        BpfObject object = new BpfObject("generated", List.of(ProgramDef.of("generated", program)), List.of(), "");
        Engine ref = engines.get(0);
        ExecutionResult expected;
        try {
            expected = runOne(ref, object, mem);
        } catch (Throwable t) {
            rethrowFatal(t);
            return new Outcome(null, List.of(new Divergence(ref.name(), ref.name(), List.of("reference engine threw: " + text(t)), null, null, text(t))));
        }
        List<Divergence> out = new ArrayList<>();
        for (Engine e : engines.subList(1, engines.size())) {
            try {
                ExecutionResult actual = runOne(e, object, mem);
                List<String> d = ResultDiff.compare(expected, actual);
                if (!d.isEmpty()) out.add(new Divergence(ref.name(), e.name(), d, expected, actual, null));
            } catch (Throwable t) {
                rethrowFatal(t);
                out.add(new Divergence(ref.name(), e.name(), List.of("engine threw: " + text(t)), expected, null, text(t)));
            }
        }
        return new Outcome(expected, out);
    }

    private ExecutionResult runOne(Engine e, BpfObject object, byte[] mem) {
        ExecutionResult r = e.run(object, 0, MapSet.empty(), RunInput.of(mem), options);
        if (r == null) throw new IllegalStateException(e.name() + " returned no result");
        return r;
    }

    /// Whether `engine` still diverges on a program the reference runs validly: the predicate a
    /// [dev.ebpfc.emulator.gen.Shrinker] keeps true. Programs the reference rejects, or that run
    /// out of bounds or budget, do not count: compiled code does not check bounds, so
    /// disagreement there proves nothing.
    public BiPredicate<Program, byte[]> stillDiverges(String engine) {
        return (program, mem) -> {
            Outcome o = run(program, mem);
            return o.referenceValid() && o.divergences().stream().anyMatch(d -> d.engine().equals(engine));
        };
    }

    /// Like [#stillDiverges], but only divergences a conformance test would see
    /// ([Divergence#visibleInResult]): shrinking with it keeps the reproducer a failing
    /// regression test for the broken engine.
    public BiPredicate<Program, byte[]> stillDivergesInResult(String engine) {
        return (program, mem) -> {
            Outcome o = run(program, mem);
            return o.referenceValid() && o.divergences().stream().anyMatch(d -> d.engine().equals(engine) && d.visibleInResult());
        };
    }

    private static void rethrowFatal(Throwable t) {
        if (t instanceof VirtualMachineError && !(t instanceof StackOverflowError)) throw (VirtualMachineError) t;
    }

    private static String text(Throwable t) {
        StringBuilder sb = new StringBuilder(t.toString());
        StackTraceElement[] st = t.getStackTrace();
        for (int i = 0; i < Math.min(3, st.length); i++) sb.append("\n    at ").append(st[i]);
        return sb.toString();
    }
}
