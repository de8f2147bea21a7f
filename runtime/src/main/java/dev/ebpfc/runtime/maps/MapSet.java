package dev.ebpfc.runtime.maps;

import dev.ebpfc.frontend.object.MapDef;
import dev.ebpfc.runtime.memory.MemoryLayout;

import java.util.ArrayList;
import java.util.List;

/// The maps of a run, by the index `lddw map_idx` uses, created from the object's definitions.
/// A set is mutable state: pre-fill it, run programs against it, dump it.
public final class MapSet {
    private final List<BpfMap> maps = new ArrayList<>();

    public MapSet(List<MapDef> defs) {
        if (defs.size() > MemoryLayout.MAX_MAPS) throw new IllegalArgumentException(defs.size() + " maps, at most " + MemoryLayout.MAX_MAPS);
        for (int i = 0; i < defs.size(); i++) maps.add(create(defs.get(i), i));
    }

    public static MapSet empty() {
        return new MapSet(List.of());
    }

    private static BpfMap create(MapDef def, int index) {
        if (def.maxEntries() <= 0) throw new IllegalArgumentException("map " + def.name() + " has max_entries " + def.maxEntries());
        return switch (def.type()) {
            case ARRAY, PERCPU_ARRAY -> new ArrayMap(def, index);
            case HASH, PERCPU_HASH, LRU_HASH, LRU_PERCPU_HASH -> new HashMapImpl(def, index);
            case PROG_ARRAY -> new ProgArrayMap(def, index);
            case RINGBUF -> new RingBufMap(def, index);
            default -> throw new IllegalArgumentException("map " + def.name() + ": type " + def.type() + " is not supported by the runtime");
        };
    }

    public int size() {
        return maps.size();
    }

    public BpfMap get(int index) {
        return maps.get(index);
    }

    /// The map a handle value (from `lddw map_idx`) names, or null.
    public BpfMap byHandle(long handle) {
        int i = MemoryLayout.mapIndexOfHandle(handle);
        return i >= 0 && i < maps.size() ? maps.get(i) : null;
    }

    public BpfMap byName(String name) {
        for (BpfMap m : maps) if (m.name().equals(name)) return m;
        return null;
    }

    public List<BpfMap> all() {
        return List.copyOf(maps);
    }

    /// Writes an entry as user space would (`bpf_map_update_elem` from a syscall): read-only
    /// global data may still be initialised here.
    public void put(String name, byte[] key, byte[] value) {
        BpfMap m = byName(name);
        if (m == null) throw new IllegalArgumentException("no map named " + name);
        if (key.length != m.def.keySize()) throw new IllegalArgumentException("map " + name + ": key is " + key.length + " bytes, key size " + m.def.keySize());
        if (value.length != m.def.valueSize()) throw new IllegalArgumentException("map " + name + ": value is " + value.length + " bytes, value size " + m.def.valueSize());
        int rc;
        if (m instanceof ArrayMap a && m.def.readOnly()) {
            int i = BpfMap.u32Key(key);
            if (Integer.compareUnsigned(i, m.def.maxEntries()) >= 0) throw new IllegalArgumentException("map " + name + ": index " + i + " out of range");
            a.initialise(i, value);
            rc = 0;
        } else {
            rc = m.update(key, value, BpfMap.BPF_ANY);
        }
        if (rc != 0) throw new IllegalArgumentException("map " + name + ": update failed with errno " + -rc);
    }
}
