package dev.ebpfc.runtime.helpers;

import java.util.Map;
import java.util.TreeMap;

/// A numbering of helpers: `linux` (the kernel's helper ids, include/uapi/linux/bpf.h) or
/// `conformance` (the bpf_conformance suite's uBPF table). Chosen per run.
public final class HelperProfile {
    public final String name;
    private final Helper[] byId;

    private HelperProfile(String name, Map<Integer, Helper> helpers) {
        this.name = name;
        int max = helpers.keySet().stream().mapToInt(Integer::intValue).max().orElse(-1);
        this.byId = new Helper[max + 1];
        helpers.forEach((id, h) -> byId[id] = h);
    }

    public static final HelperProfile LINUX = new HelperProfile("linux", linux());
    public static final HelperProfile CONFORMANCE = new HelperProfile("conformance", conformance());

    private static Map<Integer, Helper> linux() {
        Map<Integer, Helper> m = new TreeMap<>();
        m.put(1, new MapLookupElem());
        m.put(2, new MapUpdateElem());
        m.put(3, new MapDeleteElem());
        m.put(4, new ProbeRead());
        m.put(5, new KtimeGetNs());
        m.put(6, new TracePrintk());
        m.put(7, new GetPrandomU32());
        m.put(8, new GetSmpProcessorId());
        m.put(12, new TailCall());
        m.put(14, new GetCurrentPidTgid());
        m.put(23, new Redirect());
        m.put(25, new PerfEventOutput());
        m.put(26, new SkbLoadBytes());
        m.put(28, new CsumDiff());
        m.put(44, new XdpAdjustHead());
        m.put(51, new RedirectMap());
        m.put(69, new FibLookup());
        m.put(130, new RingbufOutput());
        m.put(131, new RingbufReserve());
        m.put(132, new RingbufSubmit());
        m.put(133, new RingbufDiscard());
        m.put(181, new Loop());
        return m;
    }

    private static Map<Integer, Helper> conformance() {
        Map<Integer, Helper> m = new TreeMap<>();
        m.put(0, new GatherBytes());
        m.put(1, new Memfrob());
        m.put(2, new TrashRegisters());
        m.put(3, new Sqrti());
        m.put(4, new StrcmpExt());
        m.put(5, new Unwind());
        return m;
    }

    /// The helper with `id`, or null.
    public Helper get(long id) {
        return id >= 0 && id < byId.length ? byId[(int) id] : null;
    }

    public static HelperProfile named(String name) {
        return switch (name) {
            case "linux" -> LINUX;
            case "conformance" -> CONFORMANCE;
            default -> throw new IllegalArgumentException("no helper profile " + name + " (linux, conformance)");
        };
    }
}
