package dev.ebpfc.runtime.context;

/// What r1 points to when a program starts, by program type.
public enum ContextKind {
    /// Raw memory, the conformance convention: r1 = pointer to `mem`, r2 = its length.
    RAW,
    /// `struct xdp_md` over a packet (BPF_PROG_TYPE_XDP).
    XDP,
    /// `struct __sk_buff` for socket filters: only `cb[]` is writable.
    SOCKET_FILTER,
    /// `struct __sk_buff` for TC classifiers/actions: mark, priority, tc_index, cb, tc_classid… writable.
    TC;

    /// The kind an ELF section name implies (libbpf's section conventions), RAW when none fits.
    public static ContextKind ofSection(String section) {
        if (section == null) return RAW;
        if (section.equals("xdp") || section.startsWith("xdp/") || section.startsWith("xdp.")) return XDP;
        if (section.equals("socket") || section.startsWith("socket/") || section.startsWith("socket_filter")) return SOCKET_FILTER;
        if (section.equals("tc") || section.startsWith("tc/") || section.startsWith("tc.") || section.startsWith("classifier")
                || section.startsWith("action") || section.startsWith("tcx/")) return TC;
        return RAW;
    }

    public boolean hasPacket() {
        return this != RAW;
    }
}
