package dev.ebpfc.runtime.context;

import dev.ebpfc.runtime.RegionSnapshot;
import dev.ebpfc.runtime.memory.AddressSpace;
import dev.ebpfc.runtime.memory.MemoryLayout;
import dev.ebpfc.runtime.memory.Region;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/// The context of one run: the `mem` region (RAW) or the context struct and the packet (XDP,
/// socket filter, TC), mapped at their fixed addresses. For the struct kinds it is also the
/// context region's access rules: a 32-bit load of `data`/`data_end`/`data_meta` yields the full
/// 64-bit pointer, as the kernel's ctx-access rewriting does, and only the fields the kernel lets
/// the program write are writable.
public final class ProgramContext implements Region.ContextRules {
    /// `struct xdp_md` offsets (include/uapi/linux/bpf.h).
    public static final int XDP_DATA = 0, XDP_DATA_END = 4, XDP_DATA_META = 8, XDP_INGRESS_IFINDEX = 12,
            XDP_RX_QUEUE_INDEX = 16, XDP_EGRESS_IFINDEX = 20, XDP_MD_SIZE = 24;
    /// `struct __sk_buff` offsets.
    public static final int SKB_LEN = 0, SKB_PKT_TYPE = 4, SKB_MARK = 8, SKB_QUEUE_MAPPING = 12, SKB_PROTOCOL = 16,
            SKB_VLAN_PRESENT = 20, SKB_VLAN_TCI = 24, SKB_VLAN_PROTO = 28, SKB_PRIORITY = 32, SKB_INGRESS_IFINDEX = 36,
            SKB_IFINDEX = 40, SKB_TC_INDEX = 44, SKB_CB = 48, SKB_HASH = 68, SKB_TC_CLASSID = 72, SKB_DATA = 76,
            SKB_DATA_END = 80, SKB_NAPI_ID = 84, SKB_FAMILY = 88, SKB_DATA_META = 140, SKB_TSTAMP = 152,
            SKB_WIRE_LEN = 160, SKB_SIZE = 192;
    /// Space Linux keeps for `struct xdp_frame` at the start of the headroom; `xdp_adjust_head`
    /// cannot move data below it.
    public static final int XDP_FRAME_SIZE = 40;
    public static final int ETH_HLEN = 14;

    public final ContextKind kind;
    private final Region ctx;
    private final Region packet;
    private final Region mem;

    public ProgramContext(ContextKind kind, RunInput input) {
        this.kind = kind;
        byte[] bytes = input.bytes();
        if (kind == ContextKind.RAW) {
            mem = new Region("mem", MemoryLayout.MEM_BASE, bytes, true);
            ctx = null;
            packet = null;
            return;
        }
        mem = null;
        byte[] p = new byte[MemoryLayout.PACKET_HEADROOM + bytes.length];
        System.arraycopy(bytes, 0, p, MemoryLayout.PACKET_HEADROOM, bytes.length);
        packet = new Region("packet", MemoryLayout.PACKET_BASE, p, true);
        packet.lo = MemoryLayout.PACKET_HEADROOM;
        if (kind == ContextKind.XDP) {
            ctx = new Region("context", MemoryLayout.CONTEXT_BASE, new byte[XDP_MD_SIZE], false, this);
            put(XDP_INGRESS_IFINDEX, input.ingressIfindex());
            put(XDP_RX_QUEUE_INDEX, input.rxQueueIndex());
        } else {
            ctx = new Region("context", MemoryLayout.CONTEXT_BASE, new byte[SKB_SIZE], false, this);
            put(SKB_LEN, bytes.length);
            put(SKB_MARK, input.mark());
            put(SKB_PRIORITY, input.priority());
            put(SKB_INGRESS_IFINDEX, input.ingressIfindex());
            put(SKB_IFINDEX, input.ingressIfindex());
            // skb->protocol holds the EtherType in network order, as the kernel stores it.
            if (bytes.length >= ETH_HLEN) put(SKB_PROTOCOL, (bytes[12] & 0xff) | (bytes[13] & 0xff) << 8);
            put(SKB_WIRE_LEN, bytes.length);
        }
        refreshPointerFields();
    }

    private void put(int off, int v) {
        AddressSpace.put(ctx.data, off, 4, v);
    }

    /// Maps this context's regions.
    public void mapInto(AddressSpace space) {
        if (mem != null) space.map(mem);
        if (ctx != null) space.map(ctx);
        if (packet != null) space.map(packet);
    }

    /// r1 at program start.
    public long r1() {
        return kind == ContextKind.RAW ? MemoryLayout.MEM_BASE : MemoryLayout.CONTEXT_BASE;
    }

    /// r2 at program start: the input length (conformance convention; other kinds ignore r2).
    public long r2() {
        return kind == ContextKind.RAW ? mem.data.length : dataEnd() - data();
    }

    public long data() {
        return packet.base + packet.lo + metaLength;
    }

    public long dataEnd() {
        return packet.base + packet.hi;
    }

    public long dataMeta() {
        return packet.base + packet.lo;
    }

    /// Bytes of metadata between data_meta and data (always 0 until a metadata helper exists).
    private int metaLength;

    /// The packet bytes from data to data_end (the `mem` bytes for RAW), for LD_ABS/LD_IND and helpers.
    public Region packetRegion() {
        return packet != null ? packet : mem;
    }

    /// Start of the readable packet data (RAW: the start of `mem`).
    public long packetStart() {
        return packet != null ? data() : mem.base;
    }

    public long packetEnd() {
        return packet != null ? dataEnd() : mem.base + mem.data.length;
    }

    /// `bpf_xdp_adjust_head`: moves data by `delta` within the headroom; 0 or -EINVAL.
    public int adjustHead(long delta) {
        long newData = data() - packet.base + delta;
        if (newData < XDP_FRAME_SIZE + metaLength || newData > packet.hi - ETH_HLEN) return -22;
        packet.lo = (int) newData - metaLength;
        refreshPointerFields();
        return 0;
    }

    private void refreshPointerFields() {
        if (kind == ContextKind.XDP) {
            put(XDP_DATA, (int) data());
            put(XDP_DATA_END, (int) dataEnd());
            put(XDP_DATA_META, (int) dataMeta());
        } else if (ctx != null) {
            put(SKB_DATA, (int) data());
            put(SKB_DATA_END, (int) dataEnd());
            put(SKB_DATA_META, (int) dataMeta());
            put(SKB_LEN, (int) (dataEnd() - data()));
        }
    }

    @Override
    public Long load(int offset, int size) {
        if (size != 4) return null;
        if (kind == ContextKind.XDP) {
            return switch (offset) {
                case XDP_DATA -> data();
                case XDP_DATA_END -> dataEnd();
                case XDP_DATA_META -> dataMeta();
                default -> null;
            };
        }
        return switch (offset) {
            case SKB_DATA -> data();
            case SKB_DATA_END -> dataEnd();
            case SKB_DATA_META -> dataMeta();
            default -> null;
        };
    }

    @Override
    public boolean writable(int offset, int size) {
        int end = offset + size;
        return switch (kind) {
            case RAW, XDP -> false;
            case SOCKET_FILTER -> within(offset, end, SKB_CB, SKB_CB + 20);
            case TC -> within(offset, end, SKB_CB, SKB_CB + 20)
                    || (size == 4 && (offset == SKB_MARK || offset == SKB_PRIORITY || offset == SKB_TC_INDEX
                    || offset == SKB_TC_CLASSID || offset == SKB_QUEUE_MAPPING))
                    || (size == 8 && offset == SKB_TSTAMP);
        };
    }

    private static boolean within(int off, int end, int lo, int hi) {
        return off >= lo && end <= hi;
    }

    /// The writable state after a run: context struct, packet (data to data_end), or `mem`.
    public List<RegionSnapshot> snapshot() {
        List<RegionSnapshot> out = new ArrayList<>();
        if (ctx != null) {
            refreshPointerFields();
            out.add(new RegionSnapshot("context", ctx.data.clone()));
            int from = (int) (data() - packet.base);
            out.add(new RegionSnapshot("packet", Arrays.copyOfRange(packet.data, from, packet.hi)));
        }
        if (mem != null) out.add(new RegionSnapshot("mem", mem.data.clone()));
        return out;
    }
}
