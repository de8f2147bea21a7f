package dev.ebpfc.ir.verify;

import dev.ebpfc.frontend.object.ProgramDef;
import dev.ebpfc.ir.Function;
import dev.ebpfc.ir.Inst;
import dev.ebpfc.ir.Value;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/// Where the checking pass of one function analysis puts what it finds: rejections, memory
/// access facts, value ranges, and the recorders of the callee analyses it used (kept by
/// reference; a cached callee analysis is shared by every call site with the same entry state).
/// The fixpoint iterations before the checking pass report to [#NONE]: their states are not
/// final, so neither their errors nor their facts would be right.
class Recorder {
    static final Recorder NONE = new Recorder(null, null) {
        @Override
        void error(Inst at, String text) {
        }

        @Override
        void access(Inst at, VerifierFacts.Access a) {
        }

        @Override
        void value(Value v, AbsValue a) {
        }

        @Override
        void include(Recorder callee) {
        }

        @Override
        void branch(Inst at, boolean trueEdge, boolean falseEdge) {
        }

        @Override
        boolean active() {
            return false;
        }
    };

    private final Function function;
    private final ProgramDef source;
    /// In order: diagnostics, access, value and branch facts, callee recorders.
    private final List<Object> events = new ArrayList<>();
    private boolean errorsFound;

    private record AccessEvent(Inst inst, VerifierFacts.Access access) {
    }

    private record ValueEvent(Value value, AbsValue abs) {
    }

    private record BranchEvent(Inst inst, int edges) {
    }

    Recorder(Function function, ProgramDef source) {
        this.function = function;
        this.source = source;
    }

    /// Whether anything recorded here is kept (false during the fixpoint).
    boolean active() {
        return true;
    }

    void error(Inst at, String text) {
        int slot = at == null ? -1 : at.slot();
        errorsFound = true;
        if (FunctionAnalysis.TRACE) System.err.println("    ERROR at " + at + ": " + text);
        events.add(new Diagnostic(function.name(), slot, slot >= 0 && source != null ? source.lineAt(slot) : null, text));
    }

    void access(Inst at, VerifierFacts.Access a) {
        events.add(new AccessEvent(at, a));
    }

    void value(Value v, AbsValue a) {
        events.add(new ValueEvent(v, a));
    }

    /// Which edges of branch `at` one checked state can take.
    void branch(Inst at, boolean trueEdge, boolean falseEdge) {
        events.add(new BranchEvent(at, (trueEdge ? VerifierFacts.TRUE_EDGE : 0) | (falseEdge ? VerifierFacts.FALSE_EDGE : 0)));
    }

    void include(Recorder callee) {
        errorsFound |= callee.hasErrors();
        events.add(callee);
    }

    boolean hasErrors() {
        return errorsFound;
    }

    /// Replays this recorder and every callee recorder below it (each once) into `facts` and
    /// `out` (deduplicated, in the order found).
    void replay(VerifierFacts facts, LinkedHashSet<Diagnostic> out) {
        replay(facts, out, Collections.newSetFromMap(new IdentityHashMap<>()));
    }

    private void replay(VerifierFacts facts, LinkedHashSet<Diagnostic> out, Set<Recorder> seen) {
        if (!seen.add(this)) return;
        for (Object e : events) {
            switch (e) {
                case Diagnostic d -> out.add(d);
                case AccessEvent a -> facts.recordAccess(a.inst(), a.access());
                case ValueEvent v -> facts.recordValue(v.value(), v.abs());
                case BranchEvent b -> facts.recordBranch(b.inst(), b.edges());
                case Recorder r -> r.replay(facts, out, seen);
                default -> throw new IllegalStateException(e.toString());
            }
        }
    }
}
