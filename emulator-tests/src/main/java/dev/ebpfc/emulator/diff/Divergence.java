package dev.ebpfc.emulator.diff;

import dev.ebpfc.runtime.ErrorKind;
import dev.ebpfc.runtime.ExecutionResult;

import java.util.List;

/// One engine disagreeing with the reference engine on one program: the differences as
/// [ResultDiff] words them, both results (`actual` is null when the engine threw, `expected` when
/// the reference itself threw), and the exception text of an engine that threw.
public record Divergence(String reference, String engine, List<String> differences,
                         ExecutionResult expected, ExecutionResult actual, String exception) {
    public Divergence {
        differences = List.copyOf(differences);
    }

    public boolean threw() {
        return exception != null;
    }

    /// Whether a conformance test (`-- result` = the reference's r0) would fail on this engine:
    /// it threw, stopped with an error, or returned a different r0. Divergences only in memory
    /// or in helper arguments are invisible there.
    public boolean visibleInResult() {
        if (actual == null || expected == null) return true;
        boolean stopped = actual.error() != ErrorKind.NONE && actual.error() != ErrorKind.UNWIND;
        return stopped || actual.r0() != expected.r0();
    }

    /// The first difference, on one line.
    public String summary() {
        String first = differences.isEmpty() ? "(no difference)" : differences.get(0);
        int nl = first.indexOf('\n');
        return engine + " vs " + reference + ": " + (nl < 0 ? first : first.substring(0, nl));
    }

    /// Every difference, and both results.
    public String describe() {
        StringBuilder sb = new StringBuilder(engine).append(" diverges from ").append(reference).append('\n');
        for (String d : differences) sb.append("  ").append(d).append('\n');
        if (expected != null) sb.append("  ").append(reference).append(": ").append(expected).append('\n');
        if (actual != null) sb.append("  ").append(engine).append(": ").append(actual).append('\n');
        if (exception != null) sb.append("  exception: ").append(exception).append('\n');
        return sb.toString();
    }
}
