package dev.ebpfc.runtime.helpers;

import dev.ebpfc.runtime.maps.BpfMap;

/// `long bpf_map_update_elem(map, key, value, flags)` (Linux helper 2): 0 or a negated errno.
public final class MapUpdateElem implements Helper {
    @Override
    public String name() {
        return "map_update_elem";
    }

    @Override
    public int arity() {
        return 4;
    }

    @Override
    public long call(HelperEnvironment env, long map, long key, long value, long flags, long r5) {
        BpfMap m = env.map(map, name());
        byte[] k = env.memory.readBytes(key, m.def.keySize());
        byte[] v = env.memory.readBytes(value, m.def.valueSize());
        return m.update(k, v, flags);
    }
}
