package dev.ebpfc.ir.verify;

import dev.ebpfc.frontend.object.MapDef;
import dev.ebpfc.ir.Function;
import dev.ebpfc.ir.Module;
import dev.ebpfc.ir.Value;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/// What every function analysis of one verification shares: the module and options, the context
/// layout, operand naming, statistics, and the cache of callee analyses. Calls are analysed in
/// context (the callee with the caller's abstract arguments and stack, like the kernel's
/// verification of static subprograms), and a callee is analysed once per distinct entry state.
final class ModuleAnalysis {
    /// Frames of the call chain, the entry's included (Linux: MAX_CALL_FRAMES).
    static final int MAX_FRAMES = 8;

    /// A function's effect on its caller: r0 (the join over its returns), the caller frames as
    /// they are after it, what it proved about the packet, whether it moved the packet, whether it
    /// returns at all, and its recorder.
    record Summary(AbsValue ret, StackFrame[] callerFrames, long dataRange, boolean packetChanged, boolean returns, Recorder recorder) {
    }

    private record CallKey(Function function, State entry) {
    }

    final Module module;
    final VerifierOptions options;
    final ContextLayout layout;
    final Names names;
    /// The entry function's r2 in raw-memory programs: the length of `mem`.
    Value memLength;
    long blockVisits;
    long instructions;
    private final Map<CallKey, Summary> cache = new HashMap<>();

    ModuleAnalysis(Module module, VerifierOptions options) {
        this.module = module;
        this.options = options;
        this.layout = ContextLayout.of(options.context());
        this.names = new Names(options.source() == null ? null : options.source().program());
    }

    Mode mode() {
        return options.mode();
    }

    boolean strict() {
        return options.mode() == Mode.STRICT;
    }

    MapDef map(int index) {
        List<MapDef> maps = options.maps();
        return index >= 0 && index < maps.size() ? maps.get(index) : null;
    }

    /// The analysis of `f` from `entry` (its parameters set, its frame the last, empty).
    Summary analyse(Function f, State entry) {
        CallKey key = new CallKey(f, entry);
        Summary s = cache.get(key);
        if (s == null) {
            s = new FunctionAnalysis(this, f, entry.copy()).run();
            cache.put(key, s);
        }
        return s;
    }
}
