package dev.ebpfc.runtime;

import dev.ebpfc.runtime.context.ContextKind;
import dev.ebpfc.runtime.helpers.HelperOptions;
import dev.ebpfc.runtime.helpers.HelperProfile;

/// How a program is run, shared by every engine: which helper numbering, what r1 points to (null:
/// from the program's section), the instruction budget, the deterministic helper world, and
/// whether the static pre-check runs first; optionally a [Tracer] shown every executed instruction.
public record RuntimeOptions(HelperProfile profile, ContextKind context, long budget, HelperOptions helpers, boolean staticCheck,
                             Tracer tracer) {
    public static final long DEFAULT_BUDGET = 10_000_000L;

    public RuntimeOptions {
        if (profile == null) throw new IllegalArgumentException("no helper profile");
        if (budget <= 0) throw new IllegalArgumentException("budget must be positive");
        if (helpers == null) helpers = HelperOptions.DEFAULT;
    }

    public RuntimeOptions(HelperProfile profile, ContextKind context, long budget, HelperOptions helpers, boolean staticCheck) {
        this(profile, context, budget, helpers, staticCheck, null);
    }

    /// Linux helpers, context from the section, 10 million instructions, static check on.
    public static RuntimeOptions linux() {
        return new RuntimeOptions(HelperProfile.LINUX, null, DEFAULT_BUDGET, HelperOptions.DEFAULT, true);
    }

    /// The conformance suite's setting: its helper table, raw memory context.
    public static RuntimeOptions conformance() {
        return new RuntimeOptions(HelperProfile.CONFORMANCE, ContextKind.RAW, DEFAULT_BUDGET, HelperOptions.DEFAULT, true);
    }

    public RuntimeOptions withBudget(long b) {
        return new RuntimeOptions(profile, context, b, helpers, staticCheck, tracer);
    }

    public RuntimeOptions withContext(ContextKind c) {
        return new RuntimeOptions(profile, c, budget, helpers, staticCheck, tracer);
    }

    public RuntimeOptions withHelpers(HelperOptions h) {
        return new RuntimeOptions(profile, context, budget, h, staticCheck, tracer);
    }

    public RuntimeOptions withStaticCheck(boolean on) {
        return new RuntimeOptions(profile, context, budget, helpers, on, tracer);
    }

    public RuntimeOptions withTracer(Tracer t) {
        return new RuntimeOptions(profile, context, budget, helpers, staticCheck, t);
    }
}
