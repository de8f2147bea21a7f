package dev.ebpfc.runtime.maps;

import dev.ebpfc.frontend.object.MapDef;
import dev.ebpfc.runtime.memory.AddressSpace;
import dev.ebpfc.runtime.memory.MemoryLayout;
import dev.ebpfc.runtime.memory.Region;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/// `RINGBUF` (kernel/bpf/ringbuf.c): `max_entries` bytes of ring holding records, each an 8-byte
/// header (u32 length with BUSY/DISCARD bits, u32 page offset) followed by the data rounded up to
/// 8 bytes. Nothing consumes during a run, so the ring fills once; a reservation that does not fit
/// fails. Submitted records are kept, in submission order, for the result.
public final class RingBufMap extends BpfMap {
    static final int HEADER = 8;
    static final int BUSY_BIT = 1 << 31;
    static final int DISCARD_BIT = 1 << 30;

    private final Region region;
    private int producer;
    /// Data offset of each outstanding reservation to its length.
    private final org.eclipse.collections.impl.map.mutable.primitive.IntIntHashMap reserved = new org.eclipse.collections.impl.map.mutable.primitive.IntIntHashMap();
    private final List<byte[]> records = new ArrayList<>();

    public RingBufMap(MapDef def, int index) {
        super(def, index);
        this.region = new Region(def.name(), MemoryLayout.mapValuesBase(index), new byte[def.maxEntries()], true);
    }

    @Override
    public Region region() {
        return region;
    }

    /// Reserves `size` bytes; the address of the record's data, or 0 when it does not fit.
    public long reserve(long size) {
        if (size <= 0 || size > region.data.length) return 0;
        int total = HEADER + (int) ((size + 7) & ~7L);
        if (producer + total > region.data.length) return 0;
        int at = producer;
        producer += total;
        AddressSpace.put(region.data, at, 4, (int) size | BUSY_BIT);
        AddressSpace.put(region.data, at + 4, 4, at);
        reserved.put(at + HEADER, (int) size);
        return region.base + at + HEADER;
    }

    /// Commits (or discards) the reservation at `address`; false when it is none.
    public boolean commit(long address, boolean discard) {
        long off = address - region.base;
        if (off < HEADER || off >= region.data.length || !reserved.containsKey((int) off)) return false;
        int at = (int) off;
        int size = reserved.removeKeyIfAbsent(at, 0);
        AddressSpace.put(region.data, at - HEADER, 4, size | (discard ? DISCARD_BIT : 0));
        if (!discard) records.add(Arrays.copyOfRange(region.data, at, at + size));
        return true;
    }

    /// Submitted records, oldest first.
    public List<byte[]> records() {
        return records.stream().map(byte[]::clone).toList();
    }

    /// Bytes reserved so far, headers included.
    public int used() {
        return producer;
    }

    @Override
    public long lookup(byte[] key) {
        return 0;
    }

    @Override
    public int update(byte[] key, byte[] value, long flags) {
        return -Errno.EINVAL;
    }

    @Override
    public int delete(byte[] key) {
        return -Errno.EINVAL;
    }

    @Override
    public SortedMap<ByteKey, byte[]> entries() {
        return new TreeMap<>();
    }
}
