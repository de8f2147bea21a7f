package dev.ebpfc.runtime;

import dev.ebpfc.frontend.insn.AluOp;
import dev.ebpfc.frontend.insn.Cond;
import dev.ebpfc.frontend.insn.LddwSource;
import dev.ebpfc.frontend.insn.Size;
import dev.ebpfc.frontend.object.MapDef;
import dev.ebpfc.frontend.object.MapType;
import dev.ebpfc.runtime.context.RunInput;
import dev.ebpfc.runtime.maps.ArrayMap;
import dev.ebpfc.runtime.maps.BpfMap;
import dev.ebpfc.runtime.maps.Errno;
import dev.ebpfc.runtime.maps.HashMapImpl;
import dev.ebpfc.runtime.maps.MapJson;
import dev.ebpfc.runtime.maps.MapSet;
import dev.ebpfc.runtime.maps.RingBufMap;
import dev.ebpfc.runtime.memory.MemoryLayout;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/// Map semantics (array, per-CPU array, hash, per-CPU hash, LRU hash, prog array, ring buffer),
/// programs using them through helpers, and the JSON pre-fill/dump.
class MapsTest {
    static byte[] u32(int v) {
        return new byte[]{(byte) v, (byte) (v >>> 8), (byte) (v >>> 16), (byte) (v >>> 24)};
    }

    static byte[] u64(long v) {
        byte[] b = new byte[8];
        for (int i = 0; i < 8; i++) b[i] = (byte) (v >>> (8 * i));
        return b;
    }

    @Test
    void arrayMapLookupUpdateDelete() {
        for (MapType t : List.of(MapType.ARRAY, MapType.PERCPU_ARRAY)) {
            ArrayMap m = (ArrayMap) new MapSet(List.of(MapDef.map("a", t, 4, 4, 3, 0))).get(0);
            assertEquals(MemoryLayout.mapValuesBase(0) + 8, m.lookup(u32(1)));
            assertEquals(0, m.lookup(u32(3)));
            assertEquals(0, m.update(u32(2), u32(9), BpfMap.BPF_ANY));
            assertEquals(-Errno.EEXIST, m.update(u32(2), u32(9), BpfMap.BPF_NOEXIST));
            assertEquals(-Errno.E2BIG, m.update(u32(3), u32(9), BpfMap.BPF_ANY));
            assertEquals(-Errno.EINVAL, m.delete(u32(0)));
            assertArrayEquals(u32(9), m.get(u32(2)));
            assertEquals(3, m.entries().size());
        }
    }

    @Test
    void hashMapSemantics() {
        for (MapType t : List.of(MapType.HASH, MapType.PERCPU_HASH)) {
            HashMapImpl m = (HashMapImpl) new MapSet(List.of(MapDef.map("h", t, 4, 8, 2, 0))).get(0);
            assertEquals(0, m.lookup(u32(5)));
            assertEquals(-Errno.ENOENT, m.update(u32(5), u64(1), BpfMap.BPF_EXIST));
            assertEquals(0, m.update(u32(5), u64(1), BpfMap.BPF_NOEXIST));
            long addr = m.lookup(u32(5));
            assertEquals(MemoryLayout.mapValuesBase(0), addr);
            assertEquals(-Errno.EEXIST, m.update(u32(5), u64(2), BpfMap.BPF_NOEXIST));
            assertEquals(0, m.update(u32(5), u64(2), BpfMap.BPF_EXIST));
            assertEquals(addr, m.lookup(u32(5)), "the value keeps its address across updates");
            assertEquals(0, m.update(u32(6), u64(3), BpfMap.BPF_ANY));
            assertEquals(-Errno.E2BIG, m.update(u32(7), u64(4), BpfMap.BPF_ANY));
            assertEquals(0, m.delete(u32(5)));
            assertEquals(-Errno.ENOENT, m.delete(u32(5)));
            assertEquals(0, m.update(u32(7), u64(4), BpfMap.BPF_ANY));
            assertEquals(2, m.entries().size());
            assertEquals(-Errno.EINVAL, m.update(u32(7), u64(4), 4));
        }
    }

    @Test
    void lruHashEvictsLeastRecentlyUsed() {
        for (MapType t : List.of(MapType.LRU_HASH, MapType.LRU_PERCPU_HASH)) {
            HashMapImpl m = (HashMapImpl) new MapSet(List.of(MapDef.map("l", t, 4, 4, 3, 0))).get(0);
            m.update(u32(1), u32(1), 0);
            m.update(u32(2), u32(2), 0);
            m.update(u32(3), u32(3), 0);
            m.lookup(u32(1));               // 2 is now the least recently used
            assertEquals(0, m.update(u32(4), u32(4), 0));
            assertNull(m.get(u32(2)));
            assertArrayEquals(u32(1), m.get(u32(1)));
            m.update(u32(3), u32(33), 0);   // updates count as use: 1 is next
            m.update(u32(5), u32(5), 0);
            assertNull(m.get(u32(1)));
            assertEquals(List.of("04000000", "03000000", "05000000"), m.keysInUseOrder().stream().map(Object::toString).toList());
        }
    }

    @Test
    void ringBufferReserveSubmitDiscardOutput() {
        RingBufMap rb = (RingBufMap) new MapSet(List.of(MapDef.map("rb", MapType.RINGBUF, 0, 0, 64, 0))).get(0);
        long a = rb.reserve(5);
        assertEquals(MemoryLayout.mapValuesBase(0) + 8, a);
        long b = rb.reserve(8);
        assertEquals(a + 8 + 8, b);
        assertTrue(rb.commit(b, true));
        assertTrue(rb.commit(a, false));
        assertTrue(!rb.commit(a, false));
        assertEquals(1, rb.records().size());
        assertEquals(0, rb.reserve(64));
    }

    @Test
    void unsupportedMapTypeIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new MapSet(List.of(MapDef.map("t", MapType.LPM_TRIE, 8, 8, 4, 0))));
        assertTrue(e.getMessage().contains("LPM_TRIE"));
    }

    @Test
    void jsonRoundTripAndPrefill() {
        MapSet maps = new MapSet(List.of(MapDef.map("counts", MapType.HASH, 4, 8, 8, 0),
                MapDef.map("arr", MapType.ARRAY, 4, 4, 2, 0), MapDef.globalData(".rodata", new byte[]{1, 2}, true)));
        MapJson.read("{\"counts\": {\"01000000\": \"0a00000000000000\"}, \"arr\": {\"01000000\": \"ffffffff\"}, \".rodata\": {\"00000000\": \"0304\"}}", maps);
        String json = MapJson.write(maps);
        assertEquals("""
                {
                  "counts": {
                    "01000000": "0a00000000000000"
                  },
                  "arr": {
                    "00000000": "00000000",
                    "01000000": "ffffffff"
                  },
                  ".rodata": {
                    "00000000": "0304"
                  }
                }
                """, json);
        MapSet again = new MapSet(List.of(MapDef.map("counts", MapType.HASH, 4, 8, 8, 0),
                MapDef.map("arr", MapType.ARRAY, 4, 4, 2, 0), MapDef.globalData(".rodata", new byte[]{1, 2}, true)));
        MapJson.read(json, again);
        assertEquals(json, MapJson.write(again));
        assertEquals(Map.of("01000000", "0a00000000000000"), MapJson.dump(again.get(0)));
        assertThrows(IllegalArgumentException.class, () -> MapJson.read("{\"nope\": {}", maps));
        assertThrows(IllegalArgumentException.class, () -> MapJson.read("{\"counts\": {\"01\": \"00\"}}", maps));
    }

    /// r1 = key on the stack, lookup; missing -> insert 1, present -> increment in place.
    static Asm countingProgram(int key) {
        return new Asm()
                .st(Size.W, 10, -4, key)
                .lddw(1, LddwSource.MAP_IDX, 0, 0).movr(2, 10).alu64(AluOp.ADD, 2, -4)
                .call(1)
                .jmp(Cond.JEQ, 0, 0, 4)
                .mov(1, 1).atomic(Size.DW, dev.ebpfc.frontend.insn.AtomicOp.ADD, false, 0, 0, 1)
                .mov(0, 0).exit()
                .st(Size.DW, 10, -16, 1)
                .lddw(1, LddwSource.MAP_IDX, 0, 0).movr(2, 10).alu64(AluOp.ADD, 2, -4).movr(3, 10).alu64(AluOp.ADD, 3, -16).mov(4, 0)
                .call(2)
                .exit();
    }

    @Test
    void programCountsThroughLookupAndUpdate() {
        MapSet maps = new MapSet(List.of(MapDef.map("counts", MapType.HASH, 4, 8, 16, 0)));
        var interp = new dev.ebpfc.runtime.interp.Interpreter(countingProgram(7).program(), RuntimeOptions.linux().withContext(dev.ebpfc.runtime.context.ContextKind.RAW));
        for (int i = 0; i < 3; i++) {
            ExecutionResult r = interp.run(maps, RunInput.empty());
            assertEquals(ErrorKind.NONE, r.error(), r.message());
        }
        assertArrayEquals(u64(3), maps.get(0).get(u32(7)));
        ExecutionResult last = interp.run(maps, RunInput.empty());
        assertEquals(1, last.trace().get(0).id());
        assertEquals(MemoryLayout.mapHandle(0), last.trace().get(0).args()[0]);
        assertEquals(MemoryLayout.mapValuesBase(0), last.trace().get(0).result());
        assertArrayEquals(concat(u32(7), u64(4)), last.region("map counts").bytes());
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void lookupPointerPastTheValueIsOutOfBounds() {
        MapSet maps = new MapSet(List.of(MapDef.map("arr", MapType.ARRAY, 4, 4, 1, 0)));
        ExecutionResult r = new Asm().st(Size.W, 10, -4, 0).lddw(1, LddwSource.MAP_IDX, 0, 0).movr(2, 10).alu64(AluOp.ADD, 2, -4)
                .call(1).ldx(Size.DW, 0, 0, 8).exit()
                .run(RuntimeOptions.linux().withContext(dev.ebpfc.runtime.context.ContextKind.RAW), maps, RunInput.empty());
        assertEquals(ErrorKind.OUT_OF_BOUNDS, r.error());
        assertTrue(r.message().contains("outside arr"), r.message());
    }
}
