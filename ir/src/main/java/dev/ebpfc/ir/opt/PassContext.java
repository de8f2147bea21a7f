package dev.ebpfc.ir.opt;

import java.util.LinkedHashMap;
import java.util.Map;

/// Per-compilation state shared by the passes of one pipeline run: the optimisation level,
/// whether to check the IR between passes, and counters passes report (`sccp.folded` …) for
/// `--time-passes` and tests.
public final class PassContext {
    private final int level;
    private final boolean checkBetweenPasses;
    private final Map<String, Long> counters = new LinkedHashMap<>();

    public PassContext(int level, boolean checkBetweenPasses) {
        this.level = level;
        this.checkBetweenPasses = checkBetweenPasses;
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
