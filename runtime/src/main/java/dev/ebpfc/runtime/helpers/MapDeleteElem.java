package dev.ebpfc.runtime.helpers;

import dev.ebpfc.runtime.maps.BpfMap;

/// `long bpf_map_delete_elem(map, key)` (Linux helper 3): 0 or a negated errno.
public final class MapDeleteElem implements Helper {
    @Override
    public String name() {
        return "map_delete_elem";
    }

    @Override
    public int arity() {
        return 2;
    }

    @Override
    public long call(HelperEnvironment env, long map, long key, long r3, long r4, long r5) {
        BpfMap m = env.map(map, name());
        return m.delete(env.memory.readBytes(key, m.def.keySize()));
    }
}
