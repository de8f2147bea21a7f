package dev.ebpfc.runtime.helpers;

import dev.ebpfc.runtime.maps.BpfMap;

/// `void *bpf_map_lookup_elem(map, key)` (Linux helper 1): the value's address or NULL.
public final class MapLookupElem implements Helper {
    @Override
    public String name() {
        return "map_lookup_elem";
    }

    @Override
    public int arity() {
        return 2;
    }

    @Override
    public long call(HelperEnvironment env, long map, long key, long r3, long r4, long r5) {
        BpfMap m = env.map(map, name());
        return m.lookup(env.memory.readBytes(key, m.def.keySize()));
    }
}
