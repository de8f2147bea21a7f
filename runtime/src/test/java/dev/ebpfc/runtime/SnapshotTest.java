package dev.ebpfc.runtime;

import dev.ebpfc.frontend.object.MapDef;
import dev.ebpfc.frontend.object.MapType;
import dev.ebpfc.runtime.maps.BpfMap;
import dev.ebpfc.runtime.maps.ByteKey;
import dev.ebpfc.runtime.maps.HashMapImpl;
import dev.ebpfc.runtime.maps.MapSet;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/// The fast per-map snapshots (array maps without sorting, hash maps without a TreeMap of copies)
/// give the bytes of the definition: every entry as key||value in unsigned key-byte order.
class SnapshotTest {
    /// The definition, written the slow way.
    static byte[] reference(BpfMap m) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Map.Entry<ByteKey, byte[]> e : m.entries().entrySet()) {
            out.writeBytes(e.getKey().bytes());
            out.writeBytes(e.getValue());
        }
        return out.toByteArray();
    }

    @Test
    void arrayMapsOfEverySizeMatchKeyOrder() {
        Random rnd = new Random(7);
        for (int entries : new int[]{1, 3, 256, 257, 1000, 70000}) {
            BpfMap m = new MapSet(List.of(MapDef.map("a", MapType.ARRAY, 4, 6, entries, 0))).get(0);
            for (int i = 0; i < 50; i++) {
                int k = rnd.nextInt(entries);
                byte[] v = new byte[6];
                rnd.nextBytes(v);
                m.update(MapsTest.u32(k), v, BpfMap.BPF_ANY);
            }
            assertArrayEquals(reference(m), m.snapshot(), entries + " entries");
            assertArrayEquals(reference(m), m.snapshot(), "again, with the cached order");
        }
    }

    @Test
    void hashMapsMatchKeyOrderAndLeaveLruOrderAlone() {
        Random rnd = new Random(8);
        for (MapType t : List.of(MapType.HASH, MapType.LRU_HASH)) {
            HashMapImpl m = (HashMapImpl) new MapSet(List.of(MapDef.map("h", t, 5, 3, 64, 0))).get(0);
            for (int i = 0; i < 100; i++) {
                byte[] k = new byte[5];
                rnd.nextBytes(k);
                k[0] &= 3;
                m.update(k, new byte[]{(byte) i, 1, 2}, BpfMap.BPF_ANY);
            }
            List<ByteKey> before = m.keysInUseOrder();
            assertArrayEquals(reference(m), m.snapshot(), t.name());
            assertEquals(before, m.keysInUseOrder(), "snapshot counts as no use");
        }
    }
}
