package dev.ebpfc.runtime.maps;

import dev.ebpfc.frontend.object.MapDef;
import dev.ebpfc.runtime.memory.MemoryLayout;
import dev.ebpfc.runtime.memory.Region;

import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/// `HASH`, `PERCPU_HASH` (one CPU), `LRU_HASH` and `LRU_PERCPU_HASH` maps (kernel/bpf/hashtab.c).
/// Values live in fixed slots of the value region, so a pointer from a lookup stays valid until the
/// element is deleted or evicted. The LRU variants evict the least recently used element (lookups
/// and updates count as uses) when an insertion finds the map full; the others return `-E2BIG`.
public final class HashMapImpl extends BpfMap {
    private final Region region;
    private final int stride;
    private final boolean lru;
    /// Key to slot; in access order for LRU maps, so the first entry is the least recently used.
    private final LinkedHashMap<ByteKey, Integer> slots;
    private final int[] free;
    private int freeCount;

    public HashMapImpl(MapDef def, int index) {
        super(def, index);
        this.lru = def.type() == dev.ebpfc.frontend.object.MapType.LRU_HASH || def.type() == dev.ebpfc.frontend.object.MapType.LRU_PERCPU_HASH;
        this.stride = stride(def.valueSize());
        this.region = new Region(def.name(), MemoryLayout.mapValuesBase(index), new byte[Math.multiplyExact(stride, def.maxEntries())], !def.readOnly());
        this.slots = new LinkedHashMap<>(16, 0.75f, lru);
        this.free = new int[def.maxEntries()];
        // Lowest slot first, so layouts are deterministic.
        for (int i = 0; i < free.length; i++) free[i] = free.length - 1 - i;
        this.freeCount = free.length;
    }

    @Override
    public Region region() {
        return region;
    }

    @Override
    public long lookup(byte[] key) {
        Integer slot = slots.get(new ByteKey(key));
        return slot == null ? 0 : region.base + (long) slot * stride;
    }

    @Override
    public int update(byte[] key, byte[] value, long flags) {
        if (flags > BPF_EXIST || flags < 0) return -Errno.EINVAL;
        ByteKey k = new ByteKey(key);
        Integer slot = slots.get(k);
        if (slot != null) {
            if (flags == BPF_NOEXIST) return -Errno.EEXIST;
        } else {
            if (flags == BPF_EXIST) return -Errno.ENOENT;
            if (freeCount == 0) {
                if (!lru) return -Errno.E2BIG;
                Iterator<Map.Entry<ByteKey, Integer>> eldest = slots.entrySet().iterator();
                free[freeCount++] = eldest.next().getValue();
                eldest.remove();
            }
            slot = free[--freeCount];
            slots.put(k, slot);
        }
        System.arraycopy(value, 0, region.data, slot * stride, def.valueSize());
        return 0;
    }

    @Override
    public int delete(byte[] key) {
        Integer slot = slots.remove(new ByteKey(key));
        if (slot == null) return -Errno.ENOENT;
        free[freeCount++] = slot;
        return 0;
    }

    @Override
    public SortedMap<ByteKey, byte[]> entries() {
        TreeMap<ByteKey, byte[]> out = new TreeMap<>();
        for (Map.Entry<ByteKey, Integer> e : slots.entrySet()) {
            int off = e.getValue() * stride;
            out.put(e.getKey(), Arrays.copyOfRange(region.data, off, off + def.valueSize()));
        }
        return out;
    }

    @Override
    public byte[] snapshot() {
        // Iterate entries rather than calling get: a get would count as a use in an LRU map.
        @SuppressWarnings("unchecked")
        Map.Entry<ByteKey, Integer>[] es = slots.entrySet().toArray(new Map.Entry[0]);
        Arrays.sort(es, Map.Entry.comparingByKey());
        int ks = def.keySize(), vs = def.valueSize();
        byte[] out = new byte[es.length * (ks + vs)];
        int at = 0;
        for (Map.Entry<ByteKey, Integer> e : es) {
            System.arraycopy(e.getKey().bytes(), 0, out, at, ks);
            System.arraycopy(region.data, e.getValue() * stride, out, at + ks, vs);
            at += ks + vs;
        }
        return out;
    }

    /// Keys from least to most recently used (LRU maps) or in insertion order.
    public java.util.List<ByteKey> keysInUseOrder() {
        return java.util.List.copyOf(slots.keySet());
    }
}
