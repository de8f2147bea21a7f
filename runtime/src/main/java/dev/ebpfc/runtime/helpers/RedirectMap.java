package dev.ebpfc.runtime.helpers;

import dev.ebpfc.runtime.maps.BpfMap;

/// `long bpf_redirect_map(map, key, flags)` (Linux helper 51): XDP_REDIRECT (4) when `key` is in
/// the map (its value becomes the redirect target), otherwise the action in the low two bits of
/// `flags` (net/core/filter.c `__bpf_xdp_redirect_map`). Any lookup-capable map serves as the
/// device map, since DEVMAP itself is not modelled.
public final class RedirectMap implements Helper {
    @Override
    public String name() {
        return "redirect_map";
    }

    @Override
    public int arity() {
        return 3;
    }

    @Override
    public long call(HelperEnvironment env, long map, long key, long flags, long r4, long r5) {
        BpfMap m = env.map(map, name());
        byte[] k = new byte[m.def.keySize()];
        for (int i = 0; i < k.length && i < 4; i++) k[i] = (byte) (key >>> (8 * i));
        long addr = m.lookup(k);
        if (addr == 0) return flags & 3;
        env.redirectTarget = env.memory.read(addr, Math.min(4, m.def.valueSize()) == 4 ? 4 : 1);
        return 4;
    }
}
