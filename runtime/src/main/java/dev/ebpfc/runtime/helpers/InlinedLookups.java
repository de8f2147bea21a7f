package dev.ebpfc.runtime.helpers;

import dev.ebpfc.frontend.object.MapType;
import dev.ebpfc.runtime.ExecutionResult;
import dev.ebpfc.runtime.RuntimeOptions;
import dev.ebpfc.runtime.HelperCall;
import dev.ebpfc.runtime.maps.BpfMap;
import dev.ebpfc.runtime.maps.MapSet;

import java.util.ArrayList;
import java.util.List;

/// Optimised code (the IR at -O2, and every -O2 code generator) turns `map_lookup_elem` on array
/// maps into address arithmetic (ir's `HelperInlining`), so those calls are missing from its
/// helper-call trace. Comparing -O2 with an unoptimised engine drops them from both traces; every
/// other call is still compared in order, with its arguments and result.
public final class InlinedLookups {
    private InlinedLookups() {
    }

    /// `r` without the array-map lookups in its trace; `maps` says which handles name array maps.
    public static ExecutionResult drop(ExecutionResult r, MapSet maps, RuntimeOptions options) {
        List<HelperCall> kept = new ArrayList<>();
        for (HelperCall c : r.trace()) {
            boolean lookup = options.profile().get(c.id()) instanceof MapLookupElem && c.args().length > 0;
            BpfMap m = lookup ? maps.byHandle(c.args()[0]) : null;
            if (m != null && (m.def.type() == MapType.ARRAY || m.def.type() == MapType.PERCPU_ARRAY)) continue;
            kept.add(c);
        }
        return new ExecutionResult(r.r0(), r.error(), r.message(), r.slot(), r.executed(), r.regions(), kept, r.printk(),
                r.perfEvents(), r.ringbufRecords());
    }
}
