package dev.ebpfc.runtime.maps;

import dev.ebpfc.frontend.object.MapDef;
import dev.ebpfc.runtime.memory.Region;

import java.util.Arrays;
import java.util.SortedMap;
import java.util.TreeMap;

/// `PROG_ARRAY`: the tail-call table. A u32 index maps to a u32 program number (the program's
/// position in the run's program list, where Linux would hold a program fd). Programs cannot look
/// into it; only `bpf_tail_call` reads it.
public final class ProgArrayMap extends BpfMap {
    private final int[] programs;

    public ProgArrayMap(MapDef def, int index) {
        super(def, index);
        if (def.keySize() != 4 || def.valueSize() != 4) throw new IllegalArgumentException("prog array " + def.name() + " needs 4-byte keys and values");
        programs = new int[def.maxEntries()];
        Arrays.fill(programs, -1);
    }

    @Override
    public Region region() {
        return null;
    }

    /// The program number at `index`, or -1 when the slot is empty or out of range.
    public int program(long index) {
        return index >= 0 && index < programs.length ? programs[(int) index] : -1;
    }

    @Override
    public long lookup(byte[] key) {
        return 0;
    }

    @Override
    public int update(byte[] key, byte[] value, long flags) {
        if (flags > BPF_EXIST || flags < 0) return -Errno.EINVAL;
        int i = u32Key(key);
        if (Integer.compareUnsigned(i, programs.length) >= 0) return -Errno.E2BIG;
        if (flags == BPF_NOEXIST) return -Errno.EEXIST;
        programs[i] = u32Key(value);
        return 0;
    }

    @Override
    public int delete(byte[] key) {
        int i = u32Key(key);
        if (Integer.compareUnsigned(i, programs.length) >= 0) return -Errno.E2BIG;
        if (programs[i] < 0) return -Errno.ENOENT;
        programs[i] = -1;
        return 0;
    }

    @Override
    public SortedMap<ByteKey, byte[]> entries() {
        TreeMap<ByteKey, byte[]> out = new TreeMap<>();
        for (int i = 0; i < programs.length; i++) {
            if (programs[i] < 0) continue;
            int p = programs[i];
            out.put(new ByteKey(new byte[]{(byte) i, (byte) (i >>> 8), (byte) (i >>> 16), (byte) (i >>> 24)}),
                    new byte[]{(byte) p, (byte) (p >>> 8), (byte) (p >>> 16), (byte) (p >>> 24)});
        }
        return out;
    }
}
