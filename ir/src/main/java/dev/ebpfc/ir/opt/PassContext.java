package dev.ebpfc.ir.opt;

import dev.ebpfc.frontend.object.MapDef;
import dev.ebpfc.runtime.context.ContextKind;
import dev.ebpfc.runtime.helpers.HelperProfile;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/// Per-compilation state shared by the passes of one pipeline run: the optimisation level,
/// whether to check the IR between passes, the helper numbering the program was lifted with (which
/// says what `call_helper N` is; null when unknown, and then no pass relies on a helper's identity
/// and every helper is assumed able to tail call), what the entry's r1 points to and the maps the
/// module's map indices name (for passes that run the verifier; null when unknown, and then those
/// passes change nothing), and counters passes report (`sccp.folded` …) for
/// `--time-passes` and tests.
public final class PassContext {
    private final int level;
    private final boolean checkBetweenPasses;
    private final HelperProfile helpers;
    private final ContextKind programContext;
    private final List<MapDef> maps;
    private final Map<String, Long> counters = new LinkedHashMap<>();

    public PassContext(int level, boolean checkBetweenPasses) {
        this(level, checkBetweenPasses, null);
    }

    public PassContext(int level, boolean checkBetweenPasses, HelperProfile helpers) {
        this(level, checkBetweenPasses, helpers, null, null);
    }

    /// `programContext`: what the entry's r1 points to; `maps`: the object's maps, in the order
    /// of the module's map indices (null: derived from the module's map declarations when they
    /// all have a shape).
    public PassContext(int level, boolean checkBetweenPasses, HelperProfile helpers, ContextKind programContext, List<MapDef> maps) {
        this.level = level;
        this.checkBetweenPasses = checkBetweenPasses;
        this.helpers = helpers;
        this.programContext = programContext;
        this.maps = maps == null ? null : List.copyOf(maps);
    }

    /// What the entry function's r1 points to, or null when unknown.
    public ContextKind programContext() {
        return programContext;
    }

    /// The maps the module's map indices name, or null when not given.
    public List<MapDef> maps() {
        return maps;
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
