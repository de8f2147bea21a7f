package dev.ebpfc.ir.verify;

import dev.ebpfc.frontend.object.MapType;
import dev.ebpfc.runtime.helpers.Helper;
import dev.ebpfc.runtime.helpers.HelperProfile;

import java.util.List;
import java.util.Map;
import java.util.Set;

/// The prototype of each helper the runtime implements, as the verifier checks calls against it:
/// what each argument register must hold and what r0 holds afterwards. Argument kinds follow the
/// kernel's `enum bpf_arg_type` and the `bpf_func_proto` of each helper (include/linux/bpf.h,
/// net/core/filter.c, kernel/bpf/helpers.c); a memory argument is checked together with the size
/// argument after it. Keyed by the helper's name, so both profiles' numbering resolve here.
final class HelperPrototypes {
    private HelperPrototypes() {
    }

    enum Arg {
        /// Any value (integers; pointers too, which the helper only uses as numbers).
        ANYTHING,
        /// The program's context pointer, unmodified.
        CTX,
        /// A map handle (`lddw map`).
        MAP_PTR,
        /// Memory holding a key of the map's `key_size`, initialised.
        MAP_KEY,
        /// Memory holding a value of the map's `value_size`, initialised.
        MAP_VALUE,
        /// Memory the helper reads, of the size the next argument gives.
        MEM_READ,
        /// Like [#MEM_READ], or NULL.
        MEM_READ_OR_NULL,
        /// Memory the helper writes (may be uninitialised), of the size the next argument gives.
        MEM_WRITE,
        /// Memory the helper reads and writes.
        MEM_READ_WRITE,
        /// A size, more than 0, bounded.
        SIZE,
        /// A size, 0 allowed, bounded.
        SIZE_OR_ZERO,
        /// A known constant size (ring-buffer reservations).
        CONST_SIZE,
        /// A record from `ringbuf_reserve`, null-checked, unmodified.
        RINGBUF_RECORD,
        /// A function of the program (`lddw func`), called back by the helper.
        CALLBACK,
        /// The constant 0 (reserved flags).
        ZERO
    }

    enum Ret {
        INTEGER, U32, MAP_VALUE_OR_NULL, RINGBUF_RECORD_OR_NULL
    }

    /// One helper: its arguments (r1…), what it returns, the map types its map argument accepts
    /// (empty: any map that holds values), and whether it moves the packet.
    record Prototype(String name, List<Arg> args, Ret ret, Set<MapType> mapTypes, boolean changesPacket) {
    }

    private static final Set<MapType> NOT_VALUE_MAPS = Set.of(MapType.PROG_ARRAY, MapType.PERF_EVENT_ARRAY, MapType.RINGBUF);

    private static Prototype p(String name, Ret ret, Arg... args) {
        return new Prototype(name, List.of(args), ret, Set.of(), false);
    }

    private static Prototype p(String name, Ret ret, Set<MapType> maps, Arg... args) {
        return new Prototype(name, List.of(args), ret, maps, false);
    }

    private static final Map<String, Prototype> LINUX = Map.ofEntries(
            e(p("map_lookup_elem", Ret.MAP_VALUE_OR_NULL, Arg.MAP_PTR, Arg.MAP_KEY)),
            e(p("map_update_elem", Ret.INTEGER, Arg.MAP_PTR, Arg.MAP_KEY, Arg.MAP_VALUE, Arg.ANYTHING)),
            e(p("map_delete_elem", Ret.INTEGER, Arg.MAP_PTR, Arg.MAP_KEY)),
            e(p("probe_read", Ret.INTEGER, Arg.MEM_WRITE, Arg.SIZE_OR_ZERO, Arg.ANYTHING)),
            e(p("ktime_get_ns", Ret.INTEGER)),
            e(p("trace_printk", Ret.INTEGER, Arg.MEM_READ, Arg.SIZE, Arg.ANYTHING, Arg.ANYTHING, Arg.ANYTHING)),
            e(p("get_prandom_u32", Ret.U32)),
            e(p("get_smp_processor_id", Ret.U32)),
            e(p("tail_call", Ret.INTEGER, Set.of(MapType.PROG_ARRAY), Arg.CTX, Arg.MAP_PTR, Arg.ANYTHING)),
            e(p("get_current_pid_tgid", Ret.INTEGER)),
            e(p("redirect", Ret.INTEGER, Arg.ANYTHING, Arg.ANYTHING)),
            e(p("perf_event_output", Ret.INTEGER, Set.of(MapType.PERF_EVENT_ARRAY), Arg.CTX, Arg.MAP_PTR, Arg.ANYTHING, Arg.MEM_READ, Arg.SIZE_OR_ZERO)),
            e(p("skb_load_bytes", Ret.INTEGER, Arg.CTX, Arg.ANYTHING, Arg.MEM_WRITE, Arg.SIZE)),
            e(p("csum_diff", Ret.INTEGER, Arg.MEM_READ_OR_NULL, Arg.SIZE_OR_ZERO, Arg.MEM_READ_OR_NULL, Arg.SIZE_OR_ZERO, Arg.ANYTHING)),
            e(new Prototype("xdp_adjust_head", List.of(Arg.CTX, Arg.ANYTHING), Ret.INTEGER, Set.of(), true)),
            e(p("redirect_map", Ret.INTEGER, Set.of(MapType.DEVMAP, MapType.DEVMAP_HASH, MapType.CPUMAP, MapType.XSKMAP), Arg.MAP_PTR, Arg.ANYTHING, Arg.ANYTHING)),
            e(p("fib_lookup", Ret.INTEGER, Arg.CTX, Arg.MEM_READ_WRITE, Arg.SIZE, Arg.ANYTHING)),
            e(p("ringbuf_output", Ret.INTEGER, Set.of(MapType.RINGBUF), Arg.MAP_PTR, Arg.MEM_READ, Arg.SIZE_OR_ZERO, Arg.ANYTHING)),
            e(p("ringbuf_reserve", Ret.RINGBUF_RECORD_OR_NULL, Set.of(MapType.RINGBUF), Arg.MAP_PTR, Arg.CONST_SIZE, Arg.ANYTHING)),
            e(p("ringbuf_submit", Ret.INTEGER, Arg.RINGBUF_RECORD, Arg.ANYTHING)),
            e(p("ringbuf_discard", Ret.INTEGER, Arg.RINGBUF_RECORD, Arg.ANYTHING)),
            // bpf_loop(nr_loops, callback, ctx, flags): the callback is verified as a call.
            e(p("loop", Ret.INTEGER, Arg.ANYTHING, Arg.CALLBACK, Arg.ANYTHING, Arg.ZERO)));

    private static Map.Entry<String, Prototype> e(Prototype p) {
        return Map.entry(p.name(), p);
    }

    /// The prototype of helper `id` in `profile`, or null when the verifier does not know it.
    /// The conformance profile's helpers take and return plain integers (their memory arguments
    /// point into `mem`, which only trusted mode allows).
    static Prototype of(HelperProfile profile, long id) {
        Helper h = profile.get(id);
        if (profile == HelperProfile.LINUX) {
            return h == null ? null : LINUX.get(h.name());
        }
        if (h == null) return null;
        return new Prototype(h.name(), List.of(Arg.ANYTHING, Arg.ANYTHING, Arg.ANYTHING, Arg.ANYTHING, Arg.ANYTHING), Ret.INTEGER, Set.of(), false);
    }

    /// Whether a map of `type` may be passed to `p`.
    static boolean acceptsMap(Prototype p, MapType type) {
        if (!p.mapTypes().isEmpty()) return p.mapTypes().contains(type);
        return !NOT_VALUE_MAPS.contains(type);
    }
}
