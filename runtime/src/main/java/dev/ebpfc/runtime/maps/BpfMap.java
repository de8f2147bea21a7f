package dev.ebpfc.runtime.maps;

import dev.ebpfc.frontend.object.MapDef;
import dev.ebpfc.runtime.memory.Region;

import java.util.SortedMap;

/// A map of one run, with the semantics of Linux's map operations as seen from a program:
/// lookups return the virtual address of the value inside the map's value region (stable while
/// the element lives), updates and deletes return 0 or a negated errno.
public abstract class BpfMap {
    /// Update flags (include/uapi/linux/bpf.h).
    public static final long BPF_ANY = 0, BPF_NOEXIST = 1, BPF_EXIST = 2;

    public final MapDef def;
    /// The index `lddw map_idx` names.
    public final int index;

    protected BpfMap(MapDef def, int index) {
        this.def = def;
        this.index = index;
    }

    /// The region holding the values, or null when the program cannot address them.
    public abstract Region region();

    /// Address of the value for `key`, or 0 when absent.
    public abstract long lookup(byte[] key);

    /// 0 or a negated errno.
    public abstract int update(byte[] key, byte[] value, long flags);

    /// 0 or a negated errno.
    public abstract int delete(byte[] key);

    /// Every entry, ordered by key bytes, as user space would dump it.
    public abstract SortedMap<ByteKey, byte[]> entries();

    /// Every entry as key||value, in key order: the bytes of the map's [RegionSnapshot].
    public byte[] snapshot() {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (java.util.Map.Entry<ByteKey, byte[]> e : entries().entrySet()) {
            out.writeBytes(e.getKey().bytes());
            out.writeBytes(e.getValue());
        }
        return out.toByteArray();
    }

    /// The value bytes for `key`, or null.
    public byte[] get(byte[] key) {
        return entries().get(new ByteKey(key));
    }

    public String name() {
        return def.name();
    }

    /// Linux stores values at 8-byte aligned strides (round_up(value_size, 8)).
    protected static int stride(int valueSize) {
        return Math.max(8, (valueSize + 7) & ~7);
    }

    protected static int u32Key(byte[] key) {
        return (key[0] & 0xff) | (key[1] & 0xff) << 8 | (key[2] & 0xff) << 16 | (key[3] & 0xff) << 24;
    }
}
