package dev.ebpfc.ir.verify;

import dev.ebpfc.runtime.context.ContextKind;
import dev.ebpfc.runtime.context.ProgramContext;

import java.util.List;

/// The fields of the program context the verifier lets a program touch, per context kind: their
/// offsets and sizes (`struct xdp_md`, `struct __sk_buff` in include/uapi/linux/bpf.h, as the
/// runtime's [ProgramContext] lays them out), which ones yield packet pointers, and which are
/// writable (the same set the runtime's context rules allow). Like the kernel's
/// `*_is_valid_access`: an access must stay inside one field, be aligned to its size, and be
/// either the field's size or (loads of plain 32-bit fields) a narrower aligned part.
final class ContextLayout {
    /// One field; `pointer` is the region a 4-byte load yields, or null for plain integers.
    record Field(String name, int offset, int size, AbsValue.Region pointer, boolean writable) {
        boolean contains(int off) {
            return off >= offset && off < offset + size;
        }
    }

    /// What an access to the context means, or why it is refused.
    sealed interface Access {
        record Ok(Field field, AbsValue result) implements Access {
        }

        record Refused(String why) implements Access {
        }
    }

    private final String structName;
    private final int size;
    private final List<Field> fields;

    private ContextLayout(String structName, int size, List<Field> fields) {
        this.structName = structName;
        this.size = size;
        this.fields = fields;
    }

    /// The layout for `kind`, or null for raw memory (no context struct).
    static ContextLayout of(ContextKind kind) {
        return switch (kind) {
            case RAW -> null;
            case XDP -> new ContextLayout("xdp_md", ProgramContext.XDP_MD_SIZE, List.of(
                    new Field("data", ProgramContext.XDP_DATA, 4, AbsValue.Region.PACKET, false),
                    new Field("data_end", ProgramContext.XDP_DATA_END, 4, AbsValue.Region.PACKET_END, false),
                    new Field("data_meta", ProgramContext.XDP_DATA_META, 4, AbsValue.Region.PACKET, false),
                    new Field("ingress_ifindex", ProgramContext.XDP_INGRESS_IFINDEX, 4, null, false),
                    new Field("rx_queue_index", ProgramContext.XDP_RX_QUEUE_INDEX, 4, null, false),
                    new Field("egress_ifindex", ProgramContext.XDP_EGRESS_IFINDEX, 4, null, false)));
            case SOCKET_FILTER, TC -> skb(kind == ContextKind.TC);
        };
    }

    private static ContextLayout skb(boolean tc) {
        return new ContextLayout("__sk_buff", ProgramContext.SKB_SIZE, List.of(
                new Field("len", ProgramContext.SKB_LEN, 4, null, false),
                new Field("pkt_type", ProgramContext.SKB_PKT_TYPE, 4, null, false),
                new Field("mark", ProgramContext.SKB_MARK, 4, null, tc),
                new Field("queue_mapping", ProgramContext.SKB_QUEUE_MAPPING, 4, null, tc),
                new Field("protocol", ProgramContext.SKB_PROTOCOL, 4, null, false),
                new Field("vlan_present", ProgramContext.SKB_VLAN_PRESENT, 4, null, false),
                new Field("vlan_tci", ProgramContext.SKB_VLAN_TCI, 4, null, false),
                new Field("vlan_proto", ProgramContext.SKB_VLAN_PROTO, 4, null, false),
                new Field("priority", ProgramContext.SKB_PRIORITY, 4, null, tc),
                new Field("ingress_ifindex", ProgramContext.SKB_INGRESS_IFINDEX, 4, null, false),
                new Field("ifindex", ProgramContext.SKB_IFINDEX, 4, null, false),
                new Field("tc_index", ProgramContext.SKB_TC_INDEX, 4, null, tc),
                new Field("cb", ProgramContext.SKB_CB, 20, null, true),
                new Field("hash", ProgramContext.SKB_HASH, 4, null, false),
                new Field("tc_classid", ProgramContext.SKB_TC_CLASSID, 4, null, tc),
                new Field("data", ProgramContext.SKB_DATA, 4, AbsValue.Region.PACKET, false),
                new Field("data_end", ProgramContext.SKB_DATA_END, 4, AbsValue.Region.PACKET_END, false),
                new Field("napi_id", ProgramContext.SKB_NAPI_ID, 4, null, false),
                new Field("data_meta", ProgramContext.SKB_DATA_META, 4, AbsValue.Region.PACKET, false),
                new Field("tstamp", ProgramContext.SKB_TSTAMP, 8, null, tc),
                new Field("wire_len", ProgramContext.SKB_WIRE_LEN, 4, null, false),
                new Field("gso_segs", 164, 4, null, false),
                new Field("gso_size", 176, 4, null, false)));
    }

    String structName() {
        return structName;
    }

    int size() {
        return size;
    }

    /// A load (`write` false) or store of `bytes` bytes at the constant offset `off`.
    Access access(long off, int bytes, boolean write) {
        if (off < 0 || off + bytes > size) return new Access.Refused("outside " + structName + " (" + size + " bytes)");
        Field f = null;
        for (Field x : fields) if (x.contains((int) off)) f = x;
        if (f == null) return new Access.Refused("no accessible " + structName + " field there");
        String name = structName + "." + f.name;
        if (off + bytes > f.offset + f.size) return new Access.Refused("crosses the end of " + name);
        if (off % bytes != 0) return new Access.Refused("misaligned access to " + name);
        if (write) {
            if (!f.writable) return new Access.Refused(name + " is read-only");
            if (f.pointer == null && f.size <= 4 && !f.name.equals("cb") && bytes != f.size) return new Access.Refused("wrong size for " + name + " (" + f.size + " bytes)");
            return new Access.Ok(f, null);
        }
        if (f.pointer != null) {
            if (bytes != 4) return new Access.Refused("wrong size for " + name + " (a pointer field is read with 4-byte loads)");
            return new Access.Ok(f, AbsValue.Ptr.to(f.pointer, 0, 0));
        }
        if (f.size == 8 && bytes != 8) return new Access.Refused("wrong size for " + name + " (8 bytes)");
        return new Access.Ok(f, Scalar.ofSize(bytes));
    }
}
