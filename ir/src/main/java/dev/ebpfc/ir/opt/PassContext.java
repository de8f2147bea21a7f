package dev.ebpfc.ir.opt;

import dev.ebpfc.runtime.helpers.HelperProfile;

import java.util.LinkedHashMap;
import java.util.Map;

/// Per-compilation state shared by the passes of one pipeline run: the optimisation level,
/// whether to check the IR between passes, the helper numbering the program was lifted with (which
/// says what `call_helper N` is; null when unknown, and then no pass relies on a helper's identity
/// and every helper is assumed able to tail call), and counters passes report (`sccp.folded` …) for
/// `--time-passes` and tests.
public final class PassContext {
    private final int level;
    private final boolean checkBetweenPasses;
    private final HelperProfile helpers;
    private final Map<String, Long> counters = new LinkedHashMap<>();

    public PassContext(int level, boolean checkBetweenPasses) {
        this(level, checkBetweenPasses, null);
    }

    public PassContext(int level, boolean checkBetweenPasses, HelperProfile helpers) {
        this.level = level;
        this.checkBetweenPasses = checkBetweenPasses;
        this.helpers = helpers;
    }

    /// The helper numbering of the program, or null when unknown.
    public HelperProfile helpers() {
        return helpers;
    }

    public int level() {
        return level;
    }

    public boolean checkBetweenPasses() {
        return checkBetweenPasses;
    }

    /// Adds `n` to the counter `name`.
    public void count(String name, long n) {
        counters.merge(name, n, Long::sum);
    }

    public Map<String, Long> counters() {
        return Map.copyOf(counters);
    }
}
