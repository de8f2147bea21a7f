package dev.ebpfc.runtime.maps;

import dev.ebpfc.frontend.object.MapDef;
import dev.ebpfc.runtime.memory.MemoryLayout;
import dev.ebpfc.runtime.memory.Region;

import java.util.Arrays;
import java.util.SortedMap;
import java.util.TreeMap;

/// `ARRAY` and `PERCPU_ARRAY` (one CPU modelled) maps, global data sections included: a u32 index
/// key, every element always present and zero-initialised, no deletion (kernel/bpf/arraymap.c).
public final class ArrayMap extends BpfMap {
    private final Region region;
    private final int stride;

    public ArrayMap(MapDef def, int index) {
        super(def, index);
        if (def.keySize() != 4) throw new IllegalArgumentException("array map " + def.name() + " needs a 4-byte key, not " + def.keySize());
        this.stride = valueStride(def.valueSize(), def.globalData());
        byte[] data = new byte[Math.multiplyExact(stride, def.maxEntries())];
        byte[] init = def.initialValue();
        if (init != null) System.arraycopy(init, 0, data, 0, init.length);
        this.region = new Region(def.name(), MemoryLayout.mapValuesBase(index), data, !def.readOnly());
    }

    /// Bytes between consecutive values: the value size rounded up to 8 (Linux), except global
    /// data, whose single value is the section as is. Element `i` lives at
    /// `MemoryLayout.mapValuesBase(index) + i * stride`, the address `lookup` returns; passes that
    /// inline lookups compute the same address from this.
    public static int valueStride(int valueSize, boolean globalData) {
        return globalData ? valueSize : stride(valueSize);
    }

    @Override
    public Region region() {
        return region;
    }

    @Override
    public long lookup(byte[] key) {
        int i = u32Key(key);
        if (Integer.compareUnsigned(i, def.maxEntries()) >= 0) return 0;
        return region.base + (long) i * stride;
    }

    @Override
    public int update(byte[] key, byte[] value, long flags) {
        if (flags > BPF_EXIST || flags < 0) return -Errno.EINVAL;
        int i = u32Key(key);
        if (Integer.compareUnsigned(i, def.maxEntries()) >= 0) return -Errno.E2BIG;
        if (flags == BPF_NOEXIST) return -Errno.EEXIST;
        if (def.readOnly()) return -Errno.EPERM;
        System.arraycopy(value, 0, region.data, i * stride, def.valueSize());
        return 0;
    }

    @Override
    public int delete(byte[] key) {
        return -Errno.EINVAL;
    }

    @Override
    public SortedMap<ByteKey, byte[]> entries() {
        TreeMap<ByteKey, byte[]> out = new TreeMap<>();
        for (int i = 0; i < def.maxEntries(); i++) {
            byte[] k = {(byte) i, (byte) (i >>> 8), (byte) (i >>> 16), (byte) (i >>> 24)};
            out.put(new ByteKey(k), Arrays.copyOfRange(region.data, i * stride, i * stride + def.valueSize()));
        }
        return out;
    }

    /// Indexes in key order by entry count: keys are little-endian u32 compared as unsigned
    /// bytes, so up to 256 entries that is index order, beyond it the order of the byte-reversed
    /// index. Computed once per size, not per map: every run creates its maps afresh.
    private static final java.util.concurrent.ConcurrentHashMap<Integer, int[]> KEY_ORDER = new java.util.concurrent.ConcurrentHashMap<>();

    @Override
    public byte[] snapshot() {
        int n = def.maxEntries();
        int vs = def.valueSize();
        int[] keyOrder = n <= 256 ? null : KEY_ORDER.computeIfAbsent(n, c -> java.util.stream.IntStream.range(0, c).boxed()
                .sorted((a, b) -> Integer.compareUnsigned(Integer.reverseBytes(a), Integer.reverseBytes(b)))
                .mapToInt(Integer::intValue).toArray());
        byte[] out = new byte[Math.multiplyExact(n, 4 + vs)];
        int at = 0;
        for (int j = 0; j < n; j++) {
            int i = keyOrder == null ? j : keyOrder[j];
            out[at] = (byte) i;
            out[at + 1] = (byte) (i >>> 8);
            out[at + 2] = (byte) (i >>> 16);
            out[at + 3] = (byte) (i >>> 24);
            System.arraycopy(region.data, i * stride, out, at + 4, vs);
            at += 4 + vs;
        }
        return out;
    }

    /// Writes a value ignoring read-only protection (user space initialising the map).
    void initialise(int i, byte[] value) {
        System.arraycopy(value, 0, region.data, i * stride, def.valueSize());
    }
}
