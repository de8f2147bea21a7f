package dev.ebpfc.ir.lift;

import dev.ebpfc.runtime.helpers.Helper;
import dev.ebpfc.runtime.helpers.HelperProfile;

import java.util.Map;

/// How many argument registers (r1–r5) each helper reads, by the helper's name, so a call passes
/// exactly its arguments (the registers after a call are undefined, so passing "all five" would
/// read values that do not exist). Arities follow the helpers' C prototypes in
/// include/uapi/linux/bpf.h and the bpf_conformance helper table; the runtime's helper classes
/// read exactly these. Helpers unknown here (and kfuncs, `callx`) get the registers that are set
/// on every path, in order from r1, which is all a program can have meant.
public final class HelperSignatures {
    private HelperSignatures() {
    }

    /// The registers a call reads: `fixed` always (r1..r`fixed`); with `variadic` also the
    /// following ones that are set.
    public record Args(int fixed, boolean variadic) {
        public static final Args UNKNOWN = new Args(0, true);
    }

    private static final Map<String, Args> BY_NAME = Map.ofEntries(
            // Linux (include/uapi/linux/bpf.h).
            Map.entry("map_lookup_elem", new Args(2, false)),
            Map.entry("map_update_elem", new Args(4, false)),
            Map.entry("map_delete_elem", new Args(2, false)),
            Map.entry("probe_read", new Args(3, false)),
            Map.entry("ktime_get_ns", new Args(0, false)),
            // long bpf_trace_printk(const char *fmt, u32 fmt_size, ...): up to three more.
            Map.entry("trace_printk", new Args(2, true)),
            Map.entry("get_prandom_u32", new Args(0, false)),
            Map.entry("get_smp_processor_id", new Args(0, false)),
            Map.entry("tail_call", new Args(3, false)),
            Map.entry("get_current_pid_tgid", new Args(0, false)),
            Map.entry("redirect", new Args(2, false)),
            Map.entry("perf_event_output", new Args(5, false)),
            Map.entry("skb_load_bytes", new Args(4, false)),
            Map.entry("csum_diff", new Args(5, false)),
            Map.entry("xdp_adjust_head", new Args(2, false)),
            Map.entry("redirect_map", new Args(3, false)),
            Map.entry("fib_lookup", new Args(4, false)),
            Map.entry("ringbuf_output", new Args(4, false)),
            Map.entry("ringbuf_reserve", new Args(3, false)),
            Map.entry("ringbuf_submit", new Args(2, false)),
            Map.entry("ringbuf_discard", new Args(2, false)),
            // bpf_conformance's helper table.
            Map.entry("gather_bytes", new Args(5, false)),
            Map.entry("memfrob", new Args(2, false)),
            Map.entry("trash_registers", new Args(0, false)),
            Map.entry("sqrti", new Args(1, false)),
            Map.entry("strcmp_ext", new Args(2, false)),
            Map.entry("unwind", new Args(1, false)));

    /// The arguments of helper `id` in `profile`.
    public static Args of(HelperProfile profile, long id) {
        Helper h = profile.get(id);
        if (h == null) return Args.UNKNOWN;
        return BY_NAME.getOrDefault(h.name(), Args.UNKNOWN);
    }
}
